"""``threatmodel analyze`` and ``threatmodel explain``."""

from __future__ import annotations

import click

from threatmodel.cli import completion
from threatmodel.cli.options import (
    EPILOG,
    emit,
    format_option,
    min_evidence_option,
    output_option,
    run_analysis,
    run_assessment,
    set_options,
    use_color,
)
from threatmodel.cli.paths import refuse_overwriting_inputs
from threatmodel.engine.exposure import DEFAULT_MAX_SETTINGS
from threatmodel.load.diagnostics import did_you_mean
from threatmodel.queries.explain import explain as explain_exposure
from threatmodel.report.analyze import WRITERS
from threatmodel.report.explain import explanation_json, explanation_text


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


@click.command(epilog=EPILOG)
@click.argument("model", metavar="MODEL", shell_complete=completion.model_paths)
@click.option(
    "--party",
    required=True,
    help="The party whose access is explained.",
    shell_complete=completion.parties,
)
@click.option(
    "--data",
    "datum",
    required=True,
    help="The datum (or key) explained.",
    shell_complete=completion.data,
)
@set_options
@min_evidence_option
@format_option(["text", "json"])
def explain(
    model: str,
    party: str,
    datum: str,
    assignments: tuple[str, ...],
    mode: str,
    min_evidence: str | None,
    output_format: str,
) -> None:
    """Why PARTY gets DATA: its condition per level and a derivation for each way, with
    the evidence of every step."""
    analysis = run_analysis(model, mode, assignments, min_evidence)
    if party not in analysis.model.parties:
        hint = did_you_mean(party, analysis.model.parties)
        raise click.BadParameter(f"unknown party '{party}'{hint}", param_hint="--party")
    if datum not in analysis.problem.data:
        hint = did_you_mean(datum, analysis.problem.data)
        raise click.BadParameter(f"unknown datum '{datum}'{hint}", param_hint="--data")
    explanation = explain_exposure(analysis, party, datum)
    if output_format == "json":
        emit(explanation_json(analysis, explanation), None)
    else:
        emit(explanation_text(analysis, explanation), None)
