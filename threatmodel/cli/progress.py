"""A progress line on standard error, shown only on a terminal and only after one second."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts work; prints ``label: N facts`` on a TTY once the work takes over a second."""

    def __init__(self, label: str, stream: TextIO | None = None, delay: float = 1.0) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self.delay = delay
        self.shown = False
        self.enabled = self.stream.isatty()

    def __call__(self, done: int) -> None:
        if not self.enabled or time.monotonic() - self.start < self.delay:
            return
        self.shown = True
        self.stream.write(f"\r{self.label}: {done:,} facts derived")
        self.stream.flush()

    def finish(self) -> None:
        """Erase the progress line, if one was shown."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
