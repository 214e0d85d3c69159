"""The package walks the model graph with its own few lines (importing networkx would cost
``analyze`` 80 ms); networkx is the independent reference they are checked against."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from threatmodel.engine.graph import EdgeKind, ModelEdge, downstream, successors
from threatmodel.load.diagnostics import ModelError
from threatmodel.load.loader import load_text

NAMES = list("abcdef")

pairs = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES)), max_size=14)


@settings(max_examples=200, deadline=None)
@given(pairs, st.sets(st.sampled_from(NAMES), min_size=1, max_size=3))
def test_downstream_is_networkx_descendants(
    pairs: list[tuple[str, str]], sources: set[str]
) -> None:
    edges = [
        ModelEdge(f"f{i}", f"f{i}", tail, head, EdgeKind.FLOW, ("d",))
        for i, (tail, head) in enumerate(pairs)
    ]
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(NAMES)
    graph.add_edges_from(pairs)
    expected = set(sources).union(*(nx.descendants(graph, source) for source in sources))
    assert downstream(successors(edges), sources) == expected


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(NAMES), st.sampled_from(NAMES)))
def test_boundary_cycles_are_networkx_simple_cycles(parents: dict[str, str]) -> None:
    """Every cycle among boundary parents is reported once, from its first boundary by
    name, in the direction of the parents."""
    lines = ["threatmodel: 1", "title: T", "boundaries:"]
    lines += [
        f"  {name}: {{parent: {parents[name]}}}" if name in parents else f"  {name}: {{}}"
        for name in NAMES
    ]
    expected = []
    for cycle in nx.simple_cycles(nx.DiGraph(list(parents.items()))):
        first = cycle.index(min(cycle))
        ordered = cycle[first:] + cycle[:first]
        expected.append(f"boundary parents form a cycle: {' → '.join([*ordered, ordered[0]])}")
    try:
        load_text("\n".join(lines) + "\n", "m.yaml")
        reported = []
    except ModelError as error:
        reported = [d.message for d in error.diagnostics if "form a cycle" in d.message]
    assert sorted(reported) == sorted(expected)
