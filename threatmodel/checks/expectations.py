"""Violated expectations, reported by ``check`` like findings of a rule of their own.

An expectation is the model author's own assertion (SPEC section 4): in the settings where
its ``when`` holds, the named party — or every party inside the named boundary — gets at
most ``allow`` of the datum.  TM100 holds for an expectation and a party in the settings
where that party gets more.  It is not a built-in finding: ``analyze`` lists expectations in
a section of their own, and ``check`` fails on a violated expectation whatever
``--fail-on`` says, because the model itself says it must not happen.

One result per (expectation, party).  Severity: high.  Elements: the expectation, then the
party.  Witness: how the party gets the datum in an example setting.

An expectation about a ``coalition`` constrains its members together, as one reader that
pools what they hold; its result names the coalition by the ids it lists (``meta+ohttp_relay``),
its elements are the expectation and every member party, and its witness shows what each
member contributes.

Example::

    threatmodel: 1
    title: A promise about encryption
    parties:
      user: {kind: person}
      server: {kind: service}
    toggles:
      e2ee: {default: false}
    data:
      message: {origin: [user]}
    flows:
      upload: {from: user, to: server, data: [message]}
    expectations:
      e2ee_hides_messages: {party: server, data: message, allow: ciphertext, when: e2ee}

reports::

    TM100 high: expectation e2ee_hides_messages: server may get at most ciphertext of message, but reads it in plaintext (when e2ee)
"""  # noqa: E501

from __future__ import annotations

from threatmodel.checks.builder import element_ref, holds, make_finding, witness_in
from threatmodel.checks.check import Check
from threatmodel.checks.finding import Finding, FindingSeverity
from threatmodel.engine.exposure import (
    Analysis,
    coalition_members,
    example_setting,
    expectation_parties,
)
from threatmodel.load.model import Level

ID = "TM100"
NAME = "violated-expectation"

_ALLOWED = {Level.NONE: "nothing", Level.CIPHERTEXT: "at most ciphertext"}
_GOT = {Level.PLAINTEXT: "reads it in plaintext", Level.CIPHERTEXT: "holds it as ciphertext"}


def check(analysis: Analysis) -> list[Finding]:
    """Every (expectation, party) that breaks the expectation in some allowed setting."""
    model = analysis.model
    conditions = analysis.conditions
    violations = []
    for expectation_id in sorted(model.expectations):
        expectation = model.expectations[expectation_id]
        if expectation.allow is Level.PLAINTEXT:
            continue
        when = analysis.space.compile(conditions.bdd, expectation.when)
        above = Level.CIPHERTEXT if expectation.allow is Level.NONE else Level.PLAINTEXT
        datum = expectation.data
        members = (
            coalition_members(model, expectation_id) if expectation.coalition is not None else []
        )
        for party in expectation_parties(model, expectation_id):
            function = when & analysis.subject_at_least(expectation_id, party, above)
            if not holds(analysis, function):
                continue
            setting = example_setting(analysis, function)
            assert setting is not None  # the function holds in some allowed setting
            result = analysis.result_for(setting)
            violation = next(
                v for v in result.violations if (v.expectation, v.party) == (expectation_id, party)
            )
            who = members or [party]
            violations.append(
                make_finding(
                    analysis,
                    rule=ID,
                    name=NAME,
                    severity=FindingSeverity.HIGH,
                    message=f"expectation {expectation_id}: {party} may get "
                    f"{_ALLOWED[expectation.allow]} of {datum}, but {_GOT[violation.level]}",
                    function=function,
                    elements=[
                        element_ref(analysis, "expectations", expectation_id),
                        *(element_ref(analysis, "parties", p) for p in who),
                    ],
                    witness=witness_in(analysis, result, violation.fact, violation.closure),
                    party=party,
                    datum=datum,
                    about=[expectation_id],
                    condition=analysis.expectation_texts[expectation_id][party],
                )
            )
    return violations


CHECK = Check(
    id=ID,
    name=NAME,
    severity=FindingSeverity.HIGH,
    summary="A party gets more of a datum than one of the model's expectations allows.",
    doc=__doc__ or "",
    check=check,
    tags=("security", "privacy", "expectation"),
)
