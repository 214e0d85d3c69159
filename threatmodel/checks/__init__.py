"""Built-in checks TM001-TM006, one module each, in an explicit registry.

Each check module's docstring is its user documentation (``threatmodel rules ID`` prints it).
Violated expectations are checked by :mod:`threatmodel.checks.expectations` (TM100), which
``check`` reports beside the findings.
"""

from __future__ import annotations

from threatmodel.checks import (
    compelled_disclosure,
    disclosure_outside_boundary,
    expectations,
    incomplete_deletion,
    protection_tradeoff,
    secondary_use,
    unverified_protection,
)
from threatmodel.checks.check import Check
from threatmodel.checks.finding import Finding
from threatmodel.engine.exposure import Analysis

CHECKS: dict[str, Check] = {
    check.id: check
    for check in (
        disclosure_outside_boundary.CHECK,
        compelled_disclosure.CHECK,
        unverified_protection.CHECK,
        incomplete_deletion.CHECK,
        secondary_use.CHECK,
        protection_tradeoff.CHECK,
    )
}
"""Check id → check, for every built-in finding."""

EXPECTATION_CHECK: Check = expectations.CHECK
"""The check under which ``check`` and SARIF report violated expectations."""


def run_checks(analysis: Analysis) -> list[Finding]:
    """Every finding of every check, sorted."""
    findings = [finding for check in CHECKS.values() for finding in check.check(analysis)]
    return sorted(findings, key=Finding.sort_key)


def violated_expectations(analysis: Analysis) -> list[Finding]:
    """Every (expectation, party) broken in some allowed setting, as TM100 results, by
    expectation and party."""
    return sorted(EXPECTATION_CHECK.check(analysis), key=lambda v: (v.about, v.party or ""))


__all__ = ["CHECKS", "EXPECTATION_CHECK", "Check", "run_checks", "violated_expectations"]
