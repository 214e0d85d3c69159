"""What ``check`` decides: the violated expectations and findings of each model, and
whether the run fails.

Violated expectations always fail the check: the model's own author says they must not
happen.  Findings fail it when their severity is at or above ``--fail-on`` (default
``high``); ``--fail-on never`` lets findings be reported without failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from threatmodel.analysis import Analysis
from threatmodel.checks import run_checks, violated_expectations
from threatmodel.findings import Finding, FindingSeverity
from threatmodel.loader import LoadedModel


class FailOn(StrEnum):
    """The lowest finding severity that fails ``check``."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NEVER = "never"

    def fails(self, severity: FindingSeverity) -> bool:
        """Whether a finding of ``severity`` fails the check."""
        if self is FailOn.NEVER:
            return False
        return severity.rank >= FindingSeverity(self.value).rank


DEFAULT_FAIL_ON = FailOn.HIGH


@dataclass(frozen=True)
class ModelCheck:
    """The outcome of checking one model."""

    loaded: LoadedModel
    violations: tuple[Finding, ...]
    """Violated expectations, one per (expectation, party)."""
    holding: tuple[str, ...]
    """Ids of the expectations that hold in every allowed setting."""
    findings: tuple[Finding, ...]

    def failing(self, fail_on: FailOn) -> list[Finding]:
        """The violations, and the findings at or above ``fail_on``."""
        return [*self.violations, *(f for f in self.findings if fail_on.fails(f.severity))]

    def counts(self) -> dict[str, int]:
        """Number of findings of each severity, highest first."""
        return {
            severity.value: sum(1 for f in self.findings if f.severity is severity)
            for severity in FindingSeverity
        }


@dataclass(frozen=True)
class CheckRun:
    """The outcome of ``check`` over every model given."""

    models: tuple[ModelCheck, ...]
    fail_on: FailOn

    @property
    def failed(self) -> bool:
        """Whether any model has a violation or a finding at the threshold."""
        return any(model.failing(self.fail_on) for model in self.models)


def check_model(analysis: Analysis) -> ModelCheck:
    """Expectations and findings of one analysed model."""
    violations = violated_expectations(analysis)
    broken = {v.about[0] for v in violations}
    holding = tuple(e for e in sorted(analysis.model.expectations) if e not in broken)
    return ModelCheck(
        loaded=analysis.loaded,
        violations=tuple(violations),
        holding=holding,
        findings=tuple(run_checks(analysis)),
    )
