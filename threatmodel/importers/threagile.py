"""Threagile YAML → threatmodel model.

Threagile describes technical assets, the data assets they process and store, the
communication links between them and the trust boundaries around them.  The mapping:

* **ids** are made from Threagile's ids (``customer-client`` → ``customer_client``), flows
  from link titles; titles keep Threagile's names (:mod:`threatmodel.importers.ids`).
* ``trust_boundaries`` → ``boundaries``; a boundary listed in another's
  ``trust_boundaries_nested`` gets it as ``parent`` (when several list it, the innermost of
  them).  An asset listed in a boundary's ``technical_assets_inside`` gets that ``boundary``.
* ``technical_assets`` → ``parties``.  ``kind`` comes from the technology when it says more
  than the type (browsers, desktops, mobile apps and DevOps clients are ``client``; IoT and
  industrial devices ``device``; ``ai`` ``ai_model``; databases, file servers and identity
  stores ``store``), else from the type: ``external-entity`` → ``third_party``, ``process``
  → ``service``, ``datastore`` → ``store``.  Threagile has no people, so no ``person``.
* ``data_assets`` → ``data``; ``classification`` from ``confidentiality``: ``public`` and
  ``internal`` as they are, ``restricted``, ``confidential`` and ``strictly-confidential`` →
  ``sensitive``.  Confidentiality says how secret data is, not whether it is about people, so
  none becomes ``personal``; and our findings (TM001, TM005) look only at personal and
  sensitive data, so data its owner restricted should not vanish from them.  The original
  rating is kept in a note.
* ``origin``: the technical asset the data asset's ``origin`` names (by id or title), when
  it names one; else the assets that process, store or send the datum but receive it over no
  link.  Then, where the links from those do not reach every asset that has it, the assets
  not reached that store it, then those that send it, then the others that have it, one at a
  time in order of id.  So every asset Threagile says processes or stores a datum reads it
  (:func:`threatmodel.importers.conventions.infer_origin`).
* ``communication_links`` → ``flows``: ``data_assets_sent`` become a flow from the asset to
  the link's target (id from the link title), ``data_assets_received`` a flow back (id with
  ``_reply``); a link that carries no data becomes one flow, from the asset to the target,
  of a placeholder datum ``unspecified_<flow>`` (with one warning for all such links).
  ``protection: transport`` for the 21 protocols Threagile itself counts as encrypted
  (``https``, ``wss``, ``ssh``, ``ldaps``, ``jdbc-encrypted``...; see
  :data:`~threatmodel.importers.threagile_vocab.ENCRYPTED_PROTOCOLS`), ``none`` for every
  other protocol.  The network observer (:mod:`threatmodel.importers.conventions`) watches
  both flows of each link that Threagile counts as crossing a network trust boundary: both
  assets inside a boundary, neither inside an ``execution-environment`` boundary that is
  nested in another, the two boundaries different and the target's a network one (every
  type but ``execution-environment``); never over process-local protocols.
* A technical asset's ``encryption`` (``transparent``, ``data-with-symmetric-shared-key``,
  ``data-with-end-user-individual-key``...) is encryption *at rest*: it protects stored data
  from whoever reads the disk, while the asset itself still reads it, as Threagile's own
  rules assume.  Our ``end_to_end`` protection means the receiver cannot read the data
  without the key, which would be wrong here, so it stays a note.
* Everything else — CIA ratings, owners, tags, technologies, authentication, ``vpn``,
  shared runtimes, questions, abuse cases, security requirements, custom risks, risk
  tracking, diagram tweaks — is kept as notes (YAML comments).  Unknown keys are notes too,
  with one warning per key (however often it is used), suggesting the key it may misspell.
* ``includes`` are read, relative to the including file, and merged in as Threagile merges
  them (:mod:`threatmodel.importers.threagile_includes`).
* YAML 1.1 booleans (``vpn: yes``) are accepted where Threagile expects a boolean, and merge
  keys (``<<: *base``) are applied, as Threagile's demo model relies on them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath

from threatmodel.importers import threagile_vocab as vocab
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
from threatmodel.importers.ids import IdAllocator, slug
from threatmodel.importers.threagile_includes import read_with_includes
from threatmodel.importers.threagile_model import (
    Asset,
    DataAsset,
    Link,
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
    raw, locate = read_with_includes(path)
    path = display_name(path)
    reader = Reader(path, locate)
    model = parse(raw, reader)
    builder = _Builder(path, model, reader)
    draft = builder.build()
    conversion = Conversion(draft, sorted(reader.warnings))
    if builder.placeholders:
        conversion.remarks.append(placeholder_remark(builder.placeholders))
    return conversion


class _Builder:
    """Turns the checked Threagile model into a draft."""

    def __init__(self, path: str, model: ThreagileModel, reader: Reader) -> None:
        self.path = path
        self.model = model
        self.reader = reader
        self.placeholders = 0
        """How many links without data got a placeholder datum."""
        self.crossing: set[str] = set()
        """Flows whose link crosses a network trust boundary, as Threagile counts it."""
        self.boundaries = {boundary.tid: boundary for boundary in model.boundaries}
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
        self._flows(draft)
        add_network_observer(draft, self.ids, crosses=lambda flow: flow.id in self.crossing)
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
        origin, rules = self._origin(datum)
        if origin:
            element.fields["origin"] = sorted(self.party_ids[tid] for tid in origin)
        element.fields["classification"] = datum.classification
        element.notes.append(element_note(f"data asset {datum.tid}", datum, DATA_NOTES))
        element.notes += justifications(datum)
        element.notes.append(origin_note(rules, ORIGIN_RULES))
        return element

    def _flows(self, draft: Draft) -> None:
        """A flow per direction of each link that carries data that way; a link carrying no
        data becomes one flow of a placeholder datum."""
        links = sorted(
            (link for asset in self.model.assets for link in asset.links),
            key=lambda link: (link.title, link.source),
        )
        empty = [link for asset in self.model.assets for link in asset.links if not _carries(link)]
        if empty:
            first = empty[0]
            self.reader.warn(
                first.node,
                f"{len(empty)} communication link{'s carry' if len(empty) != 1 else ' carries'} "
                f"no data assets (first: '{first.title}'); each is a flow of a placeholder "
                f"datum {PLACEHOLDER_PREFIX}_<flow> here",
                key=True,
            )
        for link in links:
            base = self.ids.allocate(link.title, "flow")
            directions = (
                (base, link.title, link.source, link.target, link.sent),
                (f"{base}_reply", f"{link.title} (reply)", link.target, link.source, link.received),
            )
            crosses = self._crosses(link)
            for wanted, title, sender, receiver, carried in directions:
                placeholder = wanted == base and not _carries(link)
                if not carried and not placeholder:
                    continue
                flow_id = base if wanted == base else self.ids.claim(wanted)
                element = _element(flow_id, link)
                if placeholder:
                    self.placeholders += 1
                    data = [
                        add_placeholder(
                            draft, self.ids, flow_id, title, self.party_ids[sender], LABEL
                        )
                    ]
                else:
                    data = sorted({self.data_ids[tid] for tid in carried})
                element.fields.update(
                    {
                        "title": title,
                        "from": self.party_ids[sender],
                        "to": self.party_ids[receiver],
                        "data": data,
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
                if crosses:
                    self.crossing.add(flow_id)

    def _crosses(self, link: Link) -> bool:
        """Whether Threagile counts the link as crossing a network trust boundary: both
        assets in a boundary, neither in a non-network boundary nested in another, the two
        boundaries different and the target's a network boundary.  Process-local protocols
        never cross."""
        if link.protocol in vocab.LOCAL_PROTOCOLS:
            return False
        assets = {asset.tid: asset for asset in self.model.assets}
        ends = [assets[link.source].boundary, assets[link.target].boundary]
        found = [self.boundaries[tid] for tid in ends if tid is not None]
        if len(found) != 2:
            return False
        if any(not boundary.network and boundary.parent for boundary in found):
            return False
        source, target = found
        return source.tid != target.tid and target.network

    def _origin(self, datum: DataAsset) -> tuple[list[str], list[int]]:
        held = self.possession.get(datum.tid, _Possession())
        holders = held.holders | held.senders
        declared = self._declared_origin(datum)
        return infer_origin(
            holders,
            held.flows,
            sorted(held.storers),
            sorted(held.senders),
            sorted(holders),
            declared=declared,
        )

    def _declared_origin(self, datum: DataAsset) -> list[str]:
        """The technical asset a data asset's ``origin`` names, by id or title, compared as
        ids are made (``Authentication Service`` names ``authentication-service``)."""
        if not datum.origin:
            return []
        wanted = slug(datum.origin, "x")
        return sorted(
            asset.tid
            for asset in self.model.assets
            if wanted in (slug(asset.tid, "x"), slug(asset.name, "x"))
        )


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


def _carries(link: Link) -> bool:
    return bool(link.sent or link.received)


def _protection(protocol: str) -> str:
    return "transport" if protocol in vocab.ENCRYPTED_PROTOCOLS else "none"
