"""The console entry point, kept light: it takes over Ctrl-C before anything else is imported.

Python's own Ctrl-C raises KeyboardInterrupt wherever the program happens to be, and that
may be inside a library: a dataclass being created at import, a pydantic validator, a
regular expression being compiled.  Unwound from there, the interrupt could end in a
traceback, in the process killed by the signal, or, caught by a library as an error, in a
bogus complaint about the model.  Instead the run ends where the signal lands: status 130,
one line, and the scratch files of outputs being written removed
(:mod:`threatmodel.load.scratch`), so no half-written file is left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from types import FrameType

EXIT_INTERRUPTED = 130
"""``128 + SIGINT``, as :data:`threatmodel.cli.options.EXIT_INTERRUPTED`: not imported from there,
since the interrupt this handles may come while that module is being imported."""

MESSAGE = b"threatmodel: interrupted\n"


def main() -> None:
    """Take over Ctrl-C, import the command line and run it."""
    signal.signal(signal.SIGINT, _interrupted)
    from threatmodel.cli import main as run

    run()


def _interrupted(signum: int, frame: FrameType | None) -> None:
    scratch = sys.modules.get("threatmodel.load.scratch")
    if scratch is not None:
        scratch.remove_all()
    with contextlib.suppress(Exception):  # what was printed so far comes first
        sys.stderr.flush()
    with contextlib.suppress(OSError):  # standard error closed: end all the same
        os.write(2, MESSAGE)
    os._exit(EXIT_INTERRUPTED)
