"""Property tests: the analysis against a reference written from SPEC sections 3-4 alone.

The reference below knows nothing of the package's engines: it enumerates the allowed
settings with ``itertools.product``, computes each setting's least fixpoint of R1-R8 by
naive full sweeps, and minimal derivation sizes by Bellman-Ford relaxation.  Random valid
models (:mod:`strategies`) are then analysed by the package and every answer compared:
settings, exposure, violations, exposure and expectation conditions (with both BDD
backends), witnesses, monotonicity, agreement of the report formats, the loader's
behaviour on malformed input, and the covers behind the printed conditions.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from strategies import (
    Access,
    Flow,
    ModelSpec,
    extra_accesses,
    extra_flows,
    holds,
    model_specs,
)
from threatmodel.assessment import judge
from threatmodel.checks import compelled_disclosure
from threatmodel.engine import sop
from threatmodel.engine.bdd import Bdd
from threatmodel.engine.consistency import load_file, load_text
from threatmodel.engine.exposure import Analysis, analyze
from threatmodel.engine.graph import model_edges
from threatmodel.engine.inference import Problem
from threatmodel.engine.space import Mode, SettingsError
from threatmodel.engine.symbolic import solve
from threatmodel.load.diagnostics import ModelError
from threatmodel.load.expr import parse
from threatmodel.load.loader import LoadedModel
from threatmodel.report.analyze import WRITERS
from threatmodel.report.analyze.json_format import document

SCALE = float(os.environ.get("THREATMODEL_PROPERTY_SCALE", "1"))
"""Multiplies every test's number of examples: ``THREATMODEL_PROPERTY_SCALE=20 pytest
tests/test_properties.py`` searches far longer than the default run.  The default run is
deterministic; a scaled one draws new examples each time (``--hypothesis-seed=N`` repeats
one)."""
PROFILE = settings(
    derandomize=SCALE == 1,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PATH = "random.yaml"


def examples(count: int) -> int:
    return max(1, round(count * SCALE))


BACKENDS = ("autoref", "cudd")

Fact = tuple[str, ...]
Setting = dict[str, bool]
RANK = {"none": 0, "ciphertext": 1, "plaintext": 2}


# ============================================================ the reference (SPEC 3-4)


class Impossible(Exception):
    """The pins contradict a verified/refuted assumption, or no setting is allowed."""


@dataclass(frozen=True)
class Instance:
    """A ground rule application: ``premises`` give ``conclusion``."""

    rule: int
    element: str
    conclusion: Fact
    premises: frozenset[Fact]


class Reference:
    """SPEC sections 3 and 4, computed the slow, obvious way."""

    def __init__(self, spec: ModelSpec, mode: Mode, pins: Mapping[str, bool]) -> None:
        self.spec = spec
        constants: dict[str, bool] = {}
        free: list[str] = []
        for name, status in spec.assumptions.items():
            if status in ("verified", "refuted"):
                constants[name] = status == "verified"
            elif mode is Mode.ALL:
                free.append(name)
            else:
                constants[name] = mode is Mode.OPTIMISTIC
        self.variables = sorted([*spec.toggles, *free])
        pinned: dict[str, bool] = {}
        for name, value in pins.items():
            if name in self.variables:
                pinned[name] = value
            elif spec.assumptions[name] in ("verified", "refuted"):
                if constants[name] != value:
                    raise Impossible(name)
            else:
                constants[name] = value
        self.constants = constants
        self.settings: list[Setting] = []
        for values in itertools.product([False, True], repeat=len(self.variables)):
            setting = dict(zip(self.variables, values, strict=True))
            if any(setting[name] != value for name, value in pinned.items()):
                continue
            environment = self.environment(setting)
            if all(holds(c, environment) for c in spec.constraints.values()):
                self.settings.append(setting)
        if not self.settings:
            raise Impossible("no allowed setting")
        self._facts: dict[tuple[tuple[str, bool], ...], frozenset[Fact]] = {}

    def environment(self, setting: Mapping[str, bool]) -> dict[str, bool]:
        return {**self.constants, **setting}

    def active(self, setting: Mapping[str, bool]) -> set[str]:
        """Flows whose ``when`` holds; accesses whose ``when`` and source's ``retains`` do."""
        environment = self.environment(setting)
        found = {
            f
            for f, flow in self.spec.flows.items()
            if flow.when is None or holds(flow.when, environment)
        }
        for x, access in self.spec.access.items():
            retains = self.spec.parties[access.source].retains
            if (access.when is None or holds(access.when, environment)) and (
                retains is None or holds(retains, environment)
            ):
                found.add(x)
        return found

    # ---------------------------------------------------------------- the rules

    def instances(self, setting: Mapping[str, bool], facts: frozenset[Fact]) -> list[Instance]:
        """Every rule application whose premises are all in ``facts``, in ``setting``."""
        spec = self.spec
        environment = self.environment(setting)
        found: list[Instance] = []

        def add(rule: int, element: str, conclusion: Fact, *premises: Fact) -> None:
            found.append(Instance(rule, element, conclusion, frozenset(premises)))

        def ciphers(party: str, datum: str) -> list[str]:
            return sorted(
                f[3] for f in facts if f[0] == "cipher" and f[1] == party and f[2] == datum
            )

        for d, datum in spec.data.items():  # R1
            for p in set(datum.origin):
                inputs = [("plain", p, i) for i in datum.derived_from]
                if all(i in facts for i in inputs):
                    add(1, d, ("plain", p, d), *inputs)
        for k, holders in spec.keys.items():  # R2
            for p in set(holders):
                add(2, k, ("plain", p, k))
        for f, flow in spec.flows.items():
            if flow.when is not None and not holds(flow.when, environment):
                continue
            a, b = flow.sender, flow.receiver
            for d in set(flow.data):
                if ("plain", a, d) in facts:
                    if flow.level == "end_to_end":  # R4
                        add(4, f, ("cipher", b, d, str(flow.protection)), ("plain", a, d))
                    else:  # R3
                        add(3, f, ("plain", b, d), ("plain", a, d))
                for k in ciphers(a, d):  # R5
                    add(5, f, ("cipher", b, d, k), ("cipher", a, d, k))
                if flow.level == "transport":
                    continue
                for o in set(flow.observers):  # R7
                    if ("plain", a, d) in facts:
                        seen = (
                            ("plain", o, d)
                            if flow.level == "none"
                            else ("cipher", o, d, str(flow.protection))
                        )
                        add(7, f, seen, ("plain", a, d))
                    for k in ciphers(a, d):
                        add(7, f, ("cipher", o, d, k), ("cipher", a, d, k))
        for fact in facts:  # R6
            if fact[0] == "cipher" and ("plain", fact[1], fact[3]) in facts:
                add(6, fact[3], ("plain", fact[1], fact[2]), fact, ("plain", fact[1], fact[3]))
        for x, access in spec.access.items():  # R8
            if access.when is not None and not holds(access.when, environment):
                continue
            retains = spec.parties[access.source].retains
            if retains is not None and not holds(retains, environment):
                continue
            scope = access.data if access.data is not None else spec.datum_ids
            for d in set(scope):
                if ("plain", access.source, d) in facts:
                    add(8, x, ("plain", access.party, d), ("plain", access.source, d))
                for k in ciphers(access.source, d):
                    add(8, x, ("cipher", access.party, d, k), ("cipher", access.source, d, k))
        return found

    def facts(self, setting: Mapping[str, bool]) -> frozenset[Fact]:
        """The least fixpoint: sweep every rule until nothing new appears."""
        key = tuple(sorted(self.environment(setting).items()))
        cached = self._facts.get(key)
        if cached is not None:
            return cached
        facts: frozenset[Fact] = frozenset()
        while True:
            new = facts | {i.conclusion for i in self.instances(setting, facts)}
            if new == facts:
                break
            facts = new
        self._facts[key] = facts
        return facts

    def level(self, setting: Mapping[str, bool], party: str, datum: str) -> str:
        facts = self.facts(setting)
        if ("plain", party, datum) in facts:
            return "plaintext"
        if any(f[0] == "cipher" and f[1] == party and f[2] == datum for f in facts):
            return "ciphertext"
        return "none"

    def exposure(self, setting: Mapping[str, bool]) -> dict[str, dict[str, list[str]]]:
        result = {}
        for d in self.spec.datum_ids:
            levels = {p: self.level(setting, p, d) for p in self.spec.parties}
            result[d] = {
                "plaintext": sorted(p for p, lv in levels.items() if lv == "plaintext"),
                "ciphertext": sorted(p for p, lv in levels.items() if lv == "ciphertext"),
            }
        return result

    def members(self, boundary: str) -> list[str]:
        inside = {boundary}
        while True:
            more = {b for b, parent in self.spec.boundaries.items() if parent in inside}
            if more <= inside:
                break
            inside |= more
        return sorted(p for p, party in self.spec.parties.items() if party.boundary in inside)

    def subjects(self, expectation_id: str) -> list[str]:
        expectation = self.spec.expectations[expectation_id]
        if expectation.party is not None:
            return [expectation.party]
        assert expectation.boundary is not None
        return self.members(expectation.boundary)

    def violated(self, setting: Mapping[str, bool], expectation_id: str, party: str) -> bool:
        expectation = self.spec.expectations[expectation_id]
        if expectation.when is not None and not holds(expectation.when, self.environment(setting)):
            return False
        level = self.level(setting, party, expectation.data)
        return RANK[level] > RANK[expectation.allow or "none"]

    def violations(self, setting: Mapping[str, bool]) -> list[tuple[str, str, str, str]]:
        return [
            (e, p, self.spec.expectations[e].data, self.level(setting, p, expectation.data))
            for e, expectation in sorted(self.spec.expectations.items())
            for p in self.subjects(e)
            if self.violated(setting, e, p)
        ]

    def costs(self, setting: Mapping[str, bool]) -> dict[Fact, int]:
        """Fewest rule applications deriving each fact (tree size), by relaxation."""
        instances = self.instances(setting, self.facts(setting))
        cost: dict[Fact, int] = {}
        changed = True
        while changed:
            changed = False
            for instance in instances:
                if all(p in cost for p in instance.premises):
                    total = 1 + sum(cost[p] for p in instance.premises)
                    if total < cost.get(instance.conclusion, total + 1):
                        cost[instance.conclusion] = total
                        changed = True
        return cost


# ================================================================= shared helpers


def load(spec: ModelSpec) -> LoadedModel:
    text = spec.to_yaml()
    note(text)
    return load_text(text, PATH)


@cache
def _formula(text: str) -> Any:
    return parse(text)


def truth(condition: str, setting: Mapping[str, bool]) -> bool:
    """Whether a printed condition holds in ``setting``."""
    if condition == "always":
        return True
    if condition == "never":
        return False
    return bool(_formula(condition).evaluate(setting))


@st.composite
def cases(draw: st.DrawFn) -> tuple[ModelSpec, Mode, dict[str, bool]]:
    """A model, an assumption mode and random ``--set`` pins."""
    spec = draw(model_specs())
    mode = draw(st.sampled_from(list(Mode)))
    names = sorted([*spec.toggles, *spec.assumptions])
    pinned = draw(st.lists(st.sampled_from(names), unique=True, max_size=2)) if names else []
    return spec, mode, {name: draw(st.booleans()) for name in pinned}


def analyse(
    loaded: LoadedModel, mode: Mode = Mode.ALL, pins: Mapping[str, bool] | None = None
) -> Analysis:
    return analyze(loaded, mode, dict(pins or {}))


# ================================================== 2. agreement with the reference


@pytest.mark.parametrize("backend", BACKENDS)
@settings(PROFILE, max_examples=examples(200))
@given(case=cases())
def test_analysis_agrees_with_reference(
    backend: str, case: tuple[ModelSpec, Mode, dict[str, bool]]
) -> None:
    spec, mode, pins = case
    note(f"mode={mode.value} pins={pins}")
    loaded = load(spec)
    try:
        reference: Reference | None = Reference(spec, mode, pins)
    except Impossible:
        reference = None
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THREATMODEL_BDD", backend)
        if reference is None:
            with pytest.raises(SettingsError):
                analyse(loaded, mode, pins)
            return
        analysis = analyse(loaded, mode, pins)
    assert analysis.conditions.bdd.backend == backend
    doc = document(judge(analysis))

    assert doc["variables"] == reference.variables
    assert doc["settings_complete"] is True
    assert doc["settings_total"] == len(reference.settings)
    assert [s["values"] for s in doc["settings"]] == reference.settings
    for entry, setting in zip(doc["settings"], reference.settings, strict=True):
        environment = reference.environment(setting)
        assert analysis.problem.active(environment) == reference.active(setting), setting
        levels = {
            d: {k: v[k] for k in ("plaintext", "ciphertext")} for d, v in entry["exposure"].items()
        }
        assert levels == reference.exposure(setting), setting
        found = [(v["expectation"], v["party"], v["data"], v["level"]) for v in entry["violations"]]
        assert found == reference.violations(setting), setting

    conditions = doc["conditions"]
    assert sorted(conditions) == spec.datum_ids
    for datum in spec.datum_ids:
        assert set(conditions[datum]) <= set(spec.parties)
        for party in spec.parties:
            texts = conditions[datum].get(party)
            for setting in reference.settings:
                level = reference.level(setting, party, datum)
                if texts is None:
                    assert level == "none", (datum, party, setting)
                    continue
                for shown in ("plaintext", "ciphertext"):
                    assert truth(texts[shown], setting) == (level == shown), (
                        datum,
                        party,
                        shown,
                        texts[shown],
                        setting,
                    )

    for expectation_id, per_party in doc["expectations"].items():
        assert sorted(per_party) == reference.subjects(expectation_id)
        for party, text in per_party.items():
            for setting in reference.settings:
                expected = reference.violated(setting, expectation_id, party)
                assert truth(text, setting) == expected, (expectation_id, party, text, setting)


# ========================================================== 3. monotonicity


@st.composite
def extensions(draw: st.DrawFn) -> tuple[ModelSpec, ModelSpec]:
    """A model and the same model with one more flow, access or observer."""
    spec = draw(model_specs(max_flows=8))
    bigger = spec.copy()
    what = draw(st.sampled_from(("flow", "access", "observer")))
    if what == "observer" and bigger.flows:
        flow_id = draw(st.sampled_from(sorted(bigger.flows)))
        party = draw(st.sampled_from(sorted(bigger.parties)))
        flow = bigger.flows[flow_id]
        if party not in flow.observers:
            flow.observers.append(party)
    elif what == "access":
        extra: Access = draw(extra_accesses(bigger))
        bigger.access[f"x{len(bigger.access)}"] = extra
    else:
        flow_extra: Flow = draw(extra_flows(bigger))
        bigger.flows[f"f{len(bigger.flows)}"] = flow_extra
    return spec, bigger


@settings(PROFILE, max_examples=examples(100))
@given(pair=extensions())
def test_adding_a_flow_access_or_observer_never_removes_exposure(
    pair: tuple[ModelSpec, ModelSpec],
) -> None:
    smaller, bigger = pair
    before = document(judge(analyse(load(smaller))))
    after = document(judge(analyse(load(bigger))))
    assert [s["values"] for s in before["settings"]] == [s["values"] for s in after["settings"]]
    for old, new in zip(before["settings"], after["settings"], strict=True):
        for datum, levels in old["exposure"].items():
            grown = new["exposure"][datum]
            assert set(levels["plaintext"]) <= set(grown["plaintext"]), (datum, old["values"])
            assert set(levels["plaintext"]) | set(levels["ciphertext"]) <= set(
                grown["plaintext"]
            ) | set(grown["ciphertext"]), (datum, old["values"])


# ============================================================== 4. witnesses

GUARDED_RULES = {3, 4, 5, 7, 8}


def check_derivation(
    steps: Sequence[Any], fact: Fact, valid: set[Instance], minimal: Mapping[Fact, int]
) -> None:
    """Each step a valid rule application on facts derived before it; ends with ``fact``;
    its tree size is the fewest rule applications that derive ``fact``."""
    assert steps, fact
    size: dict[Fact, int] = {}
    for step in steps:
        instance = Instance(
            int(step.rule), step.element, tuple(step.conclusion), frozenset(step.premises)
        )
        assert instance in valid, f"not a rule application in this setting: {step}"
        assert step.guard == (step.element if instance.rule in GUARDED_RULES else None), step
        assert all(premise in size for premise in step.premises), f"premise not derived: {step}"
        assert step.conclusion not in size, f"derived twice: {step}"
        size[step.conclusion] = 1 + sum(size[premise] for premise in step.premises)
    assert steps[-1].conclusion == fact
    assert size[fact] == minimal[fact], (fact, size[fact], minimal[fact])


@settings(PROFILE, max_examples=examples(150))
@given(spec=model_specs(), choice=st.randoms(use_true_random=False))
def test_witnesses_are_minimal_valid_derivations(spec: ModelSpec, choice: Any) -> None:
    analysis = analyse(load(spec))
    reference = Reference(spec, Mode.ALL, {})
    listed = analysis.settings
    sampled = set(choice.sample(range(len(listed)), min(4, len(listed))))
    for index, result in enumerate(listed):
        setting = result.setting
        facts = reference.facts(setting)
        checked = index in sampled or bool(result.violations)
        if not checked:
            continue
        valid = set(reference.instances(setting, facts))
        minimal = reference.costs(setting)
        closure = result.closure
        assert set(closure.costs) == facts, setting
        for violation in result.violations:
            assert violation.level.value == reference.level(
                setting, violation.party, violation.datum
            )
            assert violation.fact[1:3] == (violation.party, violation.datum)
            assert (violation.fact[0] == "plain") == (violation.level.value == "plaintext")
            check_derivation(closure.derivation(violation.fact), violation.fact, valid, minimal)
        if id(result) in sampled:
            for fact in sorted(facts):
                check_derivation(closure.derivation(fact), fact, valid, minimal)


@settings(PROFILE, max_examples=examples(150))
@given(spec=model_specs(), choice=st.randoms(use_true_random=False))
def test_fixpoint_without_some_accesses_reuses_only_what_cannot_change(
    spec: ModelSpec, choice: Any
) -> None:
    """TM002's second fixpoint derives only the parties downstream of the removed
    accesses; it must equal the fixpoint of the pruned model computed from scratch."""
    analysis = analyse(load(spec))
    model = analysis.model
    removed = {a for a in sorted(model.access) if choice.random() < 0.5}
    partial = compelled_disclosure._without(analysis, removed)
    pruned = model.model_copy(
        update={"access": {k: v for k, v in model.access.items() if k not in removed}}
    )
    conditions = analysis.conditions
    full = solve(
        Problem(pruned, model_edges(pruned)), analysis.space, conditions.bdd, conditions.allowed
    )
    assert {k: v for k, v in partial.facts.items() if v != conditions.bdd.false} == {
        k: v for k, v in full.facts.items() if v != conditions.bdd.false
    }


# ============================================== 5. text, JSON and markdown agree


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _text_matrix(text: str) -> dict[tuple[str, str], str]:
    lines = text.splitlines()
    start = lines.index("DEFAULT SETTING")
    cells: dict[tuple[str, str], str] = {}
    index = start + 1
    while index < len(lines):
        if not lines[index].startswith("  party "):
            if cells and lines[index] and not lines[index].startswith(" "):
                break
            index += 1
            continue
        data = lines[index].split()[1:]
        index += 1
        while index < len(lines) and lines[index].strip():
            party, *row = lines[index].split()
            if party == "✗":
                break
            cells.update(((party, d), cell) for d, cell in zip(data, row, strict=True))
            index += 1
    return cells


def _markdown_rows(markdown: str, header: str) -> list[list[str]]:
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return [lines[start].strip("|").split(" | "), *rows]


def _uncode(cell: str) -> str:
    return cell.strip().strip("`")


@settings(PROFILE, max_examples=examples(100))
@given(spec=model_specs())
def test_text_json_and_markdown_agree(spec: ModelSpec) -> None:
    assessment = judge(analyse(load(spec)))
    doc = document(assessment)
    text = WRITERS["text"](assessment)
    markdown = WRITERS["markdown"](assessment)
    flat = _collapse(text)

    table = _markdown_rows(markdown, "| datum | parties |")[1:]
    shown: dict[tuple[str, str], tuple[str, str]] = {}
    for datum, parties, plaintext, ciphertext in table:
        if parties == "nobody ever has it":
            levels = doc["conditions"].get(_uncode(datum), {}).values()
            assert all(texts == {"plaintext": "never", "ciphertext": "never"} for texts in levels)
            continue
        for party in parties.split(", "):
            shown[(_uncode(datum), party)] = (_uncode(plaintext), _uncode(ciphertext))
    for datum, per_party in doc["conditions"].items():
        for party, texts in per_party.items():
            pair = (texts["plaintext"], texts["ciphertext"])
            if pair == ("never", "never"):
                assert (datum, party) not in shown
                continue
            assert shown[(datum, party)] == pair
            if pair[0] != "never":
                phrase = "always" if pair[0] == "always" else f"when {pair[0]}"
                assert f"plaintext {phrase}" in flat, (datum, party, pair)
            if pair[1] != "never":
                phrase = "always" if pair[1] == "always" else f"when {pair[1]}"
                assert f"ciphertext only {phrase}" in flat, (datum, party, pair)
    for finding in doc["findings"]:
        assert finding["condition"] in flat
        assert finding["condition"] in markdown

    default = next(s for s in doc["settings"] if "default" in s["labels"])
    assert default["values"] == doc["default"]["values"]
    expected = {}
    for datum, levels in default["exposure"].items():
        for party in spec.parties:
            expected[(party, datum)] = (
                "plaintext"
                if party in levels["plaintext"]
                else "ciphertext"
                if party in levels["ciphertext"]
                else "—"
            )
    assert _text_matrix(text) == expected
    matrix = _markdown_rows(markdown, "| party | ")
    data = [_uncode(cell) for cell in matrix[0][1:]]
    from_markdown = {
        (row[0], datum): cell
        for row in matrix[1:]
        for datum, cell in zip(data, row[1:], strict=True)
    }
    assert from_markdown == expected


# ======================================================== 6. loader robustness

DIAGNOSTIC = re.compile(r"^(.+):(\d+):(\d+): error: \S.*$", re.DOTALL)
BAD_SNIPPETS = (
    "[" * 80 + "]" * 80,
    "{a: " * 70 + "1" + "}" * 70,
    "&a [x, y]",
    "*a",
    "!!python/object:os.system ls",
    "on",
    "1e3",
    "yes",
    "null",
    "- x",
    "{end_to_end: nope}",
    "\t",
    "'unterminated",
    "ü∂😀\u2028\u0085",
    "not (",
    "true and",
    "~",
    ":",
    "? [a]\n: b",
    "\ufeff",
)


@st.composite
def mutants(draw: st.DrawFn) -> str:
    """A valid model's text, damaged a few times."""
    lines = draw(model_specs(max_parties=4, max_flows=4)).to_yaml().splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            lines = [""]
        index = draw(st.integers(0, len(lines) - 1))
        how = draw(
            st.sampled_from(("delete", "duplicate", "swap", "insert", "replace", "indent", "cut"))
        )
        line = lines[index]
        if how == "delete":
            del lines[index]
        elif how == "duplicate":
            lines.insert(index, line)
        elif how == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            head, sep, _ = line.partition(": ")
            _, other_sep, other_value = lines[other].partition(": ")
            if sep and other_sep:
                lines[index] = f"{head}: {other_value}"
        elif how == "insert":
            at = draw(st.integers(0, len(line)))
            junk = draw(st.sampled_from(BAD_SNIPPETS) | st.text(max_size=6))
            lines[index] = line[:at] + junk + line[at:]
        elif how == "replace":
            head, sep, _ = line.partition(": ")
            if sep:
                lines[index] = f"{head}: {draw(st.sampled_from(BAD_SNIPPETS))}"
        elif how == "indent":
            lines[index] = " " * draw(st.integers(0, 5)) + line.lstrip()
        else:
            lines = lines[:index]
    return "\n".join(lines) + draw(st.sampled_from(("\n", "", "\r\n")))


def _check_outcome(text: str, path: str, load_it: Callable[[], LoadedModel]) -> LoadedModel | None:
    """Either a model, or a ``ModelError`` whose every line is ``PATH:LINE:COL: error: ...``
    with a line inside the file."""
    try:
        loaded: LoadedModel = load_it()
    except ModelError as exc:
        assert exc.diagnostics
        bound = len(text.splitlines()) + 1
        for diagnostic in exc.diagnostics:
            rendered = str(diagnostic)
            match = DIAGNOSTIC.match(rendered)
            assert match, rendered
            assert len(rendered.splitlines()) == 1, rendered
            assert match.group(1) == path, rendered
            line, column = int(match.group(2)), int(match.group(3))
            assert 1 <= line <= bound, rendered
            assert column >= 1, rendered
        return None
    return loaded


@settings(PROFILE, max_examples=examples(300))
@given(text=mutants())
def test_damaged_models_load_or_give_located_errors(text: str) -> None:
    note(repr(text))
    loaded = _check_outcome(text, PATH, lambda: load_text(text, PATH))
    if loaded is not None:
        assessment = judge(analyse(loaded))
        for writer in WRITERS.values():
            writer(assessment)


@settings(PROFILE, max_examples=examples(200))
@given(
    blob=st.binary(max_size=200)
    | mutants().map(lambda text: text.encode("utf-8", "surrogatepass"))
    | st.tuples(mutants(), st.binary(max_size=8), st.integers(0, 400)).map(
        lambda t: t[0].encode("utf-8", "surrogatepass")[: t[2]] + t[1]
    )
)
def test_random_bytes_load_or_give_located_errors(blob: bytes) -> None:
    note(repr(blob))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / PATH
        path.write_bytes(blob)
        text = blob.decode("utf-8", "replace")
        _check_outcome(text, str(path), lambda: load_file(str(path)))


# ====================================================== 7. condition covers

Cubes = list[list[tuple[int, bool]]]


def _cubes(variables: int, most: int, width: int) -> st.SearchStrategy[Cubes]:
    literal = st.tuples(st.integers(0, variables - 1), st.booleans())
    cube = st.lists(literal, min_size=1, max_size=width, unique_by=lambda item: item[0])
    return st.lists(cube, max_size=most)


@cache
def _manager(backend: str) -> Bdd:
    """One manager per backend for all examples (freeing a manager while the garbage
    collector still holds some of its nodes makes ``dd`` complain)."""
    return Bdd([f"v{index:02d}" for index in range(16)], backend)


@st.composite
def intervals(draw: st.DrawFn) -> tuple[int, Cubes, Cubes]:
    """A number of variables, a function and the excluded settings, as sums of products."""
    variables = draw(st.integers(1, 16))
    return variables, draw(_cubes(variables, 14, 6)), draw(_cubes(variables, 3, 3))


@pytest.mark.parametrize("backend", BACKENDS)
@settings(PROFILE, max_examples=examples(200))
@given(case=intervals())
def test_condition_covers_are_prime_irredundant_and_exact(
    backend: str, case: tuple[int, Cubes, Cubes]
) -> None:
    variables, on, excluded = case
    names = [f"v{index:02d}" for index in range(variables)]
    bdd = _manager(backend)

    def build(cubes: Cubes) -> Any:
        result = bdd.false
        for cube in cubes:
            result |= bdd.cube({names[index]: value for index, value in cube})
        return result

    function, allowed = build(on), ~build(excluded)
    assume(allowed != bdd.false)
    lower, upper = function & allowed, function | ~allowed
    cover = sop.condition_cover(bdd, function, allowed)
    products = [bdd.cube(dict(cube)) for cube in cover]
    union = bdd.false
    for product in products:
        union |= product
    assert (lower & ~union) == bdd.false, "misses settings where the function holds"
    assert (union & ~upper) == bdd.false, "covers settings where it does not hold"
    for index, cube in enumerate(cover):
        for dropped in range(len(cube)):
            larger = bdd.cube(dict(cube[:dropped] + cube[dropped + 1 :]))
            assert (larger & ~upper) != bdd.false, f"{cube} is not prime"
        others = bdd.false
        for other, product in enumerate(products):
            if other != index:
                others |= product
        assert (lower & ~others) != bdd.false, f"{cube} is redundant"
    text = sop.condition_text(bdd, function, allowed)
    shown = {"always": bdd.true, "never": bdd.false}.get(text)
    if shown is None:
        shown = bdd.compile(parse(text).root, {})
    assert (shown & allowed) == lower, text
