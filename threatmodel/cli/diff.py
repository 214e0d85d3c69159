"""``threatmodel diff``: what a change to a model does to exposure."""

from __future__ import annotations

import click

from threatmodel.cli.common import EPILOG


@click.command(epilog=EPILOG)
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
def diff(old: str, new: str) -> None:
    """Compare two versions of a model."""
    raise click.UsageError("diff is not available yet")
