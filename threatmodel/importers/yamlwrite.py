"""Write a :class:`~threatmodel.importers.draft.Draft` as a model file, byte for byte stable.

We write the YAML ourselves rather than through a YAML library, because the output must be
stable and readable (block style, ids sorted, comments beside the elements they belong to)
and must mean exactly the same to our strict reader as to any other YAML tool:

* a scalar is written plain only when it is unmistakably text: it starts with a letter, uses
  letters, digits, spaces and ``_.()/+&'-`` only, ends with a letter, digit, ``.`` or ``)``,
  and is not a word that YAML reads as null or a boolean (``null``, ``yes``, ``off``...);
* every other scalar is double-quoted with escapes; long ones are folded at single spaces
  between words, which YAML reads back as that one space;
* characters YAML does not allow in a file, and line breaks YAML 1.1 knows but JSON does not
  (U+0085, U+2028, U+2029), and byte-order marks are escaped in scalars; in comments the
  line breaks start a new comment line; lone surrogates (possible in JSON input) become U+FFFD.
"""

from __future__ import annotations

import re
import textwrap
from itertools import pairwise

from threatmodel.importers.draft import SECTIONS, Draft, Element, FieldValue

SCHEMA_LINE = "# yaml-language-server: $schema=../threatmodel.schema.json"
"""The first line of every model in ``models/``; the schema sits in the repository root."""

WIDTH = 100
"""Lines are wrapped to this many characters where YAML allows it."""

_PLAIN = re.compile(r"[A-Za-z](?:[A-Za-z0-9 _.()/+&'-]*[A-Za-z0-9.)])?")
_RESERVED = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n"})
_ALLOWED = re.compile(
    "[\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def render(draft: Draft) -> str:
    """The whole file."""
    lines = [SCHEMA_LINE]
    lines += comment_lines(draft.header, "", hanging="")
    lines.append("threatmodel: 1")
    lines += field_lines("title", draft.title, "")
    if draft.description:
        lines += field_lines("description", draft.description, "")
    for section in SECTIONS:
        elements = draft.sections[section]
        if not elements:
            continue
        lines += ["", f"{section}:"]
        for element_id in sorted(elements):
            lines += element_lines(elements[element_id])
    if draft.notes:
        lines += ["", *comment_lines([f"--- {draft.notes_heading} ---"], "")]
        lines += comment_lines(draft.notes, "")
    return "\n".join(lines) + "\n"


FIELD_ORDER = (
    "title",
    "kind",
    "boundary",
    "parent",
    "from",
    "to",
    "data",
    "protection",
    "observers",
    "origin",
    "classification",
    "url",
    "date",
    "assurance",
    "description",
)
"""Fields in the order they are written: what the element is first, free text last."""


def element_lines(element: Element) -> list[str]:
    """An element: its id, its fields, then its notes as comments."""
    lines = [f"  {element.id}:"]
    order = {name: index for index, name in enumerate(FIELD_ORDER)}
    for name in sorted(element.fields, key=lambda name: (order.get(name, len(order)), name)):
        lines += field_lines(name, element.fields[name], "    ")
    lines += comment_lines(element.notes, "    ")
    return lines


def field_lines(name: str, value: FieldValue, indent: str) -> list[str]:
    """``name: value`` at ``indent``; lists are id lists in flow style."""
    prefix = f"{indent}{name}: "
    if isinstance(value, list):
        return _folded([f"{item}," for item in value[:-1]] + value[-1:], prefix + "[", "]", indent)
    if _is_plain(value) and len(prefix) + len(value) <= WIDTH:
        return [prefix + value]
    return _double_quoted(prefix, escape(value), indent)


def _is_plain(text: str) -> bool:
    return _PLAIN.fullmatch(text) is not None and text.lower() not in _RESERVED


def escape(text: str) -> str:
    """``text`` as the inside of a YAML double-quoted scalar."""
    return "".join(_escape_char(c) for c in text)


def _escape_char(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if _ALLOWED.match(char):
        return char
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _double_quoted(prefix: str, escaped: str, indent: str) -> list[str]:
    """Fold at single spaces between words so that each line fits, where possible."""
    return _folded(escaped.split(" "), prefix + '"', '"', indent)


def _folded(words: list[str], opening: str, closing: str, indent: str) -> list[str]:
    """``opening`` + words joined by single spaces + ``closing``, broken into lines of at most
    :data:`WIDTH` characters at spaces between two non-empty words; continuation lines are
    indented past ``indent``, as YAML requires inside a block mapping."""
    if not words:
        return [opening + closing]
    lines: list[str] = []
    current = opening + words[0]
    for previous, word in pairwise(words):
        breakable = bool(previous) and bool(word)
        if breakable and len(current) + 1 + len(word) + len(closing) > WIDTH:
            lines.append(current)
            current = indent + "  " + word
        else:
            current += " " + word
    lines.append(current + closing)
    return lines


def comment_lines(notes: list[str], indent: str, hanging: str = "  ") -> list[str]:
    """Notes as ``#`` comments, wrapped (continuation lines indented by ``hanging``); a
    note's own line breaks start new lines."""
    lines: list[str] = []
    for note in notes:
        for paragraph in _comment_text(note).split("\n"):
            wrapped = textwrap.wrap(
                paragraph,
                width=max(WIDTH - len(indent) - 2, 40),
                subsequent_indent=hanging,
                break_long_words=False,
                break_on_hyphens=False,
            )
            lines += [f"{indent}# {line}".rstrip() for line in wrapped or [""]]
    return lines


def _comment_text(text: str) -> str:
    """Comment-safe text: YAML 1.1 line breaks become real ones, the unprintable escapes."""
    text = text.replace("\r\n", "\n")
    out = []
    for char in text:
        if char in "\r\x85\u2028\u2029":
            out.append("\n")
        elif char == "\n" or _ALLOWED.match(char):
            out.append(char)
        else:
            out.append(_escape_char(char))
    return "".join(out)
