"""What the commands share: loading with diagnostics, ``--set`` options, output, exit codes.

Only the ``cli`` package prints or exits.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from threatmodel.cli.output import write_atomic
from threatmodel.cli.progress import Progress
from threatmodel.load.diagnostics import Diagnostic, ModelError

if TYPE_CHECKING:  # imported where used, so that ``--help`` and ``validate`` start fast
    from threatmodel.assessment import Assessment
    from threatmodel.engine.exposure import Analysis
    from threatmodel.load.loader import LoadedModel

DEFAULT_MAX_SETTINGS = 4096
"""``--max-settings`` by default (the analysis' own default; a test checks they agree)."""
ASSUMPTION_MODES = ("all", "optimistic", "pessimistic")
"""``--assumptions`` values (the values of ``Mode``; a test checks they agree)."""

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_INVALID = 2

EPILOG = "Exit status: 0 success; 1 the check found what it looks for; 2 bad usage or input."

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")


def print_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    """One ``PATH:LINE:COL: error: MESSAGE`` line per diagnostic, on standard error."""
    for diagnostic in diagnostics:
        click.echo(str(diagnostic), err=True)


def fail_invalid(diagnostics: Sequence[Diagnostic]) -> NoReturn:
    """Print diagnostics and exit 2."""
    print_diagnostics(diagnostics)
    sys.exit(EXIT_INVALID)


def load_or_exit(path: str) -> LoadedModel:
    """Load a model; on failure print every diagnostic and exit 2."""
    from threatmodel.load.loader import load_file

    try:
        loaded = load_file(path)
    except ModelError as exc:
        fail_invalid(exc.diagnostics)
    print_diagnostics(loaded.warnings)
    return loaded


assumptions_option = click.option(
    "--assumptions",
    "mode",
    type=click.Choice(ASSUMPTION_MODES),
    default=ASSUMPTION_MODES[0],
    show_default=True,
    help="Claimed/unknown assumptions: free variables (all), true (optimistic) or "
    "false (pessimistic).",
)


def format_option(choices: Iterable[str], help_text: str = "Output format.") -> Callable[[F], F]:
    """``--format`` over ``choices`` (sorted), ``text`` by default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(sorted(choices)),
        default="text",
        show_default=True,
        help=help_text,
    )


output_option = click.option(
    "-o", "--output", metavar="FILE", help="Write to FILE (atomically) instead of standard output."
)


def set_options(function: F) -> F:
    """``--set`` and ``--assumptions``, shared by the commands that analyse one setting space."""
    function = assumptions_option(function)
    return click.option(
        "--set",
        "assignments",
        multiple=True,
        metavar="NAME=VALUE",
        help="Fix a toggle or assumption (VALUE: true/false/on/off/1/0); repeatable.",
    )(function)


def overrides(assignments: Sequence[str]) -> dict[str, bool]:
    """``--set`` values by name; a usage error (exit 2) when malformed."""
    from threatmodel.engine.space import SettingsError, parse_assignment

    values: dict[str, bool] = {}
    for text in assignments:
        try:
            name, value = parse_assignment(text)
        except SettingsError as exc:
            raise click.BadParameter(str(exc), param_hint="--set") from None
        values[name] = value
    return values


def assess_loaded(
    loaded: LoadedModel,
    mode: str,
    assignments: Sequence[str],
    max_settings: int = DEFAULT_MAX_SETTINGS,
) -> Assessment:
    """Assess a loaded model; a usage error (exit 2) for impossible ``--set`` pins."""
    from threatmodel.assessment import assess

    return _with_progress(assess, loaded, mode, assignments, max_settings)


def _with_progress(
    run: Callable[..., R],
    loaded: LoadedModel,
    mode: str,
    assignments: Sequence[str],
    max_settings: int,
) -> R:
    from threatmodel.engine.space import Mode, SettingsError

    pins = overrides(assignments)
    progress = Progress("analysing")
    try:
        return run(loaded, Mode(mode), pins, max_settings, progress)
    except SettingsError as exc:
        raise click.BadParameter(str(exc), param_hint="--set") from None
    finally:
        progress.finish()


def run_analysis(path: str, mode: str, assignments: Sequence[str]) -> Analysis:
    """Load and analyse a model without judging it (``explain``, ``render``)."""
    from threatmodel.engine.exposure import analyze

    overrides(assignments)  # report malformed --set before reading the model
    return _with_progress(analyze, load_or_exit(path), mode, assignments, DEFAULT_MAX_SETTINGS)


def run_assessment(
    path: str, mode: str, assignments: Sequence[str], max_settings: int = DEFAULT_MAX_SETTINGS
) -> Assessment:
    """Load and assess a model, exiting 2 on invalid input."""
    overrides(assignments)  # report malformed --set before reading the model
    return assess_loaded(load_or_exit(path), mode, assignments, max_settings)


def emit(text: str, output: str | None) -> None:
    """Write to ``output`` atomically, or to standard output."""
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        write_atomic(output, text)
    except OSError as exc:
        click.echo(f"{output}: error: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_INVALID)


def use_color(output: str | None) -> bool:
    """Colour only when writing to a terminal, and never with ``NO_COLOR`` set."""
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
