"""The shape every analysis writer has."""

from __future__ import annotations

from typing import Protocol

from threatmodel.assessment import Assessment


class Writer(Protocol):
    """Render an assessment as text; ``color`` asks for ANSI colour (text only)."""

    def __call__(self, assessment: Assessment, *, color: bool = False) -> str: ...
