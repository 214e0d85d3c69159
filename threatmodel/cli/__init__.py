"""The ``threatmodel`` command line: one module per command, registered here.

Exit status: 0 success; 1 the check found what it looks for; 2 bad usage or invalid input.
This package is the only place that prints or exits.

Commands are imported when run, not at start-up (see :class:`LazyGroup`): ``validate`` never
loads the analysis stack, and ``--help`` loads no command at all.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

import click

from threatmodel import __version__
from threatmodel.cli.group import Group
from threatmodel.cli.options import EPILOG, EXIT_INVALID
from threatmodel.load.diagnostics import shorten_quoted, visible


@dataclass(frozen=True)
class Entry:
    """Where a command is defined, and its one-line summary for ``threatmodel --help``."""

    module: str
    attribute: str
    summary: str
    """The command's short help (a test checks it against the command's own)."""


COMMANDS = {
    "analyze": Entry(
        "analyze",
        "analyze",
        "Who reads which data in which settings: conditions, the default setting's matrix, "
        "toggle impact, violated expectations and findings.",
    ),
    "check": Entry(
        "check", "check", "Check expectations and built-in findings of each MODEL, CI-style."
    ),
    "coalitions": Entry(
        "coalitions",
        "coalitions",
        "Which sets of parties, pooling everything they hold, read DATA in one setting: the "
        "parties that read it alone, then the minimal coalitions of the others (except its "
        "origins), each with how the pooled parties get it.",
    ),
    "diff": Entry(
        "diff",
        "diff",
        "Compare two versions of a model: exposure gained and lost per party and datum, with "
        "the settings where it changes; findings and violated expectations new or cleared.",
    ),
    "explain": Entry(
        "explain",
        "explain",
        "Why PARTY gets DATA: its condition per level and a derivation for each way, with "
        "the evidence of every step.",
    ),
    "import": Entry(
        "importing",
        "import_model",
        "Convert a Threagile YAML or pytm JSON model into a threatmodel model.",
    ),
    "render": Entry(
        "render",
        "render",
        "Draw data-flow diagrams of MODEL: one per scenario, or one of what changes between "
        "two scenarios (--diff).",
    ),
    "report": Entry(
        "report",
        "report",
        "Write one self-contained HTML file: flip toggles and see who reads what, with "
        "witnesses, a diagram that follows the setting, expectations, findings and toggle "
        "impact.",
    ),
    "rules": Entry(
        "check",
        "rules",
        "List the built-in finding rules, or show RULE's documentation (an id or a name).",
    ),
    "schema": Entry(
        "validate", "schema", "Print the JSON Schema of the model format (for editors and CI)."
    ),
    "validate": Entry(
        "validate",
        "validate",
        "Load and check models; report every error as PATH:LINE:COL: error: MESSAGE.",
    ),
}


class LazyCommands(MutableMapping[str, click.Command]):
    """The commands of :data:`COMMANDS` by name, each imported on first access."""

    def __init__(self) -> None:
        self.loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        command = self.loaded.get(name)
        if command is None:
            entry = COMMANDS[name]
            module = importlib.import_module(f"threatmodel.cli.{entry.module}")
            command = getattr(module, entry.attribute)
            assert isinstance(command, click.Command)
            self.loaded[name] = command
        return command

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        raise TypeError("commands cannot be removed")

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(set(COMMANDS) | set(self.loaded)))

    def __len__(self) -> int:
        return len(set(COMMANDS) | set(self.loaded))


class LazyGroup(Group):
    """A group whose commands are imported only when one runs.

    Importing every command up front pulled in the analysis, the checks, the renderer and
    the importers (pydantic, dd, graphviz) for every invocation, ``--help``
    included; the list of commands in ``--help`` is written from :data:`COMMANDS` instead.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands()

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [
            (name, click.Command(name, help=COMMANDS[name].summary).get_short_help_str(limit))
            for name in names
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.version_option(__version__, prog_name="threatmodel")
def cli() -> None:
    """Who can read what, in every setting of a data-flow threat model, and why."""


def main() -> None:
    """Console entry point; never shows a traceback unless THREATMODEL_DEBUG is set."""
    from threatmodel.engine.bdd import TooLarge, quiet_release_noise

    quiet_release_noise()
    # The cyclic garbage collector is off for the run.  Loading and the analysis build
    # hundreds of thousands of small objects that live until exit, which its passes walk
    # for nothing: reference counting frees the rest (a run leaves a few thousand objects
    # in cycles; peak memory is the same within 2 MB on 10,000 parties), and the analysis
    # is 2-20% faster.  It also keeps BDD nodes from being freed by the collector between
    # a ``dd`` operation and its taking a reference to its result, which CUDD would
    # detect and abort on (no BDD node is meant to sit in a cycle: see
    # ``tests/test_bdd_cycles.py``).
    gc.disable()
    try:
        cli(prog_name="threatmodel")
    except TooLarge as exc:  # diff and coalitions; the other commands locate it
        click.echo(f"error: {visible(str(exc))}", err=True)
        sys.exit(EXIT_INVALID)
    except Exception as exc:  # the last line of defence: report, never a traceback
        if os.environ.get("THREATMODEL_DEBUG"):
            raise
        message = visible(shorten_quoted(f"{type(exc).__name__}: {exc}"))
        click.echo(f"threatmodel: internal error: {message}", err=True)
        sys.exit(EXIT_INVALID)
    finally:
        # Python's shutdown ends with a garbage collection that walks every live object
        # (the libraries' and the model's: 50 ms, a sixth of a small model's run) to free
        # memory the ending process gives back anyway; frozen objects are not walked.
        gc.freeze()
