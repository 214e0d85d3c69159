"""``analyze --format markdown``: the text report's content as GitHub-flavoured markdown.

Model text (titles, messages, the file path) goes through :mod:`threatmodel.report.mdtext`,
so that it renders as written; ids and conditions are safe as they are.
"""

from __future__ import annotations

from threatmodel.assessment import Assessment
from threatmodel.engine.exposure import change_texts
from threatmodel.render.markdown import analysis_section
from threatmodel.report import mdtext
from threatmodel.report.views import (
    condition_rows,
    count_text,
    evidence_legend,
    expectation_reports,
    exposure_cell,
    is_graded,
    setting_text,
)


def _code(text: str) -> str:
    return f"`{text}`" if text not in ("always", "never") else text


def write(assessment: Assessment, *, color: bool = False) -> str:
    """The assessment as markdown."""
    analysis = assessment.analysis
    model = analysis.model
    space = analysis.space
    out = [f"# {mdtext.text(model.title)}", ""]
    listed = "all listed" if analysis.complete else "default setting and scenarios listed"
    out.append(
        f"{mdtext.code(analysis.loaded.path)} · {count_text(len(space.variables), 'variable')} · "
        f"{count_text(analysis.total_settings, 'allowed setting')} ({listed}) · "
        f"assumptions: {space.mode.value}"
    )
    if space.pinned:
        pins = ", ".join(f"`{k}={str(v).lower()}`" for k, v in sorted(space.pinned.items()))
        out.append(f"\nPinned with `--set`: {pins}")
    out += ["", "## Who reads what, and when", ""]
    if analysis.problem.data:
        out += ["| datum | parties | plaintext | ciphertext only |", "| --- | --- | --- | --- |"]
    else:
        out.append("The model has no data or keys.")
    graded = False
    for datum in analysis.problem.data:
        rows = condition_rows(analysis, datum)
        if not rows:
            out.append(f"| `{datum}` | nobody ever has it | `never` | `never` |")
        for row in rows:
            graded = graded or row.labels != row.parties
            out.append(
                f"| `{datum}` | {', '.join(row.labels)} | {_code(row.plaintext)} "
                f"| {_code(row.ciphertext)} |"
            )
    legend = evidence_legend(analysis, graded)
    if legend is not None and analysis.problem.data:
        out += ["", legend]
    out += ["", "## Default setting", "", f"`{setting_text(analysis, analysis.default.setting)}`"]
    if analysis.default_forced:
        forced = ", ".join(
            f"`{k}={str(v).lower()}`" for k, v in sorted(analysis.default_forced.items())
        )
        out.append(f"(forced by the constraints: {forced})")
    data = analysis.problem.data
    if data and analysis.problem.parties:
        out += ["", "| party | " + " | ".join(f"`{d}`" for d in data) + " |"]
        out.append("| --- |" + " --- |" * len(data))
        for party in analysis.problem.parties:
            cells = [
                exposure_cell(analysis.default, party, d, graded=is_graded(model)) for d in data
            ]
            out.append(f"| {party} | " + " | ".join(cells) + " |")
    if analysis.impacts:
        out += ["", "## Toggle impact", "", "Each variable flipped from the default setting.", ""]
        for impact in analysis.impacts:
            kind = "" if impact.variable in model.toggles else " (assumption)"
            head = f"- **`{impact.variable}` → {str(impact.value).lower()}**{kind}"
            if impact.setting is None:
                out.append(f"{head}: not possible, the constraints forbid it")
                continue
            if impact.forced:
                forced = ", ".join(
                    f"`{k}` → {str(v).lower()}" for k, v in sorted(impact.forced.items())
                )
                head += f" (forces {forced})"
            if not impact.removes and not impact.adds:
                head += ": no exposure changes"
            out.append(head)
            out += [f"  - removes {text}" for text in change_texts(impact.removes)]
            out += [f"  - adds {text}" for text in change_texts(impact.adds)]
        if analysis.dead_toggles:
            dead = ", ".join(f"`{t}`" for t in analysis.dead_toggles)
            out += ["", f"Toggles that change no exposure: {dead}"]
    if model.expectations:
        violated, holding = expectation_reports(analysis)
        out += ["", "## Expectations", ""]
        for report in violated:
            title = f": {mdtext.text(report.title)}" if report.title != report.expectation else ""
            out.append(f"- ✗ **`{report.expectation}`**{title}")
            out += [
                f"  - {party} breaks it {'always' if c == 'always' else 'when ' + _code(c)}"
                for party, c in report.parties
            ]
            if report.example is not None and report.witness_lines:
                out.append(
                    f"  - for example with `{setting_text(analysis, report.example.setting)}`:"
                )
                out += ["", *mdtext.block(list(report.witness_lines), "    ")]
        for expectation_id in holding:
            holding_title = model.expectations[expectation_id].title
            suffix = f": {mdtext.text(holding_title)}" if holding_title else ""
            out.append(f"- ✓ `{expectation_id}`{suffix}")
    if assessment.findings:
        out += [
            "",
            "## Findings",
            "",
            "| rule | severity | finding | when |",
            "| --- | --- | --- | --- |",
        ]
        for finding in assessment.findings:
            out.append(
                f"| {finding.rule} | {finding.severity.value} | {mdtext.text(finding.message)} "
                f"| {_code(finding.condition)} |"
            )
    out += ["", *analysis_section(analysis)]
    return "\n".join(out) + "\n"
