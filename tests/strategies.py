"""Hypothesis strategies for random, valid model files.

A drawn :class:`ModelSpec` is plain data (ids, lists, expression trees of our own), so the
property tests can compute the expected answer from it without using the package; its
:meth:`ModelSpec.to_yaml` is the model file the package loads.

Ids come from fixed pools in random order, so sorting by id differs from generation order.
Constraints and scenarios are drawn so that the default setting and every scenario satisfy
the constraints (a model where they do not is an error, tested elsewhere).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from hypothesis import strategies as st

PARTY_POOL = ("user", "app", "server", "cloud", "isp", "police", "store", "peer", "ai", "vendor")
TOGGLE_POOL = ("e2ee", "ai_chat", "opt_out", "backup", "reset", "sync")
ASSUMPTION_POOL = ("enclave", "audited", "no_logs")
DATA_POOL = ("msg", "photo", "prompt", "reply", "contacts")
KEY_POOL = ("chat_key", "backup_key")
BOUNDARY_POOL = ("device", "vendor_side", "state")

PARTY_KINDS = (
    "person",
    "client",
    "device",
    "service",
    "ai_model",
    "store",
    "authority",
    "observer",
    "third_party",
)
USES = ("service", "training", "advertising", "analytics")
STATUSES = ("claimed", "unknown", "verified", "refuted")
ACCESS_KINDS = ("compel", "seize", "breach", "share")
CLASSIFICATIONS = ("public", "internal", "personal", "sensitive")
LEVELS = ("none", "ciphertext", "plaintext")

# ----------------------------------------------------------------------- expressions

Expr = tuple[Any, ...]
"""``("const", bool)``, ``("var", name)``, ``("not", e)``, ``("and", e...)``, ``("or", e...)``."""

TRUE: Expr = ("const", True)


def render(expression: Expr, parent: int = 0) -> str:
    """The expression in the model's syntax, parenthesised where needed."""
    head = expression[0]
    if head == "const":
        return "true" if expression[1] else "false"
    if head == "var":
        return str(expression[1])
    if head == "not":
        return "not " + render(expression[1], 3)
    power, word = (2, " and ") if head == "and" else (1, " or ")
    text = word.join(render(operand, power) for operand in expression[1:])
    return f"({text})" if parent >= power else text


def holds(expression: Expr, values: Mapping[str, bool]) -> bool:
    """Truth value of ``expression`` under ``values``."""
    head = expression[0]
    if head == "const":
        return bool(expression[1])
    if head == "var":
        return values[expression[1]]
    if head == "not":
        return not holds(expression[1], values)
    if head == "and":
        return all(holds(operand, values) for operand in expression[1:])
    return any(holds(operand, values) for operand in expression[1:])


def names_in(expression: Expr) -> set[str]:
    """Names an expression mentions."""
    head = expression[0]
    if head == "const":
        return set()
    if head == "var":
        return {expression[1]}
    return set().union(*(names_in(operand) for operand in expression[1:]))


# ------------------------------------------------------------------------ the model


@dataclass
class Party:
    kind: str
    boundary: str | None = None
    uses: list[str] = field(default_factory=list)
    retains: Expr | None = None


@dataclass
class Datum:
    origin: list[str]
    derived_from: list[str] = field(default_factory=list)
    classification: str | None = None


@dataclass
class Flow:
    sender: str
    receiver: str
    data: list[str]
    protection: str | None
    """``None`` (unwritten, i.e. none), ``"none"``, ``"transport"`` or a key id."""
    when: Expr | None = None
    observers: list[str] = field(default_factory=list)

    @property
    def level(self) -> str:
        if self.protection in (None, "none"):
            return "none"
        if self.protection == "transport":
            return "transport"
        return "end_to_end"


@dataclass
class Access:
    party: str
    source: str
    kind: str
    data: list[str] | None = None
    when: Expr | None = None


@dataclass
class Expectation:
    data: str
    party: str | None = None
    boundary: str | None = None
    allow: str | None = None
    when: Expr | None = None


@dataclass
class ModelSpec:
    """A model as plain data; every dict is keyed by element id."""

    boundaries: dict[str, str | None]
    """Boundary → parent."""
    parties: dict[str, Party]
    toggles: dict[str, bool]
    """Toggle → default."""
    deletes: dict[str, list[str]]
    assumptions: dict[str, str]
    """Assumption → status."""
    constraints: dict[str, Expr]
    data: dict[str, Datum]
    keys: dict[str, list[str]]
    """Key → holders."""
    flows: dict[str, Flow]
    access: dict[str, Access]
    expectations: dict[str, Expectation]
    scenarios: dict[str, tuple[dict[str, bool], dict[str, bool]]]
    """Scenario → (toggle values, assumption values)."""

    def copy(self) -> ModelSpec:
        return copy.deepcopy(self)

    @property
    def datum_ids(self) -> list[str]:
        return sorted([*self.data, *self.keys])

    def to_raw(self) -> dict[str, Any]:
        """The model file as YAML-ready data."""
        raw: dict[str, Any] = {"threatmodel": 1, "title": "Random model"}
        if self.boundaries:
            raw["boundaries"] = {
                b: ({"parent": parent} if parent else {"title": b.replace("_", " ")})
                for b, parent in self.boundaries.items()
            }
        raw["parties"] = {p: _party_raw(party) for p, party in self.parties.items()}
        if self.toggles:
            raw["toggles"] = {}
            for t, default in self.toggles.items():
                entry: dict[str, Any] = {"default": default}
                if self.deletes.get(t):
                    entry["deletes"] = self.deletes[t]
                raw["toggles"][t] = entry
        if self.assumptions:
            raw["assumptions"] = {a: {"status": s} for a, s in self.assumptions.items()}
        if self.constraints:
            raw["constraints"] = {c: {"require": _expr_raw(e)} for c, e in self.constraints.items()}
        raw["data"] = {d: _datum_raw(datum) for d, datum in self.data.items()}
        if self.keys:
            raw["keys"] = {k: {"holders": holders} for k, holders in self.keys.items()}
        raw["flows"] = {f: _flow_raw(flow) for f, flow in self.flows.items()}
        if self.access:
            raw["access"] = {x: _access_raw(access) for x, access in self.access.items()}
        if self.expectations:
            raw["expectations"] = {
                e: _expectation_raw(expectation) for e, expectation in self.expectations.items()
            }
        if self.scenarios:
            raw["scenarios"] = {}
            for s, (toggles, assumptions) in self.scenarios.items():
                entry = {"set": toggles}
                if assumptions:
                    entry["assume"] = assumptions
                raw["scenarios"][s] = entry
        return raw

    def to_yaml(self) -> str:
        """The model file text."""
        return yaml.safe_dump(
            self.to_raw(), sort_keys=False, default_flow_style=None, allow_unicode=True, width=90
        )


def _expr_raw(expression: Expr) -> Any:
    """Constants as YAML booleans (allowed where an expression is), the rest as text."""
    if expression[0] == "const":
        return bool(expression[1])
    return render(expression)


def _party_raw(party: Party) -> dict[str, Any]:
    raw: dict[str, Any] = {"kind": party.kind}
    if party.boundary:
        raw["boundary"] = party.boundary
    if party.uses:
        raw["uses"] = party.uses
    if party.retains is not None:
        raw["retains"] = _expr_raw(party.retains)
    return raw


def _datum_raw(datum: Datum) -> dict[str, Any]:
    raw: dict[str, Any] = {"origin": datum.origin}
    if datum.derived_from:
        raw["derived_from"] = datum.derived_from
    if datum.classification:
        raw["classification"] = datum.classification
    return raw


def _flow_raw(flow: Flow) -> dict[str, Any]:
    raw: dict[str, Any] = {"from": flow.sender, "to": flow.receiver, "data": flow.data}
    if flow.protection in ("none", "transport"):
        raw["protection"] = flow.protection
    elif flow.protection is not None:
        raw["protection"] = {"end_to_end": flow.protection}
    if flow.when is not None:
        raw["when"] = _expr_raw(flow.when)
    if flow.observers:
        raw["observers"] = flow.observers
    return raw


def _access_raw(access: Access) -> dict[str, Any]:
    raw: dict[str, Any] = {"party": access.party, "from": access.source, "kind": access.kind}
    if access.data is not None:
        raw["data"] = access.data
    if access.when is not None:
        raw["when"] = _expr_raw(access.when)
    return raw


def _expectation_raw(expectation: Expectation) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    if expectation.party is not None:
        raw["party"] = expectation.party
    else:
        raw["boundary"] = expectation.boundary
    raw["data"] = expectation.data
    if expectation.allow is not None:
        raw["allow"] = expectation.allow
    if expectation.when is not None:
        raw["when"] = _expr_raw(expectation.when)
    return raw


# ------------------------------------------------------------------------ strategies


def _subset(draw: st.DrawFn, pool: Iterable[str], max_size: int, min_size: int = 0) -> list[str]:
    """Up to ``max_size`` distinct items in random order; the size is drawn uniformly, so
    that large models are as common as small ones."""
    items = list(pool)
    if not items:
        return []
    size = draw(st.integers(min(min_size, len(items)), min(max_size, len(items))))
    return draw(st.permutations(items))[:size]


@st.composite
def expressions(draw: st.DrawFn, names: list[str]) -> Expr:
    """A random guard: a constant, a literal, a product, a sum of products or a negation."""
    if not names:
        return ("const", draw(st.booleans()))

    def literal() -> Expr:
        variable: Expr = ("var", draw(st.sampled_from(names)))
        return ("not", variable) if draw(st.booleans()) else variable

    def product() -> Expr:
        literals = [literal() for _ in range(draw(st.integers(1, 2)))]
        return literals[0] if len(literals) == 1 else ("and", *literals)

    shape = draw(st.sampled_from(("const", "literal", "literal", "product", "sum", "negation")))
    if shape == "const":
        return ("const", draw(st.integers(0, 3)) > 0)
    if shape == "literal":
        return literal()
    if shape == "product":
        return product()
    if shape == "sum":
        return ("or", product(), product())
    return ("not", ("or", literal(), literal()))


def _maybe_expr(draw: st.DrawFn, names: list[str]) -> Expr | None:
    if not names or not draw(st.booleans()):
        return None
    return draw(expressions(names))


@st.composite
def model_specs(
    draw: st.DrawFn,
    max_parties: int = 8,
    max_flows: int = 12,
    max_toggles: int = 6,
    max_assumptions: int = 3,
) -> ModelSpec:
    """A random valid model (see the module docstring)."""
    party_ids = _subset(draw, PARTY_POOL, max_parties, min_size=2)
    boundary_ids = _subset(draw, BOUNDARY_POOL, 3)
    boundaries: dict[str, str | None] = {}
    for index, b in enumerate(boundary_ids):
        earlier = boundary_ids[:index]
        boundaries[b] = draw(st.sampled_from(earlier)) if earlier and draw(st.booleans()) else None
    toggle_ids = _subset(draw, TOGGLE_POOL, max_toggles)
    assumption_ids = _subset(draw, ASSUMPTION_POOL, max_assumptions)
    names = sorted([*toggle_ids, *assumption_ids])
    toggles = {t: draw(st.booleans()) for t in toggle_ids}
    assumptions = {a: draw(st.sampled_from(STATUSES)) for a in assumption_ids}
    data_ids = _subset(draw, DATA_POOL, 5, min_size=1)
    key_ids = _subset(draw, KEY_POOL, 2)
    datum_ids = [*data_ids, *key_ids]

    parties = {}
    for p in party_ids:
        party = Party(kind=draw(st.sampled_from(PARTY_KINDS)))
        if boundaries and draw(st.booleans()):
            party.boundary = draw(st.sampled_from(sorted(boundaries)))
        if draw(st.integers(0, 3)) == 0:
            party.uses = _subset(draw, USES, 2)
        if names and draw(st.integers(0, 3)) == 0:
            party.retains = draw(expressions(names))
        parties[p] = party

    data = {}
    for d in data_ids:
        datum = Datum(origin=_subset(draw, party_ids, 2, min_size=int(draw(st.integers(0, 5)) > 0)))
        if draw(st.integers(0, 5)) == 0:
            datum.derived_from = _subset(draw, [i for i in datum_ids if i != d], 2, min_size=1)
        if draw(st.booleans()):
            datum.classification = draw(st.sampled_from(CLASSIFICATIONS))
        data[d] = datum
    keys = {k: _subset(draw, party_ids, 2) for k in key_ids}

    # Most flows start where some datum already is (ignoring guards), so that data travels
    # along chains instead of flows leaving parties that have nothing.
    reach = {(p, d) for d, datum in data.items() for p in datum.origin}
    reach |= {(p, k) for k, holders in keys.items() for p in holders}
    flows = {}
    for index in range(draw(st.integers(min(2, max_flows), max_flows))):
        protection = draw(st.sampled_from((None, "none", "transport", *key_ids)))
        carried = _subset(draw, datum_ids, 3, min_size=1)
        sender = draw(st.sampled_from(party_ids))
        if reach and draw(st.integers(0, 3)) > 0:
            sender, first = draw(st.sampled_from(sorted(reach)))
            carried = [first, *(d for d in carried[:2] if d != first)]
        flow = Flow(
            sender=sender,
            receiver=draw(st.sampled_from(party_ids)),
            data=carried,
            protection=protection,
            when=_maybe_expr(draw, names),
            observers=_subset(draw, party_ids, 2) if draw(st.integers(0, 3)) == 0 else [],
        )
        flows[f"f{index}"] = flow
        if any((sender, d) in reach for d in carried):
            reach |= {(p, d) for p in (flow.receiver, *flow.observers) for d in carried}
    holding = sorted({p for p, _ in reach}) or party_ids
    access = {}
    for index in range(draw(st.integers(0, 4))):
        access[f"x{index}"] = Access(
            party=draw(st.sampled_from(party_ids)),
            source=draw(st.sampled_from(holding)),
            kind=draw(st.sampled_from(ACCESS_KINDS)),
            data=_subset(draw, datum_ids, 2, min_size=1) if draw(st.booleans()) else None,
            when=_maybe_expr(draw, names),
        )

    # The default setting (mode all): toggle defaults, free assumptions true.
    constants = {a: s == "verified" for a, s in assumptions.items() if s in ("verified", "refuted")}
    default = {
        **toggles,
        **{a: True for a in assumptions if a not in constants},
        **constants,
    }
    free = sorted([*toggle_ids, *(a for a in assumption_ids if a not in constants)])
    constraints: dict[str, Expr] = {}
    if free and draw(st.integers(0, 2)) == 0:
        for index in range(draw(st.integers(1, 2))):
            literals: list[Expr] = []
            for name in _subset(draw, free, 2, min_size=1):
                variable: Expr = ("var", name)
                literals.append(("not", variable) if draw(st.booleans()) else variable)
            clause: Expr = literals[0] if len(literals) == 1 else ("or", *literals)
            if not holds(clause, default):  # make the default setting satisfy it
                first = literals[0]
                literals[0] = first[1] if first[0] == "not" else ("not", first)
                clause = literals[0] if len(literals) == 1 else ("or", *literals)
            constraints[f"c{index}"] = clause

    expectations = {}
    for index in range(draw(st.integers(0, 2))):
        by_boundary = bool(boundaries) and draw(st.integers(0, 3)) == 0
        expectations[f"e{index}"] = Expectation(
            data=draw(st.sampled_from(datum_ids)),
            party=None if by_boundary else draw(st.sampled_from(party_ids)),
            boundary=draw(st.sampled_from(sorted(boundaries))) if by_boundary else None,
            allow=draw(st.sampled_from((None, *LEVELS))),
            when=_maybe_expr(draw, names),
        )

    scenarios = {}
    free_assumptions = [a for a in assumption_ids if a not in constants]
    for index in range(draw(st.integers(0, 2))):
        values = {t: draw(st.booleans()) for t in _subset(draw, toggle_ids, 3)}
        assumed = {a: draw(st.booleans()) for a in _subset(draw, free_assumptions, 1)}
        if all(holds(c, {**default, **values, **assumed}) for c in constraints.values()):
            scenarios[f"s{index}"] = (values, assumed)

    deletes = {}
    for t in toggle_ids:
        if draw(st.integers(0, 4)) == 0:
            deletes[t] = _subset(draw, datum_ids, 2, min_size=1)

    return ModelSpec(
        boundaries=boundaries,
        parties=parties,
        toggles=toggles,
        deletes=deletes,
        assumptions=assumptions,
        constraints=constraints,
        data=data,
        keys=keys,
        flows=flows,
        access=access,
        expectations=expectations,
        scenarios=scenarios,
    )


@st.composite
def extra_flows(draw: st.DrawFn, spec: ModelSpec) -> Flow:
    """One more flow between the model's parties, over its data and keys."""
    party_ids = sorted(spec.parties)
    names = sorted([*spec.toggles, *spec.assumptions])
    return Flow(
        sender=draw(st.sampled_from(party_ids)),
        receiver=draw(st.sampled_from(party_ids)),
        data=_subset(draw, spec.datum_ids, 2, min_size=1),
        protection=draw(st.sampled_from((None, "none", "transport", *sorted(spec.keys)))),
        when=_maybe_expr(draw, names),
        observers=_subset(draw, party_ids, 1),
    )


@st.composite
def extra_accesses(draw: st.DrawFn, spec: ModelSpec) -> Access:
    """One more access between the model's parties."""
    party_ids = sorted(spec.parties)
    names = sorted([*spec.toggles, *spec.assumptions])
    return Access(
        party=draw(st.sampled_from(party_ids)),
        source=draw(st.sampled_from(party_ids)),
        kind=draw(st.sampled_from(ACCESS_KINDS)),
        data=_subset(draw, spec.datum_ids, 2, min_size=1) if draw(st.booleans()) else None,
        when=_maybe_expr(draw, names),
    )
