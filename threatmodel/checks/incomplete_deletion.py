"""A deletion toggle that leaves readable copies behind.

TM004 holds for a toggle T that ``deletes`` a datum D and a party P in the settings where T is
on, P reads D in plaintext, and P ``retains`` what it receives.  Not reported: D's origins
(the holders, for a key), which produce D, and the parties inside the boundaries of the
people D is about (see TM001): a deletion is a request to others, and copies on the person's
own side are theirs.  To model a party that does forget, give it ``retains: not T`` (or
make the flow to it ``when: not T``).

One finding per (toggle, party, datum).  Severity: high.  Elements: the toggle, the party,
the datum.  Witness: how P comes to read D with T on.

Example::

    threatmodel: 1
    title: An assistant with a history reset
    boundaries: {phone: {}, cloud: {}}
    parties:
      user: {kind: person, boundary: phone}
      assistant: {kind: ai_model, boundary: cloud}
      history: {kind: store, boundary: cloud, retains: not reset}
      backup: {kind: store, boundary: cloud}
    toggles:
      reset: {default: false, deletes: [prompt]}
    data:
      prompt: {origin: [user], classification: sensitive}
    flows:
      ask: {from: user, to: assistant, data: [prompt], protection: transport}
      log: {from: assistant, to: history, data: [prompt]}
      copy: {from: history, to: backup, data: [prompt]}

reports (``history`` forgets; ``assistant`` and ``backup`` do not)::

    TM004 high: assistant retains prompt in plaintext although reset deletes it (when reset)
    TM004 high: backup retains prompt in plaintext although reset deletes it (when reset)
"""

from __future__ import annotations

from threatmodel.checks.builder import (
    element_ref,
    holds,
    plaintext_finding,
    region,
    subjects,
)
from threatmodel.checks.check import Check
from threatmodel.checks.finding import Finding, FindingSeverity
from threatmodel.engine.exposure import Analysis
from threatmodel.load.model import Model

ID = "TM004"
NAME = "incomplete-deletion"


def _producers(model: Model, datum: str) -> set[str]:
    if datum in model.keys:
        return set(model.keys[datum].holders)
    return set(model.data[datum].origin)


def check(analysis: Analysis) -> list[Finding]:
    """Every party still holding data that a toggle deletes, with the toggle on."""
    model = analysis.model
    space = analysis.space
    conditions = analysis.conditions
    bdd = conditions.bdd
    findings = []
    for toggle_id in sorted(model.toggles):
        if toggle_id not in space.variables:
            continue
        on = bdd.var(toggle_id)
        for datum in sorted(set(model.toggles[toggle_id].deletes)):
            own_side, _ = region(model, subjects(model, datum))
            exempt = _producers(model, datum) | own_side
            for party in analysis.problem.parties:
                reads = conditions.plain.get((party, datum))
                if party in exempt or reads is None:
                    continue
                retains = space.compile(bdd, model.parties[party].retains)
                function = on & reads & retains
                if not holds(analysis, function):
                    continue
                findings.append(
                    plaintext_finding(
                        analysis,
                        rule=ID,
                        name=NAME,
                        severity=FindingSeverity.HIGH,
                        message=f"{party} retains {datum} in plaintext although {toggle_id} "
                        "deletes it",
                        party=party,
                        datum=datum,
                        function=function,
                        first=[element_ref(analysis, "toggles", toggle_id)],
                        about=[toggle_id],
                    )
                )
    return findings


CHECK = Check(
    id=ID,
    name=NAME,
    severity=FindingSeverity.HIGH,
    summary="A toggle that deletes a datum is on, and a party other than its origins still "
    "retains it in plaintext.",
    doc=__doc__ or "",
    check=check,
    tags=("security", "privacy", "linddun-unawareness"),
)
