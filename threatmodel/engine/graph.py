"""The model as a networkx multigraph: parties are nodes; flows, observations and accesses
are edges, keyed by element id.

Edges run the way data moves: a flow from sender to receiver, an observation from a flow's
sender to the observer, an access from the party holding the data to the party obtaining it.
Nodes and edges are inserted in sorted id order, so every iteration over the graph is
deterministic.
"""

from __future__ import annotations

from enum import StrEnum

import networkx as nx

from threatmodel.load.model import Model


class EdgeKind(StrEnum):
    """What an edge of the model graph stands for."""

    FLOW = "flow"
    OBSERVE = "observe"
    ACCESS = "access"


def observation_key(flow_id: str, observer: str) -> str:
    """Edge key of ``observer`` watching ``flow_id``."""
    return f"{flow_id}@{observer}"


def build_graph(model: Model) -> nx.MultiDiGraph:
    """Parties as nodes (attribute ``party``); flows, observations, accesses as edges.

    Edge attributes:

    * ``kind`` (:class:`EdgeKind`) and ``element`` (the flow or access id; an observation's
      is its flow's);
    * ``guard``: the element's ``when`` expression;
    * ``data``: the data a flow (or its observation) carries, in the model's order without
      repeats, or the data an access is limited to, sorted (empty: everything the holder
      has);
    * ``protection`` and ``sealed_with`` (the end-to-end key) of flows and observations
      (``None`` for accesses);
    * ``access``: the access kind (``None`` for flows and observations).

    Every other module that needs the model's edges reads them here.

    Examples
    --------
    >>> from threatmodel.load.examples import chat
    >>> sorted(build_graph(chat().model).edges(keys=True))
    [('alice', 'server', 'sealed_upload'), ('alice', 'server', 'upload')]
    """
    graph = nx.MultiDiGraph()
    for party_id in sorted(model.parties):
        graph.add_node(party_id, party=model.parties[party_id])
    for flow_id in sorted(model.flows):
        flow = model.flows[flow_id]
        carried = {
            "element": flow_id,
            "guard": flow.when,
            "data": tuple(dict.fromkeys(flow.data)),
            "protection": flow.protection.level,
            "sealed_with": flow.protection.key,
            "access": None,
        }
        graph.add_edge(flow.from_, flow.to, key=flow_id, kind=EdgeKind.FLOW, **carried)
        for observer in sorted(set(flow.observers)):
            graph.add_edge(
                flow.from_,
                observer,
                key=observation_key(flow_id, observer),
                kind=EdgeKind.OBSERVE,
                **carried,
            )
    for access_id in sorted(model.access):
        access = model.access[access_id]
        graph.add_edge(
            access.from_,
            access.party,
            key=access_id,
            kind=EdgeKind.ACCESS,
            element=access_id,
            guard=access.when,
            data=tuple(sorted(set(access.data))) if access.data is not None else (),
            protection=None,
            sealed_with=None,
            access=access.kind,
        )
    return graph
