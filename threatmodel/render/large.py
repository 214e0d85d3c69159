"""Views of models too large to draw party by party.

Graphviz's ``dot`` takes minutes to lay out a thousand parties with thousands of labelled
edges, and nobody can read the result.  Above ``max_parties`` a setting is drawn as:

* an **overview**: one node per boundary (its parties collapsed), nested boundaries as
  clusters, and one edge per (sender group, receiver group, kind of line) summarising the
  active flows between them;
* one diagram **per boundary**: its own parties in full, laid out in a grid, and the flows
  crossing its border merged per outside boundary (collapsed to a node) and kind of line;
* a **focus** on one datum (``--focus --highlight D``): only the parties that get D and the
  flows, observations and accesses it moves along, with the flows of the keys and inputs
  they need; grouped like the overview when even that is too many parties.

A boundary holding more than ``max_parties`` parties itself is not drawn (see
:mod:`~threatmodel.render.plan`).  Inactive elements are left out of these views; the notes
under each title say what was collapsed and left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from threatmodel.engine.exposure import Analysis
from threatmodel.engine.graph import EdgeKind, ModelEdge, model_edges, observation_key
from threatmodel.engine.inference import Rule
from threatmodel.load.model import AccessKind, Level, Model, ProtectionLevel
from threatmodel.render.labels import wrap, wrap_items
from threatmodel.render.scene import Cluster, Edge, Fill, Node, Scene, State
from threatmodel.render.views import (
    LIST_WIDTH,
    TITLE_WIDTH,
    Drawn,
    SettingFacts,
    clusters_for,
    edge_tooltip,
    full_scene,
    party_edge,
    party_node,
    title_lines,
)

OUTSIDE = "_outside"
"""The group of parties in no boundary (no model id starts with ``_``)."""
SHOWN_DATA = 4
"""Data ids listed on an aggregated edge before ``+N more``."""
SHOWN_TOOLTIPS = 10
"""Elements described in an aggregated edge's tooltip."""
SHOWN_MEMBERS = 20
"""Parties named in a group node's tooltip."""


@dataclass(frozen=True)
class Grouping:
    """Parties grouped by the boundary they sit in directly."""

    model: Model
    group_of: dict[str, str]
    members: dict[str, list[str]]

    @classmethod
    def of(cls, model: Model) -> Grouping:
        """Group every party of ``model``."""
        group_of = {party: entry.boundary or OUTSIDE for party, entry in model.parties.items()}
        members: dict[str, list[str]] = defaultdict(list)
        for party in sorted(group_of):
            members[group_of[party]].append(party)
        return cls(model, group_of, dict(members))

    def title(self, group: str) -> str:
        """A group's title: its boundary's, or ``outside every boundary``."""
        return "outside every boundary" if group == OUTSIDE else self.model.label(group)

    def parent(self, group: str) -> str | None:
        """The boundary enclosing a group's boundary."""
        return None if group == OUTSIDE else self.model.boundaries[group].parent


@dataclass
class _Aggregate:
    tail: str
    head: str
    role: EdgeKind
    protection: ProtectionLevel | None
    access: AccessKind | None
    tail_cluster: str | None = None
    head_cluster: str | None = None
    elements: list[ModelEdge] = field(default_factory=list)
    inside: set[str] = field(default_factory=set)
    """For an edge at a boundary's border: the parties inside it that the flows start or
    end at."""


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number:,} {singular if number == 1 else (plural or singular + 's')}"


def group_node(
    facts: SettingFacts,
    grouping: Grouping,
    group: str,
    cluster: str | None,
    highlight: str | None,
    parties: Collection[str] | None = None,
    notes: Iterable[str] = (),
) -> Node:
    """A node standing for a group's parties (or those of them in ``parties``)."""
    members = [p for p in grouping.members[group] if parties is None or p in parties]
    reads: Counter[str] = Counter()
    sealed: Counter[str] = Counter()
    for party in members:
        reads.update(facts.reads.get(party, ()))
        sealed.update(facts.sealed.get(party, ()))
    fill = None
    if highlight is not None:
        if reads[highlight]:
            fill = Fill.PLAINTEXT
        elif sealed[highlight]:
            fill = Fill.CIPHERTEXT
    return Node(
        name=group,
        title="\n".join(wrap(grouping.title(group), TITLE_WIDTH)),
        kind=None,
        cluster=cluster,
        reads=tuple(_summary(reads)),
        sealed=tuple(_summary(sealed)),
        notes=(_count(len(members), "party", "parties"), *notes),
        fill=fill,
        tooltip=f"{grouping.title(group)}: {', '.join(_first(members, SHOWN_MEMBERS))}",
    )


def _summary(counter: Counter[str]) -> list[str]:
    """``d0 ×87, d1 ×3``: how many members get each datum, in id order, then ``+N more``."""
    items = [f"{datum} ×{count}" for datum, count in sorted(counter.items())]
    if len(items) > 2 * SHOWN_DATA:
        items = [*items[: 2 * SHOWN_DATA], f"+{len(items) - 2 * SHOWN_DATA} more"]
    return wrap_items(items, LIST_WIDTH) if items else []


def _aggregate_edge(aggregate: _Aggregate, model: Model) -> Edge:
    elements = aggregate.elements
    noun = {EdgeKind.FLOW: "flow", EdgeKind.OBSERVE: "observation", EdgeKind.ACCESS: "access"}[
        aggregate.role
    ]
    label = [_count(len(elements), noun, "accesses" if noun == "access" else None)]
    if aggregate.inside:
        label[0] += f" ({_count(len(aggregate.inside), 'party', 'parties')})"
    label += wrap_items(_first(sorted({d for e in elements for d in e.data})), LIST_WIDTH)
    keys = sorted({e.key for e in elements if e.key is not None})
    if keys:
        label += wrap_items(["e2e:", *_first(keys)], LIST_WIDTH, " ")
    first = elements[0]
    line = first.protection.value if first.protection else str(first.access)
    tooltip = "; ".join(edge_tooltip(model, element) for element in elements[:SHOWN_TOOLTIPS])
    if len(elements) > SHOWN_TOOLTIPS:
        tooltip += f"; and {len(elements) - SHOWN_TOOLTIPS} more"
    ends = (aggregate.tail_cluster or aggregate.tail, aggregate.head_cluster or aggregate.head)
    return Edge(
        name=f"{ends[0]}.{ends[1]}.{aggregate.role.value}.{line}",
        tail=aggregate.tail,
        head=aggregate.head,
        role=aggregate.role,
        state=State.ACTIVE,
        protection=first.protection,
        access=first.access,
        label=tuple(label),
        tooltip=tooltip,
        tail_cluster=aggregate.tail_cluster,
        head_cluster=aggregate.head_cluster,
    )


def _first(items: list[str], shown: int = SHOWN_DATA) -> list[str]:
    if len(items) <= shown:
        return items
    return [*items[:shown], f"+{len(items) - shown} more"]


def grouped_scene(
    facts: SettingFacts,
    grouping: Grouping,
    highlight: str | None,
    notes: tuple[str, ...],
    parties: Collection[str] | None = None,
    edges: Collection[str] | None = None,
) -> Scene:
    """One node per group of parties; the active edges between groups merged per pair of
    groups and kind of line, those inside a group counted on its node.  Only ``parties``
    and ``edges``, when given, are considered."""
    model = facts.model
    aggregates: dict[tuple[str, str, str, str], _Aggregate] = {}
    internal: Counter[str] = Counter()
    for edge in model_edges(model):
        if edges is not None and edge.name not in edges:
            continue
        if parties is not None and (edge.tail not in parties or edge.head not in parties):
            continue
        if not facts.is_active(edge):
            continue
        tail, head = grouping.group_of[edge.tail], grouping.group_of[edge.head]
        if tail == head:
            internal[tail] += 1
            continue
        key = (tail, head, edge.role.value, str(edge.protection or edge.access))
        new = _Aggregate(tail, head, edge.role, edge.protection, edge.access)
        aggregates.setdefault(key, new).elements.append(edge)
    groups = sorted({grouping.group_of[p] for p in (model.parties if parties is None else parties)})
    nesting = {grouping.parent(group) for group in groups} - {None}
    nodes = []
    for group in groups:
        cluster = group if group in nesting else grouping.parent(group)
        inside = [_count(internal[group], "flow") + " inside"] if internal[group] else []
        nodes.append(group_node(facts, grouping, group, cluster, highlight, parties, inside))
    scene_edges = sorted((_aggregate_edge(a, model) for a in aggregates.values()), key=_name)
    return Scene(
        title=model.title,
        lines=tuple(title_lines(facts.analysis, facts.drawn, highlight)),
        clusters=clusters_for(model, [node.cluster for node in nodes if node.cluster]),
        nodes=tuple(nodes),
        edges=tuple(scene_edges),
        notes=notes,
        highlight=highlight,
    )


def _name(edge: Edge) -> str:
    return edge.name


def overview_scene(analysis: Analysis, drawn: Drawn, highlight: str | None) -> Scene:
    """One node per boundary, one edge per pair of groups and kind of line."""
    facts = SettingFacts(analysis, drawn)
    grouping = Grouping.of(analysis.model)
    flows = sum(1 for edge in model_edges(analysis.model) if facts.is_active(edge))
    note = (
        f"overview: {_count(len(analysis.model.parties), 'party', 'parties')} collapsed into "
        f"{_count(len(grouping.members), 'node')}, one per boundary; {flows:,} active flows, "
        "observations and accesses merged per pair of nodes and kind of line; inactive ones "
        "left out"
    )
    return grouped_scene(facts, grouping, highlight, (note,))


def boundary_scene(analysis: Analysis, drawn: Drawn, highlight: str | None, group: str) -> Scene:
    """One group's parties in full, laid out in a grid; the flows crossing its border merged
    per outside group and kind of line."""
    facts = SettingFacts(analysis, drawn)
    model = analysis.model
    grouping = Grouping.of(model)
    members = grouping.members[group]
    inside = set(members)
    singles: list[Edge] = []
    aggregates: dict[tuple[str, str, str, str], _Aggregate] = {}
    for edge in model_edges(model):
        if not facts.is_active(edge) or not ({edge.tail, edge.head} & inside):
            continue
        if edge.tail in inside and edge.head in inside:
            single = party_edge(facts, edge)
            assert single is not None
            singles.append(single)
            continue
        line = str(edge.protection or edge.access)
        if edge.tail in inside:
            other = grouping.group_of[edge.head]
            key = (f"{group}.{other}", "out", edge.role.value, line)
            new = _Aggregate(members[-1], other, edge.role, edge.protection, edge.access, group)
        else:
            other = grouping.group_of[edge.tail]
            key = (f"{other}.{group}", "in", edge.role.value, line)
            new = _Aggregate(other, members[0], edge.role, edge.protection, edge.access)
            new.head_cluster = group
        aggregate = aggregates.setdefault(key, new)
        aggregate.elements.append(edge)
        aggregate.inside.add(edge.tail if edge.tail in inside else edge.head)
    nodes = [party_node(facts, party, group, highlight) for party in members]
    outside = sorted({a.head if a.tail_cluster else a.tail for a in aggregates.values()})
    nodes += [group_node(facts, grouping, other, None, highlight) for other in outside]
    edges = singles + [_aggregate_edge(a, model) for a in aggregates.values()]
    note = (
        f"boundary view: the {_count(len(members), 'party', 'parties')} of "
        f"{grouping.title(group)} in full; flows crossing its border merged per outside "
        "boundary (collapsed into one node each) and kind of line; inactive ones left out"
    )
    return Scene(
        title=model.title,
        lines=tuple(title_lines(analysis, drawn, highlight)),
        clusters=(Cluster(group, grouping.title(group), None),),
        nodes=tuple(sorted(nodes, key=lambda node: node.name)),
        edges=tuple(sorted(edges, key=lambda edge: edge.name)),
        notes=(note,),
        highlight=highlight,
        grid=True,
    )


def focus_elements(facts: SettingFacts, datum: str) -> tuple[frozenset[str], frozenset[str]]:
    """The parties that get ``datum`` and the edges it moves along, with the edges of the
    keys and inputs their derivations need."""
    parties: set[str] = set()
    edges: set[str] = set()
    for edge in model_edges(facts.model):
        if not facts.is_active(edge) or facts.level(edge.tail, datum) is Level.NONE:
            continue
        if edge.role is not EdgeKind.ACCESS and datum not in edge.data:
            continue
        if edge.role is EdgeKind.ACCESS and edge.data and datum not in edge.data:
            continue
        if edge.role is EdgeKind.OBSERVE and edge.protection is ProtectionLevel.TRANSPORT:
            continue
        edges.add(edge.name)
        parties |= {edge.tail, edge.head}
    closure = facts.closure
    for fact in closure.costs:
        if fact[2] != datum:
            continue
        for step in closure.derivation(fact):
            parties.add(step.conclusion[1])
            if step.guard is None:
                continue
            if step.rule is Rule.OBSERVE:
                edges.add(observation_key(step.element, step.conclusion[1]))
            else:
                edges.add(step.element)
    return frozenset(parties), frozenset(edges)


def focus_scene(analysis: Analysis, drawn: Drawn, datum: str, max_parties: int) -> Scene:
    """Only the parties and edges on ``datum``'s paths; grouped when they are too many."""
    facts = SettingFacts(analysis, drawn)
    parties, edges = focus_elements(facts, datum)
    total = len(analysis.model.parties)
    sealed = sum(1 for p in parties if facts.level(p, datum) is Level.CIPHERTEXT)
    if len(parties) <= max_parties:
        note = (
            f"focus on {datum}: the {_count(len(parties), 'party', 'parties')} (of {total:,}) "
            f"on its paths and the {_count(len(edges), 'edge')} it and its keys and inputs "
            f"move along; {sealed:,} of them hold it only as ciphertext; everything else left out"
        )
        return full_scene(analysis, drawn, datum, parties, edges, (note,))
    grouping = Grouping.of(analysis.model)
    note = (
        f"focus on {datum}: its paths reach {_count(len(parties), 'party', 'parties')}, more "
        f"than {max_parties:,}, so they are collapsed into one node per boundary; everything "
        "off its paths left out"
    )
    return grouped_scene(facts, grouping, datum, (note,), parties, edges)
