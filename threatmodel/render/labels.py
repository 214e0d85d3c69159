"""Text that goes into diagrams: every string from a model passes through here.

Model text is data, never markup.  Graphviz reads three kinds of string specially: HTML-like
labels (``<...>``), escape sequences in ordinary labels (``\\n``, ``\\N``, ``\\G``...) and HTML
entities (``&lt;``), which it decodes in ordinary labels and tooltips too.  :func:`plain`
neutralises all three for ordinary strings; :func:`html` for the pieces of the HTML labels this
package builds itself.  Control characters, lone surrogates and non-characters, which would
break Graphviz's XML parser or the UTF-8 output, become U+FFFD.
"""

from __future__ import annotations

import html as html_module
import textwrap
import unicodedata
from collections.abc import Iterable

import graphviz

from threatmodel.load.diagnostics import visible

REPLACEMENT = "\ufffd"


def clean(text: str) -> str:
    """``text`` on one line: whitespace runs become one space, unsafe characters U+FFFD."""
    return "".join(
        REPLACEMENT if _unsafe(character) else character for character in " ".join(text.split())
    )


def _unsafe(character: str) -> bool:
    code = ord(character)
    return (
        unicodedata.category(character) in ("Cc", "Cs")
        or visible(character) != character  # line separators, bidirectional overrides
        or 0xFDD0 <= code <= 0xFDEF
        or code & 0xFFFE == 0xFFFE
    )


def plain(*lines: str, left: bool = False) -> str:
    """An ordinary Graphviz string showing ``lines`` literally, one per line: centred, or
    left-aligned with ``left``.

    An empty line is written as one space: the in-process Graphviz reads memory it never
    wrote when a label starts with an empty line, and fails or corrupts its state.
    """
    escaped = [graphviz.escape(clean(line).replace("&", "&amp;")) or " " for line in lines]
    joined = "".join(line + "\\l" for line in escaped) if left else "\\n".join(escaped)
    result: str = graphviz.nohtml(joined)
    return result


def html(text: str) -> str:
    """``text`` as character data inside an HTML-like label."""
    return html_module.escape(clean(text), quote=True)


def wrap(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` characters (longer words stay whole)."""
    return textwrap.wrap(clean(text), width, break_long_words=False, break_on_hyphens=False) or [""]


def wrap_items(items: Iterable[str], width: int, separator: str = ", ") -> list[str]:
    """Items joined with ``separator``, broken between items into lines of about ``width``."""
    lines: list[str] = []
    current = ""
    for item in items:
        candidate = f"{current}{separator}{item}" if current else item
        if current and len(candidate) > width:
            lines.append(current + separator.rstrip())
            current = item
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines
