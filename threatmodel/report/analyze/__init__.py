"""Writers of ``analyze``'s output, one module per ``--format``, registered in :data:`WRITERS`."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from threatmodel.report.analyze.interface import Writer


class _Writers(Mapping[str, Writer]):
    """``--format`` name → writer, each module imported when its writer is first asked for:
    a run writes one format, and the markdown writer alone pulls in the diagram renderer."""

    def __init__(self, modules: Mapping[str, str]) -> None:
        self._modules = modules

    def __getitem__(self, name: str) -> Writer:
        module = importlib.import_module(f"{__name__}.{self._modules[name]}")
        writer: Writer = module.write
        return writer

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


WRITERS: Mapping[str, Writer] = _Writers(
    {"text": "text", "json": "json_format", "markdown": "markdown"}
)
"""``--format`` name → writer of ``analyze`` output."""

__all__ = ["WRITERS", "Writer"]
