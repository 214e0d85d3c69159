"""The legend: a sample of every shape, fill and line a diagram uses, with its meaning.

The legend is drawn from the scene, so it shows exactly the styles in that diagram, and each
sample is a real Graphviz node or edge with the attributes of the thing it explains.  It is
a grid of two columns, shapes on the left and lines on the right, tied row by row with
invisible edges; added before everything else, it is laid out below the diagram.  Legend
nodes are named ``_legend...``: no model id starts with ``_``, so they cannot clash.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import graphviz

from threatmodel.load.model import PartyKind
from threatmodel.render import style
from threatmodel.render.labels import plain, wrap
from threatmodel.render.scene import Fill, Scene, State

_TEXT = {"shape": "plaintext", "style": "", "fontsize": style.SMALL_SIZE, "margin": "0.12,0.02"}
_LINE_START = {
    "shape": "box",
    "style": "invis",
    "width": "0.5",
    "height": "0.2",
    "fixedsize": "true",
}
NODES_PER_ROW = 4
LINES_PER_ROW = 2
TEXT_WIDTH = 22


@dataclass(frozen=True)
class NodeSample:
    """A node drawn like the thing it explains, its meaning inside."""

    attributes: dict[str, str]
    lines: tuple[str, ...]


@dataclass(frozen=True)
class LineSample:
    """A short edge drawn like the thing it explains, pointing at its meaning."""

    attributes: dict[str, str]
    text: str


def add_legend(graph: graphviz.Digraph, scene: Scene) -> None:
    """Add the legend cluster for ``scene`` to ``graph``."""
    nodes, lines = node_samples(scene), line_samples(scene)
    rows: list[list[NodeSample | LineSample]] = []
    rows += [list(nodes[i : i + NODES_PER_ROW]) for i in range(0, len(nodes), NODES_PER_ROW)]
    rows += [list(lines[i : i + LINES_PER_ROW]) for i in range(0, len(lines), LINES_PER_ROW)]
    with graph.subgraph(name="cluster__legend") as legend:
        legend.attr(
            label=plain("Legend"),
            id="legend",
            style="rounded",
            color=style.MUTED,
            fontcolor=style.INK,
            fontsize="12",
            labeljust="l",
        )
        previous_row: str | None = None
        for row_number, row in enumerate(rows):
            names: list[str] = []
            with legend.subgraph() as same:
                same.attr(rank="same")
                for column, sample in enumerate(row):
                    name = f"_legend{row_number}_{column}"
                    if isinstance(sample, NodeSample):
                        attributes = {**sample.attributes, "fontsize": style.SMALL_SIZE}
                        same.node(name, label=plain(*sample.lines), id=_id(name), **attributes)
                        names.append(name)
                        continue
                    tail = f"{name}_line"
                    same.node(tail, label="", id=_id(tail), **_LINE_START)
                    text = wrap(sample.text, TEXT_WIDTH)
                    same.node(name, label=plain(*text, left=True), id=_id(name), **_TEXT)
                    same.edge(
                        tail, name, tailclip="false", id=_id(name + "_sample"), **sample.attributes
                    )
                    names += [tail, name]
            for left, right in itertools.pairwise(names):
                if not (left.endswith("_line") and right == left.removesuffix("_line")):
                    legend.edge(left, right, style="invis")
            if previous_row is not None:
                legend.edge(previous_row, names[0], style="invis")
            previous_row = names[0]


def _id(name: str) -> str:
    """``_legend2_1`` → ``legend-2-1``."""
    return name.lstrip("_").replace("legend", "legend-", 1).replace("_", "-")


def node_samples(scene: Scene) -> list[NodeSample]:
    """Shapes of the kinds drawn, the meaning of a node's lines, and the fills used."""
    kinds = {node.kind for node in scene.nodes}
    samples = [_shape(style.SHAPES[kind]) for kind in PartyKind if kind in kinds]
    if None in kinds:
        samples.append(_shape(style.GROUP_SHAPE))
    if any(node.reads or node.sealed for node in scene.nodes):
        meaning = (
            "party",
            "reads: data it reads in plaintext",
            "sealed: data it holds",
            "only as ciphertext",
        )
        samples.append(NodeSample({"shape": "box", "style": "filled"}, meaning))
    before, after = scene.diff or ("", "")
    for fill in _fills(scene):
        look = style.FILLS[fill]
        text = look.legend.format(datum=scene.highlight or "", before=before, after=after)
        attributes = {"shape": "box", "style": "filled", **look.attributes}
        samples.append(NodeSample(attributes, (text,)))
    return samples


def _shape(look: style.Look) -> NodeSample:
    attributes = dict(look.attributes)
    attributes["style"] = ",".join([*filter(None, [attributes.get("style")]), "filled"])
    return NodeSample(attributes, (look.legend,))


def _fills(scene: Scene) -> list[Fill]:
    used = {node.fill for node in scene.nodes}
    if scene.highlight is not None and scene.diff is None:
        used |= {Fill.PLAINTEXT, Fill.CIPHERTEXT}
    return [fill for fill in Fill if fill in used]


def line_samples(scene: Scene) -> list[LineSample]:
    """The lines drawn (protections, observation, accesses), faint ones, diff colours."""
    found: dict[str, LineSample] = {}
    for edge in scene.edges:
        look = style.line_look(edge.role, edge.protection, edge.access)
        if look.name in found:
            continue
        attributes = dict(look.attributes)
        if scene.diff is not None:
            attributes["color"] = style.recolour(attributes.get("color", style.INK), style.INK)
        found[look.name] = LineSample(attributes, look.legend)
    order = [look.name for look in style.PROTECTIONS.values()]
    order += [style.OBSERVE.name]
    order += [look.name for look in style.ACCESSES.values()]
    samples = [found[name] for name in order if name in found]
    states = {edge.state for edge in scene.edges}
    if State.INACTIVE in states:
        samples.append(LineSample({"color": style.FAINT, "penwidth": "1.2"}, style.INACTIVE.legend))
    if scene.diff is not None:
        before, after = scene.diff
        for state, look in style.DIFF_COLOURS.items():
            if state in states:
                text = look.legend.format(before=before, after=after)
                samples.append(LineSample({**look.attributes, "penwidth": "1.6"}, text))
    return samples
