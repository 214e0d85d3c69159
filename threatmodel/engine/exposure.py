"""The whole analysis of one model: per-setting exposure with witnesses, exposure conditions,
expectations, toggle impact and dead toggles.  Pure: takes a loaded model, returns data.

Per-setting results come from the concrete closure (:mod:`threatmodel.engine.closure`);
conditions from the symbolic one (:mod:`threatmodel.engine.symbolic`).  Both apply the same
rule index (:meth:`threatmodel.engine.inference.Problem.consequences`), so they are two
evaluations of one encoding of R1–R8, not independent implementations: what checks them is
the reference implementation in the tests (``tests/strategies.py``), written from the SPEC
alone, which ``tests/test_properties.py`` compares with both on random models.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from threatmodel.engine import sop
from threatmodel.engine.bdd import Bdd, Function
from threatmodel.engine.closure import Closure, close
from threatmodel.engine.graph import model_edges
from threatmodel.engine.inference import Activity, Fact, Problem
from threatmodel.engine.lazy import Later, Mapped
from threatmodel.engine.nearest import closest_satisfying, nearest_allowed
from threatmodel.engine.pool import POOL, Pool, coalition_name, fixed_pool
from threatmodel.engine.space import Mode, Setting, SettingsError, Space, make_space
from threatmodel.engine.symbolic import Conditions, solve
from threatmodel.load.loader import LoadedModel
from threatmodel.load.model import Evidence, Level, Model

T = TypeVar("T")

DEFAULT_MAX_SETTINGS = 4096


@dataclass(frozen=True)
class Violation:
    """An expectation broken in one setting by one party."""

    expectation: str
    party: str
    datum: str
    level: Level
    fact: Fact
    """The fact behind ``level``, whose derivation is the witness."""
    closure: Closure = field(repr=False, compare=False)
    """The closure holding that derivation: the setting's, or for a coalition the setting's
    with the coalition's pooled reader added."""


@dataclass(frozen=True)
class SettingResult:
    """The analysis of one setting."""

    setting: Setting
    closure: Closure
    violations: tuple[Violation, ...]


@dataclass(frozen=True)
class Change:
    """One party's level for one datum, before and after a change of setting."""

    party: str
    datum: str
    before: Level
    after: Level


@dataclass(frozen=True)
class Impact:
    """What flipping one variable away from the default setting does."""

    variable: str
    value: bool
    """The value it is flipped to."""
    forced: Mapping[str, bool]
    """Other variables the constraints force to change, with their new values."""
    setting: Setting | None
    """The resulting setting; ``None`` when no allowed setting has the flipped value."""
    removes: tuple[Change, ...] = ()
    adds: tuple[Change, ...] = ()


class SettingEvaluator:
    """Per-setting closures, shared between settings that activate the same elements.

    Results asked for by name (:meth:`__call__`) are remembered: checks ask for the setting
    of each finding's witness, mostly the same few settings, and finding the active
    elements takes time linear in the model.  Results of a listing (:meth:`passing`) are
    not: each closure holds a fact per party and datum, so keeping one per listed setting
    grew with settings times model (2.3 GB for 4,096 settings of a 5,000-party model)."""

    RECENT = 16
    """Closures of a listing kept for the settings that follow it."""

    def __init__(self, space: Space, problem: Problem, pools: Mapping[str, Pool]) -> None:
        self.space = space
        self.problem = problem
        self.pools = pools
        self.cache: dict[bytes, Closure] = {}
        """Closures of the remembered results, by :attr:`Activity.key`."""
        self.results: dict[tuple[bool, ...], SettingResult] = {}
        self.recent: OrderedDict[bytes, Closure] = OrderedDict()

    def active(self, setting: Mapping[str, bool]) -> Activity:
        """The flows and accesses active in ``setting``."""
        return self.problem.active(self.space.environment(setting))

    def __call__(self, setting: Setting) -> SettingResult:
        known = self._known(setting)
        if known is not None:
            return known
        result = self._result(setting, self._closure(self.active(setting), keep=True))
        self.results[self.space.key(setting)] = result
        return result

    def passing(self, setting: Setting) -> SettingResult:
        """The analysis of ``setting``, its closure kept only among the last
        :data:`RECENT`."""
        known = self._known(setting)
        if known is not None:
            return known
        return self._result(setting, self._closure(self.active(setting), keep=False))

    def _known(self, setting: Setting) -> SettingResult | None:
        known = self.results.get(self.space.key(setting))
        return known if known is not None and known.setting == setting else None

    def _closure(self, active: Activity, *, keep: bool) -> Closure:
        """The closure of ``active``: ``keep`` it for good, or among the recent ones."""
        closure = self.cache.get(active.key)
        if closure is not None:
            return closure
        closure = self.recent.pop(active.key, None)
        if closure is None:
            closure = close(self.problem, active)
        if keep:
            self.cache[active.key] = closure
        else:
            self.recent[active.key] = closure
            if len(self.recent) > self.RECENT:
                self.recent.popitem(last=False)
        return closure

    def _result(self, setting: Setting, closure: Closure) -> SettingResult:
        violations = tuple(_violations(self.space, closure, setting, self.pools))
        return SettingResult(setting=setting, closure=closure, violations=violations)


class ConditionPrinter:
    """Condition texts, computed once per distinct function (many parties share one)."""

    def __init__(self, conditions: Conditions) -> None:
        self.conditions = conditions
        self.cache: dict[Function, str] = {}

    def __call__(self, function: Function) -> str:
        text = self.cache.get(function)
        if text is None:
            text = sop.condition_text(self.conditions.bdd, function, self.conditions.allowed)
            self.cache[function] = text
        return text


@dataclass
class Analysis:
    """Everything the reports show about one model."""

    loaded: LoadedModel
    space: Space
    problem: Problem
    deferred_conditions: Later[Conditions] = field(repr=False)
    """The exposure conditions, made when first asked for (:attr:`conditions`)."""
    listed: Sequence[Setting]
    """Every allowed setting in product order when ``complete``; else the default setting
    and the named scenarios.  Their results (:attr:`settings`) are computed when read:
    only some reports list them."""
    complete: bool
    total_settings: int
    default: SettingResult
    default_forced: Mapping[str, bool]
    """Variables changed from their defaults so that the default setting is allowed."""
    scenarios: dict[str, SettingResult]
    """Named scenarios that agree with the ``--set`` pins."""
    impacts: list[Impact]
    """Toggles first, then free assumptions, each sorted by name."""
    evaluator: SettingEvaluator = field(repr=False)
    pools: Mapping[str, Pool] = field(default_factory=dict, repr=False)
    """Expectation id → the pooled reader of its coalition, for coalition expectations."""
    _memo: dict[tuple[Hashable, ...], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def remember(self, key: tuple[Hashable, ...], make: Callable[[], T]) -> T:
        """``make()``, made once per ``key`` for this analysis.

        What reports work out once and look up again, keyed by what they ask (a tuple
        starting with a word naming the kind, so that keys of different kinds never
        meet): each element with its position, each witness, each condition's example
        setting.  In a long chain every element is a step of many findings' witnesses, and
        several checks report the same party's exposure under the same condition."""
        if key in self._memo:
            known: T = self._memo[key]
            return known
        made = self._memo[key] = make()
        return made

    @property
    def settings(self) -> Mapped[Setting, SettingResult]:
        """The analysis of each setting of :attr:`listed`, made afresh when read (see
        :meth:`SettingEvaluator.passing`)."""
        return Mapped(self.evaluator.passing, self.listed)

    @property
    def conditions(self) -> Conditions:
        """For every fact, the allowed settings in which it holds (the symbolic fixpoint,
        run when first asked for: ``render`` never asks)."""
        return self.deferred_conditions.get()

    @property
    def printer(self) -> ConditionPrinter:
        """Prints the conditions, each distinct function once."""
        return self.remember(("printer",), lambda: ConditionPrinter(self.conditions))

    @property
    def dead_toggles(self) -> list[str]:
        """Toggles that change no exposure in any allowed setting."""
        return self.remember(("dead toggles",), lambda: _dead_toggles(self.space, self.conditions))

    @property
    def condition_texts(self) -> dict[str, dict[str, dict[str, str]]]:
        """datum → party → {"plaintext": text, "ciphertext": text}.

        Printed when first asked for: with toggles, printing every condition can take
        most of an analysis, and only the reports that list them (``analyze``, ``report``)
        need them all; ``explain``, ``render`` or ``coalitions`` print a few or none."""
        return self.remember(
            ("condition texts",),
            lambda: _condition_texts(self.problem, self.conditions, self.printer),
        )

    @property
    def expectation_texts(self) -> dict[str, dict[str, str]]:
        """expectation → party → condition under which that party violates it (printed
        when first asked for, as :attr:`condition_texts`)."""
        return self.remember(
            ("expectation texts",),
            lambda: _expectation_texts(self.space, self.conditions, self.pools, self.printer),
        )

    @property
    def model(self) -> Model:
        """The model analysed."""
        return self.loaded.model

    @property
    def min_evidence(self) -> Evidence | None:
        """The weakest evidence counted (``--min-evidence``); ``None``: every derivation."""
        return self.problem.min_evidence

    def result_for(self, setting: Mapping[str, bool]) -> SettingResult:
        """The analysis of any allowed setting (computed on demand)."""
        return self.evaluator(dict(setting))

    def condition_text(self, function: Function) -> str:
        """A function over the variables as a condition on the allowed settings."""
        return self.printer(function)

    def subject_at_least(self, expectation_id: str, party: str, level: Level) -> Function:
        """Settings in which ``party`` — one of :func:`expectation_parties` — gets at least
        ``level`` of the expectation's datum."""
        return _subject_at_least(
            self.conditions, self.pools, self.model, expectation_id, party, level
        )


def change_texts(changes: Iterable[Change]) -> list[str]:
    """``servers: dm_text, ai_prompt plaintext → none``, one line per party and change."""
    grouped: dict[tuple[str, Level, Level], list[str]] = {}
    for change in changes:
        grouped.setdefault((change.party, change.before, change.after), []).append(change.datum)
    return [
        f"{party}: {', '.join(sorted(data))} {before.value} → {after.value}"
        for (party, before, after), data in sorted(
            grouped.items(), key=lambda item: (item[0][0], -item[0][1].rank, -item[0][2].rank)
        )
    ]


def graded_conditions(analysis: Analysis) -> dict[Evidence, Conditions]:
    """For each tier stronger than the weakest counted, the conditions counting only the
    derivations at that tier or stronger (the analysis' own conditions count the rest)."""
    weakest = analysis.min_evidence or Evidence.UNSOURCED
    edges = analysis.problem.edges
    graded: dict[Evidence, Conditions] = {}
    for tier in Evidence:
        if tier.rank >= weakest.rank:
            break
        problem = Problem(analysis.model, edges, tier)
        conditions = analysis.conditions
        graded[tier] = solve(problem, analysis.space, conditions.bdd, conditions.allowed)
    return graded


def level_evidence(closure: Closure, party: str, datum: str) -> Evidence | None:
    """The evidence of the fact behind ``party``'s level for ``datum`` (``None`` at none)."""
    fact = closure.strongest_fact(party, datum)
    return None if fact is None else Evidence.of_rank(closure.tiers[fact])


def example_setting(analysis: Analysis, function: Function) -> Setting | None:
    """An allowed setting in ``function``, as close to the default setting as found (once
    per function: many findings share one condition)."""

    def find() -> Setting | None:
        bdd = analysis.conditions.bdd
        target = function & analysis.conditions.allowed
        if target == bdd.false:
            return None
        variables = analysis.space.variables
        return closest_satisfying(bdd, target, variables, analysis.default.setting)[0]

    setting = analysis.remember(("example", function), find)
    return None if setting is None else dict(setting)


def expectation_parties(model: Model, expectation_id: str) -> list[str]:
    """The parties an expectation constrains: its party, everyone inside its boundary, or
    its coalition as one reader, named by the ids it lists (:func:`coalition_name`)."""
    expectation = model.expectations[expectation_id]
    if expectation.party is not None:
        return [expectation.party]
    if expectation.coalition is not None:
        return [coalition_name(expectation.coalition)]
    inside = boundary_members(model, expectation.boundary or "")
    return sorted(inside)


def coalition_members(model: Model, expectation_id: str) -> list[str]:
    """The parties of a coalition expectation: those it names and those inside the
    boundaries it names, sorted."""
    members: set[str] = set()
    for member in model.expectations[expectation_id].coalition or ():
        members |= {member} if member in model.parties else boundary_members(model, member)
    return sorted(members)


def _subject_at_least(
    conditions: Conditions,
    pools: Mapping[str, Pool],
    model: Model,
    expectation_id: str,
    party: str,
    level: Level,
) -> Function:
    datum = model.expectations[expectation_id].data
    pool = pools.get(expectation_id)
    if pool is not None:
        return pool.conditions.at_least(POOL, datum, level)
    return conditions.at_least(party, datum, level)


def boundary_members(model: Model, boundary: str) -> set[str]:
    """Parties in ``boundary`` or in any boundary nested inside it."""
    nested = {boundary}
    grown = True
    while grown:  # boundaries nest a few levels deep: one pass per level
        grown = False
        for name, element in model.boundaries.items():
            if element.parent in nested and name not in nested:
                nested.add(name)
                grown = True
    return {p for p, party in model.parties.items() if party.boundary in nested}


def _violations(
    space: Space, closure: Closure, setting: Mapping[str, bool], pools: Mapping[str, Pool]
) -> list[Violation]:
    model = space.model
    environment = space.environment(setting)
    found = []
    for expectation_id in sorted(model.expectations):
        expectation = model.expectations[expectation_id]
        if not expectation.when.evaluate(environment):
            continue
        pool = pools.get(expectation_id)
        for party in expectation_parties(model, expectation_id):
            reader, facts = (party, closure) if pool is None else (POOL, pool.closure(closure))
            level = facts.level(reader, expectation.data)
            if level.rank > expectation.allow.rank:
                fact = facts.strongest_fact(reader, expectation.data)
                assert fact is not None
                found.append(Violation(expectation_id, party, expectation.data, level, fact, facts))
    return found


def analyze(
    loaded: LoadedModel,
    mode: Mode = Mode.ALL,
    overrides: Mapping[str, bool] | None = None,
    max_settings: int = DEFAULT_MAX_SETTINGS,
    progress: Callable[[int], None] | None = None,
    *,
    bdd: Bdd | None = None,
    min_evidence: Evidence | None = None,
    symbolic: bool = True,
) -> Analysis:
    """Analyse a loaded model; raise :class:`SettingsError` for impossible ``--set`` pins.

    ``bdd``: a manager to build the conditions in (its variables are declared in it), so
    that two analyses can be compared; by default a fresh one.  ``min_evidence``: count
    only derivations at that evidence tier or stronger.  ``symbolic=False`` leaves the
    exposure conditions to be computed when first asked for: a report of chosen settings
    (diagrams) needs none, and then a model whose conditions are too large to compute is
    drawn all the same.

    Examples
    --------
    >>> from threatmodel.load.examples import chat
    >>> analysis = analyze(chat())
    >>> analysis.condition_texts["message"]["server"]
    {'plaintext': 'not e2ee', 'ciphertext': 'e2ee'}
    >>> analysis.default.closure.exposure("message")
    (['alice', 'server'], [])
    >>> [dict(result.setting) for result in analysis.settings]
    [{'e2ee': False}, {'e2ee': True}]
    """
    model = loaded.model
    space = make_space(model, mode, overrides)
    problem = Problem(model, model_edges(model), min_evidence)
    if bdd is None:
        bdd = space.bdd()
    else:
        bdd.declare(space.order)
    allowed = space.allowed(bdd)
    if allowed == bdd.false:
        pins = ", ".join(f"{k}={str(v).lower()}" for k, v in sorted(space.pinned.items()))
        raise SettingsError(f"no allowed setting has {pins}: the constraints exclude it")
    conditions = Later(lambda: solve(problem, space, bdd, allowed, progress))
    if symbolic:
        conditions.get()
    pools = {
        expectation_id: fixed_pool(
            model, coalition_members(model, expectation_id), space, bdd, conditions
        )
        for expectation_id, expectation in sorted(model.expectations.items())
        if expectation.coalition is not None
    }
    evaluator = SettingEvaluator(space, problem, pools)

    nearest = nearest_allowed(space, space.default(), space.pinned)
    if nearest is None:
        nearest = closest_satisfying(bdd, allowed, space.variables, space.default())
    default_setting, default_forced = nearest
    default = evaluator(default_setting)
    total = bdd.count(allowed, space.variables)
    enumerated = space.enumerate(bdd, allowed, max_settings)
    scenarios = {}
    for scenario_id in sorted(model.scenarios):
        setting = space.scenario(scenario_id)
        if space.is_allowed(setting):
            scenarios[scenario_id] = evaluator(setting)
    listed: Sequence[Setting]
    if enumerated is not None:
        listed = enumerated
    else:
        chosen = {space.key(default.setting): default.setting}
        for result in scenarios.values():
            chosen.setdefault(space.key(result.setting), result.setting)
        listed = [chosen[key] for key in sorted(chosen)]
    impacts = _impacts(space, evaluator, default)
    analysis = Analysis(
        loaded=loaded,
        space=space,
        problem=problem,
        deferred_conditions=conditions,
        listed=listed,
        complete=enumerated is not None,
        total_settings=total,
        default=default,
        default_forced=default_forced,
        scenarios=scenarios,
        impacts=impacts,
        evaluator=evaluator,
        pools=pools,
    )
    if symbolic:  # a limit passed stops the analysis here, not in the middle of a report
        for pool in pools.values():
            pool.deferred_conditions.get()
    return analysis


def _changes(
    problem: Problem, before: Closure, after: Closure
) -> tuple[list[Change], list[Change]]:
    removes: list[Change] = []
    adds: list[Change] = []
    parties = frozenset(problem.parties)
    for datum in problem.data:
        touched = set().union(
            *(
                holders.get(datum, ())
                for holders in (before.readers, before.sealed, after.readers, after.sealed)
            )
        )
        for party in sorted(touched & parties):  # only these can have changed
            old, new = before.level(party, datum), after.level(party, datum)
            if old is new:
                continue
            change = Change(party, datum, old, new)
            (removes if new.rank < old.rank else adds).append(change)
    return removes, adds


def _impacts(space: Space, evaluator: SettingEvaluator, default: SettingResult) -> list[Impact]:
    model = space.model
    toggles = [v for v in space.variables if v in model.toggles]
    assumptions = [v for v in space.variables if v not in model.toggles]
    impacts = []
    for variable in toggles + assumptions:
        if variable in space.pinned:
            continue
        flipped = dict(default.setting)
        flipped[variable] = not flipped[variable]
        found = nearest_allowed(space, flipped, [variable])
        if found is None:
            impacts.append(Impact(variable, flipped[variable], {}, None))
            continue
        setting, forced = found
        result = evaluator.passing(setting)
        removes, adds = _changes(evaluator.problem, default.closure, result.closure)
        impacts.append(
            Impact(variable, flipped[variable], forced, setting, tuple(removes), tuple(adds))
        )
    return impacts


def _dead_toggles(space: Space, conditions: Conditions) -> list[str]:
    """Toggles whose flip, between two allowed settings, changes no party's level."""
    bdd = conditions.bdd
    functions = set(conditions.plain.values()) | set(conditions.sealed.values())
    depending: dict[str, list[Function]] = {}
    for function in functions:
        for name in bdd.support(function):
            depending.setdefault(name, []).append(function)
    dead = []
    for toggle in sorted(space.model.toggles):
        if toggle in space.pinned:
            continue
        both = bdd.restrict(conditions.allowed, {toggle: False}) & bdd.restrict(
            conditions.allowed, {toggle: True}
        )
        if both == bdd.false or not any(
            _differs(bdd, function, toggle, both) for function in depending.get(toggle, ())
        ):
            dead.append(toggle)
    return dead


def _differs(bdd: Bdd, function: Function, name: str, where: Function) -> bool:
    """Whether flipping ``name`` changes ``function`` somewhere in ``where``."""
    low = bdd.restrict(function, {name: False})
    high = bdd.restrict(function, {name: True})
    return bool((((low & ~high) | (high & ~low)) & where) != bdd.false)


def _condition_texts(
    problem: Problem, conditions: Conditions, printer: ConditionPrinter
) -> dict[str, dict[str, dict[str, str]]]:
    exposed = set(conditions.pairs())
    unexposed = {Level.PLAINTEXT.value: sop.NEVER, Level.CIPHERTEXT.value: sop.NEVER}
    texts: dict[str, dict[str, dict[str, str]]] = {}
    for datum in problem.data:
        texts[datum] = {
            party: {
                level.value: printer(conditions.level(party, datum, level))
                for level in (Level.PLAINTEXT, Level.CIPHERTEXT)
            }
            if (party, datum) in exposed
            else dict(unexposed)
            for party in problem.parties
        }
    return texts


def _expectation_texts(
    space: Space, conditions: Conditions, pools: Mapping[str, Pool], printer: ConditionPrinter
) -> dict[str, dict[str, str]]:
    bdd = conditions.bdd
    model = space.model
    texts: dict[str, dict[str, str]] = {}
    for expectation_id in sorted(model.expectations):
        expectation = model.expectations[expectation_id]
        when = space.compile(bdd, expectation.when)
        above = Level.CIPHERTEXT if expectation.allow is Level.NONE else Level.PLAINTEXT
        per_party = {}
        for party in expectation_parties(model, expectation_id):
            if expectation.allow is Level.PLAINTEXT:
                violated = bdd.false
            else:
                violated = when & _subject_at_least(
                    conditions, pools, model, expectation_id, party, above
                )
            per_party[party] = printer(violated)
        texts[expectation_id] = per_party
    return texts
