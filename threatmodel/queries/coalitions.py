"""``coalitions``: which sets of parties, pooling what they hold, read a datum in one setting.

The parties that read the datum alone are reported as such; the other parties, except the
datum's origins, are the candidates (``among`` and ``exclude`` narrow them).  One symbolic
fixpoint, in the setting, with a pooled reader and a variable ``c_P`` per candidate gives
the condition under which the pool reads the datum as a monotone function of the ``c_P``;
its minimal true sets are the minimal coalitions (:mod:`threatmodel.engine.pool`), found
without trying subsets.  Each coalition's witness is the pool's derivation in that setting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from threatmodel.engine.bdd import Function
from threatmodel.engine.exposure import Analysis, boundary_members
from threatmodel.engine.inference import plain
from threatmodel.engine.pool import (
    POOL,
    MinimalSets,
    member_variable,
    minimal_sets,
    pool_closure,
    pool_in_setting,
    pooled_problem,
    variable_members,
)
from threatmodel.engine.space import Setting
from threatmodel.engine.witness import witness_steps, witness_text
from threatmodel.load.diagnostics import did_you_mean
from threatmodel.load.model import Model, PartyKind

MAX_COALITIONS = 1000
"""Without a size bound, sizes are tried in increasing order until every minimal
coalition is found or more than this many are: a model can have exponentially many."""


class SelectionError(ValueError):
    """An ``--among`` or ``--exclude`` value that names no party, boundary or kind."""


@dataclass(frozen=True)
class Coalition:
    """A minimal coalition and how it reads the datum."""

    members: tuple[str, ...]
    steps: tuple[str, ...]
    """The pool's derivation as phrases, premises first."""
    lines: tuple[str, ...]
    """The same as indented arrow-joined chains."""


@dataclass(frozen=True)
class CoalitionAnswer:
    """The minimal coalitions that read one datum in one setting."""

    datum: str
    setting: Setting
    alone: tuple[str, ...]
    """Parties that read the datum without help, sorted."""
    candidates: tuple[str, ...]
    coalitions: tuple[Coalition, ...]
    """By size, then names."""
    max_size: int | None
    """The largest size looked at; ``None`` when every size was."""
    cut: bool
    """Whether larger minimal coalitions exist that are not listed."""


def select_parties(model: Model, selectors: Iterable[str]) -> set[str]:
    """The parties named by ids of parties or boundaries (with nested boundaries) or by
    party kinds.  Ids come first: a party or boundary whose id is also a kind means the id.
    """
    chosen: set[str] = set()
    kinds = {kind.value for kind in PartyKind}
    for selector in selectors:
        if selector in model.parties:
            chosen.add(selector)
        elif selector in model.boundaries:
            chosen |= boundary_members(model, selector)
        elif selector in kinds:
            chosen |= {p for p, party in model.parties.items() if party.kind.value == selector}
        else:
            names = [*model.parties, *model.boundaries, *sorted(kinds)]
            raise SelectionError(
                f"'{selector}' is no party, boundary or party kind{did_you_mean(selector, names)}"
            )
    return chosen


def coalitions(
    analysis: Analysis,
    datum: str,
    setting: Mapping[str, bool],
    among: Iterable[str] = (),
    exclude: Iterable[str] = (),
    max_size: int | None = None,
) -> CoalitionAnswer:
    """The minimal coalitions of candidates that read ``datum`` in ``setting`` (an allowed
    setting of the analysis); raise :class:`SelectionError` for a bad selector."""
    model = analysis.model
    among = list(among)
    chosen = select_parties(model, among) if among else set(model.parties)
    chosen -= select_parties(model, exclude)
    result = analysis.result_for(setting)
    alone = sorted(result.closure.readers.get(datum, ()))
    origins = set(model.data[datum].origin) if datum in model.data else set()
    candidates = sorted(chosen - origins - set(alone))

    problem = pooled_problem(model, variable_members(candidates))
    bdd = analysis.conditions.bdd
    pool = pool_in_setting(problem, analysis.space, bdd, result.closure, candidates)
    reads = pool.plain.get((POOL, datum), bdd.false)
    found, bound = _minimal_coalitions(analysis, reads, max_size)

    party_of = {member_variable(party): party for party in candidates}
    listed = []
    fact = plain(POOL, datum)
    for variables in found.sets:
        members = tuple(sorted(party_of[variable] for variable in variables))
        closure = pool_closure(problem, result.closure, members)
        listed.append(
            Coalition(
                members=members,
                steps=tuple(witness_steps(model, closure, fact)),
                lines=tuple(witness_text(model, closure, fact)),
            )
        )
    listed.sort(key=lambda c: (len(c.members), c.members))
    return CoalitionAnswer(
        datum=datum,
        setting=dict(result.setting),
        alone=tuple(alone),
        candidates=tuple(candidates),
        coalitions=tuple(listed),
        max_size=bound,
        cut=found.cut,
    )


def _minimal_coalitions(
    analysis: Analysis, reads: Function, max_size: int | None
) -> tuple[MinimalSets, int | None]:
    bdd = analysis.conditions.bdd
    if max_size is not None:
        return minimal_sets(bdd, reads, max_size), max_size
    size = 1
    while True:
        found = minimal_sets(bdd, reads, size)
        if not found.cut:
            return found, None
        if len(found.sets) > MAX_COALITIONS:
            return found, size
        size += 1
