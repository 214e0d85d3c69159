"""The diagram the HTML report embeds, drawn once and recoloured by the page per setting.

It shows every party and every flow, observation and access, whatever the setting: nothing
in it depends on the setting (no reads lists, no faint edges), so that the page can fade the
edges that are off and fill the readers of a datum as the reader flips toggles.  Element ids
are :func:`~threatmodel.render.dot.svg_id`'s (``party-app``, ``flow-upload``,
``flow-upload.tail``, ``label-flow-upload``, ``observe-upload.isp``, ``access-warrant``),
which the page's script relies on.  It is drawn by the in-process Graphviz, so that the
report's bytes do not depend on a local install.
"""

from __future__ import annotations

from threatmodel.engine.exposure import Analysis
from threatmodel.engine.graph import EdgeKind, ModelEdge, model_edges
from threatmodel.load.expr import And, Const, to_text
from threatmodel.render.backend import draw, wasm_backend
from threatmodel.render.dot import dot_source
from threatmodel.render.labels import wrap
from threatmodel.render.plan import DEFAULT_MAX_PARTIES
from threatmodel.render.scene import Edge, Node, Scene, State
from threatmodel.render.views import (
    CONDITION_WIDTH,
    LIST_WIDTH,
    TITLE_WIDTH,
    clusters_for,
    edge_label,
    edge_tooltip,
    same_words,
)

MAX_PARTIES = DEFAULT_MAX_PARTIES
"""Most parties drawn; larger models' reports leave the diagram out (``render`` draws
overviews and boundaries of those)."""


def report_svg(analysis: Analysis) -> str | None:
    """The ``<svg>`` element of the model's diagram, or ``None`` for models too large."""
    if len(analysis.model.parties) > MAX_PARTIES:
        return None
    svg = draw(wasm_backend(), dot_source(_scene(analysis)), "svg").decode("utf-8")
    return svg[svg.index("<svg") :].rstrip() + "\n"


def _scene(analysis: Analysis) -> Scene:
    model = analysis.model
    nodes = []
    for party in sorted(model.parties):
        title = model.label(party)
        nodes.append(
            Node(
                name=party,
                title="\n".join(wrap(title, TITLE_WIDTH)),
                kind=model.parties[party].kind,
                cluster=model.parties[party].boundary,
                subtitle=None if same_words(title, party) else party,
                tooltip=f"{party} ({model.parties[party].kind.value})",
            )
        )
    edges = [_edge(analysis, edge) for edge in model_edges(model)]
    return Scene(
        title=model.title,
        lines=("every flow, observation and access; the report fades those off in its setting",),
        clusters=clusters_for(model, (node.cluster for node in nodes)),
        nodes=tuple(nodes),
        edges=tuple(edges),
    )


def _edge(analysis: Analysis, edge: ModelEdge) -> Edge:
    label = list(edge_label(None, edge, True))
    condition = guard_text(analysis, edge)
    if condition != "true":
        label += wrap(f"when {condition}", CONDITION_WIDTH)
    return Edge(
        name=edge.name,
        tail=edge.tail,
        head=edge.head,
        role=edge.role,
        state=State.ACTIVE,
        protection=edge.protection,
        access=edge.access,
        label=tuple(label) if label else tuple(wrap(edge.element, LIST_WIDTH)),
        tooltip=edge_tooltip(analysis.model, edge),
    )


def guard_text(analysis: Analysis, edge: ModelEdge) -> str:
    """What must hold for the edge's element to be active, as an expression."""
    model = analysis.model
    if edge.role is EdgeKind.ACCESS:
        access = model.access[edge.element]
        parts = [access.when.root, model.parties[access.from_].retains.root]
        kept = tuple(part for part in parts if part != Const(True))
        return to_text(And(kept)) if len(kept) > 1 else to_text(kept[0] if kept else Const(True))
    return to_text(model.flows[edge.element].when.root)
