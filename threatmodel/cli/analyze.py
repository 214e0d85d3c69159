"""``threatmodel analyze``."""

from __future__ import annotations

import click

from threatmodel.cli import completion
from threatmodel.cli.options import (
    EPILOG,
    emit,
    format_option,
    min_evidence_option,
    output_option,
    run_assessment,
    set_options,
    use_color,
)
from threatmodel.cli.paths import refuse_overwriting_inputs
from threatmodel.engine.exposure import DEFAULT_MAX_SETTINGS
from threatmodel.report.analyze import WRITERS


@click.command("analyze", epilog=EPILOG)
@click.argument("model", metavar="MODEL", shell_complete=completion.model_paths)
@set_options
@min_evidence_option
@format_option(WRITERS)
@output_option()
@click.option(
    "--max-settings",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_SETTINGS,
    show_default=True,
    help="List every allowed setting up to this many; beyond, only the default setting "
    "and scenarios (conditions always carry the full answer).",
)
def analyze(
    model: str,
    assignments: tuple[str, ...],
    mode: str,
    output_format: str,
    output: str | None,
    max_settings: int,
    min_evidence: str | None,
) -> None:
    """Who reads which data in which settings: conditions, the default setting's matrix,
    toggle impact, violated expectations and findings."""
    refuse_overwriting_inputs(output, [model])
    assessment = run_assessment(model, mode, assignments, max_settings, min_evidence)
    emit(WRITERS[output_format](assessment, color=use_color(output)), output)
