"""Choices both importers make the same way: classifications, origins, the network observer,
the file header and the ``sources`` entry for the original file.

**Origins.**  Neither Threagile nor pytm says where a datum comes from, and our analysis
needs it (rule R1: only origins have a datum to begin with).  Both tools do say who *has*
each datum (processes, stores, sends it), and the converted model should give each of them
the datum.  :func:`infer_origin` starts from the holders that receive it over no flow:
whoever has it without being sent it must have produced it.  Where the flows from those do
not reach every holder — the datum goes round among parties that all receive it — it adds,
in order, each fallback's members that are not reached yet (for example the parties that
store it, then those that send it), until every holder is reached.

**The network observer.**  Both tools mark a flow as encrypted or not, which in our format is
``protection: transport`` or ``none``.  The difference only shows in an analysis when someone
watches the wire (rule R7): so each flow between parties in different trust boundaries (a
party with no boundary is its own) gets one added party, ``network_observer`` (kind
``observer``), as an observer.  It reads what crosses a boundary unprotected and nothing of
what crosses under transport protection.  Flows inside one boundary get no observer, as
Threagile treats only boundary-crossing plaintext as likely to be seen.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    holders: Iterable[str], flows: Iterable[tuple[str, str]], *fallbacks: Iterable[str]
) -> tuple[list[str], list[int]]:
    """Origins of a datum, and the rules that gave them: 0 for the holders that receive it
    over no flow, ``n`` for the ``n``-th fallback (see the module docstring).

    ``flows`` are the (sender, receiver) pairs of the flows that carry the datum.
    """
    wanted = set(holders)
    edges: dict[str, set[str]] = {}
    for sender, receiver in flows:
        edges.setdefault(sender, set()).add(receiver)
    received = {receiver for targets in edges.values() for receiver in targets}
    origins = wanted - received
    rules = [0] if origins else []
    for number, fallback in enumerate(fallbacks, start=1):
        missing = wanted - _reach(origins, edges)
        seeds = missing & set(fallback)
        if seeds:
            origins |= seeds
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


def add_network_observer(draft: Draft, ids: IdAllocator, local: Iterable[str] = ()) -> str | None:
    """Add the observer to every boundary-crossing flow not in ``local``; its id, if added."""
    parties = draft.sections["parties"]
    flows = draft.sections["flows"]
    skip = set(local)

    def region(party: str) -> tuple[str, str]:
        """A party's boundary; a party with none is a region of its own."""
        value = parties[party].fields.get("boundary")
        return ("boundary", value) if isinstance(value, str) else ("party", party)

    crossing = [
        flow
        for flow_id, flow in sorted(flows.items())
        if flow_id not in skip
        and region(str(flow.fields["from"])) != region(str(flow.fields["to"]))
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
