"""Witnesses in words: one phrase per rule application, chains joined by arrows.

A derivation is mostly a chain (each step has one premise).  Steps with several premises —
opening a ciphertext with a key (R6), deriving a datum from its inputs (R1) — start a chain
and list their premises' chains underneath, so the text form is the derivation tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from threatmodel.engine.closure import Closure
from threatmodel.engine.inference import Fact, Rule, Step
from threatmodel.engine.pool import is_pool_step
from threatmodel.load.model import AccessKind, Model

_ACCESS_PHRASES = {
    AccessKind.COMPEL: "{party} compels {source}",
    AccessKind.SEIZE: "{party} seizes data from {source}",
    AccessKind.BREACH: "{party} breaches {source}",
    AccessKind.SHARE: "{source} shares with {party}",
}


def describe_step(model: Model, step: Step) -> str:
    """One rule application as a phrase."""
    party, datum = step.conclusion[1], step.conclusion[2]
    rule = step.rule
    if rule is Rule.ORIGIN:
        if step.premises:
            inputs = ", ".join(premise[2] for premise in step.premises)
            return f"{party} derives {datum} from {inputs}"
        return f"{party} originates {datum}"
    if rule is Rule.KEY:
        return f"{party} holds {datum}"
    if rule is Rule.OPEN:
        return f"{party} opens {datum} with {step.element}"
    if is_pool_step(step):
        member = step.premises[0][1]
        if rule is Rule.RELAY:
            return f"{member} shares {datum} sealed under {step.conclusion[3]} with {party}"
        return f"{member} shares {datum} with {party}"
    if rule is Rule.ACCESS:
        access = model.access[step.element]
        phrase = _ACCESS_PHRASES[access.kind].format(party=access.party, source=access.from_)
        return f"{step.element} ({phrase})"
    flow = model.flows[step.element]
    hop = f"{flow.from_} → {flow.to}, {flow.protection}"
    if rule is Rule.RELAY:
        return f"{step.element} ({hop}; relays ciphertext under {step.conclusion[3]})"
    if rule is Rule.OBSERVE:
        return f"{party} observes {step.element} ({hop})"
    return f"{step.element} ({hop})"


def witness_steps(model: Model, closure: Closure, fact: Fact) -> list[str]:
    """The minimal derivation of ``fact`` as phrases, premises before conclusions."""
    return [describe_step(model, step) for step in closure.derivation(fact)]


@dataclass(frozen=True)
class _Pending:
    fact: Fact
    indent: int
    label: str


def witness_text(model: Model, closure: Closure, fact: Fact, indent: int = 0) -> list[str]:
    """The derivation of ``fact`` as indented lines of arrow-joined chains."""
    lines: list[str] = []
    pending = [_Pending(fact, indent, "")]
    while pending:
        item = pending.pop()
        chain: list[Step] = []
        current = item.fact
        while True:
            step = closure.steps[current]
            chain.append(step)
            if len(step.premises) != 1:
                break
            current = step.premises[0]
        chain.reverse()
        text = " → ".join(describe_step(model, step) for step in chain)
        lines.append(" " * item.indent + item.label + text)
        start = chain[0]
        if len(start.premises) > 1:
            labels = _premise_labels(start)
            for premise, label in reversed(list(zip(start.premises, labels, strict=True))):
                pending.append(_Pending(premise, item.indent + 2, label))
    return lines


def wrap_chain(line: str, width: int) -> list[str]:
    """Break an arrow-joined chain before arrows so that lines fit in ``width`` columns."""
    if len(line) <= width:
        return [line]
    indent = len(line) - len(line.lstrip(" "))
    pieces = line.strip().split(" → ")
    lines = [" " * indent + pieces[0]]
    for piece in pieces[1:]:
        candidate = f"{lines[-1]} → {piece}"
        if len(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(" " * (indent + 2) + "→ " + piece)
    return lines


def _premise_labels(step: Step) -> list[str]:
    if step.rule is Rule.OPEN:
        return ["ciphertext: ", "key: "]
    return [f"input {premise[2]}: " for premise in step.premises]
