"""``threatmodel validate`` and ``threatmodel schema``."""

from __future__ import annotations

import sys

import click

from threatmodel.cli import completion
from threatmodel.cli.options import (
    EPILOG,
    EXIT_INVALID,
    EXIT_OK,
    print_diagnostics,
    say,
)
from threatmodel.cli.paths import distinct_files
from threatmodel.engine.consistency import load_file
from threatmodel.load.diagnostics import ModelError, Severity
from threatmodel.load.loader import LoadedModel


@click.command(epilog=EPILOG)
@click.argument(
    "models", nargs=-1, required=True, metavar="MODEL...", shell_complete=completion.model_paths
)
def validate(models: tuple[str, ...]) -> None:
    """Load and check models; report every error as PATH:LINE:COL: error: MESSAGE."""
    failed = False
    for path in distinct_files(models):
        try:
            loaded = load_file(path)
        except ModelError as exc:
            print_diagnostics(exc.diagnostics)
            failed = True
            continue
        print_diagnostics(loaded.warnings)
        say(f"{loaded.path}: ok ({_summary(loaded)})")
    sys.exit(EXIT_INVALID if failed else EXIT_OK)


def _summary(loaded: LoadedModel) -> str:
    model = loaded.model
    parts = [
        (len(model.parties), "party", "parties"),
        (len(model.data) + len(model.keys), "datum", "data"),
        (len(model.flows), "flow", "flows"),
        (len(model.toggles), "toggle", "toggles"),
    ]
    warnings = sum(1 for d in loaded.warnings if d.severity is Severity.WARNING)
    if warnings:
        parts.append((warnings, "warning", "warnings"))
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts)


@click.command(epilog=EPILOG)
def schema() -> None:
    """Print the JSON Schema of the model format (for editors and CI)."""
    from threatmodel.load.schema import schema_text  # here: ``validate`` never needs it

    click.echo(schema_text(), nl=False)
