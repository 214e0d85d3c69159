"""The order of the variables in the BDDs: the order in which knowledge meets them.

A BDD's size depends on its variable order, exponentially at worst: ``(a1 and b1) or (a2
and b2) or ...`` takes 2n nodes when each pair is adjacent and about 2^n when all the ``a``
come first, as they do in name order.  Exposure conditions are conjunctions of the guards
along a path and disjunctions over paths, so variables met along one path belong together.
The order is found by a depth-first walk of the model graph from where data starts (origins
and key holders), listing the variables of each guard as its flow, observation or access is
crossed and of each party's ``retains`` as the party is reached; constraints, expectations
and unused variables follow.  It depends on the model alone, so output stays deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from threatmodel.engine.graph import guard, model_edges, successors
from threatmodel.load.expr import Expression
from threatmodel.load.model import Model


def bdd_order(model: Model, variables: Iterable[str]) -> tuple[str, ...]:
    """``variables`` in the order of the walk described in the module documentation."""
    wanted = set(variables)
    if not wanted:  # nothing to order: no walk
        return ()
    order: dict[str, None] = {}

    def meet(expression: Expression) -> None:
        for name in expression.names():
            if name.name in wanted:
                order.setdefault(name.name)

    edges = _edges(model)
    reached: set[str] = set()
    for root in _roots(model):
        if root in reached:
            continue
        reached.add(root)
        meet(model.parties[root].retains)
        stack: list[Iterator[tuple[Expression, str]]] = [iter(edges.get(root, ()))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                continue
            guard, target = step
            meet(guard)
            if target not in reached:
                reached.add(target)
                meet(model.parties[target].retains)
                stack.append(iter(edges.get(target, ())))
    for constraint in model.constraints.values():
        meet(constraint.require)
    for expectation in model.expectations.values():
        meet(expectation.when)
    for name in sorted(wanted):
        order.setdefault(name)
    return tuple(order)


def _roots(model: Model) -> list[str]:
    """Where knowledge starts (origins of data, holders of keys), then every other party."""
    starts = {p for datum in model.data.values() for p in datum.origin}
    starts |= {p for key in model.keys.values() for p in key.holders}
    return [*sorted(starts), *sorted(set(model.parties) - starts)]


def _edges(model: Model) -> dict[str, list[tuple[Expression, str]]]:
    """Per party, the guards and targets of the ways knowledge leaves it (the out-edges of
    the model graph), by element id."""
    return {
        party: [
            (guard(model, edge), edge.head)
            for edge in sorted(leaving, key=lambda edge: (edge.element, edge.head))
        ]
        for party, leaving in successors(model_edges(model)).items()
    }
