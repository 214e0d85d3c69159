"""Rendering of ``explain``: text for people, JSON for tools."""

from __future__ import annotations

from threatmodel.engine.exposure import Analysis
from threatmodel.engine.witness import evidence_lines, wrap_chain
from threatmodel.load.model import Level
from threatmodel.queries.explain import Explanation
from threatmodel.report.encode import json_text, plain_text
from threatmodel.report.views import is_graded, setting_text

WIDTH = 100


def explanation_text(analysis: Analysis, explanation: Explanation) -> str:
    """Conditions per level, then each way with its example setting, derivation and the
    evidence of each step (one line for a model that grades nothing)."""
    party, datum = explanation.party, explanation.datum
    graded = is_graded(analysis.model)
    lines = [f"{party} and {datum}"]
    for level, condition in explanation.conditions.items():
        if condition != "never":
            lines.append(f"  {level}: {_when(condition)}")
    if not explanation.ways:
        lines.append(f"  {party} never gets {datum} in any allowed setting")
    for number, way in enumerate(explanation.ways, start=1):
        lines.append("")
        what = "plaintext" if way.level.value == "plaintext" else "ciphertext only"
        lines.append(f"way {number}: {what} {_when(way.condition)}")
        lines.append(f"  e.g. {setting_text(analysis, way.setting)}")
        for line in way.lines:
            lines += wrap_chain("    " + line, WIDTH)
        if not graded:
            lines.append("  evidence: unsourced (no element of this model cites a source)")
            continue
        lines.append(f"  evidence: {way.evidence.value}; each step, and the sources behind it:")
        lines += evidence_lines(way.grounds, 4, WIDTH)
    if explanation.conditions[Level.CIPHERTEXT.value] != "never":
        lines += [
            "",
            f"{party} holds {datum} sealed in some settings; which parties could read it together:",
            f"  threatmodel coalitions {analysis.loaded.path} --data {datum}",
        ]
    return plain_text("\n".join(lines) + "\n")


def _when(condition: str) -> str:
    return "always" if condition == "always" else f"when {condition}"


def explanation_json(analysis: Analysis, explanation: Explanation) -> str:
    """The explanation as JSON."""
    document = {
        "party": explanation.party,
        "data": explanation.datum,
        "conditions": explanation.conditions,
        "ways": [
            {
                "level": way.level.value,
                "condition": way.condition,
                "values": way.setting,
                "witness": list(way.steps),
                "evidence": way.evidence.value,
                "steps": [
                    {
                        "step": step.phrase,
                        "evidence": step.tier.value,
                        "grounds": [
                            {
                                "element": ground.element,
                                "role": ground.role,
                                "evidence": ground.tier.value,
                                "stated": ground.stated,
                                "sources": [
                                    {
                                        "id": cited.source,
                                        "title": cited.title,
                                        "evidence": cited.tier.value,
                                    }
                                    for cited in ground.sources
                                ],
                            }
                            for ground in step.grounds
                        ],
                    }
                    for step in way.grounds
                ],
            }
            for way in explanation.ways
        ],
    }
    return json_text(document)
