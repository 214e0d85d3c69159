"""``threatmodel explain``."""

from __future__ import annotations

import click

from threatmodel.cli import completion
from threatmodel.cli.options import (
    EPILOG,
    emit,
    format_option,
    min_evidence_option,
    run_analysis,
    set_options,
)
from threatmodel.load.diagnostics import did_you_mean
from threatmodel.queries.explain import explain as explain_exposure
from threatmodel.report.explain import explanation_json, explanation_text


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
