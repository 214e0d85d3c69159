"""The allowed setting nearest to a given one, changing as few other variables as possible.

Used when flipping a toggle breaks a constraint (turning E2EE on forces the AI chat off) and
when ``--set`` pins make the default setting disallowed.  Only variables that share a
constraint with a changed variable, directly or through others, can need to change; they are
tried in increasing number of changes, then in name order, so the answer is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations, islice

from threatmodel.bdd import Bdd, Function
from threatmodel.expr import Expression
from threatmodel.settings import Setting, Space

MAX_TRIALS = 200_000
"""Most candidate settings tried before giving up."""


def _constraint_names(space: Space) -> list[set[str]]:
    return [
        {name.name for name in c.require.names() if name.name in space.variables}
        for c in space.model.constraints.values()
    ]


def related_variables(space: Space, changed: Iterable[str]) -> list[str]:
    """Variables linked to ``changed`` through shared constraints, sorted."""
    groups = _constraint_names(space)
    reached = set(changed)
    grown = True
    while grown:
        grown = False
        for group in groups:
            if group & reached and not group <= reached:
                reached |= group
                grown = True
    return sorted(reached - set(changed))


def nearest_allowed(
    space: Space, setting: Mapping[str, bool], fixed: Iterable[str]
) -> tuple[Setting, dict[str, bool]] | None:
    """The allowed setting closest to ``setting`` that keeps the ``fixed`` variables.

    Returns the setting and the variables it had to change (name → new value), or ``None``
    when no allowed setting is found.
    """
    base = dict(setting)
    if space.is_allowed(base):
        return base, {}
    fixed_names = set(fixed) | set(space.pinned)
    broken = {
        name.name
        for cid in space.violated_constraints(base)
        for name in space.model.constraints[cid].require.names()
        if name.name in space.variables
    }
    linked = broken | set(related_variables(space, fixed_names | broken))
    candidates = sorted(linked - fixed_names)
    trials = 0
    for size in range(1, len(candidates) + 1):
        for names in combinations(candidates, size):
            trials += 1
            if trials > MAX_TRIALS:
                return None
            trial = dict(base)
            for name in names:
                trial[name] = not trial[name]
            if space.is_allowed(trial):
                return trial, {name: trial[name] for name in names}
    return None


SEARCH_LIMIT = 10_000
"""Most satisfying assignments examined by :func:`closest_satisfying`."""


def closest_satisfying(
    bdd: Bdd, function: Function, variables: Sequence[str], base: Mapping[str, bool]
) -> tuple[Setting, dict[str, bool]]:
    """A setting in ``function`` differing from ``base`` in as few variables as found among
    the first :data:`SEARCH_LIMIT` satisfying assignments (over the variables ``function``
    depends on); ``function`` must be satisfiable."""
    best: tuple[int, tuple[bool, ...]] | None = None
    chosen: Setting = dict(base)
    care = sorted(bdd.support(function))
    for partial in islice(bdd.assignments(function, care), SEARCH_LIMIT):
        trial = {**base, **partial}
        key = (sum(trial[n] != base[n] for n in variables), tuple(trial[n] for n in variables))
        if best is None or key < best:
            best, chosen = key, trial
    return chosen, {name: chosen[name] for name in variables if chosen[name] != base[name]}


def evaluate_all(expressions: Iterable[Expression], environment: Mapping[str, bool]) -> bool:
    """Whether every expression holds."""
    return all(expression.evaluate(environment) for expression in expressions)
