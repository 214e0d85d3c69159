"""What the commands share: loading with diagnostics, ``--set`` options, output, exit codes.

Only the ``cli`` package prints or exits.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from threatmodel.cli import completion
from threatmodel.cli.output import write_atomic
from threatmodel.cli.paths import STDOUT
from threatmodel.cli.progress import Progress
from threatmodel.load.diagnostics import Diagnostic, ModelError, visible

if TYPE_CHECKING:  # imported where used, so that ``--help`` and ``validate`` start fast
    from threatmodel.assessment import Assessment
    from threatmodel.engine.exposure import Analysis
    from threatmodel.load.loader import LoadedModel
    from threatmodel.load.model import Evidence

DEFAULT_MAX_SETTINGS = 4096
"""``--max-settings`` by default (the analysis' own default; a test checks they agree)."""
ASSUMPTION_MODES = ("all", "optimistic", "pessimistic")
"""``--assumptions`` values (the values of ``Mode``; a test checks they agree)."""
EVIDENCE_TIERS = ("established", "documented", "analysed", "inferred", "unsourced")
"""``--min-evidence`` values, strongest first (the values of ``Evidence``; a test checks
they agree)."""

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_INVALID = 2
EXIT_INTERRUPTED = 130
"""``128 + SIGINT``, the status shells report for a run ended by Ctrl-C."""

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
    from threatmodel.engine.consistency import load_file

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


def _output_path(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``-o`` is a file name: never empty (``-`` is standard output)."""
    if value is not None and not value.strip():
        raise click.BadParameter("the file name is empty; name a file, or - for standard output")
    return value


def output_option(
    *, required: bool = False, metavar: str = "FILE", help_text: str | None = None
) -> Callable[[F], F]:
    """``-o/--output FILE``; ``-`` means standard output."""
    return click.option(
        "-o",
        "--output",
        metavar=metavar,
        required=required,
        callback=_output_path,
        help=help_text or f"Write to {metavar} (atomically) instead of standard output (also: -).",
    )


def min_evidence_option(function: F) -> F:
    """``--min-evidence TIER``: count only derivations at that tier or stronger."""
    return click.option(
        "--min-evidence",
        type=click.Choice(EVIDENCE_TIERS),
        default=None,
        help="Count only derivations whose every step has at least this evidence "
        "(established, documented, analysed, inferred, unsourced); default: every derivation.",
    )(function)


def evidence_tier(value: str | None) -> Evidence | None:
    """The ``--min-evidence`` value as a tier."""
    from threatmodel.load.model import Evidence

    return None if value is None else Evidence(value)


def set_options(function: F) -> F:
    """``--set`` and ``--assumptions``, shared by the commands that analyse one setting space."""
    function = assumptions_option(function)
    return click.option(
        "--set",
        "assignments",
        multiple=True,
        metavar="NAME=VALUE",
        shell_complete=completion.assignments,
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
        if values.get(name, value) != value:
            raise click.BadParameter(
                f"{name} is set to both {str(values[name]).lower()} and {str(value).lower()}; "
                "give it one value",
                param_hint="--set",
            )
        values[name] = value
    return values


def assess_loaded(
    loaded: LoadedModel,
    mode: str,
    assignments: Sequence[str],
    max_settings: int = DEFAULT_MAX_SETTINGS,
    min_evidence: str | None = None,
) -> Assessment:
    """Assess a loaded model; a usage error (exit 2) for impossible ``--set`` pins."""
    from threatmodel.assessment import assess

    return _with_progress(assess, loaded, mode, assignments, max_settings, min_evidence)


def _with_progress(
    run: Callable[..., R],
    loaded: LoadedModel,
    mode: str,
    assignments: Sequence[str],
    max_settings: int,
    min_evidence: str | None,
) -> R:
    from threatmodel.engine.bdd import TooLarge
    from threatmodel.engine.space import Mode, SettingsError
    from threatmodel.engine.symbolic import PartyTooLarge

    pins = overrides(assignments)
    progress = Progress("analysing")
    tier = evidence_tier(min_evidence)
    problem: click.BadParameter | Diagnostic | str
    try:
        return run(loaded, Mode(mode), pins, max_settings, progress, min_evidence=tier)
    except SettingsError as exc:
        problem = click.BadParameter(str(exc), param_hint="--set")
    except PartyTooLarge as exc:
        problem = Diagnostic(loaded.locate("parties", exc.party), str(exc))
    except TooLarge as exc:
        problem = str(exc)
    finally:
        progress.finish()
    # Raised outside the handlers: their traceback holds the analysis and its BDD manager,
    # which must not live on as the context of what is raised here.
    if isinstance(problem, Diagnostic):
        fail_invalid([problem])
    if isinstance(problem, str):
        say(f"error: {problem}", err=True)
        sys.exit(EXIT_INVALID)
    raise problem


def run_analysis(
    path: str,
    mode: str,
    assignments: Sequence[str],
    min_evidence: str | None = None,
    *,
    symbolic: bool = True,
) -> Analysis:
    """Load and analyse a model without judging it (``explain``, ``render``); with
    ``symbolic=False``, the exposure conditions are left until asked for (see
    :func:`threatmodel.engine.exposure.analyze`)."""
    from threatmodel.engine.exposure import analyze

    overrides(assignments)  # report malformed --set before reading the model
    loaded = load_or_exit(path)
    run = functools.partial(analyze, symbolic=symbolic)
    return _with_progress(run, loaded, mode, assignments, DEFAULT_MAX_SETTINGS, min_evidence)


def run_assessment(
    path: str,
    mode: str,
    assignments: Sequence[str],
    max_settings: int = DEFAULT_MAX_SETTINGS,
    min_evidence: str | None = None,
) -> Assessment:
    """Load and assess a model, exiting 2 on invalid input."""
    overrides(assignments)  # report malformed --set before reading the model
    return assess_loaded(load_or_exit(path), mode, assignments, max_settings, min_evidence)


def emit(text: str | Iterable[str], output: str | None) -> None:
    """Write to ``output`` atomically, or to standard output (``None`` or ``-``); ``text``
    is the output or its consecutive pieces."""
    if output is None or output == STDOUT:
        if sys.stdout is None:
            say("error: standard output is closed; write to a file with -o FILE", err=True)
            sys.exit(EXIT_INVALID)
        try:
            for piece in (text,) if isinstance(text, str) else text:
                click.echo(piece, nl=False)
            sys.stdout.flush()
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # the reader has gone: click ends the run quietly
                raise
            say(f"error: cannot write to standard output: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_INVALID)
        return
    try:
        write_atomic(output, text)
    except OSError as exc:
        say(f"{output}: error: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_INVALID)


def say(text: str, *, err: bool = False) -> None:
    """Print one of the command line's own lines; file names in it are shown escaped."""
    click.echo(visible(text, keep_newlines=True), err=err)


def use_color(output: str | None) -> bool:
    """Colour only when writing to a terminal, and never with ``NO_COLOR`` set."""
    return (
        output in (None, STDOUT)
        and sys.stdout is not None
        and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
    )
