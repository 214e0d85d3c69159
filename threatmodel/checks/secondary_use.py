"""Personal data reaching a party that trains models or targets advertising with it.

TM005 holds for a party P whose ``uses`` include ``training`` or ``advertising`` and a datum D
(not a key) classified ``personal`` or ``sensitive`` in the settings where P reads D in
plaintext.  Ciphertext is not reported: it cannot be put to either use.

One finding per (party, datum).  Severity: high for sensitive data, medium for personal.
Elements: the party, then the datum.  Witness: how P comes to read D.

Example::

    threatmodel: 1
    title: Chats used for training
    parties:
      user: {kind: person}
      assistant: {kind: ai_model}
      corpus: {kind: store, uses: [training]}
    toggles:
      opt_out: {default: false}
    data:
      chat: {origin: [user], classification: personal}
    flows:
      ask: {from: user, to: assistant, data: [chat]}
      collect: {from: assistant, to: corpus, data: [chat], when: not opt_out}

reports::

    TM005 medium: corpus, which uses data for training, reads personal data chat in plaintext (when not opt_out)
"""  # noqa: E501

from __future__ import annotations

from threatmodel.checks.builder import (
    PERSONAL,
    and_list,
    holds,
    personal_severity,
    plaintext_finding,
)
from threatmodel.checks.check import Check
from threatmodel.checks.finding import Finding, FindingSeverity
from threatmodel.engine.exposure import Analysis
from threatmodel.load.model import Use

ID = "TM005"
NAME = "secondary-use"

SECONDARY_USES = (Use.TRAINING, Use.ADVERTISING)


def check(analysis: Analysis) -> list[Finding]:
    """Every training or advertising party reading personal or sensitive data."""
    model = analysis.model
    findings = []
    for datum_id in sorted(model.data):
        datum = model.data[datum_id]
        if datum.classification not in PERSONAL:
            continue
        severity = personal_severity(datum.classification)
        for party_id in analysis.problem.parties:
            uses = [u.value for u in SECONDARY_USES if u in model.parties[party_id].uses]
            function = analysis.conditions.plain.get((party_id, datum_id))
            if not uses or function is None or not holds(analysis, function):
                continue
            findings.append(
                plaintext_finding(
                    analysis,
                    rule=ID,
                    name=NAME,
                    severity=severity,
                    message=f"{party_id}, which uses data for {and_list(uses)}, reads "
                    f"{datum.classification.value} data {datum_id} in plaintext",
                    party=party_id,
                    datum=datum_id,
                    function=function,
                )
            )
    return findings


CHECK = Check(
    id=ID,
    name=NAME,
    severity=FindingSeverity.HIGH,
    summary="Personal or sensitive data reaches a party whose uses include training or "
    "advertising.",
    doc=__doc__ or "",
    check=check,
    tags=("security", "privacy", "linddun-non-compliance"),
)
