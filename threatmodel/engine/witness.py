"""Witnesses in words: one phrase per rule application, chains joined by arrows, and the
evidence each step rests on.

A derivation is mostly a chain (each step has one premise).  Steps with several premises —
opening a ciphertext with a key (R6), deriving a datum from its inputs (R1) — start a chain
and list their premises' chains underneath, so the text form is the derivation tree.

Reports print a witness for every finding, and the derivations of a long chain of parties
grow with it, so that printing each in full would make the report quadratic in the chain's
length.  With a ``limit`` a chain keeps its first step and its last ``limit`` steps and says
how many it skips in between, found without walking them (:meth:`Closure.chain_start`);
``explain`` prints witnesses in full.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from threatmodel.engine.closure import Closure
from threatmodel.engine.evidence import element_tier
from threatmodel.engine.inference import Fact, Rule, Step
from threatmodel.engine.pool import is_pool_step
from threatmodel.load.model import AccessKind, Evidence, Graded, Model

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


WITNESS_LIMIT = 10
"""Steps at the end of a long chain that reports show, besides its first.  A chain is
shortened only when that leaves out more than this many steps, so a chain of up to about
twice this length is shown whole."""


def skipped_phrase(count: int) -> str:
    """What stands for the steps a shortened chain leaves out."""
    return f"… {count:,} more step{'s' if count != 1 else ''} …"


Item = Step | int
"""A step of a shortened derivation, or the number of steps left out at that point."""


def _chain(
    closure: Closure, fact: Fact, limit: int | None, done: set[Fact] | frozenset[Fact]
) -> tuple[list[Item], Fact | None]:
    """The chain of single-premise steps ending at ``fact``, premises first, stopping after
    a fact in ``done``; and the fact that starts it (whose step has no premise or several),
    when reached.  Past ``limit`` steps the middle is left out."""
    items: list[Item] = []
    current = fact
    while True:
        step = closure.steps[current]
        items.append(step)
        if len(step.premises) != 1:
            items.reverse()
            return items, current
        current = step.premises[0]
        if current in done:
            items.reverse()
            return items, None
        if limit is not None and len(items) >= limit:
            start, distance = closure.chain_start(current)
            if distance > limit:
                if start in done:
                    items.append(distance)
                    items.reverse()
                    return items, None
                items += [distance, closure.steps[start]]
                items.reverse()
                return items, start


def derivation_items(closure: Closure, fact: Fact, limit: int | None = None) -> list[Item]:
    """The minimal derivation of ``fact`` in post-order (premises first), sub-derivations
    shared by several premises listed once; chains longer than ``limit`` shortened."""
    order: list[Item] = []
    done: set[Fact] = set()
    stack: list[tuple[Fact, list[Item] | None]] = [(fact, None)]
    while stack:
        current, chain = stack.pop()
        if chain is not None:
            order += chain
            continue
        if current in done:
            continue
        items, start = _chain(closure, current, limit, done)
        done.update(item.conclusion for item in items if isinstance(item, Step))
        stack.append((current, items))
        if start is not None:
            premises = closure.steps[start].premises
            stack.extend((premise, None) for premise in reversed(premises))
    return order


def phrase(model: Model, closure: Closure, item: Item) -> str:
    """A step of ``closure`` as a phrase (remembered), or what stands for skipped steps."""
    if not isinstance(item, Step):
        return skipped_phrase(item)
    text = closure.phrases.get(item.conclusion)
    if text is None:
        text = describe_step(model, item)
        closure.phrases[item.conclusion] = text
    return text


def witness_steps(
    model: Model, closure: Closure, fact: Fact, limit: int | None = None
) -> list[str]:
    """The minimal derivation of ``fact`` as phrases, premises before conclusions; chains
    longer than ``limit`` shortened."""
    return [phrase(model, closure, item) for item in derivation_items(closure, fact, limit)]


@dataclass(frozen=True)
class _Pending:
    fact: Fact
    indent: int
    label: str


def witness_text(
    model: Model, closure: Closure, fact: Fact, indent: int = 0, limit: int | None = None
) -> list[str]:
    """The derivation of ``fact`` as indented lines of arrow-joined chains; chains longer
    than ``limit`` shortened."""
    lines: list[str] = []
    pending = [_Pending(fact, indent, "")]
    while pending:
        item = pending.pop()
        chain, _ = _chain(closure, item.fact, limit, frozenset())
        text = " → ".join(phrase(model, closure, part) for part in chain)
        lines.append(" " * item.indent + item.label + text)
        start = chain[0]
        assert isinstance(start, Step)
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


@dataclass(frozen=True)
class Cited:
    """A source behind an element: its id, title and evidence tier."""

    source: str
    title: str
    tier: Evidence


@dataclass(frozen=True)
class Ground:
    """An element a rule application rests on, with its evidence and sources."""

    element: str
    role: str
    """What the step takes from the element: ``origin``, ``holders``, ``flow``,
    ``observer``, ``access`` or ``retains``."""
    tier: Evidence
    stated: bool
    """Whether the tier is the element's own ``evidence:`` rather than its sources'."""
    sources: tuple[Cited, ...]


@dataclass(frozen=True)
class StepEvidence:
    """One step of a witness with the evidence it rests on."""

    phrase: str
    tier: Evidence
    grounds: tuple[Ground, ...]
    """Nothing for R6 (opening a ciphertext is reasoning, not a claim)."""


def step_evidence(model: Model, step: Step) -> StepEvidence:
    """The evidence of one rule application, element by element."""
    grounds: list[Ground] = []

    def add(section: Mapping[str, Graded], element: str, role: str) -> None:
        entry = section[element]
        cited = tuple(
            Cited(source, model.sources[source].title, model.sources[source].tier())
            for source in entry.source
        )
        tier = element_tier(model, entry)
        grounds.append(Ground(element, role, tier, entry.evidence is not None, cited))

    rule = step.rule
    if rule is Rule.ORIGIN:
        add(model.data, step.element, "origin")
    elif rule is Rule.KEY:
        add(model.keys, step.element, "holders")
    elif rule is Rule.ACCESS:
        add(model.access, step.element, "access")
        add(model.parties, model.access[step.element].from_, "retains")
    elif rule is not Rule.OPEN:
        add(model.flows, step.element, "flow")
        if rule is Rule.OBSERVE:
            add(model.parties, step.conclusion[1], "observer")
    return StepEvidence(describe_step(model, step), Evidence.of_rank(step.tier), tuple(grounds))


def derivation_evidence(model: Model, closure: Closure, fact: Fact) -> list[StepEvidence]:
    """The evidence of each step of the derivation of ``fact``, premises first."""
    return [step_evidence(model, step) for step in closure.derivation(fact)]


def evidence_lines(steps: Iterable[StepEvidence], indent: int, width: int) -> list[str]:
    """Each step's tier, then each element it rests on with its sources (id, tier, title)."""
    lines: list[str] = []
    pad = " " * indent
    for step in steps:
        lines.append(f"{pad}{step.phrase}: {step.tier.value}")
        for ground in step.grounds:
            how = "stated" if ground.stated else "no source" if not ground.sources else ""
            detail = f"{ground.tier.value}, {how}" if how else ground.tier.value
            lines.append(f"{pad}  {ground.element} ({ground.role}): {detail}")
            for cited in ground.sources:
                text = f"{cited.source} ({cited.tier.value}): {cited.title}"
                lines += textwrap.wrap(
                    text,
                    width=width,
                    initial_indent=pad + "    ",
                    subsequent_indent=pad + "      ",
                    break_on_hyphens=False,
                )
    return lines
