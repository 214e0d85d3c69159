"""The last step of every text and JSON writer: model text can never act on a terminal.

Titles, descriptions and paths may carry control characters (YAML's double-quoted escapes
make any of them easy to write).  Text outputs show them as escapes (``\\x1b``), keeping
only the writer's own line breaks; JSON outputs, which already escape C0 characters,
also escape C1 controls, line separators and bidirectional overrides (``\\u009b``), so that
printing a JSON file does not act on the terminal either.  Markdown and HTML have their
own rules (:mod:`threatmodel.report.mdtext`, :mod:`threatmodel.report.html`).

JSON is written by :func:`json_chunks` rather than ``json.dumps(indent=2)`` at once: a
report of tens of thousands of findings spent seconds and a few hundred megabytes there.
The text is the same, byte for byte.  Before Python 3.13 ``json.dumps`` indents in pure
Python, and a leaner encoder here (strings escaped by the same C function) is three times
faster; from 3.13 on, ``json.dumps`` indents in C and encodes each piece.
"""

from __future__ import annotations

import json
import json.encoder
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from threatmodel.load.diagnostics import CONTROLS, visible

JSON_ESCAPES = {code: f"\\u{code:04x}" for code in CONTROLS if code >= 0x7F}
"""Control characters that :func:`json.dumps` leaves raw with ``ensure_ascii=False``.  They
can only occur inside JSON strings, where the escape means the same character."""

_RAW_CONTROL = re.compile("[" + "".join(re.escape(chr(code)) for code in JSON_ESCAPES) + "]")

_string: Callable[[str], str] = json.encoder.encode_basestring
"""A string as a JSON string literal, non-ASCII characters kept (C code when available)."""

_INDENT = "  "
_C_INDENTS = sys.version_info >= (3, 13)
"""Whether :func:`json.dumps` indents in C."""
CHUNK = 64 if _C_INDENTS else 8192
"""Pieces of text gathered before they are handed on: whole items where ``json.dumps``
encodes them, else strings, punctuation and indents (a finding is about a hundred)."""


@dataclass(frozen=True)
class Items:
    """A JSON array whose items are made only as they are written, one at a time, so that
    a long list (one dict per finding) never exists whole as Python data."""

    source: Iterable[Any]


def plain_text(text: str) -> str:
    """A text output with every control character but the line break escaped."""
    return visible(text, keep_newlines=True)


def json_text(document: Any) -> str:
    """``document`` as JSON: sorted keys, two-space indent, trailing newline."""
    return "".join(json_chunks(document))


def json_chunks(document: Any, *, chunk: int = CHUNK) -> Iterator[str]:
    """``document`` as JSON text in consecutive pieces: the text of ``json.dumps(document,
    indent=2, sort_keys=True, ensure_ascii=False)`` with :data:`JSON_ESCAPES` applied and a
    trailing newline.  The items of an :class:`Items` value of a top-level object are made
    and encoded one by one, the text handed on once ``chunk`` pieces have gathered."""
    parts: list[str] = []
    if isinstance(document, dict) and document:
        yield from _stream_object(document, parts, chunk)
    else:
        _piece(document, 0, parts)
    parts.append("\n")
    yield _flush(parts)


def _flush(parts: list[str]) -> str:
    text = "".join(parts)
    parts.clear()
    # A search for the rare raw controls is far faster than str.translate on non-ASCII text.
    return _RAW_CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return JSON_ESCAPES[ord(match.group())]


def _stream_object(document: dict[Any, Any], parts: list[str], chunk: int) -> Iterator[str]:
    newline = "\n" + _INDENT
    separator = "{" + newline
    for key in sorted(document):
        parts += (separator, _key(key), ": ")
        separator = "," + newline
        value = document[key]
        if isinstance(value, Items):
            yield from _stream_array(value.source, parts, chunk)
        else:
            _piece(value, 1, parts)
        if len(parts) >= chunk:
            yield _flush(parts)
    parts.append("\n}")


def _stream_array(items: Iterable[Any], parts: list[str], chunk: int) -> Iterator[str]:
    newline = "\n" + _INDENT * 2
    separator = "[" + newline
    for item in items:
        parts.append(separator)
        separator = "," + newline
        _piece(item, 2, parts)
        if len(parts) >= chunk:
            yield _flush(parts)
    parts.append("[]" if separator[0] == "[" else "\n" + _INDENT + "]")


def _piece(value: Any, level: int, parts: list[str]) -> None:
    """Append ``value``'s text, its first line indented at ``level`` by the caller."""
    if _C_INDENTS:
        text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=_listed)
        # JSON strings hold no raw line break: every one in the text starts an indent.
        parts.append(text.replace("\n", "\n" + _INDENT * level) if level else text)
    else:
        _value(value, level, parts)


def _listed(value: Any) -> list[Any]:
    if isinstance(value, Items):
        return list(value.source)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _value(value: Any, level: int, parts: list[str]) -> None:
    """Append ``value``'s text, its first line indented at ``level`` by the caller."""
    if isinstance(value, str):
        parts.append(_string(value))
    elif isinstance(value, dict):
        _object(value, level, parts)
    elif isinstance(value, list | tuple):
        _array(value, level, parts)
    elif isinstance(value, Items):
        _array(list(value.source), level, parts)
    else:
        parts.append(_scalar(value))


def _object(value: dict[Any, Any], level: int, parts: list[str]) -> None:
    if not value:
        parts.append("{}")
        return
    newline = "\n" + _INDENT * (level + 1)
    separator = "{" + newline
    inner = level + 1
    for key in sorted(value):
        parts += (separator, _key(key), ": ")
        separator = "," + newline
        _value(value[key], inner, parts)
    parts.append("\n" + _INDENT * level + "}")


def _array(value: list[Any] | tuple[Any, ...], level: int, parts: list[str]) -> None:
    if not value:
        parts.append("[]")
        return
    newline = "\n" + _INDENT * (level + 1)
    if all(type(item) is str for item in value):
        parts += ("[", newline, ("," + newline).join(map(_string, value)))
    else:
        separator = "[" + newline
        inner = level + 1
        for item in value:
            parts.append(separator)
            separator = "," + newline
            _value(item, inner, parts)
    parts.append("\n" + _INDENT * level + "]")


def _scalar(value: Any) -> str:
    """``null``, ``true``, ``false`` or a number, as :mod:`json` writes them."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _key(key: Any) -> str:
    """An object's key as :mod:`json` writes it: always a string."""
    return _string(key if isinstance(key, str) else _scalar(key))
