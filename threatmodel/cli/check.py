"""``threatmodel check`` and ``threatmodel rules``."""

from __future__ import annotations

import click

from threatmodel.cli.common import EPILOG


@click.command(epilog=EPILOG)
@click.argument("models", nargs=-1, required=True, metavar="MODEL...")
def check(models: tuple[str, ...]) -> None:
    """Check expectations and findings, CI-style."""
    raise click.UsageError("check is not available yet")


@click.command(epilog=EPILOG)
def rules() -> None:
    """List the built-in finding rules."""
    raise click.UsageError("rules is not available yet")
