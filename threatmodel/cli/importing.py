"""``threatmodel import``: convert another tool's model into a threatmodel model file."""

from __future__ import annotations

import sys

import click

from threatmodel.cli.options import (
    EPILOG,
    EXIT_OK,
    emit,
    fail_invalid,
    output_option,
    print_diagnostics,
    say,
)
from threatmodel.cli.paths import STDOUT, refuse_overwriting_inputs
from threatmodel.importers import IMPORTERS, import_file
from threatmodel.load.diagnostics import ModelError
from threatmodel.load.files import display_name
from threatmodel.load.loader import LoadedModel


@click.command("import", epilog=EPILOG)
@click.argument("tool", type=click.Choice(list(IMPORTERS)))
@click.argument("source", metavar="FILE")
@output_option(
    required=True, metavar="MODEL", help_text="The model file to write (-: standard output)."
)
def import_model(tool: str, source: str, output: str) -> None:
    """Convert a Threagile YAML or pytm JSON model into a threatmodel model.

    Given a pytm script (FILE.py) instead of its JSON, import runs it with pytm (which must
    be installed) to keep each flow's own protocol and encryption. What the format cannot
    express is kept as comments in MODEL; warnings say what was left out. See
    docs/import.md for how each field is mapped.
    """
    refuse_overwriting_inputs(output, [source])
    try:
        imported = import_file(tool, source, output)
    except ModelError as exc:
        fail_invalid(exc.diagnostics)
    print_diagnostics(imported.warnings)
    emit(imported.text, output)
    label = IMPORTERS[tool].label
    summary = "; ".join([_summary(imported.loaded), *imported.remarks])
    # On standard output, the model is the output: the summary goes to standard error.
    name = "<stdout>" if output == STDOUT else output
    on_stderr = output == STDOUT
    say(f"{name}: converted from {label} model {display_name(source)} ({summary})", err=on_stderr)
    for notice in imported.notices:
        say(f"{name}: note: {notice}", err=on_stderr)
    sys.exit(EXIT_OK)


def _summary(loaded: LoadedModel) -> str:
    model = loaded.model
    parts = [
        (len(model.parties), "party", "parties"),
        (len(model.data), "datum", "data"),
        (len(model.flows), "flow", "flows"),
        (len(model.boundaries), "boundary", "boundaries"),
    ]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts)
