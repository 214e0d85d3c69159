"""``threatmodel report``: a self-contained, interactive HTML report."""

from __future__ import annotations

import click

from threatmodel.cli.options import (
    EPILOG,
    emit,
    output_option,
    run_assessment,
    set_options,
)
from threatmodel.cli.paths import refuse_overwriting_inputs
from threatmodel.report.html import write


@click.command(epilog=EPILOG)
@click.argument("model", metavar="MODEL")
@output_option(
    required=True,
    metavar="FILE.html",
    help_text="Write the report to FILE.html (-: standard output).",
)
@set_options
def report(model: str, output: str, assignments: tuple[str, ...], mode: str) -> None:
    """Write one self-contained HTML file: flip toggles and see who reads what, with
    witnesses, expectations, findings and toggle impact."""
    refuse_overwriting_inputs(output, [model])
    emit(write(run_assessment(model, mode, assignments)), output)
