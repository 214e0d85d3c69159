"""``threatmodel coalitions``: which sets of parties, pooling what they hold, read a datum."""

from __future__ import annotations

import click

from threatmodel.cli.options import (
    EPILOG,
    emit,
    format_option,
    output_option,
    run_analysis,
    set_options,
)
from threatmodel.cli.paths import refuse_overwriting_inputs
from threatmodel.engine.exposure import Analysis
from threatmodel.engine.space import SettingsError
from threatmodel.load.diagnostics import did_you_mean
from threatmodel.queries.coalitions import SelectionError, select_parties
from threatmodel.queries.coalitions import coalitions as find_coalitions
from threatmodel.render.plan import resolve
from threatmodel.render.views import DEFAULT_NAME
from threatmodel.report.coalitions import WRITERS


@click.command(epilog=EPILOG)
@click.argument("model", metavar="MODEL")
@click.option("--data", "datum", required=True, help="The datum (or key) to read.")
@set_options
@click.option(
    "--scenario",
    default=DEFAULT_NAME,
    show_default=True,
    help="The setting: a scenario of the model, or 'default' (the default setting).",
)
@click.option(
    "--among",
    multiple=True,
    metavar="KIND|BOUNDARY|PARTY",
    help="Candidates only from these parties, boundaries or party kinds; repeatable.",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="KIND|BOUNDARY|PARTY",
    help="Never these parties, boundaries or party kinds as candidates; repeatable.",
)
@click.option(
    "--max-size",
    type=click.IntRange(min=1),
    help="List coalitions of at most N parties (and say whether larger ones exist).",
    metavar="N",
)
@format_option(WRITERS)
@output_option()
def coalitions(
    model: str,
    datum: str,
    assignments: tuple[str, ...],
    mode: str,
    scenario: str,
    among: tuple[str, ...],
    exclude: tuple[str, ...],
    max_size: int | None,
    output_format: str,
    output: str | None,
) -> None:
    """Which sets of parties, pooling everything they hold, read DATA in one setting: the
    parties that read it alone, then the minimal coalitions of the others (except its
    origins), each with how the pooled parties get it."""
    refuse_overwriting_inputs(output, [model])
    analysis = run_analysis(model, mode, assignments)
    text = _answer(analysis, datum, scenario, among, exclude, max_size, output_format)
    if isinstance(text, click.BadParameter):
        # Raised here, the error's traceback would keep the analysis (and its BDD nodes)
        # alive until the manager is freed at exit, which ``dd`` reports as a failure.
        del analysis
        raise text
    emit(text, output)


def _answer(
    analysis: Analysis,
    datum: str,
    scenario: str,
    among: tuple[str, ...],
    exclude: tuple[str, ...],
    max_size: int | None,
    output_format: str,
) -> str | click.BadParameter:
    """The output, or the usage error to raise."""
    if datum not in analysis.problem.data:
        hint = did_you_mean(datum, analysis.problem.data)
        return click.BadParameter(f"unknown datum '{datum}'{hint}", param_hint="--data")
    try:
        drawn = resolve(analysis, scenario)
    except SettingsError as exc:
        return click.BadParameter(str(exc), param_hint="--scenario")
    for option, selectors in (("--among", among), ("--exclude", exclude)):
        try:
            select_parties(analysis.model, selectors)
        except SelectionError as exc:
            return click.BadParameter(str(exc), param_hint=option)
    answer = find_coalitions(analysis, datum, drawn.setting, among, exclude, max_size)
    return WRITERS[output_format](analysis, answer, drawn.name, drawn.caption)
