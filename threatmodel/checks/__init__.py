"""Built-in findings TM001-TM006, one module per rule, in an explicit registry."""

from __future__ import annotations

from threatmodel.analysis import Analysis
from threatmodel.findings import Finding


def run_checks(analysis: Analysis) -> list[Finding]:
    """Every finding of every rule, sorted."""
    return []
