"""``threatmodel import``: other threat-modelling tools' files as threatmodel models.

One module per tool converts its file into a :class:`~threatmodel.importers.draft.Draft`
(:mod:`~threatmodel.importers.threagile`, :mod:`~threatmodel.importers.pytm`);
:mod:`~threatmodel.importers.yamlwrite` writes the draft, and :func:`import_file` checks the
result with our own loader before anything is written, so that an imported model always
validates.  Nothing here prints or writes files: the command does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from threatmodel.importers import pytm, threagile
from threatmodel.importers.draft import Conversion
from threatmodel.importers.yamlwrite import render
from threatmodel.load.diagnostics import Diagnostic, Location, ModelError
from threatmodel.load.loader import LoadedModel, load_text


@dataclass(frozen=True)
class Importer:
    """One tool's converter."""

    tool: str
    """The name on the command line."""
    label: str
    """The tool's name in messages."""
    convert: Callable[[str], Conversion]
    """Reads the file at a path; raises :class:`ModelError` when it is not the tool's model."""


IMPORTERS: dict[str, Importer] = {
    module.TOOL: Importer(module.TOOL, module.LABEL, module.convert) for module in (threagile, pytm)
}
"""Tool name → converter."""


@dataclass(frozen=True)
class Imported:
    """A converted model, ready to be written."""

    text: str
    """The model file."""
    loaded: LoadedModel
    """The same text, loaded as ``output`` would be."""
    warnings: tuple[Diagnostic, ...]
    """What the conversion left out (located in the input), then the loader's warnings about
    the result (located in the output)."""
    remarks: tuple[str, ...] = ()
    """Added to the summary after the counts."""
    notices: tuple[str, ...] = ()
    """Printed after the summary."""


def import_file(tool: str, path: str, output: str) -> Imported:
    """Convert ``path`` with ``tool``'s converter; :class:`ModelError` when it cannot."""
    conversion = IMPORTERS[tool].convert(path)
    text = render(conversion.draft)
    try:
        loaded = load_text(text, output)
    except ModelError as exc:  # pragma: no cover - a converter bug, never valid input
        first = exc.diagnostics[0]
        message = f"internal error: the converted model does not validate: {first}"
        raise ModelError([Diagnostic(Location(path, 1, 1), message)]) from None
    return Imported(
        text,
        loaded,
        (*conversion.warnings, *loaded.warnings),
        tuple(conversion.remarks),
        tuple(conversion.notices),
    )
