"""Scratch files of the current run, removed if Ctrl-C ends it.

The console script ends an interrupted run at once (see :mod:`threatmodel.console`), without
unwinding the code it interrupted, so the ``finally`` clauses that would remove a
half-written output's temporary file or a temporary folder do not run.  What makes such a
file registers how to remove it here, for as long as it exists; the interrupt handler runs
:func:`remove_all` before the process ends.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

_PENDING: dict[object, Callable[[], None]] = {}


@contextlib.contextmanager
def scratch(make: Callable[[], T], remove: Callable[[T], None]) -> Iterator[T]:
    """``make()`` something that ``remove`` undoes, registered for :func:`remove_all` until
    the block ends (the block itself removes or keeps it).

    Ctrl-C is held back while it is made and registered, so that no interrupt lands between
    the two and leaves it behind.
    """
    token = object()
    held = _hold_interrupts()
    try:
        made = make()
        _PENDING[token] = lambda: remove(made)
    finally:
        _release_interrupts(held)
    try:
        yield made
    finally:
        _PENDING.pop(token, None)


def remove_all() -> None:
    """Remove every scratch file still registered (errors ignored: the run is ending)."""
    for remove in list(_PENDING.values()):
        with contextlib.suppress(OSError):
            remove()
    _PENDING.clear()


def _hold_interrupts() -> set[int | signal.Signals] | None:
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _release_interrupts(held: set[int | signal.Signals] | None) -> None:
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
