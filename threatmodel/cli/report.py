"""``threatmodel report``: a self-contained, interactive HTML report."""

from __future__ import annotations

import sys

import click

from threatmodel.cli import completion
from threatmodel.cli.options import EPILOG, EXIT_INVALID, emit, run_assessment, set_options
from threatmodel.render import RenderError
from threatmodel.render.interactive import report_svg
from threatmodel.report.html import write


@click.command(epilog=EPILOG)
@click.argument("model", metavar="MODEL", shell_complete=completion.model_paths)
@click.option(
    "-o", "--output", required=True, metavar="FILE.html", help="Write the report to FILE.html."
)
@set_options
def report(model: str, output: str, assignments: tuple[str, ...], mode: str) -> None:
    """Write one self-contained HTML file: flip toggles and see who reads what, with
    witnesses, a diagram that follows the setting, expectations, findings and toggle
    impact."""
    assessment = run_assessment(model, mode, assignments)
    try:
        diagram = report_svg(assessment.analysis)
    except RenderError as exc:
        click.echo(f"{model}: error: cannot draw the diagram: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    emit(write(assessment, diagram=diagram), output)
