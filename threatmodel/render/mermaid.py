"""A :class:`~threatmodel.render.scene.Scene` as a Mermaid flowchart, for markdown viewers.

The same scenes as the Graphviz diagrams, written in Mermaid's flowchart language so that
GitHub, GitLab and most markdown viewers draw them inline: boundaries are subgraphs,
parties are shaped by kind, flows are labelled with their data and drawn by protection
(a thick red line for none, a blue one for transport encryption, a green one ending in a
circle for end to end), observations and accesses dotted.  Mermaid cannot draw a legend,
so :func:`legend_items` describes the lines and fills a scene uses, for the text beside
the block.

Model text is data, never markup: every string from a model reaches the source through
:func:`escape`, inside double quotes.  Node and subgraph ids are the scene's names behind a
prefix (``n_``, ``c_``), so that no model id can be a Mermaid keyword such as ``end``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from threatmodel.engine.graph import EdgeKind
from threatmodel.load.model import PartyKind, ProtectionLevel
from threatmodel.render import style
from threatmodel.render.labels import clean
from threatmodel.render.scene import Cluster, Edge, Fill, Node, Scene, State

MAX_TEXT = 50_000
"""Characters of a Mermaid block GitHub draws (Mermaid's default ``maxTextSize``)."""
MAX_EDGES = 500
"""Edges of a Mermaid flowchart GitHub draws (Mermaid's default ``maxEdges``)."""

_ENTITIES = {
    '"': "#quot;",
    "#": "#35;",
    "%": "#37;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "|": "#124;",
    "`": "#96;",
    "\\": "#92;",
    ":": "#58;",
}
"""Characters written as Mermaid entity codes: the string delimiter, the entity marker
itself (so that model text never spells an entity), ``%%`` (comments and ``%%{init}%%``
directives, which Mermaid strips before parsing, even inside strings), HTML, the brackets of
node shapes and edge labels, the backtick that starts a markdown string, and the colon:
before parsing, Mermaid drops the last ``;`` of any line matching ``style.*:\\S*#.*;`` (an
entity code's, in a title such as ``style: #1``), and this package's own colons are always
followed by a space."""

SHAPES: Mapping[PartyKind | None, tuple[str, str]] = {
    PartyKind.PERSON: ("([", "])"),
    PartyKind.CLIENT: ("(", ")"),
    PartyKind.DEVICE: ("[[", "]]"),
    PartyKind.SERVICE: ("[", "]"),
    PartyKind.AI_MODEL: ("{{", "}}"),
    PartyKind.STORE: ("[(", ")]"),
    PartyKind.AUTHORITY: ("[/", "\\]"),
    PartyKind.OBSERVER: (">", "]"),
    PartyKind.THIRD_PARTY: ("[\\", "/]"),
    None: ("[/", "/]"),
}
"""The Mermaid node shape of each kind of party (``None``: a group of parties)."""


@dataclass(frozen=True)
class Line:
    """How one kind of edge is drawn, and the legend's words for it."""

    arrow: str
    colour: str
    width: str
    words: str
    """The line as the legend describes it, without its colour."""


_PROTECTION_LINES: Mapping[ProtectionLevel, Line] = {
    ProtectionLevel.NONE: Line("==>", "#d32f2f", "3px", "thick line"),
    ProtectionLevel.TRANSPORT: Line("-->", "#1f5fa8", "1.5px", "thin line"),
    ProtectionLevel.END_TO_END: Line("--o", "#2e7d32", "1.5px", "line ending in a circle"),
}
_OBSERVE_LINE = Line("-.-o", "#616161", "1.5px", "dotted line ending in a circle")
_ACCESS_ARROW = "-.->"
_ACCESS_WORDS = "dotted arrow"
_COLOUR_WORDS = {
    "#d32f2f": "red",
    "#1f5fa8": "blue",
    "#2e7d32": "green",
    "#616161": "grey",
    "#6a1b9a": "purple",
    "#4e342e": "brown",
    "#000000": "black",
    "#e65100": "orange",
    "#1565c0": "blue",
    "#ef6c00": "orange",
    "#9e9e9e": "grey",
}


def escape(text: str) -> str:
    """``text`` on one line, safe inside a double-quoted Mermaid string, shown literally."""
    return "".join(_ENTITIES.get(character, character) for character in clean(text))


def quoted(lines: Iterable[str]) -> str:
    """A double-quoted Mermaid label of ``lines``, one per line."""
    return '"' + "<br>".join(escape(line) for line in lines) + '"'


def node_id(name: str) -> str:
    """The Mermaid id of a scene node."""
    return "n_" + _safe(name)


def cluster_id(name: str) -> str:
    """The Mermaid id of a scene cluster (a subgraph)."""
    return "c_" + _safe(name)


def _safe(name: str) -> str:
    """``name`` with characters outside ``[A-Za-z0-9_]`` as ``_xHEX_`` (scene names are
    model ids, which never need it, or ``_outside``)."""
    return "".join(
        c if c.isascii() and (c.isalnum() or c == "_") else f"_x{ord(c):x}_" for c in name
    )


def line_of(edge: Edge) -> Line:
    """How ``edge`` is drawn, before its state (faint, diff colour) is applied."""
    if edge.role is EdgeKind.ACCESS:
        assert edge.access is not None
        colour = style.ACCESSES[edge.access].attributes["color"]
        return Line(_ACCESS_ARROW, colour, "2px", _ACCESS_WORDS)
    if edge.role is EdgeKind.OBSERVE:
        return _OBSERVE_LINE
    assert edge.protection is not None
    return _PROTECTION_LINES[edge.protection]


def _edge_colours(edge: Edge) -> tuple[str, str]:
    """The line and text colours of ``edge`` in its state."""
    colour = line_of(edge).colour
    if edge.state is State.INACTIVE:
        return style.FAINT, style.FAINT_TEXT
    if edge.state in style.DIFF_COLOURS:
        new = style.DIFF_COLOURS[edge.state].attributes["color"]
        return new, new if edge.state is not State.KEPT else style.MUTED
    return colour, colour


def mermaid_source(scene: Scene) -> str:
    """The Mermaid flowchart of ``scene`` (without the markdown fence)."""
    out = ["flowchart TB"]
    _add_clusters(out, scene)
    styles: dict[str, list[int]] = defaultdict(list)
    for index, edge in enumerate(scene.edges):
        line = line_of(edge)
        tail = cluster_id(edge.tail_cluster) if edge.tail_cluster else node_id(edge.tail)
        head = cluster_id(edge.head_cluster) if edge.head_cluster else node_id(edge.head)
        label = f"|{quoted(edge.label)}|" if edge.label else ""
        out.append(f"    {tail} {line.arrow}{label} {head}")
        colour, text = _edge_colours(edge)
        width = line.width if edge.state is not State.INACTIVE else "1px"
        styles[f"stroke:{colour},stroke-width:{width},color:{text}"].append(index)
    fills: dict[Fill, list[str]] = defaultdict(list)
    for node in scene.nodes:
        if node.fill is not None:
            fills[node.fill].append(node_id(node.name))
    for fill in Fill:
        if fill in fills:
            colour = style.FILLS[fill].attributes["fillcolor"]
            out.append(f"    classDef {fill.value} fill:{colour},stroke:{style.INK}")
            out.append(f"    class {','.join(fills[fill])} {fill.value}")
    for attributes, indices in sorted(styles.items(), key=lambda item: item[1][0]):
        out.append(f"    linkStyle {','.join(map(str, indices))} {attributes}")
    return "\n".join(out) + "\n"


def _add_clusters(out: list[str], scene: Scene) -> None:
    names = {cluster.name for cluster in scene.clusters}
    children: dict[str | None, list[Cluster]] = defaultdict(list)
    for cluster in scene.clusters:
        children[cluster.parent if cluster.parent in names else None].append(cluster)
    members: dict[str | None, list[Node]] = defaultdict(list)
    for node in scene.nodes:
        members[node.cluster if node.cluster in names else None].append(node)

    def fill(name: str | None, depth: int) -> None:
        indent = "    " * depth
        for node in members[name]:
            start, end = SHAPES[node.kind]
            out.append(f"{indent}{node_id(node.name)}{start}{quoted(node.lines())}{end}")
        for child in children[name]:
            out.append(f"{indent}subgraph {cluster_id(child.name)}[{quoted([child.title])}]")
            fill(child.name, depth + 1)
            out.append(f"{indent}end")

    fill(None, 1)


def legend_items(scene: Scene) -> list[tuple[str, str]]:
    """What the lines and fills of ``scene`` look like and mean, one pair per style used."""
    items = []
    seen: set[str] = set()
    diff = scene.diff is not None
    for look, line in _line_looks(scene):
        if look.name in seen:
            continue
        seen.add(look.name)
        if diff:
            sample = line.words
        elif line.arrow == _ACCESS_ARROW:
            sample = f"{line.words} ({_COLOUR_WORDS[line.colour]})"
        else:
            sample = f"{_COLOUR_WORDS[line.colour]} {line.words}"
        items.append((sample, look.legend))
    states = {edge.state for edge in scene.edges}
    if State.INACTIVE in states:
        items.append(("light grey line", style.INACTIVE.legend))
    before, after = scene.diff or ("", "")
    if diff:
        for state, look in style.DIFF_COLOURS.items():
            if state in states:
                text = look.legend.format(before=before, after=after)
                items.append((_COLOUR_WORDS[look.attributes["color"]], text))
    for fill in Fill:
        if any(node.fill is fill for node in scene.nodes):
            text = style.FILLS[fill].legend.format(
                datum=scene.highlight or "", before=before, after=after
            )
            items.append((f"{_FILL_WORDS[fill]} fill", text))
    return items


_FILL_WORDS = {
    Fill.PLAINTEXT: "red",
    Fill.CIPHERTEXT: "yellow",
    Fill.GAINS: "red",
    Fill.LOSES: "green",
    Fill.MIXED: "yellow",
}


def _line_looks(scene: Scene) -> list[tuple[style.Look, Line]]:
    """The looks of the scene's lines, in the legend's order (protections, observation,
    accesses)."""
    order = [look.name for look in style.PROTECTIONS.values()]
    order += [style.OBSERVE.name, *(look.name for look in style.ACCESSES.values())]
    used = []
    for edge in scene.edges:
        look = style.line_look(edge.role, edge.protection, edge.access)
        used.append((order.index(look.name), look, line_of(edge)))
    return [(look, line) for _, look, line in sorted(used, key=lambda u: u[0])]
