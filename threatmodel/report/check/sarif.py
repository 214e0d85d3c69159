"""``check --format sarif``: SARIF 2.1.0 for code-scanning tools (GitHub and others).

One run; the driver lists every built-in rule and the violated-expectation rule (TM100) with
its documentation.  Each result points at the line and column of the element concerned (the
party, access, assumption, toggle or expectation), names the other elements as related
locations, shows the witness as a code flow through the model, and carries a fingerprint of
its identity (rule, party, datum, ids) and file, so that an alert survives edits that move
lines.  Paths are written as the user gave them, relative and with ``/``.  No timestamps,
versions or absolute paths, so that the output is reproducible.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from threatmodel.assessment import CheckRun
from threatmodel.checks import CHECKS, EXPECTATION_CHECK, Check
from threatmodel.checks.finding import ElementRef, Finding, FindingSeverity
from threatmodel.report.encode import json_text

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "threatmodel/v1"

LEVELS = {
    FindingSeverity.HIGH: "error",
    FindingSeverity.MEDIUM: "warning",
    FindingSeverity.LOW: "note",
    FindingSeverity.INFO: "note",
}
SECURITY_SEVERITY = {
    FindingSeverity.HIGH: "8.0",
    FindingSeverity.MEDIUM: "5.0",
    FindingSeverity.LOW: "2.0",
    FindingSeverity.INFO: "0.0",
}
"""GitHub's scale: 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low."""


def all_rules() -> list[Check]:
    """The rules a run declares, in ``ruleIndex`` order."""
    return [*CHECKS.values(), EXPECTATION_CHECK]


def artifact_uri(path: str) -> str:
    """The model path as a relative URI reference with ``/`` separators."""
    pure = PurePath(path)
    if pure.is_absolute():
        try:
            pure = Path(path).resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return Path(path).resolve().as_uri()
    text = pure.as_posix()
    if os.sep != "/":  # pragma: no cover - Windows
        text = text.replace(os.sep, "/")
    return quote(text, safe="/")


def markdown(doc: str) -> str:
    """A rule docstring as markdown: ``::`` literal blocks become fenced code."""
    out: list[str] = []
    lines = doc.strip("\n").splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.rstrip().endswith("::"):
            out.append(line.replace("``", "`"))
            index += 1
            continue
        out.append(re.sub(r"\s*::$", ":", line.rstrip()).replace("``", "`"))
        index += 1
        block: list[str] = []
        while index < len(lines) and (not lines[index].strip() or lines[index].startswith("    ")):
            block.append(lines[index][4:])
            index += 1
        while block and not block[-1].strip():
            block.pop()
        while block and not block[0].strip():
            block.pop(0)
        out += ["", "```", *block, "```", ""]
    return "\n".join(out).strip() + "\n"


def rule_descriptor(rule: Check) -> dict[str, Any]:
    """``reportingDescriptor`` of one rule."""
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.doc.strip() + "\n", "markdown": markdown(rule.doc)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": list(rule.tags),
            "precision": "very-high",
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    }


def _physical(uri: str, ref: ElementRef) -> dict[str, Any]:
    return {
        "artifactLocation": {"uri": uri},
        "region": {"startLine": ref.line, "startColumn": ref.column},
    }


def _describe(ref: ElementRef) -> str:
    kinds = {
        "parties": "party",
        "data": "datum",
        "keys": "key",
        "access": "access",
        "assumptions": "assumption",
        "toggles": "toggle",
        "constraints": "constraint",
        "expectations": "expectation",
        "flows": "flow",
    }
    return f"{kinds.get(ref.section, ref.section)} {ref.element}"


def _code_flow(uri: str, finding: Finding) -> list[dict[str, Any]]:
    steps = list(zip(finding.witness, finding.witness_elements, strict=False))
    if not steps or any(ref is None for _, ref in steps):
        return []
    example = ", ".join(f"{name}={str(value).lower()}" for name, value in finding.example)
    locations = [
        {"location": {"physicalLocation": _physical(uri, ref), "message": {"text": phrase}}}
        for phrase, ref in steps
        if ref is not None
    ]
    text = f"witness with {example}" if example else "witness"
    return [{"message": {"text": text}, "threadFlows": [{"locations": locations}]}]


def result(uri: str, finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    """The ``result`` object of one finding or violation."""
    primary, *others = finding.elements
    document: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": LEVELS[finding.severity],
        "message": {"text": f"{finding.message} ({finding.when})"},
        "locations": [{"physicalLocation": _physical(uri, primary)}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint(uri)},
        "properties": {
            "severity": finding.severity.value,
            "condition": finding.condition,
            "party": finding.party,
            "data": finding.datum,
        },
    }
    if finding.evidence is not None:
        document["properties"]["evidence"] = finding.evidence
    if others:
        document["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": _physical(uri, ref),
                "message": {"text": _describe(ref)},
            }
            for number, ref in enumerate(others, start=1)
        ]
    flows = _code_flow(uri, finding)
    if flows:
        document["codeFlows"] = flows
    return document


def document(run: CheckRun) -> dict[str, Any]:
    """The SARIF log as Python data."""
    rules = all_rules()
    index = {rule.id: number for number, rule in enumerate(rules)}
    results = []
    for model in run.models:
        uri = artifact_uri(model.path)
        results += [result(uri, finding, index) for finding in (*model.violations, *model.findings)]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "threatmodel",
                        "rules": [rule_descriptor(rule) for rule in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def write(run: CheckRun) -> str:
    """The SARIF log as JSON text (sorted keys, two-space indent, trailing newline)."""
    return json_text(document(run))
