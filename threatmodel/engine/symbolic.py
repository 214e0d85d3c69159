"""Exposure conditions without enumerating settings (SPEC section 4).

The same rules as :mod:`threatmodel.engine.closure`, lifted: every fact carries the set of allowed
settings in which it holds, as a BDD over the free variables.  A rule application adds the
conjunction of its premises' sets and its guard to its conclusion's set; the least fixpoint
is reached by semi-naive evaluation: when a fact's set grows, only the growth (the *delta*)
is pushed through the rules, conjoined with the other premises' current sets.  BDDs over n
variables form a finite lattice and every rule is monotone, so this terminates.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

from threatmodel.engine.bdd import Bdd, Function, TooLarge, limit_from_environment
from threatmodel.engine.inference import CIPHER, PLAIN, Fact, Problem
from threatmodel.engine.space import Space
from threatmodel.load.expr import Expression
from threatmodel.load.model import Level


@dataclass
class Conditions:
    """For every fact, the allowed settings in which it holds."""

    bdd: Bdd
    allowed: Function
    facts: dict[Fact, Function]
    plain: dict[tuple[str, str], Function]
    """(party, datum) → settings where the party reads the datum."""
    sealed: dict[tuple[str, str], Function]
    """(party, datum) → settings where the party holds some ciphertext of it."""

    def level(self, party: str, datum: str, level: Level) -> Function:
        """Settings in which ``party``'s level for ``datum`` is exactly ``level``."""
        plain: Function = self.plain.get((party, datum), self.bdd.false)
        sealed: Function = self.sealed.get((party, datum), self.bdd.false)
        if level is Level.PLAINTEXT:
            return plain
        if level is Level.CIPHERTEXT:
            return sealed & ~plain
        return self.allowed & ~plain & ~sealed

    def at_least(self, party: str, datum: str, level: Level) -> Function:
        """Settings in which ``party`` gets at least ``level`` of ``datum``."""
        if level is Level.NONE:
            return self.allowed
        plain: Function = self.plain.get((party, datum), self.bdd.false)
        if level is Level.PLAINTEXT:
            return plain
        return plain | self.sealed.get((party, datum), self.bdd.false)

    def pairs(self) -> list[tuple[str, str]]:
        """(party, datum) pairs with any exposure in some allowed setting, sorted."""
        return sorted(set(self.plain) | set(self.sealed))


MAX_FACTS = 2_000_000
"""Most facts the fixpoint derives (``THREATMODEL_MAX_FACTS`` changes it).

Facts grow as parties × data × keys: a 190 KB model of 300 parties passing 50 data
sealed under 50 keys has 1.4 million, and takes 13 s and 560 MB, about 400 bytes of
memory and 10 µs each; a model file of a few megabytes could ask for a hundred times
more.  Ordinary models derive far fewer: the shipped ones a few hundred, a chain of
10,000 parties 10,000."""
FACTS_VARIABLE = "THREATMODEL_MAX_FACTS"


class PartyTooLarge(TooLarge):
    """A limit passed while deriving a fact about ``fact[1]``, where it is reported."""

    def __init__(self, fact: Fact, message: str) -> None:
        super().__init__(message)
        self.fact = fact
        self.party = fact[1]


class TooManyFacts(PartyTooLarge):
    """The fixpoint derived more facts than :data:`MAX_FACTS` (or the variable's limit)."""

    def __init__(self, fact: Fact, limit: int) -> None:
        super().__init__(
            fact,
            f"the analysis passed {limit:,} facts (a party reading a datum, or holding it "
            f"sealed under one key) while deriving what {fact[1]} holds: this model's "
            f"parties, data and keys are too many to analyse within the limit; raise "
            f"{FACTS_VARIABLE}",
        )


class ConditionTooLarge(PartyTooLarge):
    """The settings in which a fact holds need a BDD larger than the manager's limit."""

    def __init__(self, fact: Fact, nodes: int, limit: int, variables: int) -> None:
        what = (
            f"{fact[1]} reads {fact[2]}"
            if fact[0] == PLAIN
            else f"{fact[1]} holds {fact[2]} sealed under {fact[3]}"
        )
        super().__init__(
            fact,
            f"the settings in which {what} need a decision diagram of {nodes:,} nodes, more "
            f"than the limit of {limit:,}: the exposure conditions over these {variables} "
            "free variables are too large to compute; fix some with --set NAME=VALUE, or "
            "raise THREATMODEL_MAX_CONDITION_NODES",
        )


class _Guards:
    """Each flow's and access's activity as a function, compiled when first needed (most
    rules of a large model never fire) and once per distinct guard."""

    def __init__(self, problem: Problem, space: Space, bdd: Bdd) -> None:
        self.problem = problem
        self.space = space
        self.bdd = bdd
        self.functions: dict[str, Function] = {}
        self.compiled: dict[tuple[Expression, ...], Function] = {}

    def __getitem__(self, element: str) -> Function:
        function = self.functions.get(element)
        if function is None:
            expressions = self.problem.guards[element].expressions()
            function = self.compiled.get(expressions)
            if function is None:
                function = self.bdd.true
                for expression in expressions:
                    function &= self.space.compile(self.bdd, expression)
                self.compiled[expressions] = function
            self.functions[element] = function
        return function


def solve(
    problem: Problem,
    space: Space,
    bdd: Bdd,
    allowed: Function,
    progress: Callable[[int], None] | None = None,
    *,
    given: Conditions | None = None,
    only: frozenset[str] | None = None,
) -> Conditions:
    """The lifted least fixpoint; ``progress`` is called with the number of facts done.
    :class:`ConditionTooLarge` when a fact's function passes ``bdd.max_function_nodes``.

    With ``given`` and ``only``, only the facts of the parties in ``only`` are derived; the
    facts of every other party are taken from ``given`` as they are.  This is exact when no
    rule gives a party outside ``only`` a fact from a party inside it (``only`` is closed
    downstream in the model graph) and ``given`` is the fixpoint of a problem that agrees
    with this one on every rule concluding outside ``only``.
    """
    false = bdd.false
    limit = bdd.max_function_nodes
    most_facts = limit_from_environment(FACTS_VARIABLE, MAX_FACTS, "facts")
    guards = _Guards(problem, space, bdd)
    values: dict[Fact, Function] = {}
    pending: dict[Fact, Function] = {}
    queue: deque[Fact] = deque()
    ciphers: dict[tuple[str, str], list[str]] = defaultdict(list)

    def ciphers_under(party: str, key: str) -> list[str]:
        return ciphers.get((party, key), [])

    def add(fact: Fact, delta: Function) -> None:
        old = values.get(fact)
        if old is None:
            if len(values) == most_facts:
                raise TooManyFacts(fact, most_facts)
            values[fact] = delta
            growth = delta
            if fact[0] == CIPHER:
                ciphers[(fact[1], fact[3])].append(fact[2])
        else:
            new = old | delta
            if new == old:
                return
            values[fact] = new
            growth = delta & ~old
        size = values[fact].dag_size
        if size > limit:
            raise ConditionTooLarge(fact, size, limit, len(space.variables) - len(space.pinned))
        if fact in pending:
            pending[fact] = pending[fact] | growth
        else:
            pending[fact] = growth
            queue.append(fact)

    if given is not None and only is not None:
        for fact, function in given.facts.items():
            if fact[1] not in only:
                add(fact, function)
    if allowed != false:
        for step in problem.initial():
            if only is None or step.conclusion[1] in only:
                add(step.conclusion, allowed)
    processed = 0
    while queue:
        fact = queue.popleft()
        delta = pending.pop(fact)
        processed += 1
        if progress is not None and processed % 256 == 0:
            progress(processed)
        for step in problem.consequences(fact, ciphers_under):
            if only is not None and step.conclusion[1] not in only:
                continue
            result = delta
            if step.guard is not None:
                result = result & guards[step.guard]
                if result == false:
                    continue
            for premise in step.premises:
                if premise != fact:
                    result = result & values.get(premise, false)
                    if result == false:
                        break
            if result != false:
                add(step.conclusion, result)
    plain: dict[tuple[str, str], Function] = {}
    sealed: dict[tuple[str, str], Function] = {}
    for fact, function in values.items():
        pair = (fact[1], fact[2])
        if fact[0] == PLAIN:
            plain[pair] = function
        else:
            sealed[pair] = sealed.get(pair, false) | function
    return Conditions(bdd=bdd, allowed=allowed, facts=values, plain=plain, sealed=sealed)
