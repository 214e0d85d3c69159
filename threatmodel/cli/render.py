"""``threatmodel render``: Graphviz data-flow diagrams."""

from __future__ import annotations

import click

from threatmodel.cli.common import EPILOG


@click.command(epilog=EPILOG)
@click.argument("model", metavar="MODEL")
def render(model: str) -> None:
    """Draw data-flow diagrams of MODEL (one per scenario)."""
    raise click.UsageError("render is not available yet")
