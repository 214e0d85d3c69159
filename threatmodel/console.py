"""The console entry point, kept light: Ctrl-C while the command line is still being imported
(which takes a moment on a busy machine) also ends with status 130 and no traceback."""

from __future__ import annotations

import sys

EXIT_INTERRUPTED = 130
"""``128 + SIGINT``, as :data:`threatmodel.cli.options.EXIT_INTERRUPTED`: not imported from there,
since the interrupt this handles may come while that module is being imported."""


def main() -> None:
    """Import the command line and run it."""
    try:
        from threatmodel.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("threatmodel: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    run()
