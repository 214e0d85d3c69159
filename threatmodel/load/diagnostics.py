"""Located problems in model files: positions, diagnostics and the error that carries them.

Everything here is plain data; nothing prints.  Lines and columns are 1-based, as editors
and CI problem matchers expect.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, order=True)
class Location:
    """A position in a model file."""

    path: str
    """The file as the user named it (never made absolute)."""
    line: int
    """1-based line."""
    column: int
    """1-based column, counted in characters."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class Severity(StrEnum):
    """How bad a diagnostic is: errors stop the run, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


_ESCAPES = {code: ascii(chr(code))[1:-1] for code in [*range(0x20), 0x7F, 0x85, 0x2028, 0x2029]}
"""Line breaks and control characters in messages (which quote the user's values) are
written as escapes, so that one diagnostic is always one line."""


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, printed as ``PATH:LINE:COL: error: MESSAGE``."""

    location: Location
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        message = self.message.translate(_ESCAPES)
        return f"{self.location}: {self.severity.value}: {message}"


class ModelError(Exception):
    """Raised when a model cannot be loaded or analysed; carries every problem found."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(sorted(set(diagnostics)))
        super().__init__("\n".join(str(d) for d in self.diagnostics))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest choice, or an empty string."""
    matches = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""


def describe(value: Any) -> str:
    """A value's kind, for messages: ``a list``, ``text 'x'``, ``a number``..."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text '{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a number"
