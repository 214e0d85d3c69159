"""``threatmodel import``: convert another tool's model into a threatmodel model file."""

from __future__ import annotations

import click

from threatmodel.cli.common import EPILOG


@click.command("import", epilog=EPILOG)
@click.argument("tool", type=click.Choice(["threagile", "pytm"]))
@click.argument("source", metavar="FILE")
@click.option("-o", "--output", required=True, metavar="MODEL", help="The model file to write.")
def import_model(tool: str, source: str, output: str) -> None:
    """Convert a Threagile YAML or pytm JSON model into a threatmodel model."""
    raise click.UsageError("import is not available yet")
