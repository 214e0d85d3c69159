"""``threatmodel report``: one self-contained, interactive HTML file.

The page embeds the analysis as JSON and a few lines of script: the reader flips toggles and
assumptions (or picks a scenario) and the exposure matrix, the expectations and the findings
follow, evaluated from the exposure conditions — the same formulas the other reports print.
Each exposed cell can be clicked for a witness of the way it arises.  No network access,
no external files, no timestamps: the same model gives the same bytes.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any

from threatmodel.assessment import Assessment
from threatmodel.engine.exposure import Analysis, change_texts, graded_conditions
from threatmodel.engine.witness import evidence_lines
from threatmodel.load.expr import to_text
from threatmodel.load.model import Evidence
from threatmodel.queries.explain import explain
from threatmodel.report.views import count_text, expectation_reports, is_graded

MAX_EXPLAINED_PAIRS = 400
"""Most (party, datum) pairs whose witnesses are embedded; larger models omit them."""
EVIDENCE_WIDTH = 96
"""Width of the lines giving each witness step's evidence and sources."""


def write(assessment: Assessment, *, color: bool = False) -> str:
    """The report as an HTML document."""
    analysis = assessment.analysis
    data = _document(assessment)
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    payload = payload.replace("</", "<\\/")
    title = html.escape(analysis.model.title)
    return _TEMPLATE.format(
        title=title,
        summary=html.escape(_summary(analysis)),
        payload=payload,
        style=_asset("report.css"),
        script=_asset("report.js"),
    )


def _asset(name: str) -> str:
    """A file shipped beside this module, inlined so that the report stays one file."""
    return (resources.files("threatmodel.report") / "assets" / name).read_text(encoding="utf-8")


def _summary(analysis: Analysis) -> str:
    space = analysis.space
    parts = [
        analysis.loaded.path,
        count_text(len(space.variables), "variable"),
        count_text(analysis.total_settings, "allowed setting"),
        f"assumptions: {space.mode.value}",
    ]
    return " · ".join(parts)


def _document(assessment: Assessment) -> dict[str, Any]:
    analysis = assessment.analysis
    model = analysis.model
    space = analysis.space
    variables = [
        {
            "name": name,
            "title": model.label(name),
            "kind": "toggle" if name in model.toggles else "assumption",
            "default": analysis.default.setting[name],
            "pinned": name in space.pinned,
        }
        for name in space.variables
    ]
    data = [
        {
            "id": datum,
            "title": model.label(datum),
            "key": datum in model.keys,
        }
        for datum in analysis.problem.data
    ]
    pairs = [
        (party, datum)
        for datum, per_party in analysis.condition_texts.items()
        for party, texts in per_party.items()
        if texts != {"plaintext": "never", "ciphertext": "never"}
    ]
    ways: dict[str, list[dict[str, Any]]] = {}
    if len(pairs) <= MAX_EXPLAINED_PAIRS:
        for party, datum in sorted(pairs):
            explanation = explain(analysis, party, datum)
            ways[f"{party}/{datum}"] = [
                {
                    "level": way.level.value,
                    "condition": way.condition,
                    "setting": space.describe(way.setting),
                    "lines": list(way.lines),
                    "evidence": way.evidence.value,
                    "steps": evidence_lines(way.grounds, 0, EVIDENCE_WIDTH),
                }
                for way in explanation.ways
            ]
    violated, holding = expectation_reports(analysis)
    return {
        "variables": variables,
        "constants": dict(space.constants),
        "constraints": [
            {"id": cid, "require": to_text(c.require.root), "text": c.require.text}
            for cid, c in sorted(model.constraints.items())
        ],
        "scenarios": {
            sid: {"title": model.label(sid), "values": result.setting}
            for sid, result in analysis.scenarios.items()
        },
        "parties": [{"id": p, "title": model.label(p)} for p in analysis.problem.parties],
        "data": data,
        "conditions": analysis.condition_texts,
        "expectations": [
            {
                "id": report.expectation,
                "title": report.title,
                "parties": [{"party": p, "condition": c} for p, c in report.parties],
            }
            for report in violated
        ]
        + [{"id": eid, "title": model.label(eid), "parties": []} for eid in holding],
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity.value,
                "message": f.message,
                "condition": f.condition,
            }
            for f in assessment.findings
        ],
        "impacts": [
            {
                "variable": impact.variable,
                "value": impact.value,
                "possible": impact.setting is not None,
                "forced": dict(impact.forced),
                "removes": change_texts(impact.removes),
                "adds": change_texts(impact.adds),
            }
            for impact in analysis.impacts
        ],
        "ways": ways,
        "ways_omitted": len(pairs) > MAX_EXPLAINED_PAIRS,
        "tiers": _tiers(analysis, pairs) if is_graded(model) else {},
        "weakest": (analysis.min_evidence or Evidence.UNSOURCED).value,
    }


def _tiers(analysis: Analysis, pairs: list[tuple[str, str]]) -> dict[str, list[list[str]]]:
    """``party/datum`` → [tier, plaintext condition, ciphertext condition] for each tier
    stronger than the weakest counted: where the party gets that level from derivations at
    that tier or stronger, so that the page shows each cell's tier in any setting."""
    graded = graded_conditions(analysis)
    tiers: dict[str, list[list[str]]] = {}
    for party, datum in sorted(pairs):
        rows = []
        for tier, conditions in graded.items():
            false = conditions.bdd.false
            plaintext = conditions.plain.get((party, datum), false)
            sealed = conditions.sealed.get((party, datum), false)
            texts = [analysis.condition_text(f) for f in (plaintext, sealed)]
            rows.append([tier.value, *texts])
        tiers[f"{party}/{datum}"] = rows
    return tiers


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header><h1>{title}</h1><p class="summary">{summary}</p></header>
<main>
<section id="setting"><h2>Setting</h2>
<p>Flip toggles and assumptions, or pick a scenario; everything below follows.</p>
<div id="scenarios"></div>
<div id="variables"></div>
<p id="allowed"></p>
</section>
<section><h2>Who reads what in this setting</h2>
<p class="legend"><span class="cell plaintext">plaintext</span>
<span class="cell ciphertext">ciphertext only</span> <span class="cell none">—</span>
never. A tier after a level: how well the record supports it when it is not established
(documented, analysed, inferred or unsourced). Click a cell for a witness and its sources.</p>
<div class="scroll"><table id="matrix"></table></div>
<pre id="witness" hidden></pre>
</section>
<section><h2>Expectations</h2><ul id="expectations"></ul></section>
<section><h2>Findings</h2><table id="findings"></table></section>
<section><h2>Who reads what, and when</h2><table id="conditions"></table></section>
<section><h2>Toggle impact</h2><p>Each variable flipped from the default setting.</p>
<ul id="impacts"></ul></section>
</main>
<script type="application/json" id="analysis">{payload}</script>
<script>{script}</script>
</body>
</html>
"""
