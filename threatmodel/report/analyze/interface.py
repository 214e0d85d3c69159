"""The shape every analysis writer has."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from threatmodel.assessment import Assessment


class Writer(Protocol):
    """Render an assessment as text, or as consecutive pieces of text made while they are
    written (a long report); ``color`` asks for ANSI colour (text only)."""

    def __call__(self, assessment: Assessment, *, color: bool = False) -> str | Iterator[str]: ...
