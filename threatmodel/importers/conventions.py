"""Choices both importers make the same way: classifications, origins, the network observer,
the file header and the ``sources`` entry for the original file.

**Origins.**  Our analysis needs to know where a datum comes from (rule R1: only origins
have a datum to begin with).  Threagile may name it (a data asset's ``origin``, when that
names a technical asset); otherwise neither tool says, but both say who *has* each datum
(processes, stores, sends it), and the converted model should give each of them the datum.
:func:`infer_origin` starts from the named origin, or else from the holders that receive the
datum over no flow: whoever has it without being sent it must have produced it.  Where the
flows from those do not reach every holder — the datum goes round among parties that all
receive it — it takes fallback candidates one at a time, in the order given (for pytm: the
actors and external entities first, then the other senders, each in flow order), each only
while it is still not reached, until every holder is reached.  So a service that passes a
client's credentials on does not become an origin of them beside the client.

**Flows without data.**  Both tools allow a flow (a pytm ``Dataflow``, a Threagile
communication link) that names no data; ours does not.  Each such flow is kept, carrying a
placeholder datum of its own, ``unspecified_<flow>`` (:func:`add_placeholder`).

**The network observer.**  Both tools mark a flow as encrypted or not, which in our format is
``protection: transport`` or ``none``.  The difference only shows in an analysis when someone
watches the wire (rule R7): so each flow between parties in different trust boundaries (a
party with no boundary is its own) gets one added party, ``network_observer`` (kind
``observer``), as an observer.  It reads what crosses a boundary unprotected and nothing of
what crosses under transport protection.  Flows inside one boundary get no observer, as
Threagile treats only boundary-crossing plaintext as likely to be seen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import PurePath

from threatmodel.importers.draft import Draft, Element
from threatmodel.importers.ids import IdAllocator

CLASSIFICATIONS = ("public", "internal", "personal", "sensitive")
"""Our classifications, least sensitive first."""

OBSERVER_ID = "network_observer"
OBSERVER_TITLE = "Observer of traffic between trust boundaries"
OBSERVER_DESCRIPTION = (
    "Added on import: anyone who can watch a flow that crosses a trust boundary. It sees the "
    "data of unprotected (protection: none) flows and nothing of transport-protected ones."
)


def at_least(classification: str, floor: str) -> str:
    """The more sensitive of two classifications."""
    return max(classification, floor, key=CLASSIFICATIONS.index)


def infer_origin(
    holders: Iterable[str],
    flows: Iterable[tuple[str, str]],
    *fallbacks: Sequence[str],
    declared: Sequence[str] = (),
) -> tuple[list[str], list[int]]:
    """Origins of a datum, and the rules that gave them (see the module docstring).

    Rule -1: the ``declared`` origins, when the other tool names some; else rule 0: the
    holders that receive the datum over no flow.  Rule ``n``: members of the ``n``-th
    fallback, taken one at a time in the order given, each only while it is still not
    reached by the flows from the origins chosen so far.  ``flows`` are the (sender,
    receiver) pairs of the flows that carry the datum.
    """
    wanted = set(holders)
    edges: dict[str, set[str]] = {}
    for sender, receiver in flows:
        edges.setdefault(sender, set()).add(receiver)
    if declared:
        origins = set(declared)
        rules = [-1]
    else:
        received = {receiver for targets in edges.values() for receiver in targets}
        origins = wanted - received
        rules = [0] if origins else []
    reached = _reach(origins, edges)
    for number, fallback in enumerate(fallbacks, start=1):
        used = False
        for candidate in fallback:
            if candidate in wanted and candidate not in reached:
                origins.add(candidate)
                reached |= _reach({candidate}, edges)
                used = True
        if used:
            rules.append(number)
    return sorted(origins), rules


def _reach(starts: set[str], edges: dict[str, set[str]]) -> set[str]:
    """Every party the flows lead to from ``starts``, ``starts`` included."""
    seen = set(starts)
    stack = list(starts)
    while stack:
        for receiver in edges.get(stack.pop(), ()):
            if receiver not in seen:
                seen.add(receiver)
                stack.append(receiver)
    return seen


def origin_note(rules: list[int], texts: dict[int, str]) -> str:
    """How a datum's origins were chosen, from the ``texts`` of the rules used."""
    if not rules:
        return "origin: none of the parties has it to begin with, so none reads it"
    return "origin: " + "; plus ".join(texts[rule] for rule in rules)


def add_network_observer(
    draft: Draft,
    ids: IdAllocator,
    local: Iterable[str] = (),
    crosses: Callable[[Element], bool] | None = None,
) -> str | None:
    """Add the observer to every boundary-crossing flow not in ``local``; its id, if added.

    ``crosses`` says whether a flow crosses a boundary; by default, when its two parties are
    in different boundaries (a party with no boundary is a region of its own).
    """
    parties = draft.sections["parties"]
    flows = draft.sections["flows"]
    skip = set(local)

    def region(party: str) -> tuple[str, str]:
        """A party's boundary; a party with none is a region of its own."""
        value = parties[party].fields.get("boundary")
        return ("boundary", value) if isinstance(value, str) else ("party", party)

    def default(flow: Element) -> bool:
        return region(str(flow.fields["from"])) != region(str(flow.fields["to"]))

    test = crosses or default
    crossing = [
        flow for flow_id, flow in sorted(flows.items()) if flow_id not in skip and test(flow)
    ]
    if not crossing:
        return None
    observer = ids.claim(OBSERVER_ID)
    draft.add(
        "parties",
        Element(
            observer,
            {"title": OBSERVER_TITLE, "kind": "observer", "description": OBSERVER_DESCRIPTION},
        ),
    )
    for flow in crossing:
        flow.fields["observers"] = [observer]
    return observer


PLACEHOLDER_PREFIX = "unspecified"
"""Ids of the data that stand for what a flow without data carries start with this."""


def placeholder_remark(count: int) -> str:
    """The summary's words for how many flows got a placeholder datum."""
    if count == 1:
        return f"1 placeholder datum ({PLACEHOLDER_PREFIX}_...) for a flow without data"
    return f"{count} placeholder data ({PLACEHOLDER_PREFIX}_...) for flows without data"


def add_placeholder(
    draft: Draft, ids: IdAllocator, flow_id: str, flow_title: str, sender: str, label: str
) -> str:
    """A datum standing for what a flow without data carries; its id.

    Its origin is the flow's sender.  It is classified ``internal``: the other tool said
    nothing about it, so nothing personal or sensitive is claimed, and no finding rests on
    data the model never described; the exposures still show who reads it.  Describing the
    data (and its classification) is the user's step.
    """
    datum = ids.claim(f"{PLACEHOLDER_PREFIX}_{flow_id}")
    draft.add(
        "data",
        Element(
            datum,
            {
                "title": f"Unspecified data of {flow_title}",
                "origin": [sender],
                "classification": "internal",
                "description": (
                    f"Added on import: this flow carries no data in the {label} model. Say what "
                    "it carries (and its classification), or delete the flow."
                ),
            },
        ),
    )
    return datum


def header(tool: str, label: str, path: str) -> list[str]:
    """The comment lines under the schema line."""
    name = PurePath(path).name
    return [
        "",
        f"Converted by `threatmodel import {tool}` from the {label} model {name}. Review it "
        "before relying on it: docs/import.md says how each field was mapped. What this "
        f"format cannot express is kept in comments beginning with '{label}' next to each "
        "element, and at the end of the file.",
        "",
    ]


def source_element(ids: IdAllocator, tool: str, label: str, path: str, title: str) -> Element:
    """The ``sources`` entry naming the original file (by its name, not its full path)."""
    name = PurePath(path).name
    return Element(
        ids.claim(f"{tool}_model"),
        {
            "title": f"{label} model: {title}",
            "assurance": "analysis",
            "description": f"Converted by threatmodel import {tool} from {name}.",
        },
    )
