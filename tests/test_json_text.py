"""JSON outputs are written piece by piece, and read exactly as ``json.dumps`` with a
two-space indent and sorted keys would write them (terminal controls escaped)."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threatmodel.report import encode
from threatmodel.report.encode import Items, json_chunks, json_text

ESCAPED = [*range(0x7F, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
"""Characters ``json.dumps`` leaves raw but no JSON output may carry: they act on terminals."""

AWKWARD = st.sampled_from(
    ['"', "\\", "\x00", "\x1b[2J", "\r", "\u2028", "\u202e", "\x9b", "é", "😀", "</script>", "→"]
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.lists(AWKWARD).map("".join)
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text() | AWKWARD, inner, max_size=5)
    ),
    max_leaves=40,
)


def dumped(document: Any) -> str:
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
    return text.translate({code: f"\\u{code:04x}" for code in ESCAPED}) + "\n"


@settings(derandomize=True, database=None, deadline=None, max_examples=300)
@given(document=documents)
def test_json_text_is_what_json_dumps_writes(document: Any) -> None:
    assert json_text(document) == dumped(document)


@settings(derandomize=True, database=None, deadline=None, max_examples=100)
@given(head=st.dictionaries(st.text(), documents, max_size=4), items=st.lists(documents))
@pytest.mark.parametrize("c_indents", [False, True])
def test_streamed_lists_are_written_as_lists(
    c_indents: bool, head: dict[str, Any], items: list[Any]
) -> None:
    """Pieces come from this module's encoder, or from ``json.dumps`` where it indents in C
    (Python 3.13 on; before, the same text more slowly)."""
    nested = {"inner": Items(iter(items))}
    streamed = {**head, "items": Items(iter(items)), "more": Items([nested])}
    with mock.patch.object(encode, "_C_INDENTS", c_indents):
        pieces = list(json_chunks(streamed, chunk=1))
    assert "".join(pieces) == dumped({**head, "items": items, "more": [{"inner": items}]})
    assert len(pieces) > len(items), "every item is handed on as soon as it is written"


def test_items_are_made_only_as_they_are_written() -> None:
    made: list[int] = []

    def items() -> Any:
        for number in range(3):
            made.append(number)
            yield {"n": number}

    pieces = json_chunks({"a": 1, "items": Items(items())}, chunk=1)
    first = next(pieces)
    assert made == [] and first == '{\n  "a": 1'
    assert "".join([first, *pieces]) == dumped({"a": 1, "items": [{"n": n} for n in range(3)]})
    assert made == [0, 1, 2]
