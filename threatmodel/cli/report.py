"""``threatmodel report``: a self-contained, interactive HTML report."""

from __future__ import annotations

import click

from threatmodel.cli import completion
from threatmodel.cli.options import EPILOG, emit, run_assessment, set_options
from threatmodel.report.html import write


@click.command(epilog=EPILOG)
@click.argument("model", metavar="MODEL", shell_complete=completion.model_paths)
@click.option(
    "-o", "--output", required=True, metavar="FILE.html", help="Write the report to FILE.html."
)
@set_options
def report(model: str, output: str, assignments: tuple[str, ...], mode: str) -> None:
    """Write one self-contained HTML file: flip toggles and see who reads what, with
    witnesses, expectations, findings and toggle impact."""
    emit(write(run_assessment(model, mode, assignments)), output)
