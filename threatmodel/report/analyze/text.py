"""``analyze --format text``: what a reviewer reads first, in 100 columns.

Sections: who reads what and when (the exposure conditions), the default setting's matrix,
toggle impact, expectations with witnesses, findings.
"""

from __future__ import annotations

import functools
import itertools
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import click

from threatmodel.assessment import Assessment
from threatmodel.checks.finding import Finding
from threatmodel.engine.exposure import Analysis, Impact, change_texts
from threatmodel.engine.witness import wrap_chain
from threatmodel.load.model import Level
from threatmodel.report.encode import plain_text
from threatmodel.report.views import (
    condition_rows,
    count_text,
    evidence_legend,
    expectation_reports,
    exposure_cell,
    is_graded,
    setting_text,
)

WIDTH = 100
PARTY_COLUMN = 34

Style = Callable[[str], str]


_STYLES: dict[str, dict[str, Any]] = {
    "head": {"bold": True},
    "plain": {"fg": "red"},
    "cipher": {"fg": "yellow"},
    "good": {"fg": "green"},
    "bad": {"fg": "red", "bold": True},
    "dim": {"dim": True},
}
_RESET = "\x1b[0m"
_PRIVATE_USE = (range(0xE000, 0xF900), range(0xF0000, 0x10FFFE))


def write(assessment: Assessment, *, color: bool = False) -> str:
    """The assessment as plain text (ANSI colour when ``color``).

    Control characters in model text are escaped (:func:`plain_text`).  With colour, the
    report is first built with two marker characters that the plain report does not
    contain, then escaped, and only then are the markers turned into colour codes: so the
    only escape sequences in the output are the report's own.
    """
    plain = _report(assessment, dict.fromkeys(_STYLES, _identity))
    markers = _unused_characters(plain, 2) if color else None
    if markers is None:
        return plain_text(plain)
    start, end = markers
    styles: dict[str, Style] = {
        name: functools.partial(_mark, f"{start}{index:x}", end)
        for index, name in enumerate(_STYLES)
    }
    codes = [click.style("", reset=False, **kwargs) for kwargs in _STYLES.values()]
    marked = plain_text(_report(assessment, styles))
    coloured = re.sub(
        re.escape(start) + "([0-9a-f])", lambda match: codes[int(match.group(1), 16)], marked
    )
    return coloured.replace(end, _RESET)


def _identity(text: str) -> str:
    return text


def _mark(start: str, end: str, text: str) -> str:
    return f"{start}{text}{end}"


def _unused_characters(text: str, count: int) -> tuple[str, ...] | None:
    """``count`` private-use characters absent from ``text``, or ``None`` if there are none."""
    present = set(text)
    found = tuple(
        itertools.islice(
            (chr(code) for code in itertools.chain(*_PRIVATE_USE) if chr(code) not in present),
            count,
        )
    )
    return found if len(found) == count else None


def _report(assessment: Assessment, style: dict[str, Style]) -> str:
    analysis = assessment.analysis
    lines: list[str] = []
    lines += _header(analysis, style)
    lines += _conditions(analysis, style)
    lines += _matrix(analysis, style)
    lines += _impact(analysis, style)
    lines += _expectations(analysis, style)
    lines += _findings(assessment.findings, style)
    return "\n".join(lines).rstrip() + "\n"


def _wrap(text: str, indent: int, first: str = "") -> list[str]:
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=first or " " * indent,
        subsequent_indent=" " * indent,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def _marked(mark: str, text: str) -> list[str]:
    """``  ✓ text``, wrapped under the text; ``mark`` may carry colour codes."""
    lines = _wrap(text, 4, "    ")
    return ["  " + mark + lines[0][3:], *lines[1:]]


def _header(analysis: Analysis, style: dict[str, Style]) -> list[str]:
    space = analysis.space
    listed = count_text(analysis.total_settings, "allowed setting")
    if not analysis.complete:
        listed += " (only the default setting and scenarios are listed)"
    facts = [
        analysis.loaded.path,
        count_text(len(space.variables), "variable"),
        listed,
        f"assumptions: {space.mode.value}",
    ]
    lines = [style["head"](analysis.model.title), *_wrap(" · ".join(facts), 0)]
    if space.pinned:
        pins = ", ".join(f"{k}={str(v).lower()}" for k, v in sorted(space.pinned.items()))
        lines.append(f"pinned with --set: {pins}")
    return [*lines, ""]


def _conditions(analysis: Analysis, style: dict[str, Style]) -> list[str]:
    lines = [style["head"]("WHO READS WHAT, AND WHEN"), ""]
    model = analysis.model
    if not analysis.problem.data:
        lines += ["  the model has no data or keys", ""]
    graded = False
    for datum in analysis.problem.data:
        element = model.data.get(datum) or model.keys[datum]
        kind = "key" if datum in model.keys else "datum"
        title = element.title or datum
        lines.append(f"{style['head'](datum)}  {title} ({kind}, {element.classification.value})")
        rows = condition_rows(analysis, datum)
        if not rows:
            lines.append("  nobody ever has it")
        for row in rows:
            lines += _condition_row(row.labels, row.plaintext, row.ciphertext, style)
            graded = graded or row.labels != row.parties
        lines.append("")
    legend = evidence_legend(analysis, graded)
    if legend is not None and analysis.problem.data:
        lines += [*_wrap(legend, 2, "  "), ""]
    return lines


def _condition_row(
    parties: tuple[str, ...], plaintext: str, ciphertext: str, style: dict[str, Style]
) -> list[str]:
    statements = []
    if plaintext != "never":
        statements.append(style["plain"]("plaintext") + _when(plaintext))
    if ciphertext != "never":
        statements.append(style["cipher"]("ciphertext only") + _when(ciphertext))
    names = _wrap(", ".join(parties), 2)
    text_width = WIDTH - PARTY_COLUMN - 2
    out: list[str] = []
    for index, statement in enumerate(statements):
        wrapped = textwrap.wrap(statement, width=text_width, break_on_hyphens=False)
        for line_index, piece in enumerate(wrapped):
            left = ""
            if index == 0 and line_index == 0 and len(names) == 1 and len(names[0]) < PARTY_COLUMN:
                left = names[0]
            out.append(f"{left:<{PARTY_COLUMN}}  {piece}".rstrip())
    if len(names) > 1 or len(names[0]) >= PARTY_COLUMN:
        out = [*names, *out]
    return out


def _when(condition: str) -> str:
    return " always" if condition == "always" else f" when {condition}"


def _matrix(analysis: Analysis, style: dict[str, Style]) -> list[str]:
    result = analysis.default
    forced = ""
    if analysis.default_forced:
        pairs = ", ".join(
            f"{k}={str(v).lower()}" for k, v in sorted(analysis.default_forced.items())
        )
        forced = f" (forced by the constraints: {pairs})"
    lines = [
        style["head"]("DEFAULT SETTING"),
        *_wrap(setting_text(analysis, result.setting) + forced, 2),
        "",
    ]
    data = analysis.problem.data
    parties = analysis.problem.parties
    if not data or not parties:
        return [*lines, "  (no parties or no data to show)"]
    name_width = max([len("party"), *(len(p) for p in parties)])
    graded = is_graded(analysis.model)
    texts = {(p, d): exposure_cell(result, p, d, graded=graded) for p in parties for d in data}
    widths = {
        d: max([len(d), len("ciphertext"), *(len(texts[p, d]) for p in parties)]) for d in data
    }
    blocks: list[list[str]] = [[]]
    used = name_width + 2
    for datum in data:
        if blocks[-1] and used + widths[datum] + 2 > WIDTH:
            blocks.append([])
            used = name_width + 2
        blocks[-1].append(datum)
        used += widths[datum] + 2
    for block in blocks:
        header = (
            "  " + "party".ljust(name_width) + "".join("  " + d.ljust(widths[d]) for d in block)
        )
        lines.append(header.rstrip())
        for party in parties:
            cells = []
            for datum in block:
                cell = texts[party, datum].ljust(widths[datum])
                level = result.closure.level(party, datum)
                if level is Level.PLAINTEXT:
                    cell = style["plain"](cell)
                elif level is Level.CIPHERTEXT:
                    cell = style["cipher"](cell)
                cells.append(cell)
            lines.append(
                ("  " + party.ljust(name_width) + "".join("  " + c for c in cells)).rstrip()
            )
        lines.append("")
    lines.extend(
        style["bad"]("  ✗ ") + f"{violation.expectation}: {violation.party} gets {violation.datum} "
        f"as {violation.level.value}"
        for violation in result.violations
    )
    if result.violations:
        lines.append("")
    return lines


def _impact_heading(analysis: Analysis, impact: Impact) -> str:
    kind = "" if impact.variable in analysis.model.toggles else " (assumption)"
    head = f"{impact.variable} → {str(impact.value).lower()}{kind}"
    if impact.setting is None:
        return f"{head}: not possible, the constraints forbid it"
    if impact.forced:
        forced = ", ".join(f"{k} → {str(v).lower()}" for k, v in sorted(impact.forced.items()))
        head += f" (forces {forced})"
    if not impact.removes and not impact.adds:
        head += ": no exposure changes"
    return head


def _impact(analysis: Analysis, style: dict[str, Style]) -> list[str]:
    if not analysis.impacts:
        return []
    lines = [style["head"]("TOGGLE IMPACT (each flipped from the default setting)"), ""]
    for impact in analysis.impacts:
        lines += _wrap(_impact_heading(analysis, impact), 4, "  ")
        lines += [f"    {style['good']('−')} {text}" for text in change_texts(impact.removes)]
        lines += [f"    {style['bad']('+')} {text}" for text in change_texts(impact.adds)]
    if analysis.dead_toggles:
        lines.append("")
        lines += _wrap(
            "toggles that change no exposure: " + ", ".join(analysis.dead_toggles), 2, "  "
        )
    return [*lines, ""]


def _expectations(analysis: Analysis, style: dict[str, Style]) -> list[str]:
    if not analysis.model.expectations:
        return []
    violated, holding = expectation_reports(analysis)
    lines = [style["head"]("EXPECTATIONS"), ""]
    for report in violated:
        title = f": {report.title}" if report.title != report.expectation else ""
        lines += _marked(style["bad"]("✗"), f"{report.expectation}{title}")
        for party, condition in report.parties:
            lines += _wrap(f"{party} breaks it {_when(condition).strip()}", 6, "      ")
        if report.example is not None and report.example_party is not None:
            lines += _wrap(
                f"for example with {setting_text(analysis, report.example.setting)}:", 6, "      "
            )
            for line in report.witness_lines:
                lines += wrap_chain("        " + line, WIDTH)
    for expectation_id in holding:
        holding_title = analysis.model.expectations[expectation_id].title
        suffix = f": {holding_title}" if holding_title else ""
        lines += _marked(style["good"]("✓"), expectation_id + suffix)
    return [*lines, ""]


def _findings(findings: Sequence[Finding], style: dict[str, Style]) -> list[str]:
    if not findings:
        return []
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.severity.value] = counts.get(finding.severity.value, 0) + 1
    summary = ", ".join(f"{n} {severity}" for severity, n in counts.items())
    lines = [style["head"](f"FINDINGS ({summary})")]
    rule = None
    for finding in findings:
        if finding.rule != rule:
            rule = finding.rule
            lines += ["", f"  {finding.rule} {finding.name}"]
        severity = f"{finding.severity.value:<7}"
        if finding.severity.value == "high":
            severity = style["bad"](severity)
        lines += _wrap(finding.message, 12, f"    {severity} ")
        lines += _wrap(finding.when, 12, " " * 12)
    return [*lines, ""]
