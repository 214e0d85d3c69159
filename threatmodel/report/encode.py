"""The last step of every text and JSON writer: model text can never act on a terminal.

Titles, descriptions and paths may carry control characters (YAML's double-quoted escapes
make any of them easy to write).  Text outputs show them as escapes (``\\x1b``), keeping
only the writer's own line breaks; JSON outputs, which already escape C0 characters,
also escape C1 controls, line separators and bidirectional overrides (``\\u009b``), so that
printing a JSON file does not act on the terminal either.  Markdown and HTML have their
own rules (:mod:`threatmodel.report.mdtext`, :mod:`threatmodel.report.html`).
"""

from __future__ import annotations

import json
from typing import Any

from threatmodel.load.diagnostics import CONTROLS, visible

JSON_ESCAPES = {code: f"\\u{code:04x}" for code in CONTROLS if code >= 0x7F}
"""Control characters that :func:`json.dumps` leaves raw with ``ensure_ascii=False``.  They
can only occur inside JSON strings, where the escape means the same character."""


def plain_text(text: str) -> str:
    """A text output with every control character but the line break escaped."""
    return visible(text, keep_newlines=True)


def json_text(document: Any) -> str:
    """``document`` as JSON: sorted keys, two-space indent, trailing newline."""
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
    return text.translate(JSON_ESCAPES) + "\n"
