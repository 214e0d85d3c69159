"""``threatmodel diff``: what a change to a model does to exposure."""

from __future__ import annotations

import sys

import click

from threatmodel.cli import completion
from threatmodel.cli.check import load_all
from threatmodel.cli.options import (
    EXIT_FOUND,
    EXIT_OK,
    assumptions_option,
    emit,
    format_option,
    output_option,
)
from threatmodel.cli.paths import refuse_overwriting_inputs
from threatmodel.engine.space import Mode, SettingsError
from threatmodel.load.loader import LoadedModel
from threatmodel.queries.diff import compare
from threatmodel.report.diff import WRITERS

DIFF_EPILOG = (
    "Exit status: 0 success (with --exit-code: exposure does not grow); 1 with --exit-code, "
    "some party gets more of some datum in some setting allowed in both versions; 2 bad usage "
    "or an invalid model."
)


@click.command(epilog=DIFF_EPILOG)
@click.argument("old", metavar="OLD", shell_complete=completion.model_paths)
@click.argument("new", metavar="NEW", shell_complete=completion.model_paths)
@format_option(WRITERS, "Output format; markdown is meant for a pull-request comment.")
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit 1 when exposure grows: some party gets more of some datum in some setting.",
)
@assumptions_option
@output_option()
def diff(
    old: str, new: str, output_format: str, exit_code: bool, mode: str, output: str | None
) -> None:
    """Compare two versions of a model: exposure gained and lost per party and datum, with
    the settings where it changes; findings and violated expectations new or cleared."""
    refuse_overwriting_inputs(output, [old, new])
    before, after = load_all((old, new), once=False)
    text, grows = _diff(before, after, output_format, Mode(mode))
    emit(text, output)
    sys.exit(EXIT_FOUND if exit_code and grows else EXIT_OK)


def _diff(old: LoadedModel, new: LoadedModel, output_format: str, mode: Mode) -> tuple[str, bool]:
    """The output and whether exposure grows; no BDD outlives this call."""
    try:
        result = compare(old, new, mode)
    except SettingsError as exc:
        problem = str(exc)
    else:
        return WRITERS[output_format](result), result.grows
    raise click.UsageError(problem)  # outside the handler: no BDD kept alive by a traceback
