"""The one result every command reports: a model's analysis with its verdict.

:func:`assess` loads nothing and prints nothing: it analyses a loaded model
(:mod:`threatmodel.engine.exposure`), runs the built-in checks and the model's expectations
(:mod:`threatmodel.checks`) once, and returns them together, frozen.  ``analyze``, ``check``,
``report`` and ``diff`` all read this object, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from threatmodel.checks import run_checks, violated_expectations
from threatmodel.checks.finding import Finding, FindingSeverity
from threatmodel.checks.verdict import FailOn
from threatmodel.engine.bdd import Bdd
from threatmodel.engine.exposure import DEFAULT_MAX_SETTINGS, Analysis, analyze
from threatmodel.engine.space import Mode
from threatmodel.load.loader import LoadedModel
from threatmodel.load.model import Evidence, Model


@dataclass(frozen=True)
class Assessment:
    """A model's analysis, its built-in findings and its violated expectations."""

    analysis: Analysis
    findings: tuple[Finding, ...]
    """Every finding of every built-in check, sorted."""
    violations: tuple[Finding, ...]
    """Violated expectations (TM100), one per (expectation, party)."""
    holding: tuple[str, ...]
    """Ids of the expectations that hold in every allowed setting."""

    @property
    def loaded(self) -> LoadedModel:
        """The model file assessed."""
        return self.analysis.loaded

    @property
    def model(self) -> Model:
        """The model assessed."""
        return self.analysis.model

    def verdict(self) -> Verdict:
        """What ``check`` reports of this model, without the analysis behind it (nor the
        BDD node of each finding's condition, which would keep its manager alive)."""
        return Verdict(
            path=self.loaded.path,
            title=self.model.title,
            findings=tuple(replace(f, function=None) for f in self.findings),
            violations=tuple(replace(v, function=None) for v in self.violations),
            holding=self.holding,
        )


@dataclass(frozen=True)
class Verdict:
    """A model's findings and violated expectations, without its analysis.

    ``check`` keeps one per model and lets each analysis go once it is judged, so that its
    memory does not grow with the number of models (60 copies of a shipped model: 431 MB
    when every analysis was kept until the report was written, 116 MB now)."""

    path: str
    title: str
    findings: tuple[Finding, ...]
    violations: tuple[Finding, ...]
    holding: tuple[str, ...]

    def failing(self, fail_on: FailOn) -> list[Finding]:
        """The violations, and the findings at or above ``fail_on``."""
        return [*self.violations, *(f for f in self.findings if fail_on.fails(f.severity))]

    def counts(self) -> dict[str, int]:
        """Number of findings of each severity, highest first."""
        return {
            severity.value: sum(1 for f in self.findings if f.severity is severity)
            for severity in FindingSeverity
        }


def judge(analysis: Analysis) -> Assessment:
    """The findings and violated expectations of an analysis."""
    violations = violated_expectations(analysis)
    broken = {v.about[0] for v in violations}
    holding = tuple(e for e in sorted(analysis.model.expectations) if e not in broken)
    return Assessment(
        analysis=analysis,
        findings=tuple(run_checks(analysis)),
        violations=tuple(violations),
        holding=holding,
    )


def assess(
    loaded: LoadedModel,
    mode: Mode = Mode.ALL,
    overrides: Mapping[str, bool] | None = None,
    max_settings: int = DEFAULT_MAX_SETTINGS,
    progress: Callable[[int], None] | None = None,
    *,
    bdd: Bdd | None = None,
    min_evidence: Evidence | None = None,
) -> Assessment:
    """Analyse and judge a loaded model; raise
    :class:`~threatmodel.engine.space.SettingsError` for impossible ``--set`` pins.

    ``bdd``: a manager to build the conditions in, so that two assessments can be compared
    (see :func:`threatmodel.engine.exposure.analyze`); ``min_evidence``: count only
    derivations at that evidence tier or stronger.

    Examples
    --------
    >>> from threatmodel.load.examples import chat
    >>> assessment = assess(chat())
    >>> [(f.rule, f.party, f.datum, f.condition) for f in assessment.findings]
    [('TM001', 'server', 'message', 'not e2ee')]
    """
    analysis = analyze(
        loaded, mode, overrides, max_settings, progress, bdd=bdd, min_evidence=min_evidence
    )
    return judge(analysis)


@dataclass(frozen=True)
class CheckRun:
    """The outcome of ``check`` over every model given."""

    models: tuple[Verdict, ...]
    fail_on: FailOn

    @property
    def failed(self) -> bool:
        """Whether any model has a violation or a finding at the threshold."""
        return any(model.failing(self.fail_on) for model in self.models)
