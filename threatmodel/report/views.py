"""What every report format shows, computed once: grouped conditions, impact lines,
violated expectations with an example setting and witness.

Writers only lay this out, so text, markdown and JSON cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from threatmodel.engine.exposure import Analysis, SettingResult, example_setting
from threatmodel.engine.witness import WITNESS_LIMIT, witness_steps, witness_text
from threatmodel.load.model import Level


@dataclass(frozen=True)
class ConditionRow:
    """Parties that get a datum under the same conditions."""

    parties: tuple[str, ...]
    plaintext: str
    ciphertext: str


def condition_rows(analysis: Analysis, datum: str) -> list[ConditionRow]:
    """Parties grouped by identical (plaintext, ciphertext) conditions, most exposed first."""
    groups: dict[tuple[str, str], list[str]] = {}
    for party, texts in sorted(analysis.condition_texts[datum].items()):
        key = (texts[Level.PLAINTEXT.value], texts[Level.CIPHERTEXT.value])
        if key == ("never", "never"):
            continue
        groups.setdefault(key, []).append(party)
    rows = [ConditionRow(tuple(parties), key[0], key[1]) for key, parties in groups.items()]
    rank = {"always": 0, "never": 2}
    rows.sort(key=lambda r: (rank.get(r.plaintext, 1), rank.get(r.ciphertext, 1), r.parties))
    return rows


def count_text(count: int, one: str, many: str | None = None) -> str:
    """``1 allowed setting``, ``24 allowed settings``."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def setting_text(analysis: Analysis, setting: Mapping[str, bool]) -> str:
    """``ai_chat=true, e2ee=false`` (every variable), or ``(no variables)``."""
    return analysis.space.describe(setting) or "(no variables)"


@dataclass(frozen=True)
class ViolationReport:
    """An expectation that fails in some allowed setting."""

    expectation: str
    title: str
    parties: tuple[tuple[str, str], ...]
    """(party, condition under which it breaks the expectation), for parties that do."""
    example: SettingResult | None
    """A setting where it fails, nearest to the default setting."""
    example_party: str | None
    witness: tuple[str, ...]
    witness_lines: tuple[str, ...]


def expectation_reports(analysis: Analysis) -> tuple[list[ViolationReport], list[str]]:
    """Violated expectations with an example, and the ids of those that always hold."""
    violated: list[ViolationReport] = []
    holding: list[str] = []
    model = analysis.model
    bdd = analysis.conditions.bdd
    for expectation_id, per_party in sorted(analysis.expectation_texts.items()):
        breaking = tuple((p, text) for p, text in sorted(per_party.items()) if text != "never")
        if not breaking:
            holding.append(expectation_id)
            continue
        expectation = model.expectations[expectation_id]
        union = bdd.false
        when = analysis.space.compile(bdd, expectation.when)
        above = Level.CIPHERTEXT if expectation.allow is Level.NONE else Level.PLAINTEXT
        for breaker, _ in breaking:
            union |= when & analysis.conditions.at_least(breaker, expectation.data, above)
        setting = example_setting(analysis, union)
        example = analysis.result_for(setting) if setting is not None else None
        party: str | None = None
        witness: tuple[str, ...] = ()
        lines: tuple[str, ...] = ()
        if example is not None:
            mine = [v for v in example.violations if v.expectation == expectation_id]
            if mine:
                first = mine[0]
                party = first.party
                witness = tuple(witness_steps(model, example.closure, first.fact, WITNESS_LIMIT))
                lines = tuple(witness_text(model, example.closure, first.fact, limit=WITNESS_LIMIT))
        violated.append(
            ViolationReport(
                expectation=expectation_id,
                title=expectation.title or expectation_id,
                parties=breaking,
                example=example,
                example_party=party,
                witness=witness,
                witness_lines=lines,
            )
        )
    return violated, holding


def exposure_cell(result: SettingResult, party: str, datum: str) -> str:
    """``plaintext``, ``ciphertext`` or ``—`` for one cell of the matrix."""
    level = result.closure.level(party, datum)
    return "—" if level is Level.NONE else level.value
