"""``check --format text|json|sarif``: one writer per format, registered in :data:`WRITERS`.

The text form is one ``PATH:LINE:COL: RULE SEVERITY: MESSAGE (when CONDITION; evidence:
TIER)`` line per violated expectation and finding, at the element concerned, each followed
by its witness and then a summary line per model and one for the run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from threatmodel.assessment import CheckRun, Verdict
from threatmodel.checks.finding import Finding
from threatmodel.checks.verdict import FailOn
from threatmodel.engine.witness import wrap_chain
from threatmodel.report.check import sarif
from threatmodel.report.encode import json_text, plain_text

FORMAT = "threatmodel-check/1"
WIDTH = 100


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def finding_line(path: str, finding: Finding) -> str:
    """``PATH:LINE:COL: RULE SEVERITY: MESSAGE (when CONDITION; evidence: TIER)``."""
    head = finding.elements[0] if finding.elements else None
    where = f"{path}:{head.line}:{head.column}" if head else f"{path}:1:1"
    rule = f"{finding.rule} {finding.severity.value}"
    return f"{where}: {rule}: {finding.message} ({finding.qualifier})"


def summary(model: Verdict, run: CheckRun) -> str:
    """``PATH: 2 violated expectations, 5 findings (3 high, 2 medium): fails``."""
    counts = ", ".join(f"{n} {severity}" for severity, n in model.counts().items() if n)
    findings = _plural(len(model.findings), "finding") + (f" ({counts})" if counts else "")
    verdict = "fails" if model.failing(run.fail_on) else "passes"
    violated = _plural(len(model.violations), "violated expectation")
    return f"{model.path}: {violated}, {findings}: {verdict}"


def write_text(run: CheckRun) -> str:
    """Every violation and finding with its witness, then the verdicts."""
    lines: list[str] = []
    for model in run.models:
        path = model.path
        for finding in (*model.violations, *model.findings):
            lines.append(finding_line(path, finding))
            for line in finding.witness_lines:
                lines.extend(wrap_chain("    " + line, WIDTH))
        lines.append(summary(model, run))
        lines.append("")
    failing = sum(len(model.failing(run.fail_on)) for model in run.models)
    threshold = (
        "findings never fail"
        if run.fail_on is FailOn.NEVER
        else f"failing on findings at or above {run.fail_on.value}"
    )
    if run.failed:
        lines.append(f"check failed: {_plural(failing, 'problem')} ({threshold})")
    else:
        lines.append(f"check passed ({threshold})")
    return plain_text("\n".join(lines) + "\n")


def _violation(finding: Finding) -> dict[str, Any]:
    document = finding.to_json()
    document["expectation"] = finding.about[0]
    del document["about"]
    return document


def model_document(model: Verdict, run: CheckRun) -> dict[str, Any]:
    """One model's entry in the JSON output."""
    return {
        "path": model.path,
        "title": model.title,
        "failed": bool(model.failing(run.fail_on)),
        "violations": [_violation(v) for v in model.violations],
        "holding": list(model.holding),
        "findings": [finding.to_json() for finding in model.findings],
        "counts": model.counts(),
    }


def write_json(run: CheckRun) -> str:
    """The check as JSON (sorted keys, two-space indent, trailing newline)."""
    document = {
        "format": FORMAT,
        "fail_on": run.fail_on.value,
        "failed": run.failed,
        "models": [model_document(model, run) for model in run.models],
    }
    return json_text(document)


WRITERS: dict[str, Callable[[CheckRun], str]] = {
    "text": write_text,
    "json": write_json,
    "sarif": sarif.write,
}
"""``--format`` name → writer of ``check`` output."""
