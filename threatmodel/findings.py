"""A built-in finding: a privacy threat that holds in some allowed settings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class FindingSeverity(StrEnum):
    """How serious a finding is; ``--fail-on`` compares against this."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """3 for high down to 0 for info."""
        return {"high": 3, "medium": 2, "low": 1, "info": 0}[self.value]


@dataclass(frozen=True)
class ElementRef:
    """An element a finding concerns, with where it is defined."""

    section: str
    element: str
    line: int
    column: int


@dataclass(frozen=True)
class Finding:
    """One finding of one rule."""

    rule: str
    name: str
    severity: FindingSeverity
    message: str
    party: str | None
    datum: str | None
    condition: str
    """The allowed settings in which it holds, as a formula."""
    elements: tuple[ElementRef, ...]
    """The elements it concerns; the first is the primary location."""
    witness: tuple[str, ...]
    """A derivation of the exposure behind it, in an example setting."""

    def sort_key(self) -> tuple[str, str, str, str]:
        """Rule, then datum, then party, then message."""
        return (self.rule, self.datum or "", self.party or "", self.message)

    def to_json(self) -> dict[str, Any]:
        """The finding as in SPEC section 8, with element positions added."""
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "party": self.party,
            "data": self.datum,
            "condition": self.condition,
            "elements": [ref.element for ref in self.elements],
            "locations": [
                {
                    "element": ref.element,
                    "section": ref.section,
                    "line": ref.line,
                    "column": ref.column,
                }
                for ref in self.elements
            ],
            "witness": list(self.witness),
        }
