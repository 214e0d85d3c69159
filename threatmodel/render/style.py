"""Every visual choice of the diagrams, each with the words the legend uses for it.

Protection is shown twice, by colour and by line, so that a greyscale print still reads:
no protection is a thick red line, transport encryption a thin blue one, end-to-end
encryption a green double line.  Accesses are dashed, observations dotted.  An element
that is off in the setting drawn (shown only with ``--inactive faint``) keeps its line but
turns light grey.  In a diff, colour means change instead (blue added, orange removed,
grey unchanged) and the line still means protection.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from threatmodel.engine.graph import EdgeKind
from threatmodel.load.model import AccessKind, PartyKind, ProtectionLevel
from threatmodel.render.scene import Fill, State

FONT = "Verdana"
"""Graphviz estimates text widths from its own tables when it has no fonts (the in-process
backend): Verdana's are the widest of the common sans-serif faces, so labels fit whichever
sans-serif font the viewer substitutes.  :mod:`~threatmodel.render.svg` adds the fallbacks."""
FONT_FALLBACK = "Verdana,DejaVu Sans,sans-serif"
TEXT_SIZE = "10"
SMALL_SIZE = "8"

INK = "#212121"
MUTED = "#757575"
FAINT = "#c4c4c4"
FAINT_TEXT = "#9e9e9e"

BOUNDARY_FILLS = ("#f3f5f8", "#e6eaf0", "#d9dfe8")
"""Cluster background by nesting depth."""
BOUNDARY_LINE = "#5c6b7a"


@dataclass(frozen=True)
class Look:
    """Graphviz attributes for one style, and how the legend describes it."""

    name: str
    legend: str
    attributes: Mapping[str, str]


SHAPES: Mapping[PartyKind, Look] = {
    PartyKind.PERSON: Look("person", "person", {"shape": "ellipse"}),
    PartyKind.CLIENT: Look("client", "client app", {"shape": "box", "style": "rounded"}),
    PartyKind.DEVICE: Look("device", "device", {"shape": "box3d"}),
    PartyKind.SERVICE: Look("service", "service", {"shape": "box"}),
    PartyKind.AI_MODEL: Look("ai_model", "AI model", {"shape": "hexagon"}),
    PartyKind.STORE: Look("store", "data store", {"shape": "cylinder"}),
    PartyKind.AUTHORITY: Look("authority", "authority", {"shape": "house"}),
    PartyKind.OBSERVER: Look("observer", "observer", {"shape": "octagon"}),
    PartyKind.THIRD_PARTY: Look("third_party", "third party", {"shape": "tab"}),
}
GROUP_SHAPE = Look("group", "group of parties (collapsed)", {"shape": "folder"})

FILLS: Mapping[Fill, Look] = {
    Fill.PLAINTEXT: Look("plaintext", "reads {datum} in plaintext", {"fillcolor": "#f6b0ab"}),
    Fill.CIPHERTEXT: Look(
        "ciphertext", "holds {datum} only as ciphertext", {"fillcolor": "#fbe08c"}
    ),
    Fill.GAINS: Look("gains", "gets more in {after}", {"fillcolor": "#f6b0ab"}),
    Fill.LOSES: Look("loses", "gets less in {after}", {"fillcolor": "#b9e2bb"}),
    Fill.MIXED: Look("mixed", "gets more of one datum, less of another", {"fillcolor": "#fbe08c"}),
}
NODE_FILL = "white"

_RED, _BLUE, _GREEN = "#d32f2f", "#1f5fa8", "#2e7d32"

PROTECTIONS: Mapping[ProtectionLevel, Look] = {
    ProtectionLevel.NONE: Look(
        "none", "no protection: plaintext on the wire", {"color": _RED, "penwidth": "2.6"}
    ),
    ProtectionLevel.TRANSPORT: Look(
        "transport",
        "transport encryption (TLS): the receiver reads it",
        {"color": _BLUE, "penwidth": "1.2"},
    ),
    ProtectionLevel.END_TO_END: Look(
        "end_to_end",
        "end-to-end encrypted under the key named",
        {"color": f"{_GREEN}:invis:{_GREEN}", "penwidth": "1.2"},
    ),
}

ACCESSES: Mapping[AccessKind, Look] = {
    AccessKind.COMPEL: Look(
        "compel", "compelled access (warrant, order)", {"color": "#6a1b9a", "style": "dashed"}
    ),
    AccessKind.SEIZE: Look(
        "seize", "seizure (device or server taken)", {"color": "#4e342e", "style": "dashed"}
    ),
    AccessKind.BREACH: Look("breach", "breach (attacker)", {"color": "#000000", "style": "dashed"}),
    AccessKind.SHARE: Look(
        "share", "sharing by agreement", {"color": "#e65100", "style": "dashed"}
    ),
}
ACCESS_COMMON = {"penwidth": "1.8", "arrowhead": "vee"}

OBSERVE = Look(
    "observe",
    "observer of a flow: sees its wire form",
    {"color": "#616161", "style": "dotted", "penwidth": "1.6", "arrowhead": "odot"},
)

INACTIVE = Look("inactive", "off in this setting (its condition on the label)", {})

DIFF_COLOURS: Mapping[State, Look] = {
    State.ADDED: Look("added", "+ only in {after}", {"color": "#1565c0"}),
    State.REMOVED: Look("removed", "− only in {before}", {"color": "#ef6c00"}),
    State.KEPT: Look("kept", "in both settings", {"color": "#9e9e9e"}),
}
DIFF_PREFIX = {State.ADDED: "+ ", State.REMOVED: "− ", State.KEPT: ""}


def recolour(colour: str, new: str) -> str:
    """``colour`` with every colour in a ``a:invis:b`` list replaced by ``new``."""
    return ":".join(part if part == "invis" else new for part in colour.split(":"))


def line_look(
    role: EdgeKind, protection: ProtectionLevel | None, access: AccessKind | None
) -> Look:
    """The look of an edge's line, before the state (faint, diff colour) is applied."""
    if role is EdgeKind.ACCESS:
        assert access is not None
        look = ACCESSES[access]
        return Look(look.name, look.legend, {**ACCESS_COMMON, **look.attributes})
    if role is EdgeKind.OBSERVE:
        return OBSERVE
    assert protection is not None
    return PROTECTIONS[protection]


def edge_attributes(
    role: EdgeKind,
    protection: ProtectionLevel | None,
    access: AccessKind | None,
    state: State,
) -> dict[str, str]:
    """Graphviz attributes of an edge: its line, coloured by its state."""
    attributes = dict(line_look(role, protection, access).attributes)
    colour = attributes.get("color", INK)
    if state is State.INACTIVE:
        attributes["color"] = recolour(colour, FAINT)
        attributes["fontcolor"] = FAINT_TEXT
        if "penwidth" in attributes:
            attributes["penwidth"] = str(min(float(attributes["penwidth"]), 1.2))
    elif state in DIFF_COLOURS:
        new = DIFF_COLOURS[state].attributes["color"]
        attributes["color"] = recolour(colour, new)
        attributes["fontcolor"] = new if state is not State.KEPT else MUTED
    else:
        attributes["fontcolor"] = colour.split(":")[0]
    return attributes
