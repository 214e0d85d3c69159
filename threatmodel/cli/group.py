"""How every run ends: one exit status, messages that cannot act on the terminal.

Click's own ending is replaced in three ways:

* its usage errors quote what the user typed (``--set`` names, file names), so they are
  written with control characters escaped and long values cut, like model diagnostics;
* Ctrl-C ends the run with status 130 (``128 + SIGINT``, as shells report it) and one
  line, instead of click's ``Aborted!`` and status 1, which means "the check found
  problems"; atomic writes leave no partial file behind (the console script ends the run
  at the signal itself, :mod:`threatmodel.console`; this is for ``cli`` called as a
  library, and for a KeyboardInterrupt raised by other means);
* the status is returned from outside every ``except`` block, so that no traceback keeps
  the analysis (and its BDD manager) alive until interpreter shutdown, where the BDD
  library would complain about nodes still referenced.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from typing import Any

import click

from threatmodel.cli.options import EXIT_INTERRUPTED
from threatmodel.load.diagnostics import shorten_quoted, visible


class Group(click.Group):
    """The ``threatmodel`` command group, ending runs as described above."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        message, status = self._run(args, prog_name, complete_var, **extra)
        if message:
            sys.stderr.write(message)
            sys.stderr.flush()
        if standalone_mode:
            sys.exit(status)
        return status

    def _run(
        self,
        args: Sequence[str] | None,
        prog_name: str | None,
        complete_var: str | None,
        **extra: Any,
    ) -> tuple[str, int]:
        """The message to print on standard error, and the exit status."""
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except (click.exceptions.Abort, KeyboardInterrupt):
            return "threatmodel: interrupted\n", EXIT_INTERRUPTED
        except click.ClickException as exc:
            # click writes the message as given (stripping only some escape sequences,
            # and only off a terminal): escape it before it is shown.
            exc.message = visible(shorten_quoted(exc.message))  # type: ignore[misc]
            shown = io.StringIO()
            exc.show(file=shown)
            return visible(shown.getvalue(), keep_newlines=True), exc.exit_code
        return "", result if isinstance(result, int) else 0
