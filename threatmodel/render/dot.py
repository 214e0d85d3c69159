"""A :class:`~threatmodel.render.scene.Scene` as a ``graphviz.Digraph``.

The graphviz package writes the DOT and quotes every identifier and attribute; model text
reaches it only through :mod:`~threatmodel.render.labels`.  Nodes, clusters and edges are
added in the scene's (sorted) order and no attribute depends on anything but the scene, so
the same scene always gives the same DOT, byte for byte.

An edge's label is drawn as a small text node on the edge (tail → label → head), placed in
the innermost boundary holding both ends.  Graphviz keeps nodes out of boundaries they do
not belong to, which it does not do for ordinary edge labels: those end up straddling
boundary borders.  Nodes are drawn after the edges, so that an edge that has to pass a
label passes behind its white background and the text stays legible.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping

import graphviz

from threatmodel.render import style
from threatmodel.render.labels import plain, wrap
from threatmodel.render.legend import add_legend
from threatmodel.render.scene import Cluster, Edge, Node, Scene

GRAPH_ATTRIBUTES = {
    "rankdir": "TB",
    "fontname": style.FONT,
    "fontsize": "12",
    "labelloc": "t",
    "labeljust": "l",
    "nodesep": "0.35",
    "ranksep": "0.35",
    "pad": "0.3",
    "newrank": "true",
    "outputorder": "edgesfirst",
    "bgcolor": "white",
}
NODE_ATTRIBUTES = {
    "fontname": style.FONT,
    "fontsize": style.TEXT_SIZE,
    "style": "filled",
    "fillcolor": style.NODE_FILL,
    "color": style.INK,
    "margin": "0.12,0.06",
}
EDGE_ATTRIBUTES = {"fontname": style.FONT, "fontsize": style.SMALL_SIZE, "arrowsize": "0.8"}
LABEL_ATTRIBUTES = {
    "shape": "plaintext",
    "style": "filled",
    "fillcolor": "white",
    "fontsize": style.SMALL_SIZE,
    "margin": "0.03,0.01",
    "width": "0",
    "height": "0",
}
TITLE_WIDTH = 110
"""Characters per line of the notes under a diagram's title."""
GRID_MIN = 9
"""Fewer parties than this in a cluster are laid out by their edges alone."""


def build(scene: Scene) -> graphviz.Digraph:
    """The diagram of ``scene``, legend and title included."""
    graph = graphviz.Digraph(
        name="threatmodel",
        graph_attr=GRAPH_ATTRIBUTES,
        node_attr=NODE_ATTRIBUTES,
        edge_attr=EDGE_ATTRIBUTES,
    )
    notes = [line for note in scene.notes for line in wrap(note, TITLE_WIDTH)]
    graph.attr(label=plain(scene.title, *scene.lines, *notes, left=True))
    if any(edge.tail_cluster or edge.head_cluster for edge in scene.edges):
        graph.attr(compound="true")
    label_homes = _label_homes(scene)
    _add_clusters(graph, scene, label_homes)
    if scene.grid:
        _add_grid(graph, scene)
    backward = _backward(scene)
    for edge in scene.edges:
        _add_edge(graph, edge, edge.name in backward)
    add_legend(graph, scene)
    return graph


def dot_source(scene: Scene) -> str:
    """The DOT text of ``scene``."""
    source: str = build(scene).source
    return source


def svg_id(prefix: str, name: str) -> str:
    """An SVG element id: ``prefix-name`` with characters outside ``[a-z0-9_.-]`` as ``.``."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "_.-") else "." for c in name)
    return f"{prefix}-{safe}"


def label_node_name(edge: Edge) -> str:
    """The name of the text node carrying an edge's label (no model id starts with ``_``)."""
    return f"_label_{edge.role.value}_{edge.name}"


def _label_homes(scene: Scene) -> dict[str | None, list[Edge]]:
    """Labelled edges by the innermost cluster holding both their ends."""
    parents: Mapping[str, str | None] = {c.name: c.parent for c in scene.clusters}
    where = {node.name: node.cluster if node.cluster in parents else None for node in scene.nodes}

    def chain(cluster: str | None) -> list[str | None]:
        found: list[str | None] = []
        while cluster is not None and cluster not in found:
            found.append(cluster)
            cluster = parents.get(cluster)
        return [*found, None]

    homes: dict[str | None, list[Edge]] = defaultdict(list)
    for edge in scene.edges:
        if not edge.label:
            continue
        tail_chain = chain(where.get(edge.tail))
        head_chain = set(chain(where.get(edge.head)))
        if edge.tail_cluster is not None:
            head_chain.discard(edge.tail_cluster)
        if edge.head_cluster is not None:
            head_chain.discard(edge.head_cluster)
            tail_chain = [c for c in tail_chain if c != edge.head_cluster]
        home = next(c for c in tail_chain if c in head_chain)
        homes[home].append(edge)
    return homes


def _add_clusters(
    graph: graphviz.Digraph, scene: Scene, label_homes: Mapping[str | None, list[Edge]]
) -> None:
    names = {cluster.name for cluster in scene.clusters}
    children: dict[str | None, list[Cluster]] = defaultdict(list)
    for cluster in scene.clusters:
        parent = cluster.parent if cluster.parent in names else None
        children[parent].append(cluster)
    members: dict[str | None, list[Node]] = defaultdict(list)
    for node in scene.nodes:
        members[node.cluster if node.cluster in names else None].append(node)

    def fill(target: graphviz.Digraph, name: str | None, depth: int) -> None:
        for node in members[name]:
            _add_node(target, node)
        for edge in label_homes.get(name, ()):
            _add_label_node(target, edge)
        for child in children[name]:
            with target.subgraph(name=f"cluster_{child.name}") as sub:
                shade = style.BOUNDARY_FILLS[min(depth, len(style.BOUNDARY_FILLS) - 1)]
                sub.attr(
                    label=plain(child.title),
                    id=svg_id("boundary", child.name),
                    style="rounded,filled",
                    fillcolor=shade,
                    color=style.BOUNDARY_LINE,
                    penwidth="1.4",
                    fontsize="12",
                    fontcolor=style.BOUNDARY_LINE,
                    labeljust="l",
                )
                fill(sub, child.name, depth + 1)

    fill(graph, None, 0)


def node_label(node: Node) -> str:
    """A node's lines: title, id, what it reads, notes."""
    return plain(*node.lines())


def _add_node(graph: graphviz.Digraph, node: Node) -> None:
    look = style.SHAPES[node.kind] if node.kind is not None else style.GROUP_SHAPE
    attributes = dict(look.attributes)
    attributes["style"] = ",".join([*filter(None, [attributes.get("style")]), "filled"])
    if node.fill is not None:
        attributes.update(style.FILLS[node.fill].attributes)
    graph.node(
        node.name,
        label=node_label(node),
        tooltip=plain(node.tooltip or node.name),
        id=svg_id("party" if node.kind is not None else "group", node.name),
        **attributes,
    )


def _add_label_node(graph: graphviz.Digraph, edge: Edge) -> None:
    attributes = style.edge_attributes(edge.role, edge.protection, edge.access, edge.state)
    graph.node(
        label_node_name(edge),
        label=plain(*edge.label),
        tooltip=plain(edge.tooltip or edge.name),
        id=svg_id("label", f"{edge.role.value}-{edge.name}"),
        fontcolor=attributes["fontcolor"],
        **LABEL_ATTRIBUTES,
    )


def _add_grid(graph: graphviz.Digraph, scene: Scene) -> None:
    """Invisible edges from each party to the one ``sqrt(n)`` places later in its cluster,
    so that ``n`` parties form a square grid rather than one long row."""
    members: dict[str | None, list[str]] = defaultdict(list)
    for node in scene.nodes:
        if node.kind is not None:
            members[node.cluster].append(node.name)
    for names in members.values():
        if len(names) < GRID_MIN:
            continue
        stride = math.isqrt(len(names) - 1) + 1
        for index in range(len(names) - stride):
            graph.edge(names[index], names[index + stride], style="invis")


def _backward(scene: Scene) -> set[str]:
    """Edges that close a cycle, drawn reversed with the arrow at their tail end.

    A depth-first search from the parties nothing is sent to (then from any party left, in
    name order) finds the edges that lead back to a party on the current path, as an AI's
    answer leads back to the app that asked.  Drawing those against the grain keeps the
    layout running top to bottom, with each edge's label on its own edge.  Graphviz would
    break the cycles itself, but between an edge's two halves and its label node, which
    sends the label far out of the way.
    """
    successors: dict[str, list[tuple[str, str]]] = defaultdict(list)
    targets = set()
    for edge in scene.edges:
        if edge.tail_cluster is None and edge.head_cluster is None:
            successors[edge.tail].append((edge.head, edge.name))
            targets.add(edge.head)
    names = sorted(node.name for node in scene.nodes)
    roots = [name for name in names if name not in targets] + names
    backward: set[str] = set()
    finished: set[str] = set()
    for root in roots:
        if root in finished:
            continue
        on_path = {root}
        stack = [(root, iter(successors[root]))]
        while stack:
            current, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                stack.pop()
                on_path.discard(current)
                finished.add(current)
                continue
            following, edge_name = step
            if following in on_path:
                backward.add(edge_name)
            elif following not in finished:
                on_path.add(following)
                stack.append((following, iter(successors[following])))
    return backward


def _add_edge(graph: graphviz.Digraph, edge: Edge, backward: bool = False) -> None:
    attributes = style.edge_attributes(edge.role, edge.protection, edge.access, edge.state)
    del attributes["fontcolor"]
    tooltip = plain(edge.tooltip or edge.name)
    edge_id = svg_id(edge.role.value, edge.name)
    if backward:
        _add_backward_edge(graph, edge, attributes, tooltip, edge_id)
        return
    if not edge.label:
        if edge.tail_cluster:
            attributes["ltail"] = f"cluster_{edge.tail_cluster}"
        if edge.head_cluster:
            attributes["lhead"] = f"cluster_{edge.head_cluster}"
        graph.edge(edge.tail, edge.head, tooltip=tooltip, id=edge_id, **attributes)
        return
    middle = label_node_name(edge)
    first = {**attributes, "arrowhead": "none"}
    if edge.tail_cluster:
        first["ltail"] = f"cluster_{edge.tail_cluster}"
    graph.edge(edge.tail, middle, tooltip=tooltip, id=f"{edge_id}.tail", **first)
    if edge.head_cluster:
        attributes["lhead"] = f"cluster_{edge.head_cluster}"
    graph.edge(middle, edge.head, tooltip=tooltip, id=edge_id, **attributes)


def _add_backward_edge(
    graph: graphviz.Digraph, edge: Edge, attributes: dict[str, str], tooltip: str, edge_id: str
) -> None:
    """``edge`` written head first, its arrow drawn at the head with ``dir=back``."""
    arrow = {**attributes, "dir": "back", "arrowtail": attributes.pop("arrowhead", "normal")}
    if not edge.label:
        graph.edge(edge.head, edge.tail, tooltip=tooltip, id=edge_id, **arrow)
        return
    middle = label_node_name(edge)
    graph.edge(edge.head, middle, tooltip=tooltip, id=edge_id, **arrow)
    plain_segment = {**attributes, "dir": "none"}
    graph.edge(middle, edge.tail, tooltip=tooltip, id=f"{edge_id}.tail", **plain_segment)
