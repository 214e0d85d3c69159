"""An authority reads data in plaintext because of legal or physical access.

TM002 holds for a party A of kind ``authority`` and a datum or key D that is not ``public``
in the settings where A reads D in plaintext but would not if no authority had any access:
the closure is computed a second time without the accesses whose ``party`` is an authority,
and the finding's condition is "A reads D, and does not without those accesses".  So an
authority that is simply sent a datum by a flow is not a finding; one that obtains it by a
warrant, a seizure or a breach (directly, or from what another authority obtained) is.

One finding per (authority, datum).  Severity: high.  Elements: the authority accesses in the
witness, the one that gives A the datum first.  Witness: how A comes to read D.

Example::

    threatmodel: 1
    title: Messages kept on a server
    parties:
      user: {kind: person}
      server: {kind: service}
      police: {kind: authority}
    toggles:
      e2ee: {default: false}
    data:
      message: {origin: [user]}
    flows:
      upload: {from: user, to: server, data: [message], when: not e2ee}
    access:
      warrant: {party: police, from: server, kind: compel}

reports::

    TM002 high: police reads message in plaintext through warrant (compels server) (when not e2ee)
"""

from __future__ import annotations

from threatmodel.checks.builder import (
    and_list,
    classification,
    element_ref,
    holds,
    make_finding,
    witness_where,
)
from threatmodel.checks.check import Check
from threatmodel.checks.finding import Finding, FindingSeverity
from threatmodel.engine import inference
from threatmodel.engine.bdd import Function
from threatmodel.engine.exposure import Analysis
from threatmodel.engine.graph import downstream, model_edges, successors
from threatmodel.engine.inference import Problem, plain
from threatmodel.engine.symbolic import Conditions, solve
from threatmodel.load.model import AccessKind, Classification, Model, PartyKind

ID = "TM002"
NAME = "compelled-disclosure"

NAMED_OF_LONG_CHAIN = 3
"""Accesses named, the last first, when the witness is a shortened long chain."""

_HOW = {
    AccessKind.COMPEL: "compels {source}",
    AccessKind.SEIZE: "seizes from {source}",
    AccessKind.BREACH: "breaches {source}",
    AccessKind.SHARE: "shared by {source}",
}


def _without(analysis: Analysis, removed: set[str]) -> Conditions:
    """The conditions of the same model with the ``removed`` accesses taken out.

    Only the parties those accesses feed, and the parties downstream of them in the model
    graph, can lose facts; every other party's facts are reused from the analysis.
    """
    model = analysis.model
    kept = {name: access for name, access in model.access.items() if name not in removed}
    pruned: Model = model.model_copy(update={"access": kept})
    edges = model_edges(pruned)
    affected = downstream(successors(edges), {model.access[name].party for name in removed})
    conditions = analysis.conditions
    return solve(
        Problem(pruned, edges, analysis.problem.min_evidence),
        analysis.space,
        conditions.bdd,
        conditions.allowed,
        given=conditions,
        only=frozenset(affected),
    )


def _phrase(model: Model, access_id: str) -> str:
    access = model.access[access_id]
    return f"{access_id} ({_HOW[access.kind].format(source=access.from_)})"


def check(analysis: Analysis) -> list[Finding]:
    """Every authority reading data only thanks to authorities' accesses."""
    model = analysis.model
    authorities = {p for p, party in model.parties.items() if party.kind is PartyKind.AUTHORITY}
    by_authorities = {a for a, access in model.access.items() if access.party in authorities}
    conditions = analysis.conditions
    if not by_authorities or not any(
        (authority, datum) in conditions.plain
        for authority in authorities
        for datum in analysis.problem.data
    ):
        return []
    without = _without(analysis, by_authorities)
    findings = []
    for datum in analysis.problem.data:
        if classification(model, datum) is Classification.PUBLIC:
            continue
        for authority in sorted(authorities):
            reads = conditions.plain.get((authority, datum))
            if reads is None:
                continue
            otherwise: Function = without.plain.get((authority, datum), conditions.bdd.false)
            function = reads & ~otherwise
            if not holds(analysis, function):
                continue
            witness = witness_where(analysis, function, plain(authority, datum))
            steps = () if witness is None else witness.steps
            used = [s.element for s in reversed(steps) if s.rule is inference.Rule.ACCESS]
            accesses = [a for a in dict.fromkeys(used) if a in by_authorities]
            if witness is not None and witness.skipped:  # a long chain: its last accesses
                accesses = accesses[:NAMED_OF_LONG_CHAIN]
            through = and_list(_phrase(model, a) for a in accesses) or "an access"
            if witness is not None and witness.skipped:
                total = len(witness.steps) + witness.skipped
                through += f", the last of {total:,} steps"
            findings.append(
                make_finding(
                    analysis,
                    rule=ID,
                    name=NAME,
                    severity=FindingSeverity.HIGH,
                    message=f"{authority} reads {datum} in plaintext through {through}",
                    function=function,
                    elements=[element_ref(analysis, "access", a) for a in accesses]
                    or [element_ref(analysis, "parties", authority)],
                    witness=witness,
                    party=authority,
                    datum=datum,
                )
            )
    return findings


CHECK = Check(
    id=ID,
    name=NAME,
    severity=FindingSeverity.HIGH,
    summary="A party of kind authority reads a datum in plaintext through at least one access.",
    doc=__doc__ or "",
    check=check,
    tags=("security", "privacy", "linddun-data-disclosure"),
)
