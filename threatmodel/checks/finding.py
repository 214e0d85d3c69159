"""A built-in finding: a privacy threat that holds in some allowed settings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
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
    about: tuple[str, ...] = ()
    """Ids besides party and datum that tell this finding from others of its rule (the
    assumption of TM003, the toggle of TM004...); part of :attr:`identity`."""
    example: tuple[tuple[str, bool], ...] = ()
    """The example setting of the witness, as (variable, value) pairs in variable order."""
    witness_lines: tuple[str, ...] = ()
    """The witness as indented arrow-joined chains (the derivation tree)."""
    witness_elements: tuple[ElementRef | None, ...] = ()
    """For each step of :attr:`witness`, the element it applies (``None`` if unknown)."""
    evidence: str | None = None
    """The evidence tier of the witness's fact (``established``...); ``None`` without one."""
    function: Any = field(default=None, compare=False, repr=False)
    """The condition as a BDD node of the analysis' manager (``None`` when not kept)."""

    @property
    def when(self) -> str:
        """``always``, or ``when CONDITION``."""
        return "always" if self.condition == "always" else f"when {self.condition}"

    @property
    def qualifier(self) -> str:
        """``when CONDITION; evidence: TIER`` (without the tier when there is no witness)."""
        return self.when if self.evidence is None else f"{self.when}; evidence: {self.evidence}"

    def sort_key(self) -> tuple[str, str, str, str]:
        """Rule, then datum, then party, then message."""
        return (self.rule, self.datum or "", self.party or "", self.message)

    @property
    def identity(self) -> tuple[str, ...]:
        """What makes two findings the same across versions of a model: rule, party,
        datum and :attr:`about` — never positions or wording."""
        return (self.rule, self.party or "", self.datum or "", *self.about)

    def fingerprint(self, path: str) -> str:
        """A hex digest of :attr:`identity` and the file, stable when lines move."""
        text = "\x1f".join((path, *self.identity))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def to_json(self) -> dict[str, Any]:
        """The finding as in SPEC section 8, with element positions added."""
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "party": self.party,
            "data": self.datum,
            "about": list(self.about),
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
            "example": dict(self.example),
            "witness": list(self.witness),
            "evidence": self.evidence,
        }
