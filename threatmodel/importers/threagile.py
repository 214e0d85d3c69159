"""Threagile YAML → threatmodel model.

Threagile describes technical assets, the data assets they process and store, the
communication links between them and the trust boundaries around them.  The mapping:

* **ids** are made from Threagile's ids (``customer-client`` → ``customer_client``), flows
  from link titles; titles keep Threagile's names (:mod:`threatmodel.importers.ids`).
* ``trust_boundaries`` → ``boundaries``; a boundary listed in another's
  ``trust_boundaries_nested`` gets it as ``parent``.  An asset listed in a boundary's
  ``technical_assets_inside`` gets that ``boundary``.
* ``technical_assets`` → ``parties``.  ``kind`` comes from the technology when it says more
  than the type (browsers, desktops, mobile apps and DevOps clients are ``client``; IoT and
  industrial devices ``device``; ``ai`` ``ai_model``; databases, file servers and identity
  stores ``store``), else from the type: ``external-entity`` → ``third_party``, ``process``
  → ``service``, ``datastore`` → ``store``.  Threagile has no people, so no ``person``.
* ``data_assets`` → ``data``; ``classification`` from ``confidentiality``: ``public`` and
  ``internal`` as they are, ``restricted`` and ``confidential`` → ``personal``,
  ``strictly-confidential`` → ``sensitive``.  Our scale has four steps to Threagile's five;
  we round up, because our findings (TM001, TM005) look only at personal and sensitive data,
  and data its owner restricted should not vanish from them.  The original rating is kept
  in a note.
* ``origin``: the assets that process, store or send the datum but receive it over no
  link; then, where the links from those do not reach every asset that has it, the assets
  not reached that store it, then those not reached that send it.  So every asset Threagile
  says processes or stores a datum reads it
  (:func:`threatmodel.importers.conventions.infer_origin`).
* ``communication_links`` → ``flows``: ``data_assets_sent`` become a flow from the asset to
  the link's target (id from the link title), ``data_assets_received`` a flow back (id with
  ``_reply``).  ``protection: transport`` for the 21 protocols Threagile itself counts as
  encrypted (``https``, ``wss``, ``ssh``, ``ldaps``, ``jdbc-encrypted``...; see
  :data:`~threatmodel.importers.threagile_vocab.ENCRYPTED_PROTOCOLS`), ``none`` for every
  other protocol.  Flows between boundaries get the network observer
  (:mod:`threatmodel.importers.conventions`), except over process-local protocols.  A link
  carrying no data cannot be a flow: it becomes a note on its asset, with a warning.
* A technical asset's ``encryption`` (``transparent``, ``data-with-symmetric-shared-key``,
  ``data-with-end-user-individual-key``...) is encryption *at rest*: it protects stored data
  from whoever reads the disk, while the asset itself still reads it, as Threagile's own
  rules assume.  Our ``end_to_end`` protection means the receiver cannot read the data
  without the key, which would be wrong here, so it stays a note.
* Everything else — CIA ratings, owners, tags, technologies, authentication, ``vpn``,
  shared runtimes, questions, abuse cases, security requirements, custom risks, risk
  tracking, diagram tweaks — is kept as notes (YAML comments).  ``includes`` are not
  followed (a warning says so): convert each file.
* YAML 1.1 booleans (``vpn: yes``) are accepted where Threagile expects a boolean, and merge
  keys (``<<: *base``) are applied, as Threagile's demo model relies on them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath

from threatmodel.importers import threagile_vocab as vocab
from threatmodel.importers.conventions import (
    add_network_observer,
    header,
    infer_origin,
    origin_note,
    source_element,
)
from threatmodel.importers.draft import Conversion, Draft, Element
from threatmodel.importers.fields import Reader
from threatmodel.importers.ids import IdAllocator
from threatmodel.importers.reading import read_text, read_yaml, yaml_locator
from threatmodel.importers.threagile_model import (
    Asset,
    DataAsset,
    Named,
    ThreagileModel,
    TrustBoundary,
    parse,
)
from threatmodel.importers.threagile_notes import (
    ASSET_NOTES,
    BOUNDARY_NOTES,
    DATA_NOTES,
    LINK_NOTES,
    ORIGIN_RULES,
    element_note,
    justifications,
    model_notes,
)
from threatmodel.load.files import display_name

TOOL = "threagile"
LABEL = "Threagile"


def convert(path: str) -> Conversion:
    """Read a Threagile YAML file and convert it; :class:`ModelError` when it is not one."""
    text = read_text(path, "a Threagile YAML model")
    path = display_name(path)
    raw, source = read_yaml(path, text)
    reader = Reader(path, yaml_locator(source))
    model = parse(raw, reader)
    draft = _Builder(path, model).build()
    return Conversion(draft, sorted(reader.warnings))


class _Builder:
    """Turns the checked Threagile model into a draft."""

    def __init__(self, path: str, model: ThreagileModel) -> None:
        self.path = path
        self.model = model
        self.ids = IdAllocator()
        self.boundary_ids: dict[str, str] = {}
        self.party_ids: dict[str, str] = {}
        self.data_ids: dict[str, str] = {}
        self.possession = _possession(model.assets)

    def build(self) -> Draft:
        model = self.model
        title = model.title or PurePath(self.path).stem
        source = source_element(self.ids, TOOL, LABEL, self.path, title)
        if model.date:
            source.fields["date"] = model.date
        draft = Draft(
            title=title,
            description=model.description or None,
            header=header(TOOL, LABEL, self.path),
            notes=model_notes(model.root),
            notes_heading=f"{LABEL}: the model as a whole",
        )
        draft.add("sources", source)
        self.boundary_ids = {b.tid: self.ids.allocate(b.tid, "boundary") for b in model.boundaries}
        self.party_ids = {a.tid: self.ids.allocate(a.tid, "party") for a in model.assets}
        self.data_ids = {d.tid: self.ids.allocate(d.tid, "datum") for d in model.data}
        for boundary in model.boundaries:
            draft.add("boundaries", self._boundary(boundary))
        for asset in model.assets:
            draft.add("parties", self._party(asset))
        for datum in model.data:
            draft.add("data", self._datum(datum))
        local = self._flows(draft)
        add_network_observer(draft, self.ids, local)
        return draft

    def _boundary(self, boundary: TrustBoundary) -> Element:
        element = _element(self.boundary_ids[boundary.tid], boundary)
        if boundary.parent:
            element.fields["parent"] = self.boundary_ids[boundary.parent]
        element.notes.append(
            element_note(f"trust boundary {boundary.tid}", boundary, BOUNDARY_NOTES)
        )
        return element

    def _party(self, asset: Asset) -> Element:
        element = _element(self.party_ids[asset.tid], asset)
        element.fields["kind"] = asset.kind
        if asset.boundary:
            element.fields["boundary"] = self.boundary_ids[asset.boundary]
        element.notes.append(element_note(f"technical asset {asset.tid}", asset, ASSET_NOTES))
        element.notes += justifications(asset)
        element.notes += asset.extra_notes
        return element

    def _datum(self, datum: DataAsset) -> Element:
        element = _element(self.data_ids[datum.tid], datum)
        origin, rules = self._origin(datum.tid)
        if origin:
            element.fields["origin"] = sorted(self.party_ids[tid] for tid in origin)
        element.fields["classification"] = datum.classification
        element.notes.append(element_note(f"data asset {datum.tid}", datum, DATA_NOTES))
        element.notes += justifications(datum)
        element.notes.append(origin_note(rules, ORIGIN_RULES))
        return element

    def _flows(self, draft: Draft) -> set[str]:
        """A flow per direction of each link; returns the ids of the process-local ones."""
        local: set[str] = set()
        links = sorted(
            (link for asset in self.model.assets for link in asset.links),
            key=lambda link: (link.title, link.source),
        )
        for link in links:
            base = self.ids.allocate(link.title, "flow")
            directions = (
                (base, link.title, link.source, link.target, link.sent),
                (f"{base}_reply", f"{link.title} (reply)", link.target, link.source, link.received),
            )
            for wanted, title, sender, receiver, carried in directions:
                if not carried:
                    continue
                flow_id = base if wanted == base else self.ids.claim(wanted)
                element = _element(flow_id, link)
                element.fields.update(
                    {
                        "title": title,
                        "from": self.party_ids[sender],
                        "to": self.party_ids[receiver],
                        "data": sorted({self.data_ids[tid] for tid in carried}),
                        "protection": _protection(link.protocol),
                    }
                )
                element.notes.append(
                    element_note(
                        f"link '{link.title}' from {link.source} to {link.target}",
                        link,
                        LINK_NOTES,
                    )
                )
                draft.add("flows", element)
                if link.protocol in vocab.LOCAL_PROTOCOLS:
                    local.add(flow_id)
        return local

    def _origin(self, tid: str) -> tuple[list[str], list[int]]:
        held = self.possession.get(tid, _Possession())
        return infer_origin(held.holders | held.senders, held.flows, held.storers, held.senders)


@dataclass
class _Possession:
    """Which assets have one data asset, and how."""

    holders: set[str] = field(default_factory=set)
    """Assets that process or store it."""
    storers: set[str] = field(default_factory=set)
    senders: set[str] = field(default_factory=set)
    flows: list[tuple[str, str]] = field(default_factory=list)
    """(sender, receiver) of each direction of a link that carries it."""


def _possession(assets: list[Asset]) -> dict[str, _Possession]:
    """For every data asset, who has it: one pass over the assets and their links."""
    index: defaultdict[str, _Possession] = defaultdict(_Possession)
    for asset in assets:
        for tid in asset.processed:
            index[tid].holders.add(asset.tid)
        for tid in asset.stored:
            index[tid].holders.add(asset.tid)
            index[tid].storers.add(asset.tid)
        for link in asset.links:
            for tid in link.sent:
                index[tid].senders.add(link.source)
                index[tid].flows.append((link.source, link.target))
            for tid in link.received:
                index[tid].senders.add(link.target)
                index[tid].flows.append((link.target, link.source))
    return dict(index)


def _element(element_id: str, item: Named) -> Element:
    """An element with the item's name as title, and its description unless that only
    repeats the name."""
    element = Element(element_id, {"title": item.name})
    description = item.description.strip()
    if description and description.lower() != item.name.lower():
        element.fields["description"] = description
    return element


def _protection(protocol: str) -> str:
    return "transport" if protocol in vocab.ENCRYPTED_PROTOCOLS else "none"
