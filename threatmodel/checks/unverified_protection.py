"""Protection that rests on a claim nobody has checked.

TM003 holds for a ``claimed`` or ``unknown`` assumption X, a party P and a datum or key D in
the settings of the other variables where P's level for D (plaintext, ciphertext or nothing)
differs between X false and X true, both of them being allowed.  Only free assumptions can
differ: with ``--assumptions optimistic`` or ``pessimistic``, or with X fixed by ``--set``,
the rule reports nothing for X.

One finding per (assumption, party, datum).  Severity: medium.  The message gives P's level
for D in the example setting with X false and with X true.  Elements: the assumption, the
party, the datum.  Witness: how P gets D when X takes the value that exposes more.

Example::

    threatmodel: 1
    title: A provider that says it keeps no key copy
    parties:
      app: {kind: client}
      server: {kind: service}
    assumptions:
      no_key_copy: {status: claimed}
    data:
      message: {origin: [app]}
    keys:
      chat_key: {holders: [app]}
    flows:
      upload: {from: app, to: server, data: [message], protection: {end_to_end: chat_key}}
      escrow: {from: app, to: server, data: [chat_key], when: not no_key_copy}

reports (among others, for ``chat_key``)::

    TM003 medium: what server gets of message rests on the claimed assumption no_key_copy: plaintext if it is false, ciphertext if it is true (always)
"""  # noqa: E501

from __future__ import annotations

from threatmodel.checks.builder import datum_section, element_ref, make_finding, witness_in
from threatmodel.checks.check import Check
from threatmodel.checks.finding import Finding, FindingSeverity
from threatmodel.engine.bdd import Function
from threatmodel.engine.exposure import Analysis, example_setting
from threatmodel.load.model import Level

ID = "TM003"
NAME = "unverified-protection"

_WORDS = {Level.PLAINTEXT: "plaintext", Level.CIPHERTEXT: "ciphertext", Level.NONE: "nothing"}


def _differs(analysis: Analysis, function: Function, name: str) -> Function:
    bdd = analysis.conditions.bdd
    low = bdd.restrict(function, {name: False})
    high = bdd.restrict(function, {name: True})
    return (low & ~high) | (high & ~low)


def check(analysis: Analysis) -> list[Finding]:
    """Every exposure that changes with a free assumption."""
    model = analysis.model
    space = analysis.space
    conditions = analysis.conditions
    bdd = conditions.bdd
    findings = []
    for name in space.variables:
        if name not in model.assumptions or name in space.pinned:
            continue
        both = bdd.restrict(conditions.allowed, {name: False}) & bdd.restrict(
            conditions.allowed, {name: True}
        )
        if both == bdd.false:
            continue
        status = model.assumptions[name].status.value
        for party, datum in conditions.pairs():
            plain = conditions.at_least(party, datum, Level.PLAINTEXT)
            some = conditions.at_least(party, datum, Level.CIPHERTEXT)
            function = both & (_differs(analysis, plain, name) | _differs(analysis, some, name))
            if function == bdd.false:
                continue
            setting = example_setting(analysis, function)
            assert setting is not None  # function is within the allowed settings
            results = {
                value: analysis.result_for({**setting, name: value}) for value in (False, True)
            }
            levels = {value: r.closure.level(party, datum) for value, r in results.items()}
            exposed = results[levels[True].rank > levels[False].rank]
            witness = witness_in(analysis, exposed, exposed.closure.strongest_fact(party, datum))
            findings.append(
                make_finding(
                    analysis,
                    rule=ID,
                    name=NAME,
                    severity=FindingSeverity.MEDIUM,
                    message=f"what {party} gets of {datum} rests on the {status} assumption "
                    f"{name}: {_WORDS[levels[False]]} if it is false, "
                    f"{_WORDS[levels[True]]} if it is true",
                    function=function,
                    elements=[
                        element_ref(analysis, "assumptions", name),
                        element_ref(analysis, "parties", party),
                        element_ref(analysis, datum_section(model, datum), datum),
                    ],
                    witness=witness,
                    party=party,
                    datum=datum,
                    about=[name],
                )
            )
    return findings


CHECK = Check(
    id=ID,
    name=NAME,
    severity=FindingSeverity.MEDIUM,
    summary="Some party's level for a datum differs between the values of a claimed or "
    "unknown assumption.",
    doc=__doc__ or "",
    check=check,
    tags=("security", "privacy", "assumption"),
)
