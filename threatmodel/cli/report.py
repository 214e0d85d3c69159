"""``threatmodel report``: a self-contained, interactive HTML report."""

from __future__ import annotations

import sys

import click

from threatmodel.cli import completion
from threatmodel.cli.options import (
    EPILOG,
    EXIT_INVALID,
    emit,
    min_evidence_option,
    output_option,
    run_assessment,
    say,
    set_options,
)
from threatmodel.cli.paths import refuse_overwriting_inputs
from threatmodel.load.files import display_name
from threatmodel.render import RenderError
from threatmodel.render.interactive import report_svg
from threatmodel.report.html import write


@click.command(epilog=EPILOG)
@click.argument("model", metavar="MODEL", shell_complete=completion.model_paths)
@output_option(
    required=True,
    metavar="FILE.html",
    help_text="Write the report to FILE.html (-: standard output).",
)
@set_options
@min_evidence_option
def report(
    model: str, output: str, assignments: tuple[str, ...], mode: str, min_evidence: str | None
) -> None:
    """Write one self-contained HTML file: flip toggles and see who reads what, with
    witnesses, a diagram that follows the setting, expectations, findings and toggle
    impact."""
    refuse_overwriting_inputs(output, [model])
    assessment = run_assessment(model, mode, assignments, min_evidence=min_evidence)
    try:
        diagram = report_svg(assessment.analysis)
    except RenderError as exc:
        say(f"{display_name(model)}: error: cannot draw the diagram: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    emit(write(assessment, diagram=diagram), output)
