"""Checks that need the whole validated model: boundary nesting, scenarios' assumptions,
warnings.  Constraints are checked by :mod:`threatmodel.engine.consistency`, which needs
the settings space."""

from __future__ import annotations

from collections.abc import Mapping

from threatmodel.load.diagnostics import Diagnostic, Severity
from threatmodel.load.model import Model, Status
from threatmodel.load.yamlsource import SourceMap


def check(model: Model, source: SourceMap) -> list[Diagnostic]:
    """Every model-level problem: errors first-class, warnings for suspicious but valid models."""
    problems = _scenario_assumptions(model, source)
    problems += _warnings(model, source)
    return problems


def parent_cycles(parents: Mapping[str, str], source: SourceMap) -> list[Diagnostic]:
    """Cycles among boundary parents (given as boundary → parent), one error per cycle,
    located at the parent of the cycle's first boundary by name."""
    problems = []
    walked: set[str] = set()
    for start in sorted(parents):
        path: dict[str, int] = {}  # each boundary has one parent: walk up until a repeat
        boundary = start
        while boundary in parents and boundary not in walked and boundary not in path:
            path[boundary] = len(path)
            boundary = parents[boundary]
        walked.update(path)
        if boundary not in path:
            continue
        cycle = list(path)[path[boundary] :]
        first = min(cycle)
        ordered = cycle[cycle.index(first) :] + cycle[: cycle.index(first)]
        route = " → ".join([*ordered, first])
        problems.append(
            Diagnostic(
                source.locate(("boundaries", first, "parent")),
                f"boundary parents form a cycle: {route}",
            )
        )
    return sorted(problems)


def _scenario_assumptions(model: Model, source: SourceMap) -> list[Diagnostic]:
    problems = []
    for scenario_id, scenario in sorted(model.scenarios.items()):
        for name, value in sorted(scenario.assume.items()):
            status = model.assumptions[name].status
            fixed = {Status.VERIFIED: True, Status.REFUTED: False}.get(status)
            if fixed is not None and fixed != value:
                problems.append(
                    Diagnostic(
                        source.locate(("scenarios", scenario_id, "assume", name)),
                        f"assumption '{name}' is {status.value}, so always "
                        f"{str(fixed).lower()}; scenario '{scenario_id}' cannot assume "
                        f"{str(value).lower()}",
                    )
                )
    return problems


def _warnings(model: Model, source: SourceMap) -> list[Diagnostic]:
    problems = []
    for datum_id, datum in sorted(model.data.items()):
        if not datum.origin:
            problems.append(
                Diagnostic(
                    source.locate(("data", datum_id), key=True),
                    f"datum '{datum_id}' has no origin, so no party ever has it",
                    Severity.WARNING,
                )
            )
    return problems
