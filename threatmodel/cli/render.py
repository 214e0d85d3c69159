"""``threatmodel render``: data-flow diagrams (Graphviz, or Mermaid source), one per scenario."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from threatmodel.cli import completion
from threatmodel.cli.options import EPILOG, EXIT_INVALID, overrides, run_analysis, say, set_options
from threatmodel.cli.output import write_atomic
from threatmodel.engine.exposure import Analysis
from threatmodel.engine.space import SettingsError
from threatmodel.load.diagnostics import did_you_mean
from threatmodel.render import (
    DEFAULT_MAX_PARTIES,
    DEFAULT_NAME,
    Backend,
    Choice,
    Diagram,
    Drawn,
    Options,
    RenderError,
    check_format,
    choose,
    diff_plan,
    dot_source,
    draw,
    model_stem,
    resolve,
    setting_plan,
)
from threatmodel.render.mermaid import mermaid_source

FORMATS = ("svg", "png", "dot", "mermaid")
SUFFIXES = {"mermaid": "mmd"}
"""File extensions that differ from the format's name."""


@click.command(epilog=EPILOG)
@click.argument("model", metavar="MODEL", shell_complete=completion.model_paths)
@click.option(
    "-o",
    "--output-dir",
    "output_dir",
    metavar="DIR",
    default=".",
    show_default=True,
    help="Directory to write the diagrams to (created if missing).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="svg",
    show_default=True,
    help="svg and png are drawn by Graphviz; dot is the Graphviz source; mermaid a Mermaid "
    "flowchart (.mmd). PNG needs the Graphviz 'dot' program on PATH.",
)
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    metavar="NAME",
    shell_complete=completion.scenarios,
    help="Draw this scenario ('default': the default setting); repeatable. "
    "Default: every scenario of the model, or the default setting when it has none.",
)
@set_options
@click.option(
    "--highlight",
    metavar="DATA",
    shell_complete=completion.data,
    help="Fill the parties that read DATA in plaintext, and those holding it only as ciphertext.",
)
@click.option(
    "--focus",
    is_flag=True,
    help="Draw only the parties and flows on the highlighted datum's paths.",
)
@click.option(
    "--diff",
    nargs=2,
    metavar="A B",
    default=None,
    shell_complete=completion.scenarios,
    help="Draw what changes from scenario A to scenario B ('default': the default setting).",
)
@click.option(
    "--inactive",
    type=click.Choice(["omit", "faint"]),
    default="omit",
    show_default=True,
    help="Flows, observations and accesses that are off in the setting: left out, or "
    "drawn faint with the condition that turns them on.",
)
@click.option(
    "--max-parties",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_PARTIES,
    show_default=True,
    help="Above this many parties, draw an overview (one node per boundary) and one "
    "diagram per boundary instead of every party.",
)
@click.option(
    "--backend",
    "backend_choice",
    type=click.Choice([c.value for c in Choice]),
    default=Choice.AUTO.value,
    show_default=True,
    help="Graphviz to run: the dot program (auto: when on PATH) or the in-process one.",
)
@click.option("-v", "--verbose", is_flag=True, help="Say which Graphviz ran, and timings.")
def render(
    model: str,
    output_dir: str,
    output_format: str,
    scenarios: tuple[str, ...],
    assignments: tuple[str, ...],
    mode: str,
    highlight: str | None,
    focus: bool,
    diff: tuple[str, str] | None,
    inactive: str,
    max_parties: int,
    backend_choice: str,
    verbose: bool,
) -> None:
    """Draw data-flow diagrams of MODEL: one per scenario, or one of what changes
    between two scenarios (--diff).

    Trust boundaries are boxes, parties are shaped by kind and list what they read, flows
    are styled by their protection and labelled with their data; every diagram has a
    legend.  Flows that are off in the setting are left out (see --inactive).  Files are named
    MODEL.SCENARIO.svg (MODEL.diff.A.B.svg) and the paths are printed.
    """
    if focus and highlight is None:
        raise click.UsageError("--focus needs --highlight DATA")
    if diff is not None and (scenarios or focus):
        raise click.UsageError("--diff draws two scenarios; it excludes --scenario and --focus")
    overrides(assignments)
    backend = _backend(Choice(backend_choice), output_format)
    analysis = run_analysis(model, mode, assignments, symbolic=False)  # diagrams print none
    if highlight is not None and highlight not in analysis.problem.data:
        hint = did_you_mean(highlight, analysis.problem.data)
        raise click.BadParameter(f"unknown datum '{highlight}'{hint}", param_hint="--highlight")
    options = Options(
        highlight=highlight, focus=focus, max_parties=max_parties, faint=inactive == "faint"
    )
    stem = model_stem(model)
    diagrams: list[Diagram] = []
    skipped: list[str] = []
    if diff is not None:
        before, after = (_resolve(analysis, name, "--diff") for name in diff)
        diagrams = diff_plan(analysis, before, after, stem, options).diagrams
    else:
        for drawn in _settings(analysis, scenarios, skipped):
            plan = setting_plan(analysis, drawn, stem, options)
            diagrams += plan.diagrams
            skipped += plan.skipped
    directory = _directory(output_dir)
    if verbose:
        shown = backend.describe() if backend else "none (source written as is)"
        say(f"backend: {shown}", err=True)
    for diagram in diagrams:
        path = directory / f"{diagram.stem}.{SUFFIXES.get(output_format, output_format)}"
        started = time.monotonic()
        _write(path, _draw(diagram, backend, output_format))
        say(f"{path}: {diagram.description}")
        if verbose:
            say(f"  {time.monotonic() - started:.2f} s", err=True)
    for note in skipped:
        say(f"note: {note}")


def _backend(choice: Choice, output_format: str) -> Backend | None:
    if output_format in ("dot", "mermaid"):
        return None
    try:
        backend = choose(choice)
        check_format(backend, output_format)
    except RenderError as exc:
        _fail(str(exc))
    return backend


def _resolve(analysis: Analysis, name: str, option: str) -> Drawn:
    try:
        return resolve(analysis, name)
    except SettingsError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


def _settings(analysis: Analysis, names: Sequence[str], skipped: list[str]) -> list[Drawn]:
    """The settings named, or every scenario (skipping those the --set pins exclude)."""
    if names:
        return [_resolve(analysis, name, "--scenario") for name in dict.fromkeys(names)]
    chosen = []
    for name in sorted(analysis.model.scenarios) or [DEFAULT_NAME]:
        try:
            chosen.append(resolve(analysis, name))
        except SettingsError as exc:
            skipped.append(f"{exc}; not drawn")
    if not chosen:
        _fail("no scenario is allowed with these --set values; name one with --scenario default")
    return chosen


def _directory(output_dir: str) -> Path:
    directory = Path(output_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"{output_dir}: error: cannot create directory: {exc.strerror or exc}", raw=True)
    return directory


def _draw(diagram: Diagram, backend: Backend | None, output_format: str) -> bytes:
    if output_format == "mermaid":
        return mermaid_source(diagram.scene).encode("utf-8")
    source = dot_source(diagram.scene)
    if backend is None:
        return source.encode("utf-8")
    try:
        return draw(backend, source, output_format)
    except RenderError as exc:
        _fail(f"{diagram.stem}: {exc}")


def _write(path: Path, data: bytes) -> None:
    try:
        write_atomic(path, data)
    except OSError as exc:
        _fail(f"{path}: error: cannot write: {exc.strerror or exc}", raw=True)


def _fail(message: str, raw: bool = False) -> NoReturn:
    say(message if raw else f"error: {message}", err=True)
    sys.exit(EXIT_INVALID)
