"""``threatmodel import``: convert another tool's model into a threatmodel model file."""

from __future__ import annotations

import sys

import click

from threatmodel.cli.options import EPILOG, EXIT_OK, emit, fail_invalid, print_diagnostics
from threatmodel.importers import IMPORTERS, import_file
from threatmodel.load.diagnostics import ModelError
from threatmodel.load.loader import LoadedModel


@click.command("import", epilog=EPILOG)
@click.argument("tool", type=click.Choice(list(IMPORTERS)))
@click.argument("source", metavar="FILE")
@click.option("-o", "--output", required=True, metavar="MODEL", help="The model file to write.")
def import_model(tool: str, source: str, output: str) -> None:
    """Convert a Threagile YAML or pytm JSON model into a threatmodel model.

    Given a pytm script (FILE.py) instead of its JSON, import runs it with pytm (which must
    be installed) to keep each flow's own protocol and encryption. What the format cannot
    express is kept as comments in MODEL; warnings say what was left out. See
    docs/import.md for how each field is mapped.
    """
    try:
        imported = import_file(tool, source, output)
    except ModelError as exc:
        fail_invalid(exc.diagnostics)
    print_diagnostics(imported.warnings)
    emit(imported.text, output)
    label = IMPORTERS[tool].label
    summary = "; ".join([_summary(imported.loaded), *imported.remarks])
    click.echo(f"{output}: converted from {label} model {source} ({summary})")
    for notice in imported.notices:
        click.echo(f"{output}: note: {notice}")
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
