"""Coalitions: the symbolic minimal coalitions against trying every subset, and the command.

The brute force pools the facts of the reference fixpoint (:class:`test_properties.Reference`,
written from the SPEC alone) for every subset of candidates and applies R6 to the pool by
hand; the package finds the minimal coalitions as prime implicants of one BDD.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_properties import PROFILE, RANK, Reference, examples, load, truth

from conftest import Run
from strategies import KEY_POOL, Flow, ModelSpec, model_specs
from threatmodel.engine.exposure import analyze
from threatmodel.engine.pool import (
    POOL,
    member_variable,
    minimal_sets,
    pool_conditions,
    pooled_problem,
    variable_members,
)
from threatmodel.engine.space import Mode
from threatmodel.load.loader import load_file, load_text
from threatmodel.queries import coalitions as coalition_query
from threatmodel.queries.coalitions import coalitions

Fact = tuple[str, ...]


def pool_reads(facts: frozenset[Fact], members: Iterable[str], datum: str) -> bool:
    """Whether ``members``, pooling their facts, read ``datum``: their plaintexts, plus
    every pooled ciphertext whose key the pool reads, until nothing changes."""
    inside = set(members)
    plain = {f[2] for f in facts if f[0] == "plain" and f[1] in inside}
    sealed = {(f[2], f[3]) for f in facts if f[0] == "cipher" and f[1] in inside}
    grown = True
    while grown:
        opened = {d for d, key in sealed if key in plain} - plain
        plain |= opened
        grown = bool(opened)
    return datum in plain


def brute_force(facts: frozenset[Fact], candidates: list[str], datum: str) -> list[tuple[str, ...]]:
    """The minimal subsets of ``candidates`` that read ``datum``, by trying every subset."""
    found: list[tuple[str, ...]] = []
    for size in range(1, len(candidates) + 1):
        for subset in itertools.combinations(candidates, size):
            if any(set(smaller) <= set(subset) for smaller in found):
                continue
            if pool_reads(facts, subset, datum):
                found.append(subset)
    return found


def reference_candidates(
    spec: ModelSpec, reference: Reference, setting: Mapping[str, bool], datum: str
) -> tuple[list[str], list[str]]:
    """(parties reading ``datum`` alone, default candidates) in ``setting``."""
    alone = sorted(p for p in spec.parties if reference.level(setting, p, datum) == "plaintext")
    origins = set(spec.data[datum].origin) if datum in spec.data else set()
    return alone, sorted(set(spec.parties) - origins - set(alone))


@st.composite
def pooling_specs(draw: st.DrawFn) -> ModelSpec:
    """A small random model with both keys and a few more sealed flows, some of keys under
    other keys, so that parties hold ciphertexts and keys apart and coalitions are common."""
    spec = draw(model_specs(max_parties=6, max_toggles=3, max_assumptions=1))
    parties = sorted(spec.parties)
    for key in KEY_POOL:
        if key not in spec.keys:
            spec.keys[key] = draw(st.lists(st.sampled_from(parties), unique=True, max_size=2))
    keys = sorted(spec.keys)
    for index in range(draw(st.integers(2, 5))):
        key = draw(st.sampled_from(keys))
        what = draw(st.sampled_from([d for d in spec.datum_ids if d != key]))
        having = sorted(
            {*spec.keys.get(what, ()), *(spec.data[what].origin if what in spec.data else ())}
        )
        spec.flows[f"seal{index}"] = Flow(
            sender=draw(st.sampled_from(having or parties)),
            receiver=draw(st.sampled_from(parties)),
            data=[what],
            protection=key,
            observers=draw(st.lists(st.sampled_from(parties), unique=True, max_size=1)),
        )
    return spec


@settings(PROFILE, max_examples=examples(80))
@given(spec=pooling_specs())
def test_minimal_coalitions_agree_with_brute_force_in_every_setting(spec: ModelSpec) -> None:
    analysis = analyze(load(spec))
    reference = Reference(spec, Mode.ALL, {})
    model, bdd = analysis.model, analysis.conditions.bdd
    parties = sorted(model.parties)
    problem = pooled_problem(model, variable_members(parties))
    pool = pool_conditions(problem, analysis.space, bdd, analysis.conditions, parties)
    for setting in reference.settings:
        facts = reference.facts(setting)
        for datum in spec.datum_ids:
            _, candidates = reference_candidates(spec, reference, setting, datum)
            outside = {member_variable(p): False for p in parties if p not in candidates}
            reads = bdd.restrict(pool.plain.get((POOL, datum), bdd.false), setting)
            found = minimal_sets(bdd, bdd.restrict(reads, outside))
            got = [tuple(sorted(v.removeprefix("c:") for v in s)) for s in found.sets]
            assert got == brute_force(facts, candidates, datum), (setting, datum)
            assert not found.cut


@settings(PROFILE, max_examples=examples(25))
@given(spec=pooling_specs())
def test_query_lists_alone_readers_and_coalitions_with_their_witnesses(spec: ModelSpec) -> None:
    analysis = analyze(load(spec))
    reference = Reference(spec, Mode.ALL, {})
    setting = analysis.default.setting
    facts = reference.facts(setting)
    for datum in spec.datum_ids:
        alone, candidates = reference_candidates(spec, reference, setting, datum)
        expected = brute_force(facts, candidates, datum)
        answer = coalitions(analysis, datum, setting)
        assert list(answer.alone) == alone
        assert list(answer.candidates) == candidates
        assert [c.members for c in answer.coalitions] == expected
        for coalition in answer.coalitions:
            # Every member of a minimal coalition is needed, so each one shares something.
            sharing = {step.split(" shares ")[0] for step in coalition.steps if " shares " in step}
            assert sharing == set(coalition.members), coalition
            assert coalition.steps[-1].startswith(f"{POOL} ")
        bounded = coalitions(analysis, datum, setting, max_size=1)
        assert [c.members for c in bounded.coalitions] == [c for c in expected if len(c) == 1]
        assert bounded.cut == any(len(c) > 1 for c in expected)


def pooled_level(facts: frozenset[Fact], members: Iterable[str], datum: str) -> str:
    if pool_reads(facts, members, datum):
        return "plaintext"
    inside = set(members)
    if any(f[0] == "cipher" and f[1] in inside and f[2] == datum for f in facts):
        return "ciphertext"
    return "none"


@settings(PROFILE, max_examples=examples(40))
@given(spec=pooling_specs(), data=st.data())
def test_coalition_expectations_agree_with_pooling_by_hand(
    spec: ModelSpec, data: st.DataObject
) -> None:
    parties = sorted(spec.parties)
    members = data.draw(st.lists(st.sampled_from(parties), min_size=1, max_size=3, unique=True))
    datum = data.draw(st.sampled_from(spec.datum_ids))
    allow = data.draw(st.sampled_from(["none", "ciphertext"]))
    when = data.draw(st.sampled_from([None, *spec.toggles]))
    raw = spec.to_raw()
    expectation = {"coalition": members, "data": datum, "allow": allow}
    if when is not None:
        expectation["when"] = when
    raw.setdefault("expectations", {})["pooled"] = expectation
    analysis = analyze(load_text(yaml.safe_dump(raw, sort_keys=False), "pooled.yaml"))
    reference = Reference(spec, Mode.ALL, {})
    name = "+".join(sorted(members))
    condition = analysis.expectation_texts["pooled"][name]
    for result in analysis.settings:
        setting = result.setting
        level = pooled_level(reference.facts(setting), members, datum)
        applies = when is None or setting[when]
        broken = applies and RANK[level] > RANK[allow]
        found = [v for v in result.violations if v.expectation == "pooled"]
        assert [(v.party, v.level.value) for v in found] == ([(name, level)] if broken else [])
        assert truth(condition, setting) == broken, (condition, setting)


SPLIT_TRUST = "tests/cases/coalitions/split_trust.yaml"


def test_pairs_and_triples_with_whose_datum_and_whose_key() -> None:
    analysis = analyze(load_file(SPLIT_TRUST))
    answer = coalitions(analysis, "msg", analysis.default.setting)
    assert answer.alone == ("user",)
    assert [c.members for c in answer.coalitions] == [
        ("escrow", "gateway"),
        ("escrow", "police"),
        ("backup", "escrow", "relay"),
    ]
    assert answer.coalitions[2].lines == (
        "the coalition opens msg with k",
        "  ciphertext: user originates msg → relay observes send (user → gateway, end_to_end k)"
        " → relay shares msg sealed under k with the coalition",
        "  key: the coalition opens k with wrap",
        "    ciphertext: user holds k → deposit (user → escrow, end_to_end wrap)"
        " → escrow shares k sealed under wrap with the coalition",
        "    key: backup holds wrap → backup shares wrap with the coalition",
    )


def test_among_and_exclude_narrow_the_candidates() -> None:
    analysis = analyze(load_file(SPLIT_TRUST))
    setting = analysis.default.setting
    among = coalitions(analysis, "msg", setting, among=["provider", "authority"])
    assert among.candidates == ("escrow", "gateway", "police")
    assert [c.members for c in among.coalitions] == [("escrow", "gateway"), ("escrow", "police")]
    excluded = coalitions(analysis, "msg", setting, exclude=["escrow"])
    assert excluded.candidates == ("backup", "gateway", "police", "relay")
    assert excluded.coalitions == ()
    assert not excluded.cut


def test_without_a_bound_sizes_stop_growing_past_the_coalition_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(coalition_query, "MAX_COALITIONS", 1)
    analysis = analyze(load_file(SPLIT_TRUST))
    answer = coalitions(analysis, "msg", analysis.default.setting)
    assert [c.members for c in answer.coalitions] == [("escrow", "gateway"), ("escrow", "police")]
    assert answer.max_size == 2
    assert answer.cut


def test_cli_text_by_size_with_witnesses(run_cli: Callable[..., Run]) -> None:
    result = run_cli("coalitions", SPLIT_TRUST, "--data", "msg", "--max-size", "2")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:6] == [
        "Coalitions that read msg in the default setting",
        "  escrow_on=true",
        "",
        "read alone by: user",
        "candidates: backup, escrow, gateway, police, relay",
        "",
    ]
    assert lines[6:9] == [
        "minimal coalitions of 2 parties:",
        "  escrow + gateway",
        "    the coalition opens msg with k",
    ]
    assert "  escrow + police" in lines
    assert (
        lines[-1]
        == "larger coalitions (more than 2 parties) also read msg: raise --max-size to list them"
    )


def test_cli_json(run_cli: Callable[..., Run]) -> None:
    result = run_cli(
        "coalitions", SPLIT_TRUST, "--data", "msg", "--format", "json", "--exclude", "police"
    )
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["format"] == "threatmodel-coalitions/1"
    assert document["datum"] == "msg"
    assert document["setting"] == {"escrow_on": True}
    assert document["scenario"] == "default"
    assert document["alone"] == ["user"]
    assert document["coalitions"] == [["escrow", "gateway"], ["backup", "escrow", "relay"]]
    assert len(document["witnesses"]) == 2
    assert document["witnesses"][0][-1] == "the coalition opens msg with k"
    assert document["cut"] is False


def test_cli_scenario_and_none_found(run_cli: Callable[..., Run]) -> None:
    result = run_cli("coalitions", SPLIT_TRUST, "--data", "msg", "--scenario", "no_escrow")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == (
        "Coalitions that read msg in the scenario no_escrow: Without key escrow"
    )
    assert result.stdout.endswith("\nno coalition of the candidates reads msg\n")


def test_cli_shipped_model_servers_read_alone_without_the_key_claim(
    run_cli: Callable[..., Run],
) -> None:
    model = "models/e2ee_messenger.yaml"
    held = run_cli("coalitions", model, "--data", "dm_text")
    assert "candidates: law_enforcement, outsider, servers" in held.stdout
    assert held.stdout.endswith("no coalition of the candidates reads dm_text\n")
    broken = run_cli("coalitions", model, "--data", "dm_text", "--set", "no_key_copy=false")
    assert "read alone by: app, law_enforcement, peer, peer_app, servers, user" in broken.stdout
    devices = run_cli("coalitions", model, "--data", "dm_text", "--among", "user_devices")
    assert devices.stdout.endswith("candidates: none\n\nno candidate is left to form a coalition\n")


def test_cli_errors(run_cli: Callable[..., Run]) -> None:
    unknown_datum = run_cli("coalitions", SPLIT_TRUST, "--data", "mgs")
    assert unknown_datum.exit_code == 2
    assert "unknown datum 'mgs'; did you mean 'msg'?" in unknown_datum.stderr
    among = run_cli("coalitions", SPLIT_TRUST, "--data", "msg", "--among", "stor")
    assert among.exit_code == 2
    assert "--among: 'stor' is no party, boundary or party kind; did you mean 'store'?" in (
        among.stderr
    )
    exclude = run_cli("coalitions", SPLIT_TRUST, "--data", "msg", "--exclude", "polise")
    assert exclude.exit_code == 2
    assert "--exclude: 'polise' is no party" in exclude.stderr
    scenario = run_cli("coalitions", SPLIT_TRUST, "--data", "msg", "--scenario", "no_escro")
    assert scenario.exit_code == 2
    assert "unknown scenario 'no_escro'; did you mean 'no_escrow'?" in scenario.stderr
    size = run_cli("coalitions", SPLIT_TRUST, "--data", "msg", "--max-size", "0")
    assert size.exit_code == 2


E2EE_MESSENGER = "models/e2ee_messenger.yaml"


def test_usage_error_after_the_analysis_is_all_the_process_prints() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "threatmodel", "coalitions", E2EE_MESSENGER, "--data", "dm"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 2
    assert (
        completed.stderr.splitlines()[-1] == "Error: Invalid value for --data: unknown datum 'dm'"
    )


def test_coalition_expectation_in_check_and_analyze(run_cli: Callable[..., Run]) -> None:
    checked = run_cli("check", SPLIT_TRUST, "--fail-on", "never")
    assert checked.exit_code == 1
    assert (
        "split_trust.yaml:31:3: TM100 high: expectation provider_cannot_read: provider "
        "may get at most ciphertext of msg, but reads it in plaintext (when escrow_on; "
        "evidence: unsourced)"
    ) in checked.stdout
    assert "backup_and_escrow_see_nothing" not in checked.stdout
    analysed = json.loads(run_cli("analyze", SPLIT_TRUST, "--format", "json").stdout)
    assert analysed["expectations"] == {
        "backup_and_escrow_see_nothing": {"backup+escrow": "never"},
        "provider_cannot_read": {"provider": "escrow_on"},
    }
    (violation,) = [v for s in analysed["settings"] for v in s["violations"]]
    assert violation["party"] == "provider"
    assert "gateway shares gate with the coalition" in violation["witness"]
    assert violation["witness"][-1] == "the coalition opens msg with k"
    sarif = json.loads(run_cli("check", SPLIT_TRUST, "--format", "sarif").stdout)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "TM100"]
    related = [location["message"]["text"] for location in result["relatedLocations"]]
    assert related == ["party escrow", "party gateway"]
