"""How well the record supports each element that a rule application uses.

An element's evidence is its own ``evidence:`` when it states one, else the strongest tier
among its sources (``source: [ids]``), else ``unsourced``.  A rule application (a
:class:`~threatmodel.engine.inference.Step`) rests on one or two elements:

* R1 origin: the datum; R2 key: the key;
* R3-R5 send, seal, relay: the flow;
* R7 observe: the flow and the observing party (a party's evidence grades what it does on
  its own: watching flows and keeping what it receives);
* R8 access: the access and the party it obtains from, whose ``retains`` it relies on;
* R6 open: nothing beyond its premises, so ``established``.

Tiers are handled as ranks (:attr:`~threatmodel.load.model.Evidence.rank`): 0 is
established, a larger rank is weaker, and a derivation's rank is the largest among its steps.
"""

from __future__ import annotations

from collections.abc import Iterable

from threatmodel.load.model import Evidence, Graded, Model

ESTABLISHED = Evidence.ESTABLISHED.rank


def element_tier(model: Model, element: Graded) -> Evidence:
    """The evidence of one element (see the module documentation)."""
    if element.evidence is not None:
        return element.evidence
    tiers = [model.sources[source].tier() for source in element.source]
    return min(tiers, key=lambda tier: tier.rank, default=Evidence.UNSOURCED)


def weakest(tiers: Iterable[Evidence]) -> Evidence:
    """The weakest of ``tiers`` (``established`` when there are none)."""
    return Evidence.of_rank(max((tier.rank for tier in tiers), default=ESTABLISHED))


class ElementTiers:
    """The evidence rank of every element of a model that steps use, computed once."""

    def __init__(self, model: Model) -> None:
        self.parties = {p: element_tier(model, e).rank for p, e in model.parties.items()}
        self.data = {d: element_tier(model, e).rank for d, e in model.data.items()}
        self.data.update({k: element_tier(model, e).rank for k, e in model.keys.items()})
        self.flows = {f: element_tier(model, e).rank for f, e in model.flows.items()}
        self.access = {x: element_tier(model, e).rank for x, e in model.access.items()}
