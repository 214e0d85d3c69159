"""The ``threatmodel`` command line: one module per command, registered here.

Exit status: 0 success; 1 the check found what it looks for; 2 bad usage or invalid input.
This package is the only place that prints or exits.
"""

from __future__ import annotations

import gc
import os
import sys

import click

from threatmodel import __version__
from threatmodel.cli.analyze import analyze, explain
from threatmodel.cli.check import check, rules
from threatmodel.cli.coalitions import coalitions
from threatmodel.cli.diff import diff
from threatmodel.cli.group import Group
from threatmodel.cli.importing import import_model
from threatmodel.cli.options import EPILOG, EXIT_INVALID
from threatmodel.cli.render import render
from threatmodel.cli.report import report
from threatmodel.cli.validate import schema, validate
from threatmodel.engine.bdd import quiet_release_noise
from threatmodel.load.diagnostics import shorten_quoted, visible


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.version_option(__version__, prog_name="threatmodel")
def cli() -> None:
    """Who can read what, in every setting of a data-flow threat model, and why."""


for _command in (
    validate,
    analyze,
    explain,
    coalitions,
    check,
    render,
    report,
    diff,
    import_model,
    rules,
    schema,
):
    cli.add_command(_command)


def main() -> None:
    """Console entry point; never shows a traceback unless THREATMODEL_DEBUG is set."""
    quiet_release_noise()
    # Loading builds hundreds of thousands of small objects that live until exit; the
    # collector's default thresholds make that quadratic-ish for large models.
    gc.set_threshold(100_000, 50, 1000)
    try:
        cli(prog_name="threatmodel")
    except Exception as exc:  # the last line of defence: report, never a traceback
        if os.environ.get("THREATMODEL_DEBUG"):
            raise
        message = visible(shorten_quoted(f"{type(exc).__name__}: {exc}"))
        click.echo(f"threatmodel: internal error: {message}", err=True)
        sys.exit(EXIT_INVALID)
