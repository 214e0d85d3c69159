"""Notes: another tool's values that our format has no field for, as short readable text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MAX_NOTE = 2000
"""Longest note kept, in characters; longer ones are cut with an ellipsis."""
_MAX_DEPTH = 8


def is_empty(value: Any) -> bool:
    """Nothing worth keeping: absent, false, empty text or an empty collection."""
    return value is None or value is False or value in ("", [], {})


def render(value: Any) -> str:
    """A value on one line: lists joined with ``, ``, mappings as ``key: value; ...``."""
    text = _render(value, 0)
    return text if len(text) <= MAX_NOTE else text[: MAX_NOTE - 1] + "…"


def _render(value: Any, depth: int) -> str:
    if depth > _MAX_DEPTH:
        return "…"
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return ", ".join(_render(item, depth + 1) for item in value if not is_empty(item))
    if isinstance(value, dict):
        parts = [
            f"{key}: {_render(item, depth + 1)}" if item is not True else str(key)
            for key, item in value.items()
            if not is_empty(item)
        ]
        return "; ".join(parts)
    return str(value)


def attributes(values: Mapping[str, Any], names: Iterable[str]) -> list[str]:
    """``name: value`` for each of ``names`` that has a value; ``name`` alone for true flags."""
    parts = []
    for name in names:
        value = values.get(name)
        if is_empty(value):
            continue
        parts.append(name if value is True else f"{name}: {render(value)}")
    return parts


def line(label: str, parts: list[str]) -> str:
    """``label (part; part; ...)`` (just the label when there are no parts)."""
    return f"{label} ({'; '.join(parts)})" if parts else label


def titled(heading: str, entries: Mapping[str, Any]) -> list[str]:
    """A heading and one ``- key: value`` note per entry (``- key`` when it has no value)."""
    if not entries:
        return []
    notes = [f"{heading}:"]
    for key, value in entries.items():
        text = render(value)
        notes.append(f"- {key}: {text}" if text else f"- {key}")
    return notes
