"""Model text inside markdown: shown exactly as written, never read as markup.

Markdown reports are posted as pull-request comments, and titles, descriptions and file
paths come from whoever wrote the model.  In CommonMark and GitHub-flavoured markdown an
ASCII punctuation character escaped with a backslash is always literal.  :func:`text`
escapes every character that can start markup in the middle of a line: HTML and comments
(``<``, ``&``), images and links (``!``, ``[``, ``]``), code (`````), emphasis and
strikethrough (``*``, ``~``, ``_`` except inside a word, where it cannot), table cells
(``|``), math (``$``), mentions, issue references, emoji and autolinks (``@``, ``#``, ``:``
unless before a space, and ``.`` before a word character, as in domain names).  Control
characters and line breaks are written as visible escapes first, so model text never
starts a new line, and thus never a block (a heading, a list, a quote).
"""

from __future__ import annotations

import re

from threatmodel.load.diagnostics import visible

_MARKUP = re.compile(
    r"[\\`*\[\]<>!|&~#@$]"  # always
    r"|:(?=\S)"  # ':' not before a space, as in an emoji code or a URL scheme
    r"|(?<![^\W_])_|_(?![^\W_])"  # '_' unless between letters or digits
    r"|\.(?=[^\W_])"  # '.' before a letter or digit, as in a domain name
)
_BACKTICKS = re.compile(r"`+")


def text(value: str) -> str:
    """``value`` as literal inline text, on one line (also safe in a table cell)."""
    return _MARKUP.sub(lambda match: "\\" + match.group(), visible(value))


def code(value: str) -> str:
    """``value`` as an inline code span (not for table cells, where ``|`` splits cells).

    The fence is one backtick longer than any run inside the text, as CommonMark requires.
    """
    shown = visible(value)
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(shown)), default=0) + 1)
    pad = " " if shown[:1] in ("`", " ") or shown[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def block(lines: list[str], indent: str = "") -> list[str]:
    """``lines`` as a fenced code block, indented by ``indent``; no line can close it."""
    shown = [visible(line) for line in lines]
    longest = max((len(run) for line in shown for run in _BACKTICKS.findall(line)), default=0)
    fence = indent + "`" * max(3, longest + 1)
    return [fence, *(indent + line for line in shown), fence]
