"""``diff --format text|json|markdown``: one writer per format, registered in
:data:`WRITERS`.  The markdown is meant to be pasted as a pull-request comment."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from threatmodel.checks.finding import Finding
from threatmodel.engine.witness import wrap_chain
from threatmodel.queries.diff import FindingChange, LevelChange, ModelDiff, Status
from threatmodel.render.markdown import versions_section
from threatmodel.report import mdtext
from threatmodel.report.encode import json_text, plain_text

FORMAT = "threatmodel-diff/1"
WIDTH = 100
MARKER = "<!-- threatmodel-diff -->"
"""First line of the markdown, so that a CI job can find and update its own comment."""


def _count(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _counts(changes: tuple[FindingChange, ...], words: dict[Status, str]) -> list[str]:
    return [
        f"{sum(1 for c in changes if c.status is status)} {word}"
        for status, word in words.items()
        if any(c.status is status for c in changes)
    ]


FINDING_WORDS = {Status.NEW: "new", Status.CLEARED: "cleared", Status.CHANGED: "changed"}
EXPECTATION_WORDS = {
    Status.NEW: "newly violated",
    Status.CLEARED: "no longer violated",
    Status.CHANGED: "violated in other settings",
}


def headline(diff: ModelDiff) -> str:
    """One sentence: does exposure grow, and how do findings and expectations move."""
    if diff.empty:
        return "No change in exposure, findings or expectations."
    gained, lost = len(diff.gained), len(diff.lost)
    if gained:
        parts = [f"Exposure grows: {_count(gained, 'gain', 'gains')}"]
        if lost:
            parts[0] += f", {_count(lost, 'loss', 'losses')}"
    elif lost:
        parts = [f"Exposure shrinks: {_count(lost, 'loss', 'losses')}"]
    else:
        parts = ["No change in exposure"]
    findings = _counts(diff.findings, FINDING_WORDS)
    if findings:
        parts.append("findings: " + ", ".join(findings))
    expectations = _counts(diff.expectations, EXPECTATION_WORDS)
    if expectations:
        parts.append("expectations: " + ", ".join(expectations))
    return "; ".join(parts) + "."


def change_text(change: LevelChange) -> str:
    """``servers: dm_text ciphertext → plaintext when not e2ee``."""
    return (
        f"{change.party}: {change.datum} {change.before.value} → {change.after.value} {change.when}"
    )


def _example(example: tuple[tuple[str, bool], ...]) -> str:
    return ", ".join(f"{name}={str(value).lower()}" for name, value in example) or "(no variables)"


def finding_text(finding: Finding) -> str:
    """``TM001 high: MESSAGE (when CONDITION)``."""
    return f"{finding.rule} {finding.severity.value}: {finding.message} ({finding.when})"


def _finding_change_text(change: FindingChange) -> str:
    text = finding_text(change.current)
    if change.status is Status.CHANGED and change.old is not None:
        text += f"; before: {change.old.when}"
    return text


# ------------------------------------------------------------------------------ text

_SIGNS = {Status.NEW: "+", Status.CLEARED: "−", Status.CHANGED: "~"}


def write_text(diff: ModelDiff) -> str:
    """The diff for a terminal."""
    lines = [
        f"{diff.old.loaded.path} → {diff.new.loaded.path}",
        headline(diff),
        "",
    ]
    if diff.added or diff.removed:
        lines.append("VARIABLES")
        lines += [f"  + {v.kind} {v.name}" for v in diff.added]
        lines += [f"  − {v.kind} {v.name}" for v in diff.removed]
        lines.append("")
    if diff.only_old != "never" or diff.only_new != "never" or not diff.common:
        lines.append("SETTINGS")
        if not diff.common:
            lines.append("  no setting is allowed in both versions: exposure is not compared")
        if diff.only_old != "never":
            lines += _item("", f"allowed only before: {diff.only_old}")
        if diff.only_new != "never":
            lines += _item("", f"allowed only after: {diff.only_new}")
        lines.append("")
    if diff.gained:
        lines.append("EXPOSURE GAINED")
        for change in diff.gained:
            lines += _item("+", change_text(change))
            if change.witness_lines:
                lines += _item("", f"for example with {_example(change.example)}:", 6)
                for line in change.witness_lines:
                    lines += wrap_chain("        " + line, WIDTH)
        lines.append("")
    if diff.lost:
        lines.append("EXPOSURE LOST")
        for change in diff.lost:
            lines += _item("−", change_text(change))
        lines.append("")
    for title, changes in (("FINDINGS", diff.findings), ("EXPECTATIONS", diff.expectations)):
        if changes:
            lines.append(title)
            for finding_change in changes:
                lines += _item(_SIGNS[finding_change.status], _finding_change_text(finding_change))
            lines.append("")
    return plain_text("\n".join(lines).rstrip() + "\n")


def _item(sign: str, text: str, indent: int = 2) -> list[str]:
    """One list item, wrapped to the terminal width under its text."""
    first = " " * indent + (f"{sign} " if sign else "")
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=" " * (len(first) + 2),
        break_on_hyphens=False,
        break_long_words=False,
    )


# -------------------------------------------------------------------------- markdown


def _code(condition: str) -> str:
    return condition if condition in ("always", "never") else f"`{condition}`"


def _change_rows(changes: list[LevelChange]) -> list[str]:
    rows = ["| party | data | before | after | when |", "| --- | --- | --- | --- | --- |"]
    rows += [
        f"| {c.party} | `{c.datum}` | {c.before.value} | **{c.after.value}** "
        f"| {_code(c.condition)} |"
        for c in changes
    ]
    return rows


def _finding_rows(changes: tuple[FindingChange, ...], words: dict[Status, str]) -> list[str]:
    rows = ["| | rule | severity | finding | when |", "| --- | --- | --- | --- | --- |"]
    for change in changes:
        finding = change.current
        when = _code(finding.condition)
        if change.status is Status.CHANGED and change.old is not None:
            when += f" (was {_code(change.old.condition)})"
        rows.append(
            f"| {words[change.status]} | {finding.rule} | {finding.severity.value} "
            f"| {mdtext.text(finding.message)} | {when} |"
        )
    return rows


def write_markdown(diff: ModelDiff) -> str:
    """The diff as a pull-request comment (GitHub-flavoured markdown)."""
    out = [
        MARKER,
        f"### Threat model: {mdtext.code(diff.new.loaded.path)}",
        "",
        f"**{headline(diff)}**",
    ]
    if diff.added or diff.removed:
        out.append("")
        out += [f"- added {v.kind} `{v.name}`" for v in diff.added]
        out += [f"- removed {v.kind} `{v.name}`" for v in diff.removed]
    if not diff.common:
        out += ["", "No setting is allowed in both versions: exposure is not compared."]
    if diff.only_old != "never":
        out += ["", f"Settings allowed only before: {_code(diff.only_old)}"]
    if diff.only_new != "never":
        out += ["", f"Settings allowed only after: {_code(diff.only_new)}"]
    if diff.gained:
        out += ["", "#### Exposure gained", "", *_change_rows(diff.gained)]
        witnessed = [c for c in diff.gained if c.witness_lines]
        if witnessed:
            out += ["", "<details><summary>Why: a witness for each gain</summary>", ""]
            for change in witnessed:
                out.append(
                    f"{change.party} gets `{change.datum}` as {change.after.value} with "
                    f"`{_example(change.example)}`:"
                )
                out += ["", *mdtext.block(list(change.witness_lines)), ""]
            out.append("</details>")
    if diff.lost:
        out += ["", "#### Exposure lost", "", *_change_rows(diff.lost)]
    if diff.findings:
        out += ["", "#### Findings", "", *_finding_rows(diff.findings, FINDING_WORDS)]
    if diff.expectations:
        out += ["", "#### Expectations", "", *_finding_rows(diff.expectations, EXPECTATION_WORDS)]
    if not diff.empty:
        out += ["", *versions_section(diff.old, diff.new)]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------ json


def _change_json(change: LevelChange) -> dict[str, Any]:
    document: dict[str, Any] = {
        "party": change.party,
        "data": change.datum,
        "from": change.before.value,
        "to": change.after.value,
        "condition": change.condition,
    }
    if change.grows:
        document["example"] = dict(change.example)
        document["witness"] = list(change.witness)
    return document


def _finding_json(change: FindingChange) -> dict[str, Any]:
    document = change.current.to_json()
    if change.status is Status.CHANGED and change.old is not None:
        document["old_condition"] = change.old.condition
    return document


def _grouped(changes: tuple[FindingChange, ...]) -> dict[str, list[dict[str, Any]]]:
    return {
        status.value: [_finding_json(c) for c in changes if c.status is status] for status in Status
    }


def write_json(diff: ModelDiff) -> str:
    """The diff as JSON (sorted keys, two-space indent, trailing newline)."""
    document = {
        "format": FORMAT,
        "old": {"path": diff.old.loaded.path, "title": diff.old.model.title},
        "new": {"path": diff.new.loaded.path, "title": diff.new.model.title},
        "grows": diff.grows,
        "variables": {
            "added": [{"name": v.name, "kind": v.kind} for v in diff.added],
            "removed": [{"name": v.name, "kind": v.kind} for v in diff.removed],
        },
        "settings": {
            "common": diff.common,
            "only_old": diff.only_old,
            "only_new": diff.only_new,
        },
        "exposure": {
            "gained": [_change_json(c) for c in diff.gained],
            "lost": [_change_json(c) for c in diff.lost],
        },
        "findings": _grouped(diff.findings),
        "expectations": _grouped(diff.expectations),
    }
    return json_text(document)


WRITERS: dict[str, Callable[[ModelDiff], str]] = {
    "text": write_text,
    "json": write_json,
    "markdown": write_markdown,
}
"""``--format`` name → writer of ``diff`` output."""
