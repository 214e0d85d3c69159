"""The allowed setting nearest to a given one, changing as few other variables as possible.

Used when flipping a toggle breaks a constraint (turning E2EE on forces the AI chat off) and
when ``--set`` pins make the default setting disallowed.  Only variables that share a
constraint with a changed variable, directly or through others, can need to change; they are
tried in increasing number of changes, then in name order, so the answer is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations

from threatmodel.engine.bdd import Bdd, Function
from threatmodel.engine.space import Setting, Space

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


def closest_satisfying(
    bdd: Bdd, function: Function, variables: Sequence[str], base: Mapping[str, bool]
) -> tuple[Setting, dict[str, bool]]:
    """The setting in ``function`` that differs from ``base`` in the fewest variables, the
    first in product order among those; ``function`` must be satisfiable.

    Exact: each node's fewest changes is computed once, following the BDD's own order, so
    the search is linear in the size of the BDD; then values are chosen variable by variable
    in name order, false first whenever that keeps the minimum.  Variables ``function`` does
    not constrain keep their ``base`` value.
    """
    changes = _FewestChanges(bdd, base)
    chosen: Setting = dict(base)
    current = function
    while current != bdd.true:
        name = min(bdd.support(current))
        low = bdd.restrict(current, {name: False})
        high = bdd.restrict(current, {name: True})
        via_low = changes(low) + changes.cost(name, False)
        via_high = changes(high) + changes.cost(name, True)
        chosen[name] = via_high < via_low
        current = high if chosen[name] else low
    return chosen, {name: chosen[name] for name in variables if chosen[name] != base[name]}


class _FewestChanges:
    """How few variables must change from ``base`` to satisfy a function, memoised."""

    IMPOSSIBLE = 1 << 30

    def __init__(self, bdd: Bdd, base: Mapping[str, bool]) -> None:
        self.bdd = bdd
        self.base = base
        self.memo: dict[Function, int] = {bdd.true: 0, bdd.false: self.IMPOSSIBLE}

    def cost(self, name: str, value: bool) -> int:
        """1 when giving ``name`` this value is a change; variables ``base`` does not name
        (another model's, in a diff) cost nothing."""
        return int(name in self.base and self.base[name] != value)

    def __call__(self, function: Function) -> int:
        known = self.memo.get(function)
        if known is not None:
            return known
        # Variables skipped between a node and its children are free: they keep their base
        # value, at no cost.
        name, low, high = self.bdd.branch(function)
        result = min(self(low) + self.cost(name, False), self(high) + self.cost(name, True))
        self.memo[function] = min(result, self.IMPOSSIBLE)
        return self.memo[function]
