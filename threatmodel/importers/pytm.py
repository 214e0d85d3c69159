"""pytm JSON (what ``tm.py --json FILE`` writes) → threatmodel model.

pytm models are Python scripts; their JSON dump is the one form another program can read.
The mapping:

* **ids** are made from pytm's names (``Web Server`` → ``web_server``); titles keep the
  names (:mod:`threatmodel.importers.ids`).
* ``boundaries`` → ``boundaries``, with ``inBoundary`` as ``parent``.
* ``elements`` (or ``actors`` and ``assets``) → ``parties``, ``kind`` by pytm class:
  ``Actor`` → ``person``; ``Server``, ``Process``, ``SetOfProcesses``, ``Lambda`` and
  ``Agent`` (the code that drives a model and its tools) → ``service``; ``Datastore`` →
  ``store``; ``ExternalEntity`` → ``third_party``; ``LLM`` → ``ai_model``; anything else
  → ``service``, with a warning.  ``inBoundary`` → ``boundary``.
* ``data`` → ``data``.  ``classification``: ``PUBLIC`` → ``public``, ``RESTRICTED`` →
  ``internal``, ``SENSITIVE`` → ``personal``, ``SECRET`` and ``TOP_SECRET`` → ``sensitive``,
  ``UNKNOWN`` → ``personal`` (our default).  ``isPII`` raises it to at least ``personal``,
  ``isCredentials`` to ``sensitive``.  Credentials stay data rather than becoming ``keys``:
  no pytm flow is sealed with them, and a key in our format means exactly that.  Data of one
  name are merged when alike, else kept apart by the flows their ``carriedBy`` names; a
  datum named ``undefined`` (pytm 1.4's name for ``flow.data = "text"``) takes its
  description as title (:mod:`threatmodel.importers.pytm_model`).
* ``origin``: the elements that have the datum (send it on a flow, list it in their ``data``
  or appear in its ``processedBy``) but receive it on no flow; then, where the flows from
  those do not reach every element that has it, the first sender in flow order not reached
  yet — actors and external entities first —, one at a time
  (:func:`threatmodel.importers.conventions.infer_origin`).
* ``flows`` → ``flows`` (``source`` → ``from``, ``sink`` → ``to``).  ``protection:
  transport`` when the flow's ``controls.isEncrypted`` is true, its ``tlsVersion`` is set,
  or its protocol contains a word for an encrypted one (``https``, ``tls``, ``ssh``...;
  :data:`~threatmodel.importers.pytm_vocab.ENCRYPTED_PROTOCOLS`); else ``none``.
  pytm 1.4 overwrites a flow's ``protocol`` and ``isEncrypted`` with the sink's defaults
  when it writes the JSON, so a flow its script marks as HTTPS may arrive here
  unencrypted: we convert what the file says, and the summary says so.  Given the script
  itself (``*.py``), we run it with pytm and keep what it set on each flow
  (:mod:`threatmodel.importers.pytm_script`).  Flows between boundaries get the network
  observer (:mod:`threatmodel.importers.conventions`).  A flow without data carries a
  placeholder datum ``unspecified_<flow>``.  ``note`` joins the description.
* ``findings`` and ``excluded_findings`` are pytm's own rules, not ours: each becomes a note
  on its target.  Controls, ports, protocols, LLM and datastore flags, assumptions and the
  model's settings are notes too, except an absolute ``threatsFile`` (a path on the machine
  that ran pytm).
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from threatmodel.importers import notes
from threatmodel.importers import pytm_vocab as vocab
from threatmodel.importers.conventions import (
    PLACEHOLDER_PREFIX,
    add_network_observer,
    add_placeholder,
    header,
    infer_origin,
    origin_note,
    placeholder_remark,
    source_element,
)
from threatmodel.importers.draft import Conversion, Draft, Element
from threatmodel.importers.fields import Reader
from threatmodel.importers.ids import IdAllocator
from threatmodel.importers.pytm_model import Datum, Flow, Item, PytmModel, parse
from threatmodel.importers.pytm_model import Element as PytmElement
from threatmodel.importers.pytm_script import SCRIPT_KEY, run_script
from threatmodel.importers.pytm_vocab import FLOW_CONVERTED, attributes
from threatmodel.importers.reading import Locate, read_json, read_text
from threatmodel.load.diagnostics import Diagnostic, Location, ModelError
from threatmodel.load.files import display_name

TOOL = "pytm"
LABEL = "pytm"


def convert(path: str) -> Conversion:
    """Read a pytm JSON file (or run a pytm script, ``*.py``) and convert it;
    :class:`ModelError` when it is not a pytm model."""
    script = path.endswith(".py")
    if script:
        text = run_script(path)
        path = display_name(path)
        raw, _ = read_json(path, text)
        locate: Locate = lambda node, key: Location(path, 1, 1)  # noqa: E731
    else:
        text = read_text(path, "a pytm JSON model")
        path = display_name(path)
        try:
            raw, locate = read_json(path, text)
        except ModelError as exc:
            raise ModelError([_with_hint(d, text, path) for d in exc.diagnostics]) from None
    reader = Reader(path, locate)
    model = parse(raw, reader)
    builder = _Builder(path, model, reader)
    draft = builder.build()
    conversion = Conversion(draft, sorted(reader.warnings))
    if builder.placeholders:
        conversion.remarks.append(placeholder_remark(builder.placeholders))
    if model.flows and not (isinstance(raw, dict) and raw.get(SCRIPT_KEY) is True):
        conversion.notices.append(JSON_NOTICE)
    return conversion


JSON_NOTICE = (
    "pytm's --json writes each flow's protocol and encryption as the receiving element's "
    "defaults, so protection here follows those; threatmodel import pytm on the script "
    "(tm.py) runs it and keeps what the script set on each flow"
)
"""Printed after converting pytm JSON that has flows."""


def _with_hint(diagnostic: Diagnostic, text: str, path: str) -> Diagnostic:
    """Say what a file that is not JSON looks like instead."""
    if not diagnostic.message.startswith("not JSON"):
        return diagnostic
    if "technical_assets:" in text or "threagile_version:" in text:
        hint = f"; it looks like a Threagile model (threatmodel import threagile {path})"
    elif re.search(r"^threatmodel:", text, re.MULTILINE):
        hint = "; it is a threatmodel model already (check it with threatmodel validate)"
    else:
        return diagnostic
    return Diagnostic(diagnostic.location, diagnostic.message + hint)


class _Builder:
    """Turns the checked pytm model into a draft."""

    def __init__(self, path: str, model: PytmModel, reader: Reader) -> None:
        self.path = path
        self.model = model
        self.reader = reader
        self.ids = IdAllocator()
        self.boundary_ids: dict[str, str] = {}
        self.party_ids: dict[str, str] = {}
        self.data_ids: dict[int, str] = {}
        self.placeholders = 0
        """How many flows without data got a placeholder datum."""
        ordered = sorted(model.flows, key=lambda flow: (flow.order, flow.node))
        self.carried: dict[int, list[Flow]] = {}
        """Datum key → the flows that carry it, in the model's flow order."""
        for flow in ordered:
            for key in flow.carried:
                self.carried.setdefault(key, []).append(flow)
        names: dict[str, list[int]] = {}
        for datum in model.data:
            names.setdefault(datum.name, []).append(datum.key)
        self.held: dict[int, set[str]] = {}
        """Datum key → the elements that list it in their own ``data``."""
        for element in model.elements:
            for name in element.data:
                for key in names.get(name, []):
                    self.held.setdefault(key, set()).add(element.name)
        self.classes = {element.name: element.cls for element in model.elements}

    def build(self) -> Draft:
        model = self.model
        title = model.title or PurePath(self.path).stem
        draft = Draft(
            title=title,
            description=model.description or None,
            header=header(TOOL, LABEL, self.path),
            notes=attributes(model.settings, everything=True),
            notes_heading=f"{LABEL}: the model as a whole",
        )
        draft.add("sources", source_element(self.ids, TOOL, LABEL, self.path, title))
        self.boundary_ids = _allocate(self.ids, model.boundaries, "boundary")
        self.party_ids = _allocate(self.ids, model.elements, "party")
        self.data_ids = {
            datum.key: self.ids.allocate(datum.title, "datum")
            for datum in sorted(model.data, key=lambda datum: (datum.title, datum.key))
        }
        findings = self._findings_by_target(draft)
        for boundary in model.boundaries:
            element = _element(self.boundary_ids[boundary.name], boundary)
            if boundary.parent:
                element.fields["parent"] = self.boundary_ids[boundary.parent]
            element.notes += [_note("Boundary", boundary.raw), *findings.get(boundary.name, [])]
            draft.add("boundaries", element)
        for party in model.elements:
            element = _element(self.party_ids[party.name], party)
            element.fields["kind"] = self._kind(party)
            if party.boundary:
                element.fields["boundary"] = self.boundary_ids[party.boundary]
            element.notes += [
                _note(party.cls or "element", party.raw),
                *findings.get(party.name, []),
            ]
            draft.add("parties", element)
        self._flows(draft, findings)
        for datum in model.data:
            draft.add("data", self._datum(datum))
        add_network_observer(draft, self.ids)
        return draft

    def _kind(self, party: PytmElement) -> str:
        kind = vocab.CLASS_KINDS.get(party.cls)
        if kind is None:
            shown = f"class '{party.cls}'" if party.cls else "no '__class__'"
            self.reader.warn(
                party.node, f"element '{party.name}' has {shown}; converted as a service"
            )
            return "service"
        return kind

    def _findings_by_target(self, draft: Draft) -> dict[str, list[str]]:
        """pytm's findings by target name; those about nothing we convert go to the model."""
        targets = {b.name for b in self.model.boundaries} | set(self.party_ids)
        targets |= {flow.name for flow in self.model.flows}
        by_target: dict[str, list[str]] = {}
        elsewhere: list[str] = []
        for finding in self.model.findings:
            if finding.target in targets:
                by_target.setdefault(finding.target, []).append(finding.text)
            else:
                elsewhere.append(f"{finding.text} (about '{finding.target}')")
        draft.notes += sorted(elsewhere)
        return {target: sorted(texts) for target, texts in by_target.items()}

    def _flows(self, draft: Draft, findings: dict[str, list[str]]) -> None:
        flows = sorted(self.model.flows, key=lambda flow: (flow.name, flow.node))
        ids = {flow.node: self.ids.allocate(flow.name, "flow") for flow in flows}
        empty = [flow for flow in self.model.flows if not flow.carried]
        if empty:
            first = empty[0]
            self.reader.warn(
                first.node,
                f"{len(empty)} flow{'s carry' if len(empty) != 1 else ' carries'} no data "
                f"(first: '{first.name}'); each carries a placeholder datum "
                f"{PLACEHOLDER_PREFIX}_<flow> here",
            )
        for flow in self.model.flows:
            element = _element(ids[flow.node], flow)
            note = flow.raw.get("note")
            if isinstance(note, str) and note.strip():
                description = element.fields.get("description")
                element.fields["description"] = (
                    f"{description}\n\n{note.strip()}" if description else note.strip()
                )
            source = self.party_ids[flow.source]
            if flow.carried:
                data = sorted({self.data_ids[key] for key in flow.carried})
            else:
                self.placeholders += 1
                data = [add_placeholder(draft, self.ids, ids[flow.node], flow.name, source, LABEL)]
            element.fields.update(
                {
                    "from": source,
                    "to": self.party_ids[flow.sink],
                    "data": data,
                    "protection": vocab.protection(flow.raw),
                }
            )
            element.notes += [
                notes.line(f"{LABEL} Dataflow", attributes(flow.raw, FLOW_CONVERTED)),
                *findings.get(flow.name, []),
            ]
            draft.add("flows", element)

    def _datum(self, datum: Datum) -> Element:
        element = Element(self.data_ids[datum.key], {"title": datum.title})
        if datum.description and datum.description != datum.title:
            element.fields["description"] = datum.description
        raw = datum.raw
        flows = self.carried.get(datum.key, [])
        pairs = [(flow.source, flow.sink) for flow in flows]
        senders = list(dict.fromkeys(flow.source for flow in flows))
        processed = raw.get("processedBy")
        processed_by = {
            name
            for name in (processed if isinstance(processed, list) else [])
            if isinstance(name, str) and name in self.party_ids
        }
        holders = set(senders) | self.held.get(datum.key, set()) | processed_by
        starters = [name for name in senders if self.classes.get(name) in _STARTERS]
        others = [name for name in senders if name not in starters]
        origin, rules = infer_origin(holders, pairs, starters, others)
        if origin:
            element.fields["origin"] = sorted(self.party_ids[name] for name in origin)
        element.fields["classification"] = vocab.classification(raw)
        element.notes.append(_note("Data", raw))
        element.notes.append(origin_note(rules, _ORIGIN_RULES))
        return element


_STARTERS = frozenset({"Actor", "ExternalEntity"})
"""Classes that start chains of flows: first in line to be a datum's origin."""

_ORIGIN_RULES = {
    0: "the elements that have it (send it, hold it as data, or process it, as pytm's "
    "processedBy says) but receive it on no flow",
    1: "the first actor or external entity, in flow order, that sends it and is not reached "
    "by the flows from the origins before",
    2: "the first element, in flow order, that sends it and is still not reached",
}


def _allocate(ids: IdAllocator, items: list[Any], word: str) -> dict[str, str]:
    """Ids for items with unique names, in order of name."""
    return {item.name: ids.allocate(item.name, word) for item in sorted(items, key=_by_name)}


def _by_name(item: Item) -> str:
    return item.name


def _element(element_id: str, item: Item) -> Element:
    element = Element(element_id, {"title": item.name})
    if item.description:
        element.fields["description"] = item.description
    return element


def _note(cls: str, raw: dict[str, Any]) -> str:
    return notes.line(f"{LABEL} {cls}", attributes(raw))
