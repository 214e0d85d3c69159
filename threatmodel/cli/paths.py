"""What the file arguments name: ``-`` for the standard streams, and the same file under
another name (compared by device and inode, so that links and ``./`` spellings count)."""

from __future__ import annotations

import os
from collections.abc import Iterable

import click

from threatmodel.load.files import STDIN

STDOUT = "-"
"""The output name that means standard output."""


def refuse_overwriting_inputs(output: str | None, inputs: Iterable[str]) -> None:
    """A usage error (exit 2) when ``output`` is one of ``inputs``: the same file, compared
    by device and inode, so that links and other spellings of the path are caught too."""
    if output is None or output == STDOUT:
        return
    target = file_identity(output)
    if target is None:
        return
    for path in inputs:
        if file_identity(path) == target:
            shown = "standard input" if path == STDIN else f"the input file '{path}'"
            raise click.BadParameter(
                f"'{output}' is {shown}; writing there would replace it",
                param_hint="'-o' / '--output'",
            )


def distinct_files(paths: Iterable[str]) -> list[str]:
    """``paths`` without repeats of a file already named (by device and inode, or by name
    for a file that cannot be examined), in the order given."""
    seen: set[object] = set()
    kept = []
    for path in paths:
        identity = file_identity(path) or path
        if identity not in seen:
            seen.add(identity)
            kept.append(path)
    return kept


def file_identity(path: str) -> tuple[int, int] | None:
    """``(device, inode)`` of ``path`` (``-``: standard input), or ``None`` if it has none."""
    try:
        status = os.fstat(0) if path == STDIN else os.stat(path)
    except (OSError, ValueError):
        return None
    return status.st_dev, status.st_ino
