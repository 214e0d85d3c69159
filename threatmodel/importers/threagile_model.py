"""Reading a Threagile model: shape and reference checks, as typed records with positions.

Every problem Threagile itself would refuse — a section of the wrong type, an element
without an ``id``, two elements with one id, a link to an unknown asset, an unknown data
asset, an unknown ``type`` or ``confidentiality``, an asset in two boundaries, boundaries
nested in a cycle — is a located error, and all of them are reported at once.  What
Threagile silently ignores (unknown keys) we keep as notes, with one warning per key and
kind of element, however often it is used (with a suggestion when it looks misspelt).

A boundary that more than one boundary nests (Threagile accepts that, and picks one) gets
the innermost as its parent when one of them is inside the other; otherwise the first by id,
with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from threatmodel.importers import threagile_vocab as vocab
from threatmodel.importers.fields import Reader
from threatmodel.importers.reading import Node
from threatmodel.load.diagnostics import Diagnostic, Location, ModelError, describe, did_you_mean


@dataclass
class Named:
    """What every Threagile element has: its id, its name (the mapping key), where it is."""

    tid: str
    name: str
    node: Node
    raw: dict[str, Any]
    description: str = ""
    unknown: tuple[str, ...] = ()


@dataclass
class Link(Named):
    """A communication link, from ``source`` to ``target`` (asset ids)."""

    source: str = ""
    target: str = ""
    protocol: str = ""
    sent: list[str] = field(default_factory=list)
    received: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """Links have no id of their own: the name is the title."""
        return self.name


@dataclass
class Asset(Named):
    """A technical asset."""

    kind: str = "service"
    boundary: str | None = None
    processed: list[str] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    extra_notes: list[str] = field(default_factory=list)


@dataclass
class DataAsset(Named):
    """A data asset."""

    classification: str = "personal"
    origin: str = ""
    """Threagile's free-text ``origin`` (a technical asset's id or title, or anything)."""


@dataclass
class TrustBoundary(Named):
    """A trust boundary."""

    parent: str | None = None
    inside: list[str] = field(default_factory=list)
    nested: list[str] = field(default_factory=list)
    btype: str = ""
    """Threagile's boundary ``type`` (``network-...`` or ``execution-environment``)."""

    @property
    def network(self) -> bool:
        """A network boundary, as Threagile's ``IsNetworkBoundary`` says (an unknown or
        missing type counts as one)."""
        return self.btype != vocab.EXECUTION_ENVIRONMENT


@dataclass
class ThreagileModel:
    """The parts of a Threagile model the converter uses, all references checked."""

    title: str
    description: str
    date: str
    boundaries: list[TrustBoundary]
    assets: list[Asset]
    data: list[DataAsset]
    root: dict[str, Any]
    """The whole file, for the notes about the model as a whole."""


def parse(raw: Any, reader: Reader) -> ThreagileModel:
    """Check and read a Threagile model; :class:`ModelError` with every problem."""
    root = _root(raw, reader)
    for key in sorted(set(root) - vocab.TOP_LEVEL):
        hint = did_you_mean(key, vocab.TOP_LEVEL)
        reader.warn(
            (key,), f"unknown Threagile key '{key}' ignored; kept as a note{hint}", key=True
        )
    unknown = _UnknownKeys()
    title = reader.text(root, "title", ())
    if not title.strip():
        reader.warn(("title",), "the model has no title; using the file name", key=True)
    data = [
        _data_asset(item, reader, unknown)
        for item in _named(reader, root, "data_assets", "data asset")
    ]
    assets = [
        _asset(item, reader, unknown)
        for item in _named(reader, root, "technical_assets", "technical asset")
    ]
    boundaries = [
        _boundary(item, reader, unknown)
        for item in _named(reader, root, "trust_boundaries", "trust boundary")
    ]
    _check_references(reader, assets, {d.tid for d in data})
    _place(reader, assets, boundaries)
    _runtimes(reader, root, assets, unknown)
    unknown.report(reader)
    reader.check()
    return ThreagileModel(
        title=title.strip(),
        description=_overview(reader, root),
        date=reader.text(root, "date", ()),
        boundaries=boundaries,
        assets=assets,
        data=data,
        root=root,
    )


def _root(raw: Any, reader: Reader) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ModelError(
            [_located(reader, f"not a Threagile model: the top level is {describe(raw)}")]
        )
    if any(key in raw for key in vocab.SIGNATURE):
        return raw
    hint = ""
    if "threatmodel" in raw:
        hint = "; it is a threatmodel model already (check it with threatmodel validate)"
    elif any(key in raw for key in ("actors", "elements", "assets", "flows")):
        hint = f"; it looks like pytm JSON (threatmodel import pytm {reader.path})"
    message = (
        "not a Threagile model: it has none of the top-level keys "
        f"{', '.join(vocab.SIGNATURE)}{hint}"
    )
    raise ModelError([_located(reader, message)])


def _located(reader: Reader, message: str) -> Diagnostic:
    return Diagnostic(Location(reader.path, 1, 1), message)


def _named(reader: Reader, root: dict[str, Any], section: str, what: str) -> list[Named]:
    """The elements of a section keyed by name, each with an ``id``, sorted by id."""
    found: dict[str, Named] = {}
    for name, value in reader.mapping(root, section, ()).items():
        node = (section, name)
        fields = reader.member(value, f"{what} '{name}'", node)
        if fields is None:
            continue
        tid = reader.text(fields, "id", node).strip()
        if not tid:
            reader.error(node, f"missing 'id' in {what} '{name}'", key=True)
            continue
        if tid in found:
            reader.error(
                (*node, "id"), f"duplicate id '{tid}': {what} '{found[tid].name}' has it too"
            )
            continue
        found[tid] = Named(tid, name, node, fields, reader.text(fields, "description", node))
    return [found[tid] for tid in sorted(found)]


class _UnknownKeys:
    """Unknown keys, one warning per key and kind of element however often it is used."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], list[tuple[Named, frozenset[str]]]] = {}

    def of(self, item: Named, known: frozenset[str], what: str) -> tuple[str, ...]:
        """The unknown keys of ``item`` (kept as notes); recorded for :meth:`report`."""
        unknown = tuple(sorted(key for key in item.raw if key not in known))
        for key in unknown:
            self.seen.setdefault((what, key), []).append((item, known))
        return unknown

    def report(self, reader: Reader) -> None:
        for (what, key), uses in self.seen.items():
            item, known = uses[0]
            hint = did_you_mean(key, known)
            if len(uses) == 1:
                message = f"unknown Threagile field '{key}' in {what} '{item.name}'; kept as a note"
            else:
                message = (
                    f"unknown Threagile field '{key}' in {len(uses)} {what}s (first: "
                    f"'{item.name}'); kept as notes"
                )
            reader.warn((*item.node, key), f"{message}{hint}", key=True)


def _fields(item: Named) -> dict[str, Any]:
    """The fields of ``item``, to build a record of a subclass from it."""
    return {
        "tid": item.tid,
        "name": item.name,
        "node": item.node,
        "raw": item.raw,
        "description": item.description,
    }


def _data_asset(item: Named, reader: Reader, unknown: _UnknownKeys) -> DataAsset:
    confidentiality = reader.choice(item.raw, "confidentiality", item.node, vocab.CONFIDENTIALITY)
    if "confidentiality" not in item.raw:
        reader.warn(
            item.node,
            f"data asset '{item.tid}' has no confidentiality; classified as personal",
            key=True,
        )
    return DataAsset(
        **_fields(item),
        unknown=unknown.of(item, vocab.DATA_KEYS, "data asset"),
        classification=vocab.CONFIDENTIALITY.get(confidentiality, "personal"),
        origin=reader.text(item.raw, "origin", item.node).strip(),
    )


def _asset(item: Named, reader: Reader, unknown: _UnknownKeys) -> Asset:
    raw, node = item.raw, item.node
    item.raw = _with_flags(reader, raw, node, vocab.ASSET_FLAGS)
    asset_type = reader.choice(raw, "type", node, vocab.ASSET_TYPES)
    technologies = [reader.text(raw, "technology", node), *reader.names(raw, "technologies", node)]
    asset = Asset(
        **_fields(item),
        unknown=unknown.of(item, vocab.ASSET_KEYS, "technical asset"),
        kind=_kind(asset_type, technologies),
        processed=reader.names(raw, "data_assets_processed", node),
        stored=reader.names(raw, "data_assets_stored", node),
    )
    for title, value in reader.mapping(raw, "communication_links", node).items():
        link = _link(reader, asset, title, value, unknown)
        if link is not None:
            asset.links.append(link)
    return asset


def _link(
    reader: Reader, asset: Asset, title: str, value: Any, unknown: _UnknownKeys
) -> Link | None:
    """A communication link of ``asset``; ``None`` when it is no flow (with an error)."""
    node = (*asset.node, "communication_links", title)
    fields = reader.member(value, f"communication link '{title}'", node)
    if fields is None:
        return None
    fields = _with_flags(reader, fields, node, vocab.LINK_FLAGS)
    named = Named(title, title, node, fields, reader.text(fields, "description", node))
    link = Link(
        **_fields(named),
        unknown=unknown.of(named, vocab.LINK_KEYS, "communication link"),
        source=asset.tid,
        target=reader.text(fields, "target", node),
        protocol=reader.text(fields, "protocol", node),
        sent=reader.names(fields, "data_assets_sent", node),
        received=reader.names(fields, "data_assets_received", node),
    )
    if not link.target:
        if fields.get("target") in (None, ""):
            reader.error(node, f"missing 'target' in communication link '{title}'", key=True)
        return None
    _check_protocol(reader, link)
    return link


def _with_flags(
    reader: Reader, raw: dict[str, Any], node: Node, flags: tuple[str, ...]
) -> dict[str, Any]:
    """``raw`` with its boolean fields checked and read as booleans (``yes`` is true)."""
    present = [name for name in flags if name in raw]
    return {**raw, **{name: reader.flag(raw, name, node) for name in present}}


def _check_protocol(reader: Reader, link: Link) -> None:
    known = vocab.ENCRYPTED_PROTOCOLS | vocab.PLAIN_PROTOCOLS | vocab.LOCAL_PROTOCOLS
    if link.protocol and link.protocol not in known:
        reader.warn(
            (*link.node, "protocol"),
            f"unknown protocol '{link.protocol}'; taken as unencrypted (protection: none)",
        )
    elif not link.protocol:
        reader.warn(
            link.node,
            f"communication link '{link.title}' has no protocol; taken as unencrypted "
            "(protection: none)",
            key=True,
        )


def _kind(asset_type: str, technologies: list[str]) -> str:
    for technology in technologies:
        name = vocab.TECHNOLOGY_ALIASES.get(technology, technology)
        if name in vocab.TECHNOLOGY_KINDS:
            return vocab.TECHNOLOGY_KINDS[name]
    return vocab.TYPE_KINDS.get(asset_type, "service")


def _boundary(item: Named, reader: Reader, unknown: _UnknownKeys) -> TrustBoundary:
    btype = reader.text(item.raw, "type", item.node).strip()
    if btype and btype not in vocab.BOUNDARY_TYPES:
        reader.warn(
            (*item.node, "type"),
            f"unknown trust boundary type '{btype}'{did_you_mean(btype, vocab.BOUNDARY_TYPES)}; "
            "taken as a network boundary",
        )
    return TrustBoundary(
        **_fields(item),
        unknown=unknown.of(item, vocab.BOUNDARY_KEYS, "trust boundary"),
        inside=reader.names(item.raw, "technical_assets_inside", item.node),
        nested=reader.names(item.raw, "trust_boundaries_nested", item.node),
        btype=btype,
    )


def _check_references(reader: Reader, assets: list[Asset], data: set[str]) -> None:
    asset_ids = {asset.tid for asset in assets}
    for asset in assets:
        lists = [(asset.node, "data_assets_processed", asset.processed)]
        lists.append((asset.node, "data_assets_stored", asset.stored))
        for link in asset.links:
            if link.target not in asset_ids:
                reader.error(
                    (*link.node, "target"),
                    _unknown_reference("technical asset", link.target, asset_ids),
                )
            lists.append((link.node, "data_assets_sent", link.sent))
            lists.append((link.node, "data_assets_received", link.received))
        for node, key, values in lists:
            for index, tid in enumerate(values):
                if tid not in data:
                    reader.error((*node, key, index), _unknown_reference("data asset", tid, data))
        asset.links = [link for link in asset.links if link.target in asset_ids]


def _unknown_reference(what: str, tid: str, known: set[str]) -> str:
    return f"unknown {what} '{tid}'{did_you_mean(tid, known)}"


def _place(reader: Reader, assets: list[Asset], boundaries: list[TrustBoundary]) -> None:
    """Assets into boundaries, boundaries into their parents: each at most once, no cycles."""
    by_id = {asset.tid: asset for asset in assets}
    boundary_ids = {boundary.tid: boundary for boundary in boundaries}
    for boundary in boundaries:
        for index, tid in enumerate(boundary.inside):
            node = (*boundary.node, "technical_assets_inside", index)
            asset = by_id.get(tid)
            if asset is None:
                reader.error(node, _unknown_reference("technical asset", tid, set(by_id)))
            elif asset.boundary is not None and asset.boundary != boundary.tid:
                reader.error(
                    node,
                    f"technical asset '{tid}' is in two trust boundaries: "
                    f"'{asset.boundary}' and '{boundary.tid}'",
                )
            else:
                asset.boundary = boundary.tid
    parents: dict[str, list[tuple[str, Node]]] = {}
    for boundary in boundaries:
        for index, tid in enumerate(boundary.nested):
            node = (*boundary.node, "trust_boundaries_nested", index)
            if tid not in boundary_ids:
                reader.error(node, _unknown_reference("trust boundary", tid, set(boundary_ids)))
            elif all(parent != boundary.tid for parent, _ in parents.get(tid, [])):
                parents.setdefault(tid, []).append((boundary.tid, node))
    direct = {tid: [parent for parent, _ in found] for tid, found in parents.items()}
    for tid, found in sorted(parents.items()):
        candidates = [parent for parent, _ in found]
        if len(candidates) == 1:
            boundary_ids[tid].parent = candidates[0]
            continue
        innermost = [
            parent
            for parent in candidates
            if all(other == parent or other in _ancestors(parent, direct) for other in candidates)
        ]
        if innermost:
            boundary_ids[tid].parent = innermost[0]
            continue
        chosen = sorted(candidates)[0]
        boundary_ids[tid].parent = chosen
        reader.warn(
            found[1][1],
            f"trust boundary '{tid}' is nested in {len(candidates)} boundaries that do not nest "
            f"one another ({', '.join(sorted(candidates))}); Threagile picks one, we take "
            f"'{chosen}'",
        )
    _cycles(reader, boundary_ids)


def _ancestors(tid: str, direct: dict[str, list[str]]) -> set[str]:
    """Every boundary that nests ``tid``, directly or through others."""
    seen: set[str] = set()
    stack = list(direct.get(tid, []))
    while stack:
        parent = stack.pop()
        if parent not in seen:
            seen.add(parent)
            stack += direct.get(parent, [])
    return seen


def _cycles(reader: Reader, boundaries: dict[str, TrustBoundary]) -> None:
    reported: set[str] = set()
    for start in sorted(boundaries):
        chain = [start]
        parent = boundaries[start].parent
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = boundaries[parent].parent
        if parent is None or parent in reported:
            continue
        cycle = chain[chain.index(parent) :]
        reported.update(cycle)
        boundary = boundaries[parent]
        reader.error(
            (*boundary.node, "trust_boundaries_nested"),
            f"trust boundaries are nested in a cycle: {' → '.join([*cycle, parent])}",
            key=True,
        )
        for tid in cycle:
            boundaries[tid].parent = None


def _runtimes(
    reader: Reader, root: dict[str, Any], assets: list[Asset], unknown: _UnknownKeys
) -> None:
    """Shared runtimes become a note on each asset that runs on one."""
    by_id = {asset.tid: asset for asset in assets}
    for item in _named(reader, root, "shared_runtimes", "shared runtime"):
        unknown.of(item, vocab.RUNTIME_KEYS, "shared runtime")
        running = reader.names(item.raw, "technical_assets_running", item.node)
        for index, tid in enumerate(running):
            asset = by_id.get(tid)
            if asset is None:
                reader.error(
                    (*item.node, "technical_assets_running", index),
                    _unknown_reference("technical asset", tid, set(by_id)),
                )
                continue
            others = [other for other in running if other != tid]
            text = f"runs on shared runtime '{item.name}' ({item.tid})"
            asset.extra_notes.append(f"{text} with {', '.join(others)}" if others else text)


def _overview(reader: Reader, root: dict[str, Any]) -> str:
    """The model description: the application, business and technical overviews."""
    parts = []
    for key in ("application_description", "business_overview", "technical_overview"):
        overview = reader.mapping(root, key, ())
        text = reader.text(overview, "description", (key,)).strip()
        if text:
            parts.append(text)
    return "\n\n".join(parts)
