"""What the rules share: element positions, condition text, witnesses, and whom data
belongs to.

A datum's **origins** are the parties in its ``origin``.  Its **subjects** are the people it
is about: the origins of kind ``person`` of the datum and, for a datum derived from others,
of its inputs (recursively) — an AI's reply to a user's prompt is about the user.  Its
**intended ends** are the holders of every key that some flow seals it under: end-to-end
encryption names who a message is meant for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from threatmodel.checks.finding import ElementRef, Finding, FindingSeverity
from threatmodel.engine.bdd import Function
from threatmodel.engine.closure import Closure
from threatmodel.engine.exposure import Analysis, SettingResult, boundary_members, example_setting
from threatmodel.engine.inference import Fact, Rule, Step, plain
from threatmodel.engine.pool import is_pool_step
from threatmodel.engine.space import Setting
from threatmodel.engine.witness import (
    WITNESS_LIMIT,
    derivation_items,
    phrase,
    witness_text,
)
from threatmodel.load.model import Classification, Evidence, Model, PartyKind, ProtectionLevel

PERSONAL = (Classification.PERSONAL, Classification.SENSITIVE)
"""Classifications that the privacy rules look at."""


def personal_severity(classification: Classification) -> FindingSeverity:
    """High for sensitive data, medium for personal data."""
    if classification is Classification.SENSITIVE:
        return FindingSeverity.HIGH
    return FindingSeverity.MEDIUM


_STEP_SECTIONS = {
    Rule.ORIGIN: "data",
    Rule.KEY: "keys",
    Rule.OPEN: "keys",
    Rule.ACCESS: "access",
}


def element_ref(analysis: Analysis, section: str, element_id: str) -> ElementRef:
    """``element_id`` of ``section`` with the line and column of its key in the file (one
    object per element, remembered by the analysis)."""

    def locate() -> ElementRef:
        location = analysis.loaded.locate(section, element_id)
        return ElementRef(section, element_id, location.line, location.column)

    return analysis.remember(("element", section, element_id), locate)


def datum_section(model: Model, datum: str) -> str:
    """``keys`` for a key, else ``data``."""
    return "keys" if datum in model.keys else "data"


def classification(model: Model, datum: str) -> Classification:
    """A datum's or key's classification."""
    element = model.data.get(datum) or model.keys[datum]
    return element.classification


def condition_text(analysis: Analysis, function: Function) -> str:
    """The function as a condition over the allowed settings (printed once per function)."""
    return analysis.condition_text(function)


def holds(analysis: Analysis, function: Function) -> bool:
    """Whether ``function`` holds in some allowed setting."""
    conditions = analysis.conditions
    return bool((function & conditions.allowed) != conditions.bdd.false)


# ------------------------------------------------------------------- where data belongs


def subjects(model: Model, datum: str) -> set[str]:
    """The people a datum is about (see the module documentation)."""
    found: set[str] = set()
    seen: set[str] = set()
    pending = [datum]
    while pending:
        current = pending.pop()
        if current in seen or current not in model.data:
            continue
        seen.add(current)
        entry = model.data[current]
        found.update(p for p in entry.origin if model.parties[p].kind is PartyKind.PERSON)
        pending.extend(entry.derived_from)
    return found


def intended_ends(model: Model, datum: str) -> set[str]:
    """Holders of the keys that some flow seals ``datum`` under."""
    ends: set[str] = set()
    for flow in model.flows.values():
        protection = flow.protection
        if protection.level is ProtectionLevel.END_TO_END and datum in flow.data:
            assert protection.key is not None
            ends.update(model.keys[protection.key].holders)
    return ends


def region(model: Model, parties: Iterable[str]) -> tuple[set[str], list[str]]:
    """Parties inside the boundaries of ``parties`` (nested boundaries included; a party
    with no boundary is its own), and the names of those boundaries, sorted."""
    inside: set[str] = set()
    names: set[str] = set()
    for party in parties:
        boundary = model.parties[party].boundary
        if boundary is None:
            inside.add(party)
            names.add(party)
        else:
            inside |= boundary_members(model, boundary)
            names.add(boundary)
    return inside, sorted(names)


# ------------------------------------------------------------------------- witnesses


@dataclass(frozen=True)
class Witness:
    """A derivation of a fact in an example setting, long chains shortened."""

    setting: Setting
    steps: tuple[Step, ...]
    """The steps shown."""
    phrases: tuple[str, ...]
    lines: tuple[str, ...]
    elements: tuple[ElementRef | None, ...]
    evidence: Evidence | None = None
    """The evidence of the fact derived (``None`` for a witness that derives none)."""
    skipped: int = 0
    """How many steps the shortened chains leave out."""


def step_element(analysis: Analysis, step: Step) -> ElementRef | None:
    """The element a rule application applies, located; ``None`` for a member handing its
    facts to a coalition's pool, which is no element of the file."""
    if is_pool_step(step):
        return None
    section = _STEP_SECTIONS.get(step.rule, "flows")
    if step.rule is Rule.ORIGIN and step.element in analysis.model.keys:
        section = "keys"
    return element_ref(analysis, section, step.element)


def witness_in(
    analysis: Analysis, result: SettingResult, fact: Fact | None, closure: Closure | None = None
) -> Witness | None:
    """The derivation of ``fact`` in one setting, or ``None`` when it does not hold there.

    ``closure``: where the derivation is, when not in the setting's own closure (a
    coalition's pooled reader).  A setting's witnesses are made once per fact (remembered
    by the analysis)."""
    if closure is None:
        key = ("witness", *result.setting.items(), fact)
        return analysis.remember(key, lambda: _witness(analysis, result, fact, result.closure))
    return _witness(analysis, result, fact, closure)


def _witness(
    analysis: Analysis, result: SettingResult, fact: Fact | None, closure: Closure
) -> Witness | None:
    if fact is None or fact not in closure.steps:
        return None
    model = analysis.model
    items = derivation_items(closure, fact, WITNESS_LIMIT)
    return Witness(
        setting=dict(result.setting),
        steps=tuple(item for item in items if isinstance(item, Step)),
        skipped=sum(item for item in items if not isinstance(item, Step)),
        phrases=tuple(phrase(model, closure, item) for item in items),
        lines=tuple(witness_text(model, closure, fact, limit=WITNESS_LIMIT)),
        elements=tuple(
            step_element(analysis, item) if isinstance(item, Step) else None for item in items
        ),
        evidence=Evidence.of_rank(closure.tiers[fact]),
    )


def witness_where(analysis: Analysis, function: Function, fact: Fact) -> Witness | None:
    """The derivation of ``fact`` in the allowed setting of ``function`` nearest to the
    default setting."""
    setting = example_setting(analysis, function)
    if setting is None:
        return None
    return witness_in(analysis, analysis.result_for(setting), fact)


def make_finding(
    analysis: Analysis,
    *,
    rule: str,
    name: str,
    severity: FindingSeverity,
    message: str,
    function: Function,
    elements: Iterable[ElementRef],
    witness: Witness | None,
    party: str | None = None,
    datum: str | None = None,
    about: Iterable[str] = (),
    condition: str | None = None,
) -> Finding:
    """A finding whose condition is ``function``; ``condition`` is its text when the
    analysis has already printed it (printing is the costly part)."""
    variables = analysis.space.variables
    example = () if witness is None else tuple((v, witness.setting[v]) for v in variables)
    return Finding(
        rule=rule,
        name=name,
        severity=severity,
        message=message,
        party=party,
        datum=datum,
        condition=condition_text(analysis, function) if condition is None else condition,
        elements=tuple(elements),
        witness=() if witness is None else witness.phrases,
        about=tuple(about),
        example=example,
        witness_lines=() if witness is None else witness.lines,
        witness_elements=() if witness is None else witness.elements,
        evidence=None if witness is None or witness.evidence is None else witness.evidence.value,
        function=function & analysis.conditions.allowed,
    )


def plaintext_finding(
    analysis: Analysis,
    *,
    rule: str,
    name: str,
    severity: FindingSeverity,
    message: str,
    party: str,
    datum: str,
    function: Function,
    first: Iterable[ElementRef] = (),
    about: Iterable[str] = (),
) -> Finding:
    """A finding about ``party`` reading ``datum`` in plaintext where ``function`` holds:
    its elements are ``first``, then the party and the datum; its witness is the party's
    derivation of the datum in the example setting."""
    model = analysis.model
    return make_finding(
        analysis,
        rule=rule,
        name=name,
        severity=severity,
        message=message,
        function=function,
        elements=[
            *first,
            element_ref(analysis, "parties", party),
            element_ref(analysis, datum_section(model, datum), datum),
        ],
        witness=witness_where(analysis, function, plain(party, datum)),
        party=party,
        datum=datum,
        about=about,
    )


def and_list(names: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
