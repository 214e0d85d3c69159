"""What a change to a model does: exposure gained and lost, findings and violated
expectations that appear or clear.

Both versions are analysed in one BDD manager, so that their conditions are functions over
the same variables and can be compared: a toggle or assumption that exists in one version
only is simply free in the other (its value changes nothing there).  Exposure is compared on
the settings allowed in both versions; settings that only one version allows are reported
as such.  Findings and violated expectations are matched by identity (rule, party, datum and
the ids that tell them apart), never by wording or position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from threatmodel.assessment import assess
from threatmodel.checks.builder import witness_in
from threatmodel.checks.finding import Finding
from threatmodel.engine import sop
from threatmodel.engine.bdd import Bdd, Function
from threatmodel.engine.exposure import Analysis, example_setting
from threatmodel.engine.space import Mode
from threatmodel.load.loader import LoadedModel
from threatmodel.load.model import Level

LEVELS = (Level.NONE, Level.CIPHERTEXT, Level.PLAINTEXT)


@dataclass(frozen=True)
class LevelChange:
    """A party's level for a datum, before and after, and where it changes."""

    party: str
    datum: str
    before: Level
    after: Level
    condition: str
    """The settings (allowed in both versions) where it changes."""
    example: tuple[tuple[str, bool], ...] = ()
    """For a gain: the setting of the witness, by variable name (a variable of the old
    version only is shown when the change depends on it)."""
    witness: tuple[str, ...] = ()
    """For a gain: how the party gets the datum in the new version (derivation steps)."""
    witness_lines: tuple[str, ...] = ()

    @property
    def grows(self) -> bool:
        """Whether the party gets more than before."""
        return self.after.rank > self.before.rank

    @property
    def when(self) -> str:
        """``always`` or ``when CONDITION``."""
        return "always" if self.condition == sop.ALWAYS else f"when {self.condition}"


class Status(StrEnum):
    """How a finding or violation differs between the versions."""

    NEW = "new"
    CLEARED = "cleared"
    CHANGED = "changed"


@dataclass(frozen=True)
class FindingChange:
    """A finding (or violated expectation) that appears, clears, or holds elsewhere."""

    status: Status
    old: Finding | None
    new: Finding | None

    @property
    def current(self) -> Finding:
        """The new version's finding, or the old one when it cleared."""
        finding = self.new or self.old
        assert finding is not None
        return finding


@dataclass(frozen=True)
class Variable:
    """A toggle or assumption that is free in one version only."""

    name: str
    kind: str
    """``toggle`` or ``assumption``."""


@dataclass(frozen=True)
class ModelDiff:
    """Everything ``diff`` reports."""

    old: Analysis
    new: Analysis
    added: tuple[Variable, ...]
    removed: tuple[Variable, ...]
    only_old: str
    """Settings only the old version allows, as a condition (``never`` when none)."""
    only_new: str
    """Settings only the new version allows."""
    common: bool
    """Whether some setting is allowed in both versions (else nothing is compared)."""
    changes: tuple[LevelChange, ...]
    findings: tuple[FindingChange, ...]
    expectations: tuple[FindingChange, ...]

    @property
    def gained(self) -> list[LevelChange]:
        """Changes that give a party more."""
        return [c for c in self.changes if c.grows]

    @property
    def lost(self) -> list[LevelChange]:
        """Changes that give a party less."""
        return [c for c in self.changes if not c.grows]

    @property
    def grows(self) -> bool:
        """Whether exposure grows anywhere (``diff --exit-code`` fails)."""
        return any(c.grows for c in self.changes)

    @property
    def empty(self) -> bool:
        """Whether nothing that ``diff`` reports changed."""
        return not (
            self.changes
            or self.findings
            or self.expectations
            or self.added
            or self.removed
            or self.only_old != sop.NEVER
            or self.only_new != sop.NEVER
        )


def _level(analysis: Analysis, party: str, datum: str, level: Level) -> Function:
    return analysis.conditions.level(party, datum, level)


def _variables(mine: Analysis, other: Analysis) -> tuple[Variable, ...]:
    extra = sorted(set(mine.space.variables) - set(other.space.variables))
    return tuple(
        Variable(name, "toggle" if name in mine.model.toggles else "assumption") for name in extra
    )


def _gain_witness(
    old: Analysis, new: Analysis, change: LevelChange, function: Function
) -> LevelChange:
    setting = example_setting(new, function)
    if setting is None:  # pragma: no cover - the change holds in an allowed setting
        return change
    result = new.result_for(setting)
    witness = witness_in(new, result, result.closure.strongest_fact(change.party, change.datum))
    if witness is None:  # pragma: no cover - the party gets the datum there
        return change
    names = sorted(set(old.space.variables) | set(new.space.variables))
    example = tuple((name, setting[name]) for name in names if name in setting)
    return LevelChange(
        change.party,
        change.datum,
        change.before,
        change.after,
        change.condition,
        example,
        witness.phrases,
        witness.lines,
    )


def level_changes(old: Analysis, new: Analysis, domain: Function) -> list[LevelChange]:
    """Every (party, datum, before, after) with the settings of ``domain`` where it occurs."""
    bdd = old.conditions.bdd
    pairs = sorted(
        set(old.conditions.pairs()) | set(new.conditions.pairs()), key=lambda p: (p[1], p[0])
    )
    changes = []
    for party, datum in pairs:
        for before in LEVELS:
            was = _level(old, party, datum, before) & domain
            if was == bdd.false:
                continue
            for after in LEVELS:
                if after is before:
                    continue
                function = was & _level(new, party, datum, after)
                if function == bdd.false:
                    continue
                condition = sop.condition_text(bdd, function, domain)
                change = LevelChange(party, datum, before, after, condition)
                if change.grows:
                    change = _gain_witness(old, new, change, function)
                changes.append(change)
    return changes


def match(
    old: Sequence[Finding], new: Sequence[Finding], domain: Function, bdd: Bdd
) -> list[FindingChange]:
    """Findings that are new, cleared, or hold in other common settings than before."""
    before = {f.identity: f for f in old}
    after = {f.identity: f for f in new}
    changes = []
    for identity in sorted(set(before) | set(after)):
        was, now = before.get(identity), after.get(identity)
        if was is None:
            changes.append(FindingChange(Status.NEW, None, now))
        elif now is None:
            changes.append(FindingChange(Status.CLEARED, was, None))
        elif _differs(bdd, was, now, domain):
            changes.append(FindingChange(Status.CHANGED, was, now))
    return changes


def _differs(bdd: Bdd, was: Finding, now: Finding, domain: Function) -> bool:
    if was.function is None or now.function is None:
        return was.condition != now.condition
    one, other = was.function, now.function
    return bool((((one & ~other) | (other & ~one)) & domain) != bdd.false)


def compare(old: LoadedModel, new: LoadedModel, mode: Mode = Mode.ALL) -> ModelDiff:
    """Analyse both versions in one manager and compare them.

    Examples
    --------
    >>> from threatmodel.load.examples import CHAT
    >>> from threatmodel.load.loader import load_text
    >>> old = load_text(CHAT, "old.yaml")
    >>> new = load_text(CHAT.replace("default: false", "default: true"), "new.yaml")
    >>> [(c.party, c.datum, c.status.value) for c in compare(old, new).changes]
    []
    """
    bdd = Bdd(())
    judged_old = assess(old, mode, max_settings=1, bdd=bdd)
    judged_new = assess(new, mode, max_settings=1, bdd=bdd)
    before, after = judged_old.analysis, judged_new.analysis
    allowed_old = before.conditions.allowed
    allowed_new = after.conditions.allowed
    domain = allowed_old & allowed_new
    either = allowed_old | allowed_new
    return ModelDiff(
        old=before,
        new=after,
        added=_variables(after, before),
        removed=_variables(before, after),
        only_old=sop.condition_text(bdd, allowed_old & ~allowed_new, either),
        only_new=sop.condition_text(bdd, allowed_new & ~allowed_old, either),
        common=domain != bdd.false,
        changes=tuple(level_changes(before, after, domain)),
        findings=tuple(match(judged_old.findings, judged_new.findings, domain, bdd)),
        expectations=tuple(match(judged_old.violations, judged_new.violations, domain, bdd)),
    )
