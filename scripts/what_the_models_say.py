"""Write the README section "What the models say" from the analysis of the shipped models.

    python scripts/what_the_models_say.py            # rewrite the section in README.md
    python scripts/what_the_models_say.py --check    # exit 1 if README.md is out of date

Everything in the section comes from :func:`threatmodel.engine.exposure.analyze`: who reads each
headline datum in plaintext in the default setting and in every scenario, the exposure
conditions, what is still kept after ``/reset-ai``, and the expectations that fail.  Parties
on the user's and the friend's own devices are left out: they are supposed to read the chat.
Every reading in the tables carries its evidence tier, so that each row can be quoted as it
stands.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from threatmodel.checks import violated_expectations
from threatmodel.engine import sop
from threatmodel.engine.consistency import load_file
from threatmodel.engine.exposure import (
    Analysis,
    SettingResult,
    analyze,
    example_setting,
    expectation_parties,
    level_evidence,
)
from threatmodel.load.expr import parse
from threatmodel.load.model import Level
from threatmodel.report.views import reading_evidence

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN = "<!-- section: models -->"
END = "<!-- end section: models -->"

OWN_SIDE = frozenset({"user_devices", "peer_devices"})
"""Boundaries of the people in the chat; their parties are left out of every answer."""

RESET_TOGGLE = "reset_ai"
LAW_ENFORCEMENT = "law_enforcement"


@dataclass(frozen=True)
class Headline:
    """One shipped model and the data its answers are about."""

    path: str
    name: str
    columns: tuple[tuple[str, str], ...]
    """(datum, column heading) for the who-reads table."""
    reset_datum: str | None = None
    """The datum whose fate after ``/reset-ai`` is reported."""
    ai_datum: str | None = None
    """What the user says to an AI, for the summary table."""
    chat_datum: str = "dm_text"
    """The chat with a friend, for the summary table."""


HEADLINES: tuple[Headline, ...] = (
    Headline(
        "models/instagram_ai.yaml",
        "Instagram",
        (
            ("ai_prompt", "AI chat"),
            ("ai_ad_signal", "ad signal from the AI chat"),
            ("mention_text", "@MetaAI mention"),
            ("dm_text", "DMs"),
            ("e2ee_era_text", "DMs sent while E2EE was on"),
        ),
        reset_datum="ai_prompt",
        ai_datum="ai_prompt",
    ),
    Headline(
        "models/whatsapp_ai.yaml",
        "WhatsApp",
        (
            ("ai_prompt", "Meta AI chat"),
            ("ai_ad_signal", "ad signal from the AI chat"),
            ("mention_text", "@Meta AI mention"),
            ("dm_text", "personal chats"),
        ),
        reset_datum="ai_prompt",
        ai_datum="ai_prompt",
    ),
    Headline(
        "models/messenger_ai.yaml",
        "Messenger",
        (
            ("ai_prompt", "Meta AI chat"),
            ("ai_ad_signal", "ad signal from the AI chat"),
            ("mention_text", "@MetaAI mention"),
            ("business_chat", "business AI chat"),
            ("dm_text", "chats"),
        ),
        reset_datum="ai_prompt",
        ai_datum="ai_prompt",
    ),
    Headline(
        "models/e2ee_messenger.yaml",
        "Reference end-to-end encrypted messenger",
        (("dm_text", "chats"), ("chat_metadata", "metadata")),
    ),
)


def own_side(analysis: Analysis) -> set[str]:
    """Parties on the devices of the people in the chat."""
    return {
        party_id for party_id, party in analysis.model.parties.items() if party.boundary in OWN_SIDE
    }


Graded = tuple[str, str]
"""A name and the evidence tier of the reading it stands for."""


def _tier(result: SettingResult, party: str, datum: str) -> str:
    tier = level_evidence(result.closure, party, datum)
    assert tier is not None
    return tier.value


def readers(analysis: Analysis, result: SettingResult, datum: str) -> list[Graded]:
    """Parties off the chat's own devices that read ``datum`` in plaintext in ``result``,
    each with the tier of that reading."""
    plaintext, _ = result.closure.exposure(datum)
    mine = own_side(analysis)
    return [(party, _tier(result, party, datum)) for party in plaintext if party not in mine]


def obtained_by_law_enforcement(analysis: Analysis, result: SettingResult) -> list[Graded]:
    """Data (not keys) that law enforcement reads in plaintext in ``result``, with tiers."""
    return [
        (datum, _tier(result, LAW_ENFORCEMENT, datum))
        for datum in analysis.model.data
        if result.closure.level(LAW_ENFORCEMENT, datum) is Level.PLAINTEXT
    ]


def plaintext_conditions(analysis: Analysis, datum: str) -> list[tuple[str, list[Graded]]]:
    """(condition, parties) for every party off the chat's devices that ever reads ``datum``,
    parties with the same condition grouped, in order of first appearance by party id; each
    party with the tier of its reading in the default setting (or the nearest where it
    reads)."""
    mine = own_side(analysis)
    grouped: dict[str, list[Graded]] = {}
    for party, texts in sorted(analysis.condition_texts[datum].items()):
        text = texts[Level.PLAINTEXT.value]
        if party in mine or text == sop.NEVER:
            continue
        tier = reading_evidence(analysis, party, datum)
        assert tier is not None
        grouped.setdefault(text, []).append((party, tier.value))
    return list(grouped.items())


def kept_after_reset(analysis: Analysis, datum: str) -> list[tuple[str, list[Graded]]]:
    """(condition, parties): who still reads ``datum`` in plaintext *and* keeps it, with the
    reset toggle on, as conditions over the other variables; each party with the tier of
    its reading in the allowed setting nearest to the default where, the reset on, it reads
    and keeps the datum."""
    conditions = analysis.conditions
    bdd = conditions.bdd
    space = analysis.space
    on = {RESET_TOGGLE: True}
    allowed = bdd.restrict(conditions.allowed, on)
    reset = space.compile(bdd, parse(RESET_TOGGLE))
    mine = own_side(analysis)
    grouped: dict[str, list[Graded]] = {}
    for party_id in sorted(analysis.model.parties):
        if party_id in mine:
            continue
        reads = conditions.plain.get((party_id, datum))
        if reads is None:
            continue
        keeps = space.compile(bdd, analysis.model.parties[party_id].retains)
        text = sop.condition_text(bdd, bdd.restrict(reads & keeps, on), allowed)
        if text == sop.NEVER:
            continue
        setting = example_setting(analysis, reads & keeps & reset)
        assert setting is not None
        tier = _tier(analysis.result_for(setting), party_id, datum)
        grouped.setdefault(text, []).append((party_id, tier))
    return list(grouped.items())


def assumption_notes(analysis: Analysis) -> list[str]:
    """Which unverified claims and open questions every row takes as true, and which claims
    the record refutes (false everywhere)."""
    model = analysis.model
    by_status: dict[str, list[str]] = {}
    for assumption_id, assumption in sorted(model.assumptions.items()):
        by_status.setdefault(assumption.status.value, []).append(assumption_id)
    notes = []
    free = [f"`{a}` (claimed)" for a in by_status.get("claimed", [])]
    free += [f"`{a}` (unknown: an open question)" for a in by_status.get("unknown", [])]
    if free:
        notes.append(
            "Taken as true in the default setting and in every row that does not say "
            "otherwise: " + ", ".join(free) + "."
        )
    if by_status.get("refuted"):
        notes.append(
            "Refuted on the record, so false everywhere: "
            + ", ".join(f"`{a}`" for a in by_status["refuted"])
            + "."
        )
    return notes


def failing_expectations(
    analysis: Analysis,
) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """(id, title, [(party, tier, condition)]) for each expectation some setting violates;
    the tier is the violation's (its witness's, in the allowed setting nearest to the
    default where the expectation breaks)."""
    tiers = {
        (violation.about[0], violation.party): violation.evidence
        for violation in violated_expectations(analysis)
    }
    failing = []
    for expectation_id, expectation in analysis.model.expectations.items():
        broken = [
            (
                party,
                tiers[(expectation_id, party)] or "",
                analysis.expectation_texts[expectation_id][party],
            )
            for party in expectation_parties(analysis.model, expectation_id)
            if analysis.expectation_texts[expectation_id][party] != sop.NEVER
        ]
        if broken:
            failing.append((expectation_id, expectation.title or expectation_id, broken))
    return failing


def rows(analysis: Analysis) -> list[tuple[str, SettingResult]]:
    """The default setting and every scenario, in the model's order; a scenario equal to the
    default setting stands for it."""
    default = analysis.space.key(analysis.default.setting)
    found: list[tuple[str, SettingResult]] = []
    has_default = False
    for scenario_id, scenario in analysis.model.scenarios.items():
        result = analysis.scenarios.get(scenario_id)
        if result is None:
            continue
        title = scenario.title or scenario_id
        if analysis.space.key(result.setting) == default:
            title += " (default)"
            has_default = True
        found.append((title, result))
    if not has_default:
        found.insert(0, ("Default setting", analysis.default))
    return found


def _graded(names: Iterable[Graded]) -> str:
    """Each name in backquotes followed by its tier: ``meta_ai (established)``; or ``—``."""
    text = ", ".join(f"`{name}` ({tier})" for name, tier in names)
    return text or "—"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def summary(analyses: Sequence[tuple[Headline, Analysis]]) -> list[str]:
    """One row per model: its default setting, at a glance."""
    lines = [
        "| model, default setting | reads the AI chat in plaintext | reads the chat with a "
        "friend in plaintext | law enforcement obtains |",
        "| --- | --- | --- | --- |",
    ]
    for headline, analysis in analyses:
        default = analysis.default
        ai = "no AI" if headline.ai_datum is None else None
        cells = [
            ai or _graded(readers(analysis, default, headline.ai_datum or "")),
            _graded(readers(analysis, default, headline.chat_datum)),
            _graded(obtained_by_law_enforcement(analysis, default)),
        ]
        lines.append(f"| {headline.name} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def model_section(headline: Headline, analysis: Analysis) -> list[str]:
    """The markdown lines for one model."""
    model = analysis.model
    lines = [f"### {headline.name} — [`{headline.path}`]({headline.path})", ""]
    lines.append(f"{model.title}. {analysis.total_settings:,} allowed settings.")
    lines.append("")
    for note in assumption_notes(analysis):
        lines.append(note)
        lines.append("")
    heads = [f"reads the {heading} in plaintext" for _, heading in headline.columns]
    lines.append("| setting | " + " | ".join(heads) + " | law enforcement obtains |")
    lines.append("| --- |" + " --- |" * (len(heads) + 1))
    for title, result in rows(analysis):
        cells = [_graded(readers(analysis, result, datum)) for datum, _ in headline.columns]
        cells.append(_graded(obtained_by_law_enforcement(analysis, result)))
        lines.append(f"| {_cell(title)} | " + " | ".join(cells) + " |")
    lines.append("")
    for datum, heading in headline.columns:
        lines.append(f"Who reads the {heading} (`{datum}`) in plaintext, and when:")
        lines.append("")
        for text, graded in plaintext_conditions(analysis, datum):
            lines.append(f"* {_graded(graded)}: {text}")
        lines.append("")
    if headline.reset_datum is not None:
        lines.append(
            f"What `/reset-ai` does not undo (`{headline.reset_datum}`): the parties that read "
            "it and are not shown to delete it, and when; `law_enforcement` here is what a "
            "later warrant still obtains:"
        )
        lines.append("")
        for text, graded in kept_after_reset(analysis, headline.reset_datum):
            lines.append(f"* {_graded(graded)}: {text}")
        lines.append("")
    failing = failing_expectations(analysis)
    if failing:
        lines.append("Expectations that fail — findings, each explained in the model:")
        lines.append("")
        for expectation_id, title, broken in failing:
            parts = "; ".join(
                f"`{party}` ({tier}) " + ("always" if text == "always" else f"when {text}")
                for party, tier, text in broken
            )
            lines.append(f"* `{expectation_id}` ({title}): broken by {parts}")
        lines.append("")
    return lines


def render(root: Path = ROOT) -> str:
    """The whole section, markers excluded, ending with a newline."""
    lines = [
        "## What the models say",
        "",
        "Generated by `python scripts/what_the_models_say.py` from the analysis of each shipped",
        "model (`threatmodel analyze`, assumptions: all). The tables list, for the default",
        "setting and each scenario, the parties outside the user's and the friend's own",
        "devices that read each datum in plaintext; the lists below give the exact condition",
        "for each, over the toggles and the unverified claims (assumptions, true in the",
        "default setting). The facts behind every flow are cited in the model files, and the",
        'expectations that fail are findings, explained there. What "reads" means, how well',
        "the record supports each step, and what the models leave out: see",
        "[How to read the models](docs/reading-the-models.md).",
        "",
        "Every reading carries its evidence tier: the weakest step of the best-supported way",
        "it arises, from `established` (court or official records, audits, observation,",
        "admissions) through `documented` (reports, claims), `analysed` and `inferred` to",
        "`unsourced` (a step no source backs). In the lists, the tier is the reading's (for",
        "a failing expectation, the violation's) in the default setting, or in the nearest",
        "setting where it happens. `threatmodel explain MODEL --party P --data D` shows the",
        "sources behind every step.",
        "",
    ]
    previous = Path.cwd()
    os.chdir(root)
    try:
        analyses = [(headline, analyze(load_file(headline.path))) for headline in HEADLINES]
    finally:
        os.chdir(previous)
    lines.extend(summary(analyses))
    for headline, analysis in analyses:
        lines.extend(model_section(headline, analysis))
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def splice(readme: str, section: str) -> str:
    """``readme`` with the text between the markers replaced by ``section``."""
    start = readme.index(BEGIN) + len(BEGIN)
    end = readme.index(END, start)
    return readme[:start] + "\n" + section + readme[end:]


def current_section(readme: str) -> str:
    """The text between the markers, without the newline after the first marker."""
    start = readme.index(BEGIN) + len(BEGIN)
    end = readme.index(END, start)
    return readme[start:end].removeprefix("\n")


def is_current(readme_path: Path = README) -> bool:
    """Whether the README section matches what the models say now."""
    text = readme_path.read_text(encoding="utf-8")
    return current_section(text) == render(readme_path.parent)


def write(readme_path: Path = README) -> bool:
    """Rewrite the section in place (atomically); return whether it changed."""
    text = readme_path.read_text(encoding="utf-8")
    updated = splice(text, render(readme_path.parent))
    if updated == text:
        return False
    handle, temporary = tempfile.mkstemp(dir=readme_path.parent, prefix=".README.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(updated)
        os.chmod(temporary, readme_path.stat().st_mode & 0o777)
        os.replace(temporary, readme_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is stale")
    parser.add_argument("--readme", type=Path, default=README, help="the README to update")
    args = parser.parse_args(argv)
    if args.check:
        if is_current(args.readme):
            return 0
        print(
            f"{args.readme}: section 'models' is out of date; "
            "run python scripts/what_the_models_say.py",
            file=sys.stderr,
        )
        return 1
    changed = write(args.readme)
    print(f"{args.readme}: section 'models' {'updated' if changed else 'already current'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
