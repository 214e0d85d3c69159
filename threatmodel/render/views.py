"""Scenes of one setting at party level: the full diagram and the building blocks the other
views share (title lines, party nodes, edges of the model's flows, observations and accesses).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from threatmodel.engine.closure import Closure
from threatmodel.engine.exposure import Analysis
from threatmodel.engine.graph import EdgeKind, ModelEdge, model_edges
from threatmodel.engine.space import Setting
from threatmodel.load.model import Level, Model, ProtectionLevel
from threatmodel.render.labels import wrap, wrap_items
from threatmodel.render.scene import Cluster, Edge, Fill, Node, Scene, State

DEFAULT_NAME = "default"
"""What ``--scenario`` and ``--diff`` call the default setting (unless a scenario has the id)."""

TITLE_WIDTH = 22
LIST_WIDTH = 26
SETTING_WIDTH = 110
CONDITION_WIDTH = 34


@dataclass(frozen=True)
class Drawn:
    """A setting to draw and how to name it."""

    name: str
    """A scenario id, or :data:`DEFAULT_NAME`."""
    caption: str
    """``scenario private_chat: E2EE chat, no AI`` or ``default setting``."""
    setting: Setting


class SettingFacts:
    """What one setting makes true: active elements and every party's level for every datum."""

    def __init__(self, analysis: Analysis, drawn: Drawn) -> None:
        self.analysis = analysis
        self.model = analysis.model
        self.drawn = drawn
        self.closure: Closure = analysis.result_for(drawn.setting).closure
        self.active = analysis.evaluator.active(drawn.setting)
        self.environment = analysis.space.environment(drawn.setting)
        self.reads: dict[str, list[str]] = defaultdict(list)
        self.sealed: dict[str, list[str]] = defaultdict(list)
        for datum in analysis.problem.data:
            readers, holders = self.closure.exposure(datum)
            for party in readers:
                self.reads[party].append(datum)
            for party in holders:
                self.sealed[party].append(datum)

    def level(self, party: str, datum: str) -> Level:
        """``party``'s level for ``datum`` in this setting."""
        return self.closure.level(party, datum)

    def is_active(self, edge: ModelEdge) -> bool:
        """Whether the edge's flow or access is active in this setting."""
        return edge.element in self.active

    def off_reason(self, edge: ModelEdge) -> str:
        """Why an inactive edge is off: the condition it waits for."""
        if edge.role is EdgeKind.ACCESS:
            access = self.model.access[edge.element]
            if not access.when.evaluate(self.environment):
                return f"only when {access.when.text}"
            retains = self.model.parties[access.from_].retains
            return f"only while {access.from_} retains: {retains.text}"
        return f"only when {self.model.flows[edge.element].when.text}"


def title_lines(analysis: Analysis, drawn: Drawn, highlight: str | None) -> list[str]:
    """Scenario, setting and highlight lines under a diagram's title."""
    lines = [drawn.caption]
    lines += setting_lines(analysis, drawn.setting)
    if highlight is not None:
        title = analysis.model.label(highlight)
        named = f"{highlight} ({title})" if title != highlight else highlight
        lines.append(f"highlighted datum: {named}")
    return lines


def setting_lines(
    analysis: Analysis, setting: Mapping[str, bool], prefix: str = "setting: "
) -> list[str]:
    """``setting: a=true, b=false`` broken into lines; ``setting: (no toggles)`` when empty."""
    space = analysis.space
    if not space.variables:
        return [f"{prefix}(no toggles or free assumptions)"]
    items = [f"{name}={str(setting[name]).lower()}" for name in space.variables]
    lines = wrap_items(items, SETTING_WIDTH)
    lines[0] = prefix + lines[0]
    return lines


def party_node(facts: SettingFacts, party: str, cluster: str | None, highlight: str | None) -> Node:
    """A party with its title, id and what it reads, filled by its level for ``highlight``."""
    model = facts.model
    title = model.label(party)
    fill = None
    if highlight is not None:
        level = facts.level(party, highlight)
        fill = {Level.PLAINTEXT: Fill.PLAINTEXT, Level.CIPHERTEXT: Fill.CIPHERTEXT}.get(level)
    reads = facts.reads.get(party, [])
    sealed = facts.sealed.get(party, [])
    tooltip = f"{party} ({model.parties[party].kind.value})"
    return Node(
        name=party,
        title="\n".join(wrap(title, TITLE_WIDTH)),
        kind=model.parties[party].kind,
        cluster=cluster,
        subtitle=None if same_words(title, party) else party,
        reads=tuple(wrap_items(reads, LIST_WIDTH)) if reads else (),
        sealed=tuple(wrap_items(sealed, LIST_WIDTH)) if sealed else (),
        fill=fill,
        tooltip=tooltip,
    )


def same_words(title: str, identifier: str) -> bool:
    """Whether an id only restates its title (``Peer`` and ``peer``)."""
    return "_".join(title.lower().split()) == identifier


def edge_label(facts: SettingFacts | None, edge: ModelEdge, active: bool) -> tuple[str, ...]:
    """Data carried, the key of an end-to-end flow, and why an inactive edge is off."""
    if edge.role is EdgeKind.FLOW:
        lines = wrap_items([_carried(facts, edge, datum) for datum in edge.data], LIST_WIDTH)
        if edge.protection is ProtectionLevel.END_TO_END:
            lines.append(f"e2e: {edge.key}")
    elif edge.role is EdgeKind.OBSERVE:
        lines = [f"observes {edge.element}"]
    else:
        assert edge.access is not None
        lines = [f"{edge.element}: {edge.access.value}"]
        if edge.data:
            lines += wrap_items(edge.data, LIST_WIDTH)
    if not active and facts is not None:
        lines += wrap(facts.off_reason(edge), CONDITION_WIDTH)
    return tuple(lines)


def _carried(facts: SettingFacts | None, edge: ModelEdge, datum: str) -> str:
    """A datum on a flow, marked ``(sealed)`` when its sender holds it only as ciphertext,
    so that a relay is seen to forward what it cannot read."""
    if facts is not None and facts.level(edge.tail, datum) is Level.CIPHERTEXT:
        return f"{datum} (sealed)"
    return datum


def edge_tooltip(model: Model, edge: ModelEdge) -> str:
    """One line describing the element behind an edge."""
    tail, head = model.label(edge.tail), model.label(edge.head)
    if edge.role is EdgeKind.ACCESS:
        assert edge.access is not None
        scope = ", ".join(edge.data) if edge.data else "everything"
        return f"{edge.element}: {head} obtains {scope} from {tail} ({edge.access.value})"
    flow = model.flows[edge.element]
    carried = f"{', '.join(edge.data)} ({flow.protection})"
    when = "" if flow.when.is_true else f", when {flow.when.text}"
    if edge.role is EdgeKind.OBSERVE:
        receiver = model.label(flow.to)
        return f"{head} observes {edge.element}: {tail} → {receiver}: {carried}{when}"
    return f"{edge.element}: {tail} → {head}: {carried}{when}"


def party_edge(facts: SettingFacts, edge: ModelEdge, faint: bool = True) -> Edge | None:
    """The scene edge of one model edge; ``None`` for an inactive one unless drawn faint."""
    active = facts.is_active(edge)
    if not active and not faint:
        return None
    return Edge(
        name=edge.name,
        tail=edge.tail,
        head=edge.head,
        role=edge.role,
        state=State.ACTIVE if active else State.INACTIVE,
        protection=edge.protection,
        access=edge.access,
        label=edge_label(facts, edge, active),
        tooltip=edge_tooltip(facts.model, edge),
    )


def clusters_for(model: Model, boundaries: Iterable[str | None]) -> tuple[Cluster, ...]:
    """The clusters holding ``boundaries`` and every boundary enclosing them."""
    needed: set[str] = set()
    for start in boundaries:
        current = start
        while current is not None and current not in needed:
            needed.add(current)
            current = model.boundaries[current].parent
    return tuple(
        Cluster(name, model.label(name), model.boundaries[name].parent) for name in sorted(needed)
    )


def full_scene(
    analysis: Analysis,
    drawn: Drawn,
    highlight: str | None,
    parties: Collection[str] | None = None,
    edges: Collection[str] | None = None,
    notes: tuple[str, ...] = (),
    faint: bool = False,
) -> Scene:
    """Every party and edge (or those named); inactive edges left out, or drawn ``faint``."""
    facts = SettingFacts(analysis, drawn)
    model = analysis.model
    chosen = sorted(model.parties if parties is None else parties)
    nodes = tuple(
        party_node(facts, party, model.parties[party].boundary, highlight) for party in chosen
    )
    shown = set(chosen)
    scene_edges = []
    left_out = 0
    for edge in model_edges(model):
        if edge.tail not in shown or edge.head not in shown:
            continue
        if edges is not None and edge.name not in edges:
            continue
        drawn_edge = party_edge(facts, edge, faint)
        if drawn_edge is None:
            left_out += 1
        else:
            scene_edges.append(drawn_edge)
    if left_out:
        noun = (
            "flow, observation or access" if left_out == 1 else "flows, observations and accesses"
        )
        notes += (f"{left_out} {noun} off in this setting left out (--inactive faint draws them)",)
    return Scene(
        title=model.title,
        lines=tuple(title_lines(analysis, drawn, highlight)),
        clusters=clusters_for(model, (node.cluster for node in nodes)),
        nodes=nodes,
        edges=tuple(scene_edges),
        notes=notes,
        highlight=highlight,
    )
