"""``coalitions --format text|json``: one writer per format, registered in :data:`WRITERS`."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable

from threatmodel.engine.exposure import Analysis
from threatmodel.engine.witness import wrap_chain
from threatmodel.queries.coalitions import CoalitionAnswer
from threatmodel.report.views import count_text, setting_text

FORMAT = "threatmodel-coalitions/1"
WIDTH = 100


def coalitions_text(
    analysis: Analysis, answer: CoalitionAnswer, scenario: str, caption: str
) -> str:
    """Who reads the datum alone, then the minimal coalitions by size, each with the pool's
    derivation."""
    datum = answer.datum
    lines = _wrap(f"Coalitions that read {datum} in the {caption}")
    lines += _wrap(setting_text(analysis, answer.setting), "  ")
    lines.append("")
    lines += _wrap(f"read alone by: {', '.join(answer.alone) or 'nobody'}")
    lines += _wrap(f"candidates: {', '.join(answer.candidates) or 'none'}")
    if not answer.coalitions:
        lines.append("")
        if not answer.candidates:
            lines.append("no candidate is left to form a coalition")
        elif answer.cut:
            at_most = count_text(answer.max_size or 0, "party", "parties")
            lines.append(f"no coalition of at most {at_most} reads {datum}")
        else:
            lines.append(f"no coalition of the candidates reads {datum}")
    size = 0
    for coalition in answer.coalitions:
        if len(coalition.members) != size:
            size = len(coalition.members)
            lines += ["", f"minimal coalitions of {count_text(size, 'party', 'parties')}:"]
        lines.append("  " + " + ".join(coalition.members))
        for line in coalition.lines:
            lines += wrap_chain("    " + line, WIDTH)
    if answer.cut:
        lines += ["", _cut_text(answer)]
    return "\n".join(lines) + "\n"


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def _cut_text(answer: CoalitionAnswer) -> str:
    larger = count_text(answer.max_size or 0, "party", "parties")
    return (
        f"larger coalitions (more than {larger}) also read {answer.datum}: "
        "raise --max-size to list them"
    )


def coalitions_json(
    analysis: Analysis, answer: CoalitionAnswer, scenario: str, caption: str
) -> str:
    """The answer as JSON: coalitions and their witnesses in the same order (``caption``
    is for people and left out)."""
    document = {
        "format": FORMAT,
        "model": {"title": analysis.model.title, "path": analysis.loaded.path},
        "datum": answer.datum,
        "setting": dict(answer.setting),
        "scenario": scenario,
        "alone": list(answer.alone),
        "candidates": list(answer.candidates),
        "coalitions": [list(c.members) for c in answer.coalitions],
        "witnesses": [list(c.steps) for c in answer.coalitions],
        "max_size": answer.max_size,
        "cut": answer.cut,
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


WRITERS: dict[str, Callable[[Analysis, CoalitionAnswer, str, str], str]] = {
    "text": coalitions_text,
    "json": coalitions_json,
}
