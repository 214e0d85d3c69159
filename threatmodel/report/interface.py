"""The shape every analysis writer has."""

from __future__ import annotations

from typing import Protocol

from threatmodel.analysis import Analysis


class Writer(Protocol):
    """Render an analysis as text; ``color`` asks for ANSI colour (text only)."""

    def __call__(self, analysis: Analysis, *, color: bool = False) -> str: ...
