"""What ``check`` decides: the violated expectations and findings of each model, and
whether the run fails.

Violated expectations always fail the check: the model's own author says they must not
happen.  Findings fail it when their severity is at or above ``--fail-on`` (default
``high``); ``--fail-on never`` lets findings be reported without failing.
"""

from __future__ import annotations

from enum import StrEnum

from threatmodel.checks.finding import FindingSeverity


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
