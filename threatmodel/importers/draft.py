"""The model an importer builds before it is written: elements, their fields and their notes.

A :class:`Draft` is plain data in the order the file will have: sections in the format's
order, elements sorted by id, each element's fields in the order the converter added them.
*Notes* are what the other tool said that our format cannot express; they are written as
YAML comments next to the element (or at the end of the file for the model as a whole),
so that nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from threatmodel.load.diagnostics import Diagnostic

SECTIONS = ("sources", "boundaries", "parties", "data", "flows")
"""The sections an importer fills, in the order the format lists them."""

FieldValue = str | list[str]
"""A text field, or a list of ids (written in flow style)."""


@dataclass
class Element:
    """One element of a section."""

    id: str
    fields: dict[str, FieldValue] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """A whole imported model."""

    title: str
    description: str | None = None
    header: list[str] = field(default_factory=list)
    """Comment lines under the schema line: what the model was converted from."""
    sections: dict[str, dict[str, Element]] = field(
        default_factory=lambda: {section: {} for section in SECTIONS}
    )
    notes: list[str] = field(default_factory=list)
    """Model-level notes, written at the end of the file."""
    notes_heading: str = "Kept from the original model"

    def add(self, section: str, element: Element) -> Element:
        """Add an element (ids are unique: the allocator made them)."""
        self.sections[section][element.id] = element
        return element


@dataclass
class Conversion:
    """What a converter returns: the draft and the warnings about what it left out."""

    draft: Draft
    warnings: list[Diagnostic] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    """What the command's summary adds after its counts (``17 flows without data ...``)."""
    notices: list[str] = field(default_factory=list)
    """Lines the command prints after its summary: what the user should know about the
    conversion as a whole."""
