"""The closure of one setting: every fact, its evidence, and a derivation attaining it.

This is Knuth's generalisation of Dijkstra's algorithm to derivations.  A derivation's value
is the pair (tier, cost): its tier is the weakest evidence rank among its steps
(:mod:`threatmodel.engine.evidence`), its cost the number of rule applications in its tree.
A step's value is computed from its premises' values (the largest tier, one plus the sum of
costs), and never precedes any premise's value in lexicographic order, so these are
superior functions and facts can be finalised in order of value: the first derivation to
reach a fact attains the strongest tier of any derivation of it (a max-min or widest-path
fixpoint), and is the smallest one built from its premises' own chosen derivations.  When
every element has the same evidence, this is the derivation of fewest rule applications.
Among derivations of equal value the one with the smallest ``(fact, rule, element,
premises)`` wins, so the result never depends on iteration order.  Each fact is finalised
once and each rule application is tried once per premise, so the work is linear in the size
of the rule index, times a logarithm for the heap.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field

from threatmodel.engine.inference import CIPHER, PLAIN, Fact, Problem, Step, plain
from threatmodel.load.model import Level


@dataclass(frozen=True)
class Closure:
    """All facts of one setting, their evidence, and a witness of each."""

    steps: Mapping[Fact, Step]
    """The step that derives each fact in its witness."""
    costs: Mapping[Fact, int]
    """Number of rule applications in each fact's witness."""
    tiers: Mapping[Fact, int]
    """Evidence rank of each fact: the strongest among its derivations (0: established)."""
    readers: Mapping[str, set[str]]
    """Datum → parties that read it in plaintext."""
    sealed: Mapping[str, set[str]]
    """Datum → parties holding it only as ciphertext."""
    _starts: dict[Fact, tuple[Fact, int]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _ciphers: dict[tuple[str, str], list[Fact]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    phrases: dict[Fact, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    """The step deriving each fact as a phrase, kept as witnesses are written
    (:func:`threatmodel.engine.witness.phrase`): the witnesses of a chain's parties share
    most of their steps."""

    def level(self, party: str, datum: str) -> Level:
        """How much of ``datum`` ``party`` gets."""
        if party in self.readers.get(datum, ()):
            return Level.PLAINTEXT
        if party in self.sealed.get(datum, ()):
            return Level.CIPHERTEXT
        return Level.NONE

    def exposure(self, datum: str) -> tuple[list[str], list[str]]:
        """Parties reading ``datum`` in plaintext, and those holding only ciphertext."""
        return sorted(self.readers.get(datum, ())), sorted(self.sealed.get(datum, ()))

    def strongest_fact(self, party: str, datum: str) -> Fact | None:
        """The fact behind ``party``'s level: plaintext, else the ciphertext with the
        strongest evidence, then the cheapest."""
        fact = plain(party, datum)
        if fact in self.costs:
            return fact
        if self._ciphers is None:
            index: dict[tuple[str, str], list[Fact]] = defaultdict(list)
            for known in self.costs:
                if known[0] == CIPHER:
                    index[(known[1], known[2])].append(known)
            object.__setattr__(self, "_ciphers", dict(index))
        assert self._ciphers is not None
        candidates = [
            (self.tiers[f], self.costs[f], f) for f in self._ciphers.get((party, datum), ())
        ]
        return min(candidates)[2] if candidates else None

    def chain_start(self, fact: Fact) -> tuple[Fact, int]:
        """Where the chain of single-premise steps ending at ``fact`` starts: the nearest
        fact back along it whose step has no premise or several, and how many steps
        follow that fact up to ``fact``.

        Remembered for every fact walked, so that the chains of all facts of a closure cost
        time linear in their number together (witnesses of long chains skip their middle
        with it instead of walking it).
        """
        starts = self._starts
        path: list[Fact] = []
        current = fact
        while current not in starts:
            step = self.steps[current]
            if len(step.premises) != 1:
                starts[current] = (current, 0)
                break
            path.append(current)
            current = step.premises[0]
        start, distance = starts[current]
        for walked in reversed(path):
            distance += 1
            starts[walked] = (start, distance)
        return starts[fact]

    def derivation(self, fact: Fact) -> list[Step]:
        """The witness of ``fact`` as steps in post-order (premises first).

        Sub-derivations shared by several premises are listed once.
        """
        order: list[Step] = []
        done: set[Fact] = set()
        stack: list[tuple[Fact, bool]] = [(fact, False)]
        while stack:
            current, expanded = stack.pop()
            if current in done:
                continue
            step = self.steps[current]
            if expanded:
                done.add(current)
                order.append(step)
                continue
            stack.append((current, True))
            stack.extend((premise, False) for premise in reversed(step.premises))
        return order


def close(problem: Problem, active: Container[str]) -> Closure:
    """The least fixpoint of the rules with the flows and accesses in ``active``."""
    costs, tiers, steps = derive(problem, problem.initial(), active)
    readers: dict[str, set[str]] = defaultdict(set)
    holders: dict[str, set[str]] = defaultdict(set)
    for fact in costs:
        (readers if fact[0] == PLAIN else holders)[fact[2]].add(fact[1])
    sealed = {datum: parties - readers.get(datum, set()) for datum, parties in holders.items()}
    return Closure(steps=steps, costs=costs, tiers=tiers, readers=dict(readers), sealed=sealed)


def derive(
    problem: Problem,
    seeds: Iterable[Step],
    active: Container[str],
    known: Closure | None = None,
    sink: str | None = None,
) -> tuple[dict[Fact, int], dict[Fact, int], dict[Fact, Step]]:
    """The facts derived from ``seeds`` and from every fact derived, each with its witness
    (costs, tiers and steps, by fact), by the algorithm of the module documentation.

    Only steps whose guard is in ``active`` (or that have none) apply.  ``known``: a closure
    whose facts count as premises but are not derived again; ``sink``: derive only facts
    about that party (:func:`threatmodel.engine.pool.pool_closure` adds one party's facts
    to a finished closure).
    """
    costs: dict[Fact, int] = {}
    tiers: dict[Fact, int] = {}
    steps: dict[Fact, Step] = {}
    known_costs: Mapping[Fact, int] = known.costs if known is not None else {}
    known_tiers: Mapping[Fact, int] = known.tiers if known is not None else {}
    ciphers: dict[tuple[str, str], list[str]] = defaultdict(list)
    heap: list[tuple[int, int, Fact, tuple[int, str, tuple[Fact, ...]], int, Step]] = []
    sequence = 0

    def ciphers_under(party: str, key: str) -> list[str]:
        return ciphers.get((party, key), [])

    # The loop is written out (no helper per step): it is the hot path of every setting.
    candidates: Iterable[Step] = seeds
    while True:
        for step in candidates:
            conclusion = step.conclusion
            if conclusion in costs or (sink is not None and conclusion[1] != sink):
                continue
            if step.guard is not None and step.guard not in active:
                continue
            total = 1
            weakest = step.tier
            for premise in step.premises:
                cost = costs.get(premise)
                if cost is None:
                    cost = known_costs.get(premise)
                    if cost is None:
                        break
                    weakest = max(weakest, known_tiers[premise])
                else:
                    weakest = max(weakest, tiers[premise])
                total += cost
            else:
                sequence += 1
                heapq.heappush(heap, (weakest, total, conclusion, step.order(), sequence, step))
        while heap:
            tier, cost, fact, _, _, step = heapq.heappop(heap)
            if fact not in costs:
                break
        else:
            break
        costs[fact] = cost
        tiers[fact] = tier
        steps[fact] = step
        if fact[0] == CIPHER:
            ciphers[(fact[1], fact[3])].append(fact[2])
        candidates = problem.consequences(fact, ciphers_under)
    return costs, tiers, steps
