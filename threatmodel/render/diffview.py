"""The diff view: what changes between two settings, e.g. what turning E2EE on does.

Edges active in either setting are drawn: grey when active in both, coloured and marked
``+``/``−`` when active in only one.  Each party lists how its exposure changes (restricted to
the highlighted datum, if any) and is filled by the direction of the change.  Above
``max_parties`` only the parties and edges that change are drawn.
"""

from __future__ import annotations

from collections.abc import Iterable

from threatmodel.engine.exposure import Analysis
from threatmodel.engine.graph import model_edges
from threatmodel.load.model import Level, Model
from threatmodel.render.labels import wrap, wrap_items
from threatmodel.render.scene import Edge, Fill, Node, Scene, State
from threatmodel.render.style import DIFF_PREFIX
from threatmodel.render.views import (
    LIST_WIDTH,
    TITLE_WIDTH,
    Drawn,
    SettingFacts,
    clusters_for,
    edge_label,
    edge_tooltip,
    same_words,
)

_GAINS = ("+ reads: ", "+ sealed: ")
_CHANGE_PREFIX = {
    (Level.NONE, Level.PLAINTEXT): "+ reads: ",
    (Level.CIPHERTEXT, Level.PLAINTEXT): "+ reads: ",
    (Level.NONE, Level.CIPHERTEXT): "+ sealed: ",
    (Level.PLAINTEXT, Level.CIPHERTEXT): "− reads, still sealed: ",
    (Level.PLAINTEXT, Level.NONE): "− reads: ",
    (Level.CIPHERTEXT, Level.NONE): "− sealed: ",
}
"""How a change of level is written on a node; the order of the lines on a node."""


def diff_scene(
    analysis: Analysis,
    before: Drawn,
    after: Drawn,
    highlight: str | None,
    max_parties: int,
) -> Scene:
    """The parties and edges of both settings, marked by what changes."""
    lines = [f"diff: {before.caption}", f"    → {after.caption}"]
    lines += _setting_change(analysis, before, after)
    if highlight is not None:
        lines.append(f"changes in exposure to {highlight} only")
    old, new = SettingFacts(analysis, before), SettingFacts(analysis, after)
    return compare_scene(old, new, highlight, max_parties, tuple(lines))


def versions_scene(old: Analysis, new: Analysis, max_parties: int) -> Scene:
    """What a change to a model does in its default setting: the parties and edges of both
    versions, marked by what changes (an edge whose element changed counts as one removed
    and one added)."""
    before = Drawn("before", f"before: default setting of {old.loaded.path}", old.default.setting)
    after = Drawn("after", f"after: default setting of {new.loaded.path}", new.default.setting)
    lines = (f"diff: {before.caption}", f"    → {after.caption}")
    return compare_scene(
        SettingFacts(old, before), SettingFacts(new, after), None, max_parties, lines
    )


def compare_scene(
    old: SettingFacts,
    new: SettingFacts,
    highlight: str | None,
    max_parties: int,
    lines: tuple[str, ...],
) -> Scene:
    """The parties and edges of two settings (of one model or of two versions of it), marked
    by what changes; only what changes above ``max_parties`` parties."""
    models = (new.model, old.model)
    data = (
        [highlight]
        if highlight is not None
        else _union(old.analysis.problem.data, new.analysis.problem.data)
    )
    everyone = _union(old.model.parties, new.model.parties)
    changes = {party: _changes(old, new, party, data) for party in everyone}
    old_edges, new_edges = set(model_edges(old.model)), set(model_edges(new.model))
    edges = []
    for edge in sorted(old_edges | new_edges, key=lambda e: (e.name, e in new_edges, repr(e))):
        was = edge in old_edges and old.is_active(edge)
        now = edge in new_edges and new.is_active(edge)
        if not (was or now):
            continue
        state = State.KEPT if was and now else State.ADDED if now else State.REMOVED
        label = list(edge_label(None, edge, True))
        label[0] = DIFF_PREFIX[state] + label[0]
        model = new.model if edge in new_edges else old.model
        edges.append(
            Edge(
                name=edge.name,
                tail=edge.tail,
                head=edge.head,
                role=edge.role,
                state=state,
                protection=edge.protection,
                access=edge.access,
                label=tuple(label),
                tooltip=edge_tooltip(model, edge),
            )
        )
    parties = set(everyone)
    notes: tuple[str, ...] = ()
    if len(parties) > max_parties:
        edges = [edge for edge in edges if edge.state is not State.KEPT]
        parties = {p for p, lines in changes.items() if lines}
        parties |= {edge.tail for edge in edges} | {edge.head for edge in edges}
        notes = (
            f"{len(everyone):,} parties, more than {max_parties:,}: only the "
            f"{len(parties):,} parties and {len(edges):,} edges that change are drawn",
        )
    homes = {party: next(m for m in models if party in m.parties) for party in parties}
    nodes = tuple(_node(homes[party], party, changes[party]) for party in sorted(parties))
    clusters = {
        cluster.name: cluster
        for model in reversed(models)
        for cluster in clusters_for(
            model, (node.cluster for node in nodes if homes[node.name] is model)
        )
    }
    return Scene(
        title=new.model.title,
        lines=lines,
        clusters=tuple(clusters[name] for name in sorted(clusters)),
        nodes=nodes,
        edges=tuple(edges),
        notes=notes,
        diff=(old.drawn.name, new.drawn.name),
        highlight=highlight,
    )


def _union(*groups: Iterable[str]) -> list[str]:
    return sorted({item for group in groups for item in group})


def _changes(old: SettingFacts, new: SettingFacts, party: str, data: list[str]) -> list[str]:
    grouped: dict[str, list[str]] = {prefix: [] for prefix in _CHANGE_PREFIX.values()}
    for datum in data:
        was, now = old.level(party, datum), new.level(party, datum)
        if was is not now:
            grouped[_CHANGE_PREFIX[(was, now)]].append(datum)
    lines = []
    for prefix, items in grouped.items():
        if items:
            wrapped = wrap_items(items, LIST_WIDTH)
            lines += [prefix + wrapped[0], *wrapped[1:]]
    return lines


def _node(model: Model, party: str, changes: list[str]) -> Node:
    title = model.label(party)
    gains = any(line.startswith(_GAINS) for line in changes)
    losses = any(line.startswith("−") for line in changes)
    fill = (
        Fill.MIXED if gains and losses else Fill.GAINS if gains else Fill.LOSES if losses else None
    )
    return Node(
        name=party,
        title="\n".join(wrap(title, TITLE_WIDTH)),
        kind=model.parties[party].kind,
        cluster=model.parties[party].boundary,
        subtitle=None if same_words(title, party) else party,
        notes=tuple(changes),
        fill=fill,
        tooltip=f"{party} ({model.parties[party].kind.value})",
    )


def _setting_change(analysis: Analysis, before: Drawn, after: Drawn) -> list[str]:
    changed = [
        f"{name} {str(before.setting[name]).lower()} → {str(after.setting[name]).lower()}"
        for name in analysis.space.variables
        if before.setting[name] != after.setting[name]
    ]
    if not changed:
        return ["the two settings are the same"]
    lines = wrap_items(changed, 110)
    lines[0] = "changes: " + lines[0]
    return lines
