"""Located problems in model files: positions, diagnostics and the error that carries them.

Everything here is plain data; nothing prints.  Lines and columns are 1-based, as editors
and CI problem matchers expect.
"""

from __future__ import annotations

import difflib
import re
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


CONTROLS = (
    *range(0x20),  # C0: ESC starts terminal sequences; CR, VT, FF move the cursor
    0x7F,
    *range(0x80, 0xA0),  # C1: CSI, OSC and NEL as single characters
    0x2028,  # line and paragraph separators
    0x2029,
    *range(0x202A, 0x202F),  # bidirectional embeddings and overrides
    *range(0x2066, 0x206A),  # bidirectional isolates
)
"""Characters that act on a terminal or on how text is laid out, rather than being shown."""
_ESCAPES = {chr(code): ascii(chr(code))[1:-1] for code in CONTROLS}


def _character_class(characters: Iterable[str]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in characters) + "]")


_CONTROL = _character_class(_ESCAPES)
_CONTROL_BUT_NEWLINE = _character_class(c for c in _ESCAPES if c != "\n")

MAX_ECHO = 120
"""Longest quoted value a message repeats in full; longer ones are cut with an ellipsis."""
_LONG_QUOTED = re.compile(rf"(?:^|(?<=[\s(]))'([^'\n]{{{MAX_ECHO + 1},}})'(?=$|[\s;:,.)?!])")


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control characters written as escapes (``\\x1b``, ``\\r``, ``\\u202e``).

    Model text, file paths and ``--set`` names reach terminals, logs and files; escaped, no
    such text can move the cursor, clear the screen, set the window title, hide a line or
    reorder characters.  ``keep_newlines`` leaves ``\\n`` alone, for multi-line outputs.
    """
    pattern = _CONTROL_BUT_NEWLINE if keep_newlines else _CONTROL
    # A search per character class is many times faster than str.translate on text
    # that is not pure ASCII (the reports' arrows), where control characters are rare.
    return pattern.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return _ESCAPES[match.group()]


def shorten(text: str, limit: int = MAX_ECHO) -> str:
    """``text`` cut to ``limit`` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shorten_quoted(message: str) -> str:
    """Every ``'quoted value'`` longer than :data:`MAX_ECHO` in ``message``, cut."""
    return _LONG_QUOTED.sub(lambda match: f"'{shorten(match.group(1))}'", message)


def article(word: str) -> str:
    """``a party``, ``an assumption``."""
    return f"{'an' if word[:1] in ('a', 'e', 'i', 'o', 'u') else 'a'} {word}"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, printed as ``PATH:LINE:COL: error: MESSAGE``."""

    location: Location
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        message = shorten_quoted(self.message)
        return visible(f"{self.location}: {self.severity.value}: {message}")


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
        return f"text '{shorten(value, 40)}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a number"
