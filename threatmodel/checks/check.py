"""What every built-in check declares: id, name, severity, documentation and its check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from threatmodel.checks.finding import Finding, FindingSeverity
from threatmodel.engine.exposure import Analysis


@dataclass(frozen=True)
class Check:
    """A built-in check; its module docstring is its user documentation."""

    id: str
    """Stable id, ``TM001``..."""
    name: str
    """Short kebab-case name, ``disclosure-outside-boundary``."""
    severity: FindingSeverity
    """The highest severity its findings have (SARIF's default level)."""
    summary: str
    """One sentence: when it holds."""
    doc: str
    """The user documentation (the module docstring), with an example."""
    check: Callable[[Analysis], list[Finding]]
    """Every finding of this check on an analysed model."""
    tags: tuple[str, ...] = ()
    """Labels for code-scanning tools (``privacy``, the LINDDUN threat...)."""

    @property
    def description(self) -> str:
        """The documentation's first paragraph, on one line."""
        first = self.doc.strip().split("\n\n", 1)[0]
        return " ".join(first.split())
