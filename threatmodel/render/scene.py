"""What a diagram shows, before it is DOT: clusters, nodes, edges, title and notes.

The views (:mod:`~threatmodel.render.views`, :mod:`~threatmodel.render.large`,
:mod:`~threatmodel.render.diffview`) decide the content; :mod:`~threatmodel.render.dot` and
:mod:`~threatmodel.render.mermaid` decide how it looks.  Every tuple here is sorted by name,
so the DOT or Mermaid built from a scene is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from threatmodel.engine.graph import EdgeKind
from threatmodel.load.model import AccessKind, PartyKind, ProtectionLevel


class State(StrEnum):
    """How an edge takes part in the setting(s) drawn."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    """Its ``when`` (or, for an access, the holder's ``retains``) is false: drawn faint."""
    KEPT = "kept"
    """Diff: active in both settings."""
    ADDED = "added"
    """Diff: active only in the second setting."""
    REMOVED = "removed"
    """Diff: active only in the first setting."""


class Fill(StrEnum):
    """Why a node is filled."""

    PLAINTEXT = "plaintext"
    """Reads the highlighted datum in plaintext."""
    CIPHERTEXT = "ciphertext"
    """Holds the highlighted datum only as ciphertext."""
    GAINS = "gains"
    """Diff: gets more of some datum in the second setting."""
    LOSES = "loses"
    """Diff: gets less of some datum in the second setting."""
    MIXED = "mixed"
    """Diff: gets more of one datum and less of another."""


@dataclass(frozen=True)
class Cluster:
    """A trust boundary drawn as a box around its parties."""

    name: str
    title: str
    parent: str | None


@dataclass(frozen=True)
class Node:
    """A party, or a group of parties collapsed into one node."""

    name: str
    """The DOT node name: a party id, a boundary id, or a name no model id can take."""
    title: str
    kind: PartyKind | None
    """``None`` for a group of parties."""
    cluster: str | None
    """The cluster it is drawn in."""
    subtitle: str | None = None
    """A smaller line under the title (the id, when the title differs from it)."""
    reads: tuple[str, ...] = ()
    """Data it reads in plaintext (or, for a group, summaries of them)."""
    sealed: tuple[str, ...] = ()
    """Data it holds only as ciphertext."""
    notes: tuple[str, ...] = ()
    """Further lines: group sizes, diff changes."""
    fill: Fill | None = None
    tooltip: str = ""

    def lines(self) -> list[str]:
        """What the node shows, line by line: title, id, what it reads, notes."""
        lines = self.title.split("\n")
        if self.subtitle:
            lines.append(f"({self.subtitle})")
        for prefix, items in (("reads: ", self.reads), ("sealed: ", self.sealed)):
            lines += [prefix + line if index == 0 else line for index, line in enumerate(items)]
        return lines + list(self.notes)


@dataclass(frozen=True)
class Edge:
    """A flow, observation or access; or several of them between the same two nodes."""

    name: str
    """The element id (``flow@observer`` for an observation), or an aggregate's name."""
    tail: str
    head: str
    role: EdgeKind
    state: State
    protection: ProtectionLevel | None = None
    """For flows and observations: the flow's protection."""
    access: AccessKind | None = None
    label: tuple[str, ...] = ()
    tooltip: str = ""
    tail_cluster: str | None = None
    """Clip the edge at this cluster's border instead of at the tail node."""
    head_cluster: str | None = None
    """Clip the edge at this cluster's border instead of at the head node."""


@dataclass(frozen=True)
class Scene:
    """One diagram's content."""

    title: str
    """The model's title."""
    lines: tuple[str, ...]
    """Under the title: scenario, setting, highlight."""
    clusters: tuple[Cluster, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    notes: tuple[str, ...] = ()
    """What was collapsed or left out, shown in the diagram and printed by the CLI."""
    diff: tuple[str, str] | None = None
    """For a diff: short names of the two settings compared."""
    highlight: str | None = None
    """The highlighted datum, if any."""
    grid: bool = field(default=False)
    """Lay the parties of each cluster out in a square grid rather than by their edges
    alone (for views whose parties have few edges between them)."""
