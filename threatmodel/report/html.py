"""``threatmodel report``: one self-contained, interactive HTML file.

The page embeds the analysis as JSON and a script: the reader flips toggles and assumptions
(or picks a scenario) and the exposure matrix, the expectations, the findings and the
diagram follow, evaluated from the exposure conditions — the same formulas the other reports
print.  A flip the constraints forbid is completed as ``--set`` completes it (the nearest
allowed setting, with the forced changes shown), so that the page and ``analyze --set``
always agree.  Each cell can be clicked for the ways it arises, with the sources of each
step.  No network access, no external files, no timestamps: the same model gives the same
bytes.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any

from threatmodel.assessment import Assessment
from threatmodel.engine.exposure import Analysis, change_texts, graded_conditions
from threatmodel.engine.inference import Rule, Step
from threatmodel.load.expr import to_text
from threatmodel.load.model import Evidence, Model, Status
from threatmodel.queries.explain import explain
from threatmodel.report.encode import JSON_ESCAPES
from threatmodel.report.views import count_text, expectation_reports, is_graded

MAX_EXPLAINED_PAIRS = 400
"""Most (party, datum) pairs whose witnesses are embedded; larger models omit them."""

NEVER = {"plaintext": "never", "ciphertext": "never"}


def write(assessment: Assessment, *, color: bool = False, diagram: str | None = None) -> str:
    """The report as an HTML document; ``diagram`` is the ``<svg>`` element to embed (see
    :mod:`threatmodel.render.interactive`), ``None`` to leave the diagram out."""
    analysis = assessment.analysis
    title = html.escape(analysis.model.title)
    return _TEMPLATE.format(
        title=title,
        summary=html.escape(_summary(analysis)),
        diagram=diagram if diagram is not None else _NO_DIAGRAM,
        payload=embedded_json(_document(assessment, diagram is not None)),
        style=_asset("report.css"),
        script=_asset("report.js"),
    )


_SCRIPT_SAFE = {**JSON_ESCAPES, **{ord(c): f"\\u{ord(c):04x}" for c in "<>&"}}


def embedded_json(data: Any) -> str:
    """``data`` as JSON that no text can break out of inside a ``<script>`` element.

    With ``<``, ``>`` and ``&`` escaped, no ``</script>``, ``<!--`` or ``<script`` can
    appear, so the HTML parser ends the element where the template does; the characters
    only occur inside JSON strings, where the escapes mean the same text.  Line separators
    (which end a line in older JavaScript) and other controls are escaped as in every JSON
    output.
    """
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_SCRIPT_SAFE)


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


def _guards(analysis: Analysis) -> dict[str, list[str]]:
    """What must hold for each flow and access to be active, for the diagram."""
    return {
        element: [to_text(e.root) for e in guard.expressions() if not e.is_true]
        for element, guard in sorted(analysis.problem.guards.items())
    }


def _document(assessment: Assessment, diagram: bool) -> dict[str, Any]:
    """What the page's script reads.  Only the (party, datum) conditions that are not
    "never" are embedded (the page treats a missing pair as never), so that large models
    stay small; the guards of flows and accesses only when the diagram is embedded."""
    analysis = assessment.analysis
    model = analysis.model
    space = analysis.space
    base = space.default()
    variables = [
        {
            "name": name,
            "title": model.label(name),
            "kind": "toggle" if name in model.toggles else "assumption",
            "default": base[name],
            "pinned": name in space.pinned,
            **_described(model, name),
        }
        for name in space.variables
    ]
    data = [
        {"id": datum, "title": model.label(datum), "key": datum in model.keys}
        | _described(model, datum)
        for datum in analysis.problem.data
    ]
    conditions = {
        datum: {party: texts for party, texts in per_party.items() if texts != NEVER}
        for datum, per_party in analysis.condition_texts.items()
    }
    pairs = [(party, datum) for datum, per_party in conditions.items() for party in per_party]
    violated, holding = expectation_reports(analysis)
    return {
        "variables": variables,
        "start": dict(analysis.default.setting),
        "start_forced": dict(analysis.default_forced),
        "constants": dict(space.constants),
        "fixed": _fixed(analysis),
        "constraints": [
            {
                "id": cid,
                "require": to_text(c.require.root),
                "text": c.require.text,
                "names": sorted({n.name for n in c.require.names()} & set(space.variables)),
            }
            for cid, c in sorted(model.constraints.items())
        ],
        "scenarios": {
            sid: {"title": model.label(sid), "values": result.setting}
            for sid, result in analysis.scenarios.items()
        },
        "parties": [
            {
                "id": p,
                "title": model.label(p),
                "kind": model.parties[p].kind.value,
                "boundary": model.parties[p].boundary,
            }
            | _described(model, p)
            for p in analysis.problem.parties
        ],
        "boundaries": {b: model.label(b) for b in sorted(model.boundaries)},
        "elements": {
            element: found
            for element in sorted([*model.flows, *model.access])
            if (found := _described(model, element))
        },
        "data": data,
        "conditions": conditions,
        "guards": _guards(analysis) if diagram else {},
        "sources": {
            sid: {
                "title": s.title,
                "url": s.url,
                "date": s.date,
                "assurance": s.assurance.value if s.assurance is not None else None,
                "description": s.description,
            }
            for sid, s in sorted(model.sources.items())
        },
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
        "ways": _ways(analysis, pairs) if len(pairs) <= MAX_EXPLAINED_PAIRS else {},
        "ways_omitted": len(pairs) > MAX_EXPLAINED_PAIRS,
        "tiers": _tiers(analysis, pairs) if is_graded(model) else {},
        "graded": is_graded(model),
        "weakest": (analysis.min_evidence or Evidence.UNSOURCED).value,
    }


def _described(model: Model, element_id: str) -> dict[str, Any]:
    """An element's description and source ids, when it has them."""
    for section in (
        model.parties,
        model.data,
        model.keys,
        model.toggles,
        model.assumptions,
        model.flows,
        model.access,
    ):
        element = section.get(element_id)
        if element is not None:
            found: dict[str, Any] = {}
            if element.description:
                found["description"] = element.description
            if element.source:
                found["sources"] = list(element.source)
            return found
    return {}


def _fixed(analysis: Analysis) -> list[dict[str, Any]]:
    """Assumptions that are not free: verified, refuted, fixed by the mode or by ``--set``."""
    model = analysis.model
    space = analysis.space
    fixed = []
    for name, value in sorted(space.constants.items()):
        status = model.assumptions[name].status
        if status in (Status.VERIFIED, Status.REFUTED):
            why = status.value
        else:
            why = f"{status.value}; fixed by the assumption mode {space.mode.value} or --set"
        fixed.append({"name": name, "title": model.label(name), "value": value, "why": why})
    return fixed


def _ways(analysis: Analysis, pairs: list[tuple[str, str]]) -> dict[str, list[dict[str, Any]]]:
    """Every exposed pair's ways, each with its steps and the elements behind them."""
    model = analysis.model
    ways: dict[str, list[dict[str, Any]]] = {}
    for party, datum in sorted(pairs):
        explanation = explain(analysis, party, datum)
        ways[f"{party}/{datum}"] = [
            {
                "level": way.level.value,
                "condition": way.condition,
                "setting": way.setting,
                "evidence": way.evidence.value,
                "steps": [
                    {**_step(model, step, ground.phrase), "evidence": ground.tier.value}
                    for step, ground in zip(way.path, way.grounds, strict=True)
                ],
            }
            for way in explanation.ways
        ]
    return ways


def _step(model: Model, step: Step, text: str) -> dict[str, Any]:
    """A step's phrase, the element applied, and the diagram edge it follows (if any)."""
    found: dict[str, Any] = {"text": text, "element": step.element}
    party = step.conclusion[1]
    if step.rule in (Rule.SEND, Rule.SEAL, Rule.RELAY):
        found["edge"] = f"flow-{step.element}"
    elif step.rule is Rule.OBSERVE:
        found["edge"] = f"observe-{step.element}.{party}"
    elif step.rule is Rule.ACCESS:
        found["edge"] = f"access-{step.element}"
    found["party"] = party
    return found


_NO_DIAGRAM = (
    '<p class="note">The diagram is left out for models of this size; '
    "<code>threatmodel render</code> draws overviews and one diagram per boundary.</p>"
)


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
<div id="error" role="alert" hidden></div>
<noscript><p class="problem">This report needs JavaScript to show the analysis.</p></noscript>
<main>
<section id="setting" aria-labelledby="setting-title">
<h2 id="setting-title">Setting</h2>
<div id="scenarios" role="group" aria-label="Scenarios"></div>
<div class="groups">
<fieldset id="toggles"><legend>Toggles</legend></fieldset>
<fieldset id="assumptions"><legend>Assumptions</legend></fieldset>
</div>
<div class="bar">
<div id="status" role="status" aria-live="polite"></div>
<div class="tools">
<button type="button" id="undo">Undo</button>
<button type="button" id="reset">Default setting</button>
<button type="button" id="pin" aria-pressed="false">Pin as B to compare</button>
<label>Search <input type="search" id="search" placeholder="party or datum"></label>
<label><input type="checkbox" id="only"> only parties that read something</label>
</div>
</div>
</section>
<section id="results" aria-labelledby="matrix-title">
<h2 id="matrix-title">Who reads what in this setting</h2>
<p class="legend"><span class="cell plaintext">plaintext</span>
<span class="cell ciphertext">ciphertext only</span> <span class="cell none">—</span> never.
<span class="cell changed">marked</span> differs from the setting compared with.
A tier after a level: how well the record supports it when it is not established
(documented, analysed, inferred or unsourced). Choose a cell for the ways it arises.</p>
<div class="scroll" id="matrix-scroll"><table id="matrix"></table></div>
<div id="pages"></div>
<div id="explanation" aria-live="polite" hidden></div>
</section>
<section aria-labelledby="diagram-title"><h2 id="diagram-title">Diagram</h2>
<p>Flows, observations and accesses that are off in this setting are faded; choosing a cell
fills the readers of its datum (red: plaintext, amber: ciphertext) and draws the first way
it arises in blue.</p>
<figure id="diagram">{diagram}</figure>
</section>
<section aria-labelledby="expectations-title"><h2 id="expectations-title">Expectations</h2>
<ul id="expectations"></ul></section>
<section aria-labelledby="findings-title"><h2 id="findings-title">Findings</h2>
<div class="scroll-x"><table id="findings"></table></div></section>
<details id="conditions-box"><summary>Who reads what, and when</summary>
<div class="scroll-x"><table id="conditions"></table></div></details>
<details id="impacts-box"><summary>Toggle impact: each variable flipped from the default
setting</summary><ul id="impacts"></ul></details>
</main>
<script type="application/json" id="analysis">{payload}</script>
<script>{script}</script>
</body>
</html>
"""
