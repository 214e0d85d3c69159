"""What every report format shows, computed once: grouped conditions, impact lines,
violated expectations with an example setting and witness.

Writers only lay this out, so text, markdown and JSON cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from threatmodel.engine.exposure import (
    Analysis,
    SettingResult,
    example_setting,
    level_evidence,
)
from threatmodel.engine.witness import WITNESS_LIMIT, witness_steps, witness_text
from threatmodel.load.model import Evidence, Level, Model

EVIDENCE_LEGEND = (
    "(tier) after a party: how well the record supports that reading when it is not "
    "established: documented, analysed, inferred or unsourced (weakest)."
)
"""One line explaining the tiers that readings carry (docs/format.md, "Evidence")."""
UNGRADED_LEGEND = (
    "No element of this model cites a source or states its evidence: every reading is "
    "unsourced, and no tier is shown."
)
"""The legend of a model that grades nothing, where a tier after every reader says nothing."""


def is_graded(model: Model) -> bool:
    """Whether some element that steps use cites a source or states its evidence."""
    sections = (model.parties, model.data, model.keys, model.flows, model.access)
    return any(e.source or e.evidence is not None for s in sections for e in s.values())


def evidence_legend(analysis: Analysis, shown: bool) -> str | None:
    """The legend under the readers: tiers explained when ``shown``; for a model that
    grades nothing, that nothing is graded; else none."""
    if not is_graded(analysis.model):
        return UNGRADED_LEGEND
    return EVIDENCE_LEGEND if shown else None


def tier_suffix(tier: Evidence | None) -> str:
    """`` (inferred)`` for a reading that is not established, else nothing."""
    if tier is None or tier is Evidence.ESTABLISHED:
        return ""
    return f" ({tier.value})"


@dataclass(frozen=True)
class ConditionRow:
    """Parties that get a datum under the same conditions."""

    parties: tuple[str, ...]
    plaintext: str
    ciphertext: str
    evidence: tuple[Evidence | None, ...] = ()
    """For each party, the evidence of its reading (see :func:`reading_evidence`)."""

    @property
    def labels(self) -> tuple[str, ...]:
        """The parties, each followed by its tier when that is not established."""
        return tuple(
            party + tier_suffix(tier)
            for party, tier in zip(self.parties, self.evidence, strict=True)
        )


def reading_evidence(analysis: Analysis, party: str, datum: str) -> Evidence | None:
    """The evidence of ``party``'s most exposed level of ``datum``: in the default setting
    when it has that level there, else in the allowed setting nearest to it where it has
    (where its witness is shown); ``None`` when it never gets the datum."""
    conditions = analysis.conditions
    bdd = conditions.bdd
    level = Level.PLAINTEXT
    function = conditions.at_least(party, datum, level)
    if function == bdd.false:
        level = Level.CIPHERTEXT
        function = conditions.at_least(party, datum, level)
    result = analysis.default
    if result.closure.level(party, datum).rank < level.rank:
        setting = example_setting(analysis, function)
        if setting is None:
            return None
        result = analysis.result_for(setting)
    return level_evidence(result.closure, party, datum)


def condition_rows(analysis: Analysis, datum: str) -> list[ConditionRow]:
    """Parties grouped by identical (plaintext, ciphertext) conditions, most exposed first."""
    groups: dict[tuple[str, str], list[str]] = {}
    for party, texts in sorted(analysis.condition_texts[datum].items()):
        key = (texts[Level.PLAINTEXT.value], texts[Level.CIPHERTEXT.value])
        if key == ("never", "never"):
            continue
        groups.setdefault(key, []).append(party)
    graded = is_graded(analysis.model)
    rows = [
        ConditionRow(
            tuple(parties),
            key[0],
            key[1],
            tuple(
                reading_evidence(analysis, party, datum) if graded else None for party in parties
            ),
        )
        for key, parties in groups.items()
    ]
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
            union |= when & analysis.subject_at_least(expectation_id, breaker, above)
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
                witness = tuple(witness_steps(model, first.closure, first.fact, WITNESS_LIMIT))
                lines = tuple(witness_text(model, first.closure, first.fact, limit=WITNESS_LIMIT))
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


def exposure_cell(result: SettingResult, party: str, datum: str, *, graded: bool = True) -> str:
    """``plaintext``, ``ciphertext`` or ``—`` for one cell of the matrix, followed by the
    tier of that level when ``graded`` and it is not established (``plaintext (inferred)``)."""
    level = result.closure.level(party, datum)
    if level is Level.NONE:
        return "—"
    if not graded:
        return level.value
    return level.value + tier_suffix(level_evidence(result.closure, party, datum))
