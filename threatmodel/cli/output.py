"""Writing outputs atomically: a failed or interrupted run leaves no half-written file."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from threatmodel.load.scratch import scratch


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; give a new one the usual ``0666 & ~umask``."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: str | Path, data: str | bytes | Iterable[str]) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory.

    ``data`` may come in pieces (text made while it is written): an error or Ctrl-C while
    they are made leaves the temporary file removed and ``path`` as it was (Ctrl-C through
    :mod:`threatmodel.load.scratch`, when the console script ends the run).  A path naming
    something other than a regular file (``/dev/null``, a FIFO, a terminal) is written to
    directly: replacing it would destroy it.
    """
    target = Path(path)
    try:
        special = not stat.S_ISREG(target.stat().st_mode)
    except OSError:
        special = False
    if special:
        with target.open("wb") as stream:
            _write(stream, data)
        return
    with scratch(
        lambda: tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or "."),
        lambda made: Path(made[1]).unlink(missing_ok=True),
    ) as (handle, temporary):
        try:
            os.chmod(temporary, _mode_for(target))
            with os.fdopen(handle, "wb") as stream:
                _write(stream, data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _write(stream: BinaryIO, data: str | bytes | Iterable[str]) -> None:
    if isinstance(data, bytes):
        stream.write(data)
    elif isinstance(data, str):
        stream.write(data.encode("utf-8"))
    else:
        for piece in data:
            stream.write(piece.encode("utf-8"))
