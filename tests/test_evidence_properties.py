"""Evidence tiers against a reference that enumerates the tiers of all derivations.

Random models (:mod:`strategies`) get random sources, assurances, ``evidence:`` overrides
and ``source:`` lists.  The reference knows nothing of the closure's priority queue: for
every fact it collects the tier of every derivation by naive sweeps over the ground rule
applications of SPEC section 4 (a derivation's tier is the weakest among its steps; a set of
at most five tiers per fact, so the sweeps terminate), and takes the strongest.  The
analysis must agree on every fact of every setting, its witnesses must attain that tier,
and ``--min-evidence`` must keep exactly the facts whose tier is at least as strong.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import yaml
from hypothesis import given, note, settings
from hypothesis import strategies as st
from test_properties import PROFILE, Instance, Reference, examples

from strategies import ModelSpec, model_specs
from threatmodel.engine.closure import close
from threatmodel.engine.exposure import analyze
from threatmodel.engine.inference import Problem
from threatmodel.engine.space import Mode
from threatmodel.engine.symbolic import solve
from threatmodel.load.loader import LoadedModel, load_text
from threatmodel.load.model import Evidence
from threatmodel.report.analyze.json_format import setting_document

TIERS = ["established", "documented", "analysed", "inferred", "unsourced"]
ASSURANCES = {
    "court_record": 0,
    "official_record": 0,
    "audited": 0,
    "observed": 0,
    "admission": 0,
    "reported": 1,
    "claim": 1,
    "analysis": 2,
    "inference": 3,
}
"""Assurance → rank of its tier, as docs/format.md states it (0 strongest, 4 unsourced)."""

Fact = tuple[str, ...]


@st.composite
def graded_models(draw: st.DrawFn) -> tuple[ModelSpec, dict[str, Any]]:
    """A random model and its raw form with random sources and evidence on its elements."""
    spec = draw(model_specs(max_parties=6, max_flows=10, max_toggles=3, max_assumptions=1))
    raw = spec.to_raw()
    sources: dict[str, dict[str, Any]] = {}
    for index in range(draw(st.integers(0, 4))):
        source: dict[str, Any] = {"title": f"Source {index}"}
        assurance = draw(st.sampled_from([None, *ASSURANCES]))
        if assurance is not None:
            source["assurance"] = assurance
        if draw(st.integers(0, 4)) == 0:
            source["evidence"] = draw(st.sampled_from(TIERS))
        sources[f"src{index}"] = source
    if sources:
        raw["sources"] = sources
    for section in ("parties", "data", "keys", "flows", "access"):
        for element in raw.get(section, {}).values():
            choice = draw(st.integers(0, 3))
            if choice == 1 and sources:
                size = draw(st.integers(1, min(2, len(sources))))
                element["source"] = draw(st.permutations(sorted(sources)))[:size]
            elif choice == 2:
                element["evidence"] = draw(st.sampled_from(TIERS))
            elif choice == 3:
                # stated evidence wins over sources
                element["evidence"] = draw(st.sampled_from(TIERS))
                if sources:
                    element["source"] = [draw(st.sampled_from(sorted(sources)))]
    return spec, raw


def load_raw(raw: dict[str, Any]) -> LoadedModel:
    text = yaml.safe_dump(raw, sort_keys=False, default_flow_style=None, width=90)
    note(text)
    return load_text(text, "random.yaml")


class GradedReference:
    """Tiers of elements and of all derivations, the slow, obvious way."""

    def __init__(self, spec: ModelSpec, raw: Mapping[str, Any]) -> None:
        self.reference = Reference(spec, Mode.ALL, {})
        self.raw = raw

    def element(self, section: str, element_id: str) -> int:
        entry = self.raw[section][element_id]
        if "evidence" in entry:
            return TIERS.index(entry["evidence"])
        ranks = []
        for source_id in entry.get("source", []):
            source = self.raw["sources"][source_id]
            if "evidence" in source:
                ranks.append(TIERS.index(source["evidence"]))
            else:
                ranks.append(ASSURANCES.get(source.get("assurance", "claim"), 1))
        return min(ranks, default=4)

    def step(self, instance: Instance) -> int:
        rule, element = instance.rule, instance.element
        if rule == 1:
            return self.element("data", element)
        if rule == 2:
            return self.element("keys", element)
        if rule in (3, 4, 5):
            return self.element("flows", element)
        if rule == 7:
            observer = instance.conclusion[1]
            return max(self.element("flows", element), self.element("parties", observer))
        if rule == 8:
            source = self.raw["access"][element]["from"]
            return max(self.element("access", element), self.element("parties", source))
        return 0  # R6 open

    def tiers(self, setting: Mapping[str, bool]) -> dict[Fact, int]:
        """Each fact's strongest tier over the tiers of all its derivations."""
        reference = self.reference
        instances = reference.instances(setting, reference.facts(setting))
        found: dict[Fact, set[int]] = {}
        changed = True
        while changed:
            changed = False
            for instance in instances:
                premises = [found.get(p) for p in sorted(instance.premises)]
                if any(p is None for p in premises):
                    continue
                own = self.step(instance)
                for combination in itertools.product(*(p for p in premises if p is not None)):
                    tier = max((own, *combination))
                    ranks = found.setdefault(instance.conclusion, set())
                    if tier not in ranks:
                        ranks.add(tier)
                        changed = True
        return {fact: min(ranks) for fact, ranks in found.items()}


@settings(PROFILE, max_examples=examples(100))
@given(case=graded_models(), threshold=st.sampled_from(TIERS))
def test_fact_tiers_agree_with_all_derivations(
    case: tuple[ModelSpec, dict[str, Any]], threshold: str
) -> None:
    spec, raw = case
    loaded = load_raw(raw)
    reference = GradedReference(spec, raw)
    analysis = analyze(loaded, Mode.ALL, {})
    space = analysis.space
    edges = analysis.problem.edges
    strong_problem = Problem(loaded.model, edges, Evidence(threshold))
    conditions = analysis.conditions
    strong_conditions = solve(strong_problem, space, conditions.bdd, conditions.allowed)
    limit = TIERS.index(threshold)
    for result in analysis.settings:
        setting = result.setting
        expected = reference.tiers(setting)
        closure = result.closure
        assert {f: TIERS[t] for f, t in closure.tiers.items()} == {
            f: TIERS[t] for f, t in expected.items()
        }, setting
        for fact, tier in expected.items():
            steps = closure.derivation(fact)
            assert max(step.tier for step in steps) == tier, (fact, steps)
        strong = {fact for fact, tier in expected.items() if tier <= limit}
        kept = close(strong_problem, strong_problem.active(space.environment(setting)))
        assert set(kept.tiers) == strong, setting
        assert all(kept.tiers[f] == expected[f] for f in strong)
        for fact, function in strong_conditions.facts.items():
            assert conditions.bdd.evaluate(function, setting) == (fact in strong), fact
        assert strong <= set(strong_conditions.facts)
        document = setting_document(analysis, result)
        for datum, exposure in document["exposure"].items():
            for party, tier_name in exposure["evidence"].items():
                plain = expected.get(("plain", party, datum))
                if plain is None:
                    plain = min(
                        t
                        for f, t in expected.items()
                        if f[0] == "cipher" and f[1:3] == (party, datum)
                    )
                assert tier_name == TIERS[plain], (party, datum)
            assert sorted(exposure["evidence"]) == sorted(
                [*exposure["plaintext"], *exposure["ciphertext"]]
            )
