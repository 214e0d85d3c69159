"""Personal or sensitive data read in plaintext outside the boundaries it belongs to.

TM001 holds for a party P and a datum D (not a key) classified ``personal`` or ``sensitive``
when P reads D in plaintext while P is outside D's *home*: the trust boundaries, nested ones
included, of D's origins, of the people D is about (the ``person`` origins of D and of the
data it is ``derived_from``: an AI's reply to a user is about the user) and of D's intended
ends (the holders of a key that some flow seals D under: end-to-end encryption names who a
message is for).  A party with no boundary is its own boundary.

One finding per (party, datum), holding in the settings where P reads D.  Severity: high for
sensitive data, medium for personal.  Elements: the party, then the datum.  Witness: how P
comes to read D.

Example::

    threatmodel: 1
    title: Notes synced to a server
    boundaries: {phone: {}, cloud: {}}
    parties:
      user: {kind: person, boundary: phone}
      server: {kind: service, boundary: cloud}
    toggles:
      e2ee: {default: false}
    data:
      note: {origin: [user], classification: personal}
    flows:
      upload: {from: user, to: server, data: [note], protection: transport, when: not e2ee}

reports::

    TM001 medium: server reads personal data note in plaintext outside phone (when not e2ee)
"""

from __future__ import annotations

from threatmodel.checks.builder import (
    PERSONAL,
    and_list,
    holds,
    intended_ends,
    personal_severity,
    plaintext_finding,
    region,
    subjects,
)
from threatmodel.checks.check import Check
from threatmodel.checks.finding import Finding, FindingSeverity
from threatmodel.engine.exposure import Analysis

ID = "TM001"
NAME = "disclosure-outside-boundary"


def check(analysis: Analysis) -> list[Finding]:
    """Every party reading personal or sensitive data outside the data's home."""
    model = analysis.model
    findings = []
    for datum_id in sorted(model.data):
        datum = model.data[datum_id]
        if datum.classification not in PERSONAL:
            continue
        home = set(datum.origin) | subjects(model, datum_id) | intended_ends(model, datum_id)
        inside, boundaries = region(model, home)
        if not home:
            continue
        severity = personal_severity(datum.classification)
        for party in analysis.problem.parties:
            function = analysis.conditions.plain.get((party, datum_id))
            if party in inside or function is None or not holds(analysis, function):
                continue
            findings.append(
                plaintext_finding(
                    analysis,
                    rule=ID,
                    name=NAME,
                    severity=severity,
                    message=f"{party} reads {datum.classification.value} data {datum_id} "
                    f"in plaintext outside {and_list(boundaries)}",
                    party=party,
                    datum=datum_id,
                    function=function,
                )
            )
    return findings


CHECK = Check(
    id=ID,
    name=NAME,
    severity=FindingSeverity.HIGH,
    summary="A party outside the boundary of every origin of a personal or sensitive datum "
    "reads it in plaintext.",
    doc=__doc__ or "",
    check=check,
    tags=("security", "privacy", "linddun-data-disclosure"),
)
