"""The model as a directed multigraph: parties are nodes; flows, observations and accesses
are edges, named by element id.

Edges run the way data moves: a flow from sender to receiver, an observation from a flow's
sender to the observer, an access from the party holding the data to the party obtaining it.
Every module that needs the model's edges reads them here, sorted by name, so every
iteration over them is deterministic.

The edges are a plain list rather than a networkx graph: the analysis only indexes them and
walks them forwards, and importing networkx costs about 80 ms, a quarter of what
``analyze`` of a shipped model is allowed in all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import NamedTuple

from threatmodel.load.expr import Expression
from threatmodel.load.model import AccessKind, Model, ProtectionLevel


class EdgeKind(StrEnum):
    """What an edge of the model graph stands for."""

    FLOW = "flow"
    OBSERVE = "observe"
    ACCESS = "access"


def observation_key(flow_id: str, observer: str) -> str:
    """Edge name of ``observer`` watching ``flow_id``."""
    return f"{flow_id}@{observer}"


class ModelEdge(NamedTuple):
    """A flow, an observation of a flow, or an access, as an edge between two parties (a
    named tuple: a frozen dataclass took 6 µs to make, 0.3 s for 50,000 flows)."""

    name: str
    """The element id; an observation's is :func:`observation_key`."""
    element: str
    """The flow or access id (an observation's is its flow's)."""
    tail: str
    head: str
    role: EdgeKind
    data: tuple[str, ...]
    """Data carried (flows, observations: in the model's order without repeats) or in scope
    (accesses: sorted; empty: everything the holder has)."""
    protection: ProtectionLevel | None = None
    """The flow's protection (``None`` for accesses)."""
    key: str | None = None
    """The end-to-end key a flow is sealed with."""
    access: AccessKind | None = None
    """The access kind (``None`` for flows and observations)."""


def model_edges(model: Model) -> list[ModelEdge]:
    """Every flow, observation and access of ``model``, sorted by name.

    Examples
    --------
    >>> from threatmodel.load.examples import chat
    >>> [(edge.tail, edge.head, edge.name) for edge in model_edges(chat().model)]
    [('alice', 'server', 'sealed_upload'), ('alice', 'server', 'upload')]
    """
    edges = []
    for flow_id, flow in model.flows.items():
        carried = tuple(dict.fromkeys(flow.data))
        level, key = flow.protection.level, flow.protection.key
        edges.append(
            ModelEdge(flow_id, flow_id, flow.from_, flow.to, EdgeKind.FLOW, carried, level, key)
        )
        edges += [
            ModelEdge(
                observation_key(flow_id, observer),
                flow_id,
                flow.from_,
                observer,
                EdgeKind.OBSERVE,
                carried,
                level,
                key,
            )
            for observer in set(flow.observers)
        ]
    for access_id, access in model.access.items():
        scope = tuple(sorted(set(access.data))) if access.data is not None else ()
        edges.append(
            ModelEdge(
                access_id,
                access_id,
                access.from_,
                access.party,
                EdgeKind.ACCESS,
                scope,
                access=access.kind,
            )
        )
    return sorted(edges, key=lambda edge: edge.name)


def guard(model: Model, edge: ModelEdge) -> Expression:
    """The ``when`` of the element behind ``edge``."""
    if edge.role is EdgeKind.ACCESS:
        return model.access[edge.element].when
    return model.flows[edge.element].when


def successors(edges: Iterable[ModelEdge]) -> dict[str, list[ModelEdge]]:
    """Per party, the edges leaving it, in the order of ``edges``."""
    leaving: dict[str, list[ModelEdge]] = defaultdict(list)
    for edge in edges:
        leaving[edge.tail].append(edge)
    return dict(leaving)


def downstream(leaving: Mapping[str, list[ModelEdge]], sources: Iterable[str]) -> set[str]:
    """The parties reachable from ``sources`` along edges, ``sources`` included."""
    reached = set(sources)
    stack = list(reached)
    while stack:
        for edge in leaving.get(stack.pop(), ()):
            if edge.head not in reached:
                reached.add(edge.head)
                stack.append(edge.head)
    return reached
