"""The rules R1-R8 of SPEC section 4, as an index over the model graph.

Both engines use this module: the per-setting closure (:mod:`threatmodel.engine.closure`) and the
symbolic one (:mod:`threatmodel.engine.symbolic`).  Given a fact, :meth:`Problem.consequences`
yields every rule application (:class:`Step`) that has the fact as a premise; the engines
decide whether the other premises and the step's guard hold.

Facts are tuples: ``("plain", P, D)`` — P can read D; ``("cipher", P, D, K)`` — P holds D
encrypted under key K.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import IntEnum
from typing import NamedTuple

from threatmodel.engine.evidence import ESTABLISHED, ElementTiers
from threatmodel.engine.graph import EdgeKind, ModelEdge
from threatmodel.load.expr import And, Const, Expression, Name, Node, Not
from threatmodel.load.model import Evidence, Model, ProtectionLevel

Fact = tuple[str, ...]
PLAIN = "plain"
CIPHER = "cipher"


def _literals(node: Node) -> list[tuple[str, bool]] | None:
    """The literals of a conjunction of literals (``true`` has none), else ``None``."""
    if isinstance(node, Const):
        return [] if node.value else None
    if isinstance(node, Name):
        return [(node.name, True)]
    if isinstance(node, Not):
        return [(node.operand.name, False)] if isinstance(node.operand, Name) else None
    if isinstance(node, And):
        found: list[tuple[str, bool]] = []
        for operand in node.operands:
            literals = _literals(operand)
            if literals is None:
                return None
            found.extend(literals)
        return found
    return None


def plain(party: str, datum: str) -> Fact:
    """``plain(P, D)``: P can read D."""
    return (PLAIN, party, datum)


def cipher(party: str, datum: str, key: str) -> Fact:
    """``cipher(P, D, K)``: P holds D sealed under K."""
    return (CIPHER, party, datum, key)


class Rule(IntEnum):
    """The rules of SPEC section 4; the value orders ties between derivations."""

    ORIGIN = 1
    KEY = 2
    SEND = 3
    SEAL = 4
    RELAY = 5
    OPEN = 6
    OBSERVE = 7
    ACCESS = 8


class Step(NamedTuple):
    """One rule application: ``premises`` give ``conclusion`` when ``guard`` is active.

    A named tuple: both engines make one per rule application, millions in a large model,
    and a tuple is made in a third of the time a frozen dataclass takes."""

    rule: Rule
    element: str
    """The datum (R1), key (R2, R6), flow (R3-R5, R7) or access (R8) applied."""
    conclusion: Fact
    premises: tuple[Fact, ...]
    guard: str | None
    """Flow or access that must be active; ``None`` for unconditional rules."""
    tier: int = ESTABLISHED
    """Evidence rank of the elements it uses (:mod:`threatmodel.engine.evidence`)."""

    def order(self) -> tuple[int, str, tuple[Fact, ...]]:
        """Deterministic tie-break between derivations of the same size."""
        return (self.rule.value, self.element, self.premises)


@dataclass(frozen=True, slots=True)
class _Send:
    flow: str
    receiver: str
    level: ProtectionLevel
    key: str | None
    tier: int


@dataclass(frozen=True, slots=True)
class _Grant:
    access: str
    party: str
    scope: frozenset[str] | None
    tier: int


@dataclass(frozen=True)
class Guard:
    """What must hold for a flow or access to be active."""

    when: Expression
    retains: Expression | None = None
    """For an access: the ``retains`` of the party the data is obtained from."""

    def expressions(self) -> tuple[Expression, ...]:
        """The expressions that must all hold."""
        return (self.when,) if self.retains is None else (self.when, self.retains)


class Activity(AbstractSet[str]):
    """The flows and accesses active in one setting, kept as which guards hold.

    Making one evaluates each distinct guard once, whatever the number of elements: listing
    thousands of settings of a model of 25,000 flows made a set of them for each, most of
    the listing's time.  ``key`` tells two activities apart (equal keys, equal sets)."""

    __slots__ = ("_group_of", "key")

    def __init__(self, group_of: Mapping[str, int], key: bytes) -> None:
        self._group_of = group_of
        self.key = key
        """Whether each guard holds, in the order of :meth:`Problem._group_guards`."""

    def __contains__(self, element: object) -> bool:
        group = self._group_of.get(element) if isinstance(element, str) else None
        return group is not None and self.key[group] == 1

    def __iter__(self) -> Iterator[str]:
        key = self.key
        return (element for element, group in self._group_of.items() if key[group])

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Problem:
    """The model compiled for the closure: the rules indexed by premise.

    With ``min_evidence``, the rule applications whose elements are weaker than that tier
    are left out, so that both engines count only derivations at that tier or stronger.
    """

    def __init__(
        self,
        model: Model,
        edges: Sequence[ModelEdge],
        min_evidence: Evidence | None = None,
    ) -> None:
        self.model = model
        self.edges = edges
        self.min_evidence = min_evidence
        self._weakest = Evidence.UNSOURCED.rank if min_evidence is None else min_evidence.rank
        self.tiers = ElementTiers(model)
        self.parties: list[str] = sorted(model.parties)
        self.data: list[str] = model.datum_ids()
        self.keys: frozenset[str] = frozenset(model.keys)
        self.guards: dict[str, Guard] = {}
        self._sends: dict[tuple[str, str], list[_Send]] = defaultdict(list)
        self._observes: dict[tuple[str, str], list[_Send]] = defaultdict(list)
        self._grants: dict[str, list[_Grant]] = defaultdict(list)
        self._inputs: dict[str, tuple[str, ...]] = {}
        self._origins: dict[str, frozenset[str]] = {}
        self._derived_by_input: dict[str, list[str]] = defaultdict(list)
        self._index(model, edges)

    def _index(self, model: Model, edges: Sequence[ModelEdge]) -> None:
        tiers = self.tiers
        for edge in edges:
            sender, receiver, kind = edge.tail, edge.head, edge.role
            if kind is EdgeKind.ACCESS:
                element = edge.element
                access = model.access[element]
                scope = None if access.data is None else frozenset(access.data)
                tier = max(tiers.access[element], tiers.parties[sender])
                self.guards[element] = Guard(access.when, model.parties[sender].retains)
                if tier <= self._weakest:
                    self._grants[sender].append(_Grant(element, receiver, scope, tier))
                continue
            flow_id = edge.element
            flow = model.flows[flow_id]
            protection = flow.protection
            tier = tiers.flows[flow_id]
            if kind is EdgeKind.OBSERVE:
                tier = max(tier, tiers.parties[receiver])
            send = _Send(flow_id, receiver, protection.level, protection.key, tier)
            table = self._sends if kind is EdgeKind.FLOW else self._observes
            if kind is EdgeKind.OBSERVE and protection.level is ProtectionLevel.TRANSPORT:
                continue
            self.guards[flow_id] = Guard(flow.when)
            if tier > self._weakest:
                continue
            for datum in dict.fromkeys(flow.data):
                table[(sender, datum)].append(send)
        for datum_id, entry in sorted(model.data.items()):
            if tiers.data[datum_id] > self._weakest:
                self._origins[datum_id] = frozenset()
                continue
            self._origins[datum_id] = frozenset(entry.origin)
            inputs = tuple(dict.fromkeys(entry.derived_from))
            if inputs:
                self._inputs[datum_id] = inputs
                for item in inputs:
                    self._derived_by_input[item].append(datum_id)
        self._group_guards()

    def _group_guards(self) -> None:
        """Group the elements by guard for :meth:`active`: group 0 always active, then one
        group per conjunction of literals, then one per other guard; elements with the same
        guard share one evaluation."""
        simple: dict[tuple[tuple[str, bool], ...], list[str]] = defaultdict(list)
        general: dict[tuple[Expression, ...], list[str]] = defaultdict(list)
        for element, guard in self.guards.items():
            literals: list[tuple[str, bool]] | None = []
            for expression in guard.expressions():
                found = _literals(expression.root)
                if found is None or literals is None:
                    literals = None
                    break
                literals.extend(found)
            if literals is None:
                general[guard.expressions()].append(element)
            else:
                simple[tuple(sorted(set(literals)))].append(element)
        always = simple.pop((), [])
        self._names = sorted({name for literals in simple for name, _ in literals})
        bit = {name: 1 << index for index, name in enumerate(self._names)}
        self._simple = [
            (
                sum(bit[name] for name, value in literals if value),
                sum(bit[name] for name, value in literals if not value),
            )
            for literals in simple
        ]
        """Each conjunction of literals as the bits of the names it needs true and false."""
        self._general = list(general)
        groups = [always, *simple.values(), *general.values()]
        self._group_of: dict[str, int] = {
            element: number for number, elements in enumerate(groups) for element in elements
        }

    def active(self, environment: Mapping[str, bool]) -> Activity:
        """The flows and accesses active where toggles and assumptions have the values of
        ``environment`` (which gives every name the guards use)."""
        true = sum(1 << index for index, name in enumerate(self._names) if environment[name])
        holds = [True]
        holds += [(true & ones) == ones and not (true & zeros) for ones, zeros in self._simple]
        holds += [
            all(expression.evaluate(environment) for expression in expressions)
            for expressions in self._general
        ]
        return Activity(self._group_of, bytes(holds))

    def initial(self) -> Iterator[Step]:
        """Steps without premises: origins of underived data (R1) and key holders (R2)."""
        for datum_id in sorted(self.model.data):
            if datum_id in self._inputs:
                continue
            tier = self.tiers.data[datum_id]
            for party in sorted(self._origins[datum_id]):
                yield Step(Rule.ORIGIN, datum_id, plain(party, datum_id), (), None, tier)
        for key_id in sorted(self.model.keys):
            tier = self.tiers.data[key_id]
            if tier > self._weakest:
                continue
            for party in sorted(set(self.model.keys[key_id].holders)):
                yield Step(Rule.KEY, key_id, plain(party, key_id), (), None, tier)

    def consequences(
        self, fact: Fact, ciphers_under: Callable[[str, str], Iterable[str]]
    ) -> Iterator[Step]:
        """Every step having ``fact`` as a premise.

        ``ciphers_under(P, K)`` lists the data D with ``cipher(P, D, K)`` known so far; it
        pairs a newly readable key with the ciphertexts it opens (R6).
        """
        if fact[0] == PLAIN:
            yield from self._from_plain(fact, fact[1], fact[2], ciphers_under)
        else:
            yield from self._from_cipher(fact, fact[1], fact[2], fact[3])

    def _from_plain(
        self,
        fact: Fact,
        party: str,
        datum: str,
        ciphers_under: Callable[[str, str], Iterable[str]],
    ) -> Iterator[Step]:
        premises = (fact,)
        for send in self._sends.get((party, datum), ()):
            if send.level is ProtectionLevel.END_TO_END:
                assert send.key is not None
                conclusion = cipher(send.receiver, datum, send.key)
                yield Step(Rule.SEAL, send.flow, conclusion, premises, send.flow, send.tier)
            else:
                conclusion = plain(send.receiver, datum)
                yield Step(Rule.SEND, send.flow, conclusion, premises, send.flow, send.tier)
        for seen in self._observes.get((party, datum), ()):
            if seen.level is ProtectionLevel.END_TO_END:
                assert seen.key is not None
                conclusion = cipher(seen.receiver, datum, seen.key)
            else:
                conclusion = plain(seen.receiver, datum)
            yield Step(Rule.OBSERVE, seen.flow, conclusion, premises, seen.flow, seen.tier)
        for grant in self._grants.get(party, ()):
            if grant.scope is None or datum in grant.scope:
                conclusion = plain(grant.party, datum)
                yield Step(
                    Rule.ACCESS, grant.access, conclusion, premises, grant.access, grant.tier
                )
        for derived in self._derived_by_input.get(datum, ()):
            if party in self._origins[derived]:
                inputs = tuple(plain(party, item) for item in self._inputs[derived])
                tier = self.tiers.data[derived]
                yield Step(Rule.ORIGIN, derived, plain(party, derived), inputs, None, tier)
        if datum in self.keys:
            for sealed in sorted(ciphers_under(party, datum)):
                sealed_fact = cipher(party, sealed, datum)
                yield Step(Rule.OPEN, datum, plain(party, sealed), (sealed_fact, fact), None)

    def _from_cipher(self, fact: Fact, party: str, datum: str, key: str) -> Iterator[Step]:
        premises = (fact,)
        for send in self._sends.get((party, datum), ()):
            conclusion = cipher(send.receiver, datum, key)
            yield Step(Rule.RELAY, send.flow, conclusion, premises, send.flow, send.tier)
        for seen in self._observes.get((party, datum), ()):
            conclusion = cipher(seen.receiver, datum, key)
            yield Step(Rule.OBSERVE, seen.flow, conclusion, premises, seen.flow, seen.tier)
        for grant in self._grants.get(party, ()):
            if grant.scope is None or datum in grant.scope:
                conclusion = cipher(grant.party, datum, key)
                yield Step(
                    Rule.ACCESS, grant.access, conclusion, premises, grant.access, grant.tier
                )
        yield Step(Rule.OPEN, key, plain(party, datum), (fact, plain(party, key)), None)
