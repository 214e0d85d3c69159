"""Reading an input file: regular files and standard input only, never more than a limit.

A FIFO, a terminal or a device given as MODEL would block or never end, and a directory
cannot be read: each is refused with a located error before anything is read.  The file is
opened without blocking and checked again once open, so that a path swapped for a FIFO
between the check and the open cannot hang the run either.
"""

from __future__ import annotations

import os
import stat
import sys

from threatmodel.load.diagnostics import Diagnostic, Location, ModelError

STDIN = "-"
"""The input name that means standard input, as the Unix convention says."""
STDIN_NAME = "<stdin>"
"""How standard input is named in messages and outputs."""

_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def display_name(path: str) -> str:
    """The name messages give an input: ``<stdin>`` for ``-``."""
    return STDIN_NAME if path == STDIN else path


def read_input(path: str, limit: int, noun: str) -> bytes:
    """At most ``limit + 1`` bytes of ``path`` (``-``: standard input).

    Raises :class:`ModelError` at line 1, column 1 when ``path`` is missing, unreadable or not
    a regular file; ``noun`` says what was expected (``a model file``).
    """
    if path == STDIN:
        try:
            return sys.stdin.buffer.read(limit + 1)
        except (OSError, AttributeError, ValueError):
            raise _error(STDIN_NAME, "cannot read standard input (is it closed?)") from None
    try:
        _check_kind(path, os.stat(path).st_mode, noun)
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            _check_kind(path, os.fstat(handle.fileno()).st_mode, noun)
            return handle.read(limit + 1)
    except OSError as exc:
        raise _error(path, f"cannot read file: {exc.strerror or exc}") from None


def _check_kind(path: str, mode: int, noun: str) -> None:
    if stat.S_ISDIR(mode):
        raise _error(path, f"is a directory, not {noun}")
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "a special file")
        raise _error(path, f"is {kind}, not {noun}; give a regular file, or - for standard input")


def _error(path: str, message: str) -> ModelError:
    return ModelError([Diagnostic(Location(path, 1, 1), message)])
