"""``analyze --format json``: SPEC section 8, keys and lists in deterministic order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from threatmodel.assessment import Assessment
from threatmodel.engine.exposure import Analysis, Change, Impact, SettingResult, level_evidence
from threatmodel.engine.witness import WITNESS_LIMIT, witness_steps
from threatmodel.report.encode import Items, json_chunks

FORMAT = "threatmodel-analysis/1"
FORMAT_VERSION = "1.1"
"""Minor version of :data:`FORMAT`: 1.1 adds ``format_version``, ``min_evidence`` and each
exposure's ``evidence``; a minor version only adds keys."""


def write(assessment: Assessment, *, color: bool = False) -> Iterator[str]:
    """The assessment as JSON text (sorted keys, two-space indent, trailing newline), in
    pieces: each setting's entry and each finding is made as it is written."""
    return json_chunks(_document(assessment, Items))


def document(assessment: Assessment) -> dict[str, Any]:
    """The JSON document as Python data."""
    return _document(assessment, list)


def _document(assessment: Assessment, array: Callable[[Iterable[Any]], Any]) -> dict[str, Any]:
    """The document, its long lists (settings, findings) made by ``array``."""
    analysis = assessment.analysis
    space = analysis.space
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "min_evidence": None if analysis.min_evidence is None else analysis.min_evidence.value,
        "model": {"title": analysis.model.title, "path": analysis.loaded.path},
        "assumptions_mode": space.mode.value,
        "variables": list(space.variables),
        "pinned": dict(space.pinned),
        "settings_total": analysis.total_settings,
        "settings_complete": analysis.complete,
        "default": {
            "values": dict(analysis.default.setting),
            "forced": dict(analysis.default_forced),
        },
        "scenarios": {
            scenario_id: dict(result.setting) for scenario_id, result in analysis.scenarios.items()
        },
        "settings": array(setting_document(analysis, result) for result in analysis.settings),
        "conditions": analysis.condition_texts,
        "expectations": analysis.expectation_texts,
        "toggle_impact": [
            impact_document(i) for i in analysis.impacts if i.variable in analysis.model.toggles
        ],
        "assumption_impact": [
            impact_document(i) for i in analysis.impacts if i.variable not in analysis.model.toggles
        ],
        "dead_toggles": list(analysis.dead_toggles),
        "findings": array(finding.to_json() for finding in assessment.findings),
    }


def setting_document(analysis: Analysis, result: SettingResult) -> dict[str, Any]:
    """One entry of ``settings``."""
    closure = result.closure
    exposure = {}
    for datum in analysis.problem.data:
        readers, sealed = closure.exposure(datum)
        evidence = {}
        for party in (*readers, *sealed):
            tier = level_evidence(closure, party, datum)
            assert tier is not None
            evidence[party] = tier.value
        exposure[datum] = {"plaintext": readers, "ciphertext": sealed, "evidence": evidence}
    labels = [
        scenario_id
        for scenario_id, scenario in analysis.scenarios.items()
        if scenario.setting == result.setting
    ]
    if result.setting == analysis.default.setting:
        labels.insert(0, "default")
    return {
        "values": dict(result.setting),
        "labels": labels,
        "exposure": exposure,
        "violations": [
            {
                "expectation": v.expectation,
                "party": v.party,
                "data": v.datum,
                "level": v.level.value,
                "witness": witness_steps(analysis.model, v.closure, v.fact, WITNESS_LIMIT),
            }
            for v in result.violations
        ],
    }


def _change(change: Change) -> dict[str, str]:
    return {
        "party": change.party,
        "data": change.datum,
        "from": change.before.value,
        "to": change.after.value,
    }


def impact_document(impact: Impact) -> dict[str, Any]:
    """One toggle's (or assumption's) impact."""
    return {
        "variable": impact.variable,
        "value": impact.value,
        "possible": impact.setting is not None,
        "forced": dict(impact.forced),
        "removes": [_change(c) for c in impact.removes],
        "adds": [_change(c) for c in impact.adds],
    }
