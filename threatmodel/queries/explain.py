"""``explain``: why a party gets (or does not get) a datum, one witness per distinct way.

A *way* is one product of the minimal sum of products of the party's condition for a level
(or the whole condition, when it has too many products to print them);
for each, the allowed setting nearest to the default setting that satisfies it is analysed
and the derivation of the party's fact there is the witness.  Ways with identical witnesses
are shown once.  Each way carries the evidence of its fact (the witness attains it) and of
every step, with the sources behind each.
"""

from __future__ import annotations

from dataclasses import dataclass

from threatmodel.engine import sop
from threatmodel.engine.bdd import Function
from threatmodel.engine.exposure import Analysis, example_setting
from threatmodel.engine.inference import Step
from threatmodel.engine.space import Setting
from threatmodel.engine.witness import StepEvidence, derivation_evidence, witness_text
from threatmodel.load.model import Evidence, Level


@dataclass(frozen=True)
class Way:
    """One way a party gets a datum, shown in an example setting."""

    level: Level
    condition: str
    """The product of the condition this way stands for."""
    setting: Setting
    steps: tuple[str, ...]
    lines: tuple[str, ...]
    path: tuple[Step, ...] = ()
    """The rule applications behind ``steps``, one for one."""
    evidence: Evidence = Evidence.UNSOURCED
    """The evidence of the fact: the weakest step of the witness, the strongest of any
    derivation."""
    grounds: tuple[StepEvidence, ...] = ()
    """Each step of the witness with its evidence and sources."""


@dataclass(frozen=True)
class Explanation:
    """A party's level for a datum: conditions per level, and a witness per way."""

    party: str
    datum: str
    conditions: dict[str, str]
    """Level name → condition text, for all three levels."""
    ways: tuple[Way, ...]


def explain(analysis: Analysis, party: str, datum: str) -> Explanation:
    """The explanation of ``party``'s level for ``datum``.

    Examples
    --------
    >>> from threatmodel.engine.exposure import analyze
    >>> from threatmodel.load.examples import chat
    >>> explanation = explain(analyze(chat()), "server", "message")
    >>> explanation.conditions["plaintext"], explanation.conditions["ciphertext"]
    ('not e2ee', 'e2ee')
    >>> explanation.ways[0].lines
    ('alice originates message → upload (alice → server, none)',)
    """
    conditions = analysis.conditions
    bdd = conditions.bdd
    texts = {
        level.value: sop.condition_text(
            bdd, conditions.level(party, datum, level), conditions.allowed
        )
        for level in (Level.PLAINTEXT, Level.CIPHERTEXT, Level.NONE)
    }
    ways: list[Way] = []
    seen: set[tuple[str, ...]] = set()
    for level in (Level.PLAINTEXT, Level.CIPHERTEXT):
        function = conditions.level(party, datum, level)
        cover = sop.condition_cover(bdd, function, conditions.allowed)
        if cover is None:  # too many products to list: one way, the whole condition
            whole = _way(analysis, party, datum, level, texts[level.value], function, seen)
            ways += [whole] if whole is not None else []
            continue
        for cube in cover:
            region = function & bdd.cube(dict(cube))
            for other in cover:
                if other != cube:
                    region &= ~bdd.cube(dict(other))
            if region == bdd.false:
                region = function & bdd.cube(dict(cube))
            condition = sop.format_cover([cube]) if cube else "always"
            way = _way(analysis, party, datum, level, condition, region, seen)
            if way is not None:
                ways.append(way)
    return Explanation(party, datum, texts, tuple(ways))


def _way(
    analysis: Analysis,
    party: str,
    datum: str,
    level: Level,
    condition: str,
    region: Function,
    seen: set[tuple[str, ...]],
) -> Way | None:
    """The way shown for the settings of ``region``, unless its witness is in ``seen``."""
    setting = example_setting(analysis, region)
    if setting is None:
        return None
    result = analysis.result_for(setting)
    fact = result.closure.strongest_fact(party, datum)
    if fact is None:
        return None
    path = tuple(result.closure.derivation(fact))
    grounds = tuple(derivation_evidence(analysis.model, result.closure, fact))
    steps = tuple(step.phrase for step in grounds)
    if steps in seen:
        return None
    seen.add(steps)
    lines = tuple(witness_text(analysis.model, result.closure, fact))
    evidence = Evidence.of_rank(result.closure.tiers[fact])
    return Way(level, condition, setting, steps, lines, path, evidence, grounds)
