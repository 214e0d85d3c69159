"""Pooled readers: what a set of parties reads when they put together everything they hold.

A *coalition* pools its members' plaintext and ciphertext facts (data and keys alike) in
one reader, :data:`POOL`, to which the rules apply like to any party: R6 opens a ciphertext
one member holds with a key another member holds.  The pool is a sink: it sends nothing,
and members do not act on what only the pool knows.  Pooling is not an access: a member
shares everything it ever received, whatever its ``retains`` says, as its own level does.

The pool is built into a copy of the model as a party that each member sends every datum
to, unprotected, by a flow of its own (:func:`pooled_problem`); R3 and R5 then carry the
member's plaintext and ciphertext facts to the pool.  A member's flow is guarded by a
fresh variable ``c_P`` (:func:`member_variable`) when the members are unknowns, so that the
symbolic fixpoint gives the condition under which the pool reads a datum as a monotone
function of the ``c_P`` and the toggles (:func:`pool_conditions`), or of the ``c_P`` alone
in one setting (:func:`pool_in_setting`); in one setting its minimal true sets over the
``c_P`` are the minimal coalitions (:func:`minimal_sets`).
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import cast

from threatmodel.engine.bdd import Bdd, Function
from threatmodel.engine.closure import Closure, derive
from threatmodel.engine.graph import model_edges
from threatmodel.engine.inference import CIPHER, PLAIN, Fact, Problem, Step
from threatmodel.engine.lazy import Later
from threatmodel.engine.space import Space
from threatmodel.engine.symbolic import Conditions, solve
from threatmodel.load import expr
from threatmodel.load.model import Flow, Model, Party, PartyKind, Protection, ProtectionLevel

POOL = "the coalition"
"""The pooled reader's name: not a valid id (ids have no spaces), so it never clashes."""

_VARIABLE_PREFIX = "c:"
_FLOW_PREFIX = "pool:"


def member_variable(party: str) -> str:
    """The BDD variable ``c_P``: true when ``party`` is in the coalition."""
    return _VARIABLE_PREFIX + party


def pool_flow(party: str) -> str:
    """The id of the flow that carries ``party``'s facts to the pool."""
    return _FLOW_PREFIX + party


def is_pool_step(step: Step) -> bool:
    """Whether a rule application hands a member's fact to the pool."""
    return step.element.startswith(_FLOW_PREFIX) and step.conclusion[1] == POOL


def pooled_model(model: Model, members: Mapping[str, expr.Expression]) -> Model:
    """``model`` with the pool and, for each member, a flow of every datum to it guarded by
    the member's expression."""
    pool = Party.model_construct(title="coalition", kind=PartyKind.THIRD_PARTY)
    data = model.datum_ids()
    flows = dict(model.flows)
    for member, when in sorted(members.items()):
        flows[pool_flow(member)] = Flow.model_construct(
            from_=member,
            to=POOL,
            data=data,
            protection=Protection(ProtectionLevel.NONE),
            when=when,
            observers=[],
        )
    return model.model_copy(update={"parties": {**model.parties, POOL: pool}, "flows": flows})


def pooled_problem(model: Model, members: Mapping[str, expr.Expression]) -> Problem:
    """The rules of :func:`pooled_model`."""
    pooled = pooled_model(model, members)
    return Problem(pooled, model_edges(pooled))


def fixed_members(members: Iterable[str]) -> dict[str, expr.Expression]:
    """Guards for a known coalition: every member always pools."""
    return dict.fromkeys(members, expr.TRUE)


def variable_members(candidates: Iterable[str]) -> dict[str, expr.Expression]:
    """Guards for unknown members: candidate P pools when ``c_P`` holds."""
    return {
        party: expr.Expression(member_variable(party), expr.Name(member_variable(party), 0))
        for party in candidates
    }


def pool_conditions(
    problem: Problem, space: Space, bdd: Bdd, base: Conditions, members: Iterable[str] = ()
) -> Conditions:
    """The pool's facts as functions of the toggles (and of the ``c_P`` of ``members``,
    declared here), from the fixpoint ``base`` of the model without the pool."""
    bdd.declare(member_variable(party) for party in sorted(members))
    return solve(problem, space, bdd, base.allowed, given=base, only=frozenset({POOL}))


def pool_in_setting(
    problem: Problem, space: Space, bdd: Bdd, base: Closure, members: Iterable[str]
) -> Conditions:
    """The pool's facts in one setting as functions of the ``c_P`` of ``members`` alone.

    ``base`` is the closure of the model without the pool in that setting: its facts are
    given as true, so that the toggles are gone from every function (over the toggles, the
    functions interleave each member's guards with its variable and can grow large).
    """
    given = Conditions(
        bdd=bdd, allowed=bdd.true, facts=dict.fromkeys(base.costs, bdd.true), plain={}, sealed={}
    )
    return pool_conditions(problem, space, bdd, given, members)


def pool_closure(problem: Problem, base: Closure, members: Iterable[str]) -> Closure:
    """The closure of one setting with the pool of ``members`` added to ``base``.

    ``problem`` is a :func:`pooled_problem` with (at least) these members; ``base`` is the
    closure of the model without the pool in the setting.  Only the pool's facts are
    derived, from the members' facts in ``base``, with derivations ranked by (evidence tier,
    rule applications) as in :func:`threatmodel.engine.closure.close` (the pool is a sink, so
    the other facts and their ranks do not change).
    """
    wanted = {pool_flow(member) for member in members}
    member_set = set(members)
    seeds = [
        step
        for fact in base.costs
        if fact[1] in member_set
        for step in problem.consequences(fact, _no_ciphers)
    ]
    costs, tiers, steps = derive(problem, seeds, wanted, known=base, sink=POOL)
    readers = {datum: set(parties) for datum, parties in base.readers.items()}
    sealed = {datum: set(parties) for datum, parties in base.sealed.items()}
    for fact in costs:
        if fact[0] == PLAIN:
            readers.setdefault(fact[2], set()).add(POOL)
    for fact in costs:
        if fact[0] == CIPHER and POOL not in readers.get(fact[2], ()):
            sealed.setdefault(fact[2], set()).add(POOL)
    # ChainMap only ever writes to its first map: the base closure is not changed.
    return Closure(
        steps=ChainMap(steps, cast("MutableMapping[Fact, Step]", base.steps)),
        costs=ChainMap(costs, cast("MutableMapping[Fact, int]", base.costs)),
        tiers=ChainMap(tiers, cast("MutableMapping[Fact, int]", base.tiers)),
        readers=readers,
        sealed=sealed,
    )


def _no_ciphers(party: str, key: str) -> list[str]:
    """The pool holds nothing yet when the members' facts are first passed on."""
    return []


def coalition_name(ids: Iterable[str]) -> str:
    """How reports name a known coalition: the party and boundary ids that make it up,
    sorted, joined by ``+`` (``meta+ohttp_relay``)."""
    return "+".join(sorted(set(ids)))


@dataclass(frozen=True)
class Pool:
    """A known coalition's pooled reader: its rules and the settings of each of its facts."""

    members: tuple[str, ...]
    problem: Problem
    deferred_conditions: Later[Conditions] = field(repr=False)
    """The pool's facts (party :data:`POOL`) as functions of the toggles, made when first
    asked for (:attr:`conditions`)."""

    @property
    def conditions(self) -> Conditions:
        """The pool's facts as functions of the toggles."""
        return self.deferred_conditions.get()

    def closure(self, base: Closure) -> Closure:
        """``base`` (the closure of the model in one setting) with the pool's facts added."""
        return pool_closure(self.problem, base, self.members)


def fixed_pool(
    model: Model, members: Iterable[str], space: Space, bdd: Bdd, base: Later[Conditions]
) -> Pool:
    """The pool of a known coalition, from the fixpoint ``base`` of the model (both made
    when the pool's conditions are first asked for)."""
    ordered = tuple(sorted(set(members)))
    problem = pooled_problem(model, fixed_members(ordered))
    return Pool(ordered, problem, Later(lambda: pool_conditions(problem, space, bdd, base.get())))


@dataclass(frozen=True)
class MinimalSets:
    """The minimal true sets of a monotone function, up to a size."""

    sets: tuple[tuple[str, ...], ...]
    """Each set sorted; the sets sorted by size, then names."""
    cut: bool
    """Whether larger minimal sets exist that were left out."""


def minimal_sets(bdd: Bdd, function: Function, limit: int | None = None) -> MinimalSets:
    """The minimal sets of variables whose being true (and all others false) makes the
    monotone ``function`` true: its prime implicants, each a conjunction of positive
    literals.  With ``limit``, only those of at most ``limit`` variables.

    Shannon expansion on the root variable x: a minimal set either leaves x out, and is a
    minimal set of ``function`` with x false, or contains x, and is x with a minimal set of
    ``function`` with x true that is not already a true set with x false.  Results are kept
    per (node, size bound), so the work is bounded by the BDD's size times the bound times
    the number of sets found.
    """
    memo: dict[tuple[Function, int], list[frozenset[str]]] = {}
    closures: dict[tuple[Function, int], Function] = {}

    def walk(node: Function, bound: int) -> list[frozenset[str]]:
        if node == bdd.false:
            return []
        if node == bdd.true:
            return [frozenset()]
        if bound == 0:
            return []
        found = memo.get((node, bound))
        if found is None:
            variable, low, high = bdd.branch(node)
            found = list(walk(low, bound))
            for rest in walk(high, bound - 1):
                if not _true_at(bdd, low, rest):
                    found.append(rest | {variable})
            memo[(node, bound)] = found
        return found

    def upward(node: Function, bound: int) -> Function:
        """The true sets of ``node`` that contain a minimal set of at most ``bound``."""
        if node == bdd.false or node == bdd.true:
            return node
        if bound == 0:  # a monotone function true on the empty set is constant
            return bdd.false
        result = closures.get((node, bound))
        if result is None:
            variable, low, high = bdd.branch(node)
            result = upward(low, bound) | (bdd.var(variable) & upward(high, bound - 1))
            closures[(node, bound)] = result
        return result

    bound = limit if limit is not None else len(bdd.support(function))
    found = walk(function, bound)
    cut = limit is not None and bool(upward(function, bound) != function)
    memo.clear()  # the recursive closures form cycles: free the BDD nodes now
    closures.clear()
    ordered = sorted((tuple(sorted(s)) for s in found), key=lambda s: (len(s), s))
    return MinimalSets(tuple(ordered), cut)


def _true_at(bdd: Bdd, node: Function, members: frozenset[str]) -> bool:
    """Whether ``node`` holds with the variables of ``members`` true and all others false."""
    while node != bdd.true and node != bdd.false:
        variable, low, high = bdd.branch(node)
        node = high if variable in members else low
    return bool(node == bdd.true)
