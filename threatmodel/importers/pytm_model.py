"""Reading pytm's JSON: shape and reference checks, as typed records with positions.

pytm writes (``tm.py --json FILE``) lists of boundaries, actors, assets, ``elements`` (the
actors and assets together), data, flows and findings, and refers from one to another by
``name``.  A flow's ``source`` and ``sink``, an ``inBoundary`` and a finding's ``target`` must
name something that exists; every violation is a located error, all reported at once.  Two
boundaries or elements of one name cannot be told apart in the JSON: the second is merged
into the first, with a warning.

Data are the exception: pytm accepts two data of one name (and pytm 1.4 turns every
``flow.data = "text"`` of an older script into a datum named ``undefined``).  A datum's
``carriedBy`` names the flows that carry it, which tells such data apart: data of one name
that are identical but for their flows are merged (with a warning); different ones are kept
apart, each on the flows its ``carriedBy`` names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from threatmodel.importers.fields import Reader
from threatmodel.importers.reading import Node
from threatmodel.load.diagnostics import Diagnostic, Location, ModelError, describe, did_you_mean

TOP_LEVEL = frozenset(
    {
        "name",
        "description",
        "actors",
        "assets",
        "elements",
        "boundaries",
        "data",
        "flows",
        "findings",
        "excluded_findings",
        "assumptions",
        "threatsExcluded",
        "threatsFile",
        "colormap",
        "ignoreUnused",
        "isOrdered",
        "mergeResponses",
        "onDuplicates",
        "threatmodelScript",
    }
)
"""The keys pytm 1.4 writes at the top level (and the mark of a script we ran)."""

SIGNATURE = ("elements", "actors", "assets", "flows")
"""A file with none of these lists is not a pytm model."""


@dataclass
class Item:
    """A named pytm object and where it is."""

    name: str
    node: Node
    raw: dict[str, Any]

    @property
    def description(self) -> str:
        """Its description, when it is text."""
        value = self.raw.get("description")
        return value.strip() if isinstance(value, str) else ""


@dataclass
class Element(Item):
    """An actor or asset."""

    cls: str = ""
    boundary: str | None = None
    data: list[str] = field(default_factory=list)


@dataclass
class Boundary(Item):
    """A trust boundary."""

    parent: str | None = None


@dataclass
class Datum(Item):
    """A pytm datum; ``key`` tells apart data that share a name."""

    key: int = 0
    carried_by: list[str] = field(default_factory=list)
    title: str = ""
    """The name, or the description for pytm's ``undefined`` (a string set as a flow's data)."""


@dataclass
class Flow(Item):
    """A data flow from ``source`` to ``sink`` (element names)."""

    source: str = ""
    sink: str = ""
    data: list[str] = field(default_factory=list)
    carried: list[int] = field(default_factory=list)
    """The keys of the data it carries, duplicates of a name told apart."""
    order: int = 0
    """Where the flow comes in the model's order (pytm's ``order`` when set, else its place)."""


@dataclass
class Finding:
    """One of pytm's own findings (or an excluded one) about a named target."""

    target: str
    text: str


@dataclass
class PytmModel:
    """The parts of a pytm model the converter uses, all references checked."""

    title: str
    description: str
    boundaries: list[Boundary]
    elements: list[Element]
    data: list[Datum]
    flows: list[Flow]
    findings: list[Finding]
    settings: dict[str, Any]
    """The model's own settings and assumptions, and top-level keys we do not know."""


def parse(raw: Any, reader: Reader) -> PytmModel:
    """Check and read a pytm model; :class:`ModelError` with every problem."""
    root = _root(raw, reader)
    for key in sorted(set(root) - TOP_LEVEL):
        reader.warn((key,), f"unknown pytm key '{key}' ignored; kept as a note", key=True)
    boundaries = [
        Boundary(item.name, item.node, item.raw, parent=_name(reader, item, "inBoundary"))
        for item in _named(reader, root, ("boundaries",), "boundary")
    ]
    elements = [
        _element(reader, item) for item in _named(reader, root, _element_lists(root), "element")
    ]
    flows = [_flow(reader, item) for item in _items(reader, root, "flows", "flow")]
    _check_references(reader, boundaries, elements, flows)
    data = _data(reader, root, flows)
    findings = _findings(reader, root)
    reader.check()
    title = reader.text(root, "name", ()).strip()
    if not title:
        reader.warn(("name",), "the model has no name; using the file name as title", key=True)
    return PytmModel(
        title=title,
        description=reader.text(root, "description", ()).strip(),
        boundaries=boundaries,
        elements=elements,
        data=data,
        flows=flows,
        findings=findings,
        settings={
            key: root[key]
            for key in sorted(root)
            if (key in _SETTINGS or key not in TOP_LEVEL) and not _machine_path(key, root[key])
        },
    )


def _root(raw: Any, reader: Reader) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _fatal(reader, f"not a pytm model: the top level is {describe(raw)}, not an object")
    if "threatmodel" in raw:
        hint = "; it is a threatmodel model already (check it with threatmodel validate)"
    elif "technical_assets" in raw or "threagile_version" in raw:
        hint = f"; it looks like a Threagile model (threatmodel import threagile {reader.path})"
    elif any(isinstance(raw.get(key), list) for key in SIGNATURE):
        return raw
    else:
        hint = ""
    lists = ", ".join(SIGNATURE)
    raise _fatal(reader, f"not a pytm model: it has none of the top-level lists {lists}{hint}")


def _fatal(reader: Reader, message: str) -> ModelError:
    return ModelError([Diagnostic(Location(reader.path, 1, 1), message)])


def _element_lists(root: dict[str, Any]) -> tuple[str, ...]:
    """pytm lists every element under ``elements`` and again under ``actors`` or ``assets``;
    read ``elements`` when it is there, else the other two."""
    return ("elements",) if "elements" in root else ("actors", "assets")


def _items(reader: Reader, root: dict[str, Any], section: str, what: str) -> list[Item]:
    """The objects of a list, each with a ``name``."""
    found = []
    for index, value in enumerate(reader.items(root, section, ())):
        node = (section, index)
        fields = reader.member(value, what, node)
        if fields is None:
            continue
        name = reader.text(fields, "name", node).strip()
        if not name:
            reader.error(node, f"{what} without a 'name'")
            continue
        found.append(Item(name, node, fields))
    return found


_PLURALS = {"boundary": "boundaries", "element": "elements", "datum": "data"}


def _named(
    reader: Reader, root: dict[str, Any], sections: tuple[str, ...], what: str
) -> list[Item]:
    """Objects that others refer to by name: each name once.  pytm accepts two of one name,
    but its JSON cannot tell them apart: the first is kept, and a warning says so."""
    seen: dict[str, Item] = {}
    for section in sections:
        for item in _items(reader, root, section, what):
            if item.name not in seen:
                seen[item.name] = item
            else:
                reader.warn(
                    (*item.node, "name"),
                    f"another {what} is named '{item.name}'; pytm refers to {_PLURALS[what]} by "
                    "name, so this one is merged into the first",
                )
    return list(seen.values())


def _name(reader: Reader, item: Item, key: str) -> str | None:
    """A reference by name; pytm may also write the referenced object itself."""
    value = item.raw.get(key)
    if isinstance(value, dict):
        value = value.get("name")
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    reader.error((*item.node, key), f"expected a name for '{key}', got {describe(value)}")
    return None


def _element(reader: Reader, item: Item) -> Element:
    cls = item.raw.get("__class__")
    if not isinstance(cls, str):
        cls = "Actor" if item.node[0] == "actors" else ""
    return Element(
        item.name,
        item.node,
        item.raw,
        cls=cls,
        boundary=_name(reader, item, "inBoundary"),
        data=_data_names(reader, item),
    )


def _data_names(reader: Reader, item: Item) -> list[str]:
    value = item.raw.get("data")
    if isinstance(value, str):
        return [value] if value else []
    names = []
    for index, entry in enumerate(reader.items(item.raw, "data", item.node)):
        name = entry.get("name") if isinstance(entry, dict) else entry
        if isinstance(name, str) and name:
            names.append(name)
        else:
            reader.error(
                (*item.node, "data", index), f"expected a data name, got {describe(entry)}"
            )
    return names


def _flow(reader: Reader, item: Item) -> Flow:
    source = _name(reader, item, "source")
    sink = _name(reader, item, "sink")
    for key, value in (("source", source), ("sink", sink)):
        if value is None and item.raw.get(key) in (None, ""):
            where = (*item.node, key) if key in item.raw else item.node
            reader.error(where, f"flow '{item.name}' has no '{key}'")
    order = item.raw.get("order")
    place = int(item.node[1])
    return Flow(
        item.name,
        item.node,
        item.raw,
        source or "",
        sink or "",
        _data_names(reader, item),
        order=order
        if isinstance(order, int) and not isinstance(order, bool) and order >= 0
        else place,
    )


def _check_references(
    reader: Reader, boundaries: list[Boundary], elements: list[Element], flows: list[Flow]
) -> None:
    boundary_names = {b.name for b in boundaries}
    element_names = {e.name for e in elements}
    placed: list[tuple[Item, str | None]] = [(b, b.parent) for b in boundaries]
    placed += [(e, e.boundary) for e in elements]
    for item, parent in placed:
        if parent is not None and parent not in boundary_names:
            reader.error((*item.node, "inBoundary"), _unknown("boundary", parent, boundary_names))
    for flow in flows:
        for key in ("source", "sink"):
            name = getattr(flow, key)
            if name and name not in element_names:
                reader.error((*flow.node, key), _unknown("element", name, element_names))
    _boundary_cycles(reader, boundaries)


_PER_FLOW = frozenset({"carriedBy", "processedBy"})
"""A datum's attributes that pytm derives from the flows carrying it."""

UNDEFINED = "undefined"
"""The name pytm 1.4 gives a datum made from a string (``flow.data = "text"``)."""


def _data(reader: Reader, root: dict[str, Any], flows: list[Flow]) -> list[Datum]:
    """The data, duplicates of a name merged or told apart; each flow's ``carried`` set."""
    groups: dict[str, list[Datum]] = {}
    for item in _items(reader, root, "data", "datum"):
        datum = _datum(reader, item, sum(len(group) for group in groups.values()))
        group = groups.setdefault(datum.name, [])
        twin = next((other for other in group if _same(other.raw, datum.raw)), None)
        if twin is None:
            group.append(datum)
        else:
            twin.carried_by += [name for name in datum.carried_by if name not in twin.carried_by]
            reader.warn(
                (*item.node, "name"),
                f"datum '{datum.name}' is listed again with the same attributes; merged into one",
            )
    for name, group in groups.items():
        if len(group) > 1:
            reader.warn(
                (*group[1].node, "name"),
                f"{len(group)} different data are named '{name}'; kept apart, each on the "
                "flows its 'carriedBy' names",
            )
    data = [datum for group in groups.values() for datum in group]
    for flow in flows:
        for index, name in enumerate(flow.data):
            if name not in groups:
                datum = Datum(name, (*flow.node, "data", index), {}, key=len(data), title=name)
                data.append(datum)
                groups[name] = [datum]
                reader.warn(
                    (*flow.node, "data", index),
                    f"flow '{flow.name}' carries '{name}', which 'data' does not list; "
                    "added it as a datum of unknown classification",
                )
            group = groups[name]
            chosen = [d for d in group if flow.name in d.carried_by] if len(group) > 1 else group
            if not chosen:
                chosen = group
                reader.warn(
                    (*flow.node, "data", index),
                    f"flow '{flow.name}' carries '{name}', and no datum of that name says it is "
                    "carried by this flow; taken as carrying each of them",
                )
            flow.carried += [d.key for d in chosen if d.key not in flow.carried]
    return data


def _datum(reader: Reader, item: Item, key: int) -> Datum:
    carried = item.raw.get("carriedBy")
    names = [
        entry.get("name") if isinstance(entry, dict) else entry
        for entry in (carried if isinstance(carried, list) else [])
    ]
    title = item.name
    if item.name == UNDEFINED and item.description:
        title = item.description
    return Datum(
        item.name,
        item.node,
        item.raw,
        key=key,
        carried_by=[name for name in names if isinstance(name, str)],
        title=title,
    )


def _same(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Two data alike but for the flows carrying them."""
    keys = (set(first) | set(second)) - _PER_FLOW
    return all(first.get(key) == second.get(key) for key in keys)


def _machine_path(key: str, value: Any) -> bool:
    """An absolute path of the machine that wrote the JSON (``threatsFile``): not a fact
    about the model, and it would make the converted file depend on that machine."""
    if key != "threatsFile" or not isinstance(value, str):
        return False
    return value.startswith(("/", "\\")) or (len(value) > 2 and value[1:3] in (":\\", ":/"))


def _unknown(what: str, name: str, known: set[str]) -> str:
    return f"unknown {what} '{name}'{did_you_mean(name, known)}"


def _boundary_cycles(reader: Reader, boundaries: list[Boundary]) -> None:
    parents = {b.name: b.parent for b in boundaries}
    by_name = {b.name: b for b in boundaries}
    reported: set[str] = set()
    for start in sorted(parents):
        chain = [start]
        parent = parents[start]
        while parent is not None and parent in parents and parent not in chain:
            chain.append(parent)
            parent = parents[parent]
        if parent is None or parent not in chain or parent in reported:
            continue
        cycle = chain[chain.index(parent) :]
        reported.update(cycle)
        reader.error(
            (*by_name[parent].node, "inBoundary"),
            f"boundaries are nested in a cycle: {' → '.join([*cycle, parent])}",
        )


def _findings(reader: Reader, root: dict[str, Any]) -> list[Finding]:
    """pytm's findings, and the ones it excluded, as one line each."""
    found = []
    for section, excluded in (("findings", False), ("excluded_findings", True)):
        for index, value in enumerate(reader.items(root, section, ())):
            fields = reader.member(value, "finding", (section, index))
            if fields is None:
                continue
            target = fields.get("target")
            target_name = target.get("name") if isinstance(target, dict) else target
            found.append(Finding(str(target_name or ""), _finding_text(fields, excluded)))
    return found


def _finding_text(fields: dict[str, Any], excluded: bool) -> str:
    threat = str(fields.get("threat_id") or "?")
    severity = str(fields.get("severity") or "")
    about = " ".join(str(fields.get("description") or "").split())
    text = f"pytm finding {threat}"
    if severity:
        text += f" ({severity})"
    if excluded:
        assumption = fields.get("assumption")
        name = assumption.get("name") if isinstance(assumption, dict) else None
        text += f", excluded by assumption '{name}'" if name else ", excluded"
    return f"{text}: {about}" if about else text


_SETTINGS = frozenset(
    {
        "assumptions",
        "threatsExcluded",
        "threatsFile",
        "isOrdered",
        "mergeResponses",
        "ignoreUnused",
        "colormap",
        "onDuplicates",
    }
)
