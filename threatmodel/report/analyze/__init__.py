"""Writers of ``analyze``'s output, one module per ``--format``, registered in :data:`WRITERS`."""

from __future__ import annotations

from threatmodel.report.analyze import json_format, markdown, text
from threatmodel.report.analyze.interface import Writer

WRITERS: dict[str, Writer] = {
    "text": text.write,
    "json": json_format.write,
    "markdown": markdown.write,
}
"""``--format`` name → writer of ``analyze`` output."""

__all__ = ["WRITERS", "Writer"]
