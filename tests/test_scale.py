"""Cost that stays proportional to the model: long chains print shortened witnesses (the
full one stays available from ``explain``), and hostile conditions print bounded text.
Sizes here are small; the figures are in ``benchmarks/``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

import threatmodel.cli as cli_package
from tests.conftest import ROOT, Run, benchmark_models
from threatmodel.cli import cli, options
from threatmodel.engine import factored
from threatmodel.engine.bdd import Bdd
from threatmodel.engine.exposure import DEFAULT_MAX_SETTINGS, analyze
from threatmodel.engine.inference import plain
from threatmodel.engine.space import Mode
from threatmodel.engine.witness import WITNESS_LIMIT, derivation_items, witness_steps
from threatmodel.load.loader import load_text
from threatmodel.load.model import Evidence


def chain(parties: int, kind: str = "flows") -> str:
    """Parties ``p0 → p1 → ...`` passing one personal datum on; with ``access``,
    authorities each compelling the previous one."""
    out = ["threatmodel: 1", "title: Chain", "parties:", "  p0: {kind: service}"]
    if kind == "flows":
        out += [f"  p{i}: {{kind: service}}" for i in range(1, parties)]
        out += ["data:", "  d: {origin: [p0]}", "flows:"]
        out += [f"  f{i}: {{from: p{i}, to: p{i + 1}, data: [d]}}" for i in range(parties - 1)]
    else:
        out += [f"  p{i}: {{kind: authority}}" for i in range(1, parties)]
        out += ["data:", "  d: {origin: [p0]}", "access:"]
        out += [f"  c{i}: {{party: p{i}, from: p{i - 1}, kind: compel}}" for i in range(1, parties)]
    return "\n".join(out) + "\n"


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "chain.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_long_chain_keeps_its_first_and_last_steps_and_counts_the_rest(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    result = run_cli("check", write(tmp_path, chain(60)), "--format", "json")
    findings = {f["party"]: f for f in json.loads(result.stdout)["models"][0]["findings"]}
    witness = findings["p59"]["witness"]
    assert witness[0] == "p0 originates d"
    assert witness[1] == "… 49 more steps …"
    assert witness[2:] == [f"f{i} (p{i} → p{i + 1}, none)" for i in range(49, 59)]
    assert len(findings["p20"]["witness"]) == 21, "a chain this short is shown whole"


def test_shortened_witnesses_keep_the_report_linear(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    short = run_cli("check", write(tmp_path, chain(100))).stdout
    long = run_cli("check", write(tmp_path, chain(400))).stdout
    assert "… 387 more steps …" in long
    assert len(long) < 4.5 * len(short)


def test_a_long_report_written_in_pieces_is_the_same_json_everywhere(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    model = write(tmp_path, chain(300, "access"))
    output = tmp_path / "out.json"
    printed = run_cli("analyze", model, "--format", "json").stdout
    assert run_cli("analyze", model, "--format", "json", "-o", str(output)).exit_code == 0
    assert output.read_text(encoding="utf-8") == printed
    document = json.loads(printed)
    assert printed == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert len(document["findings"]) == 2 * 299
    assert document["settings"][0]["exposure"]["d"]["plaintext"][-1] == "p99"


def test_explain_prints_the_whole_chain(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    result = run_cli("explain", write(tmp_path, chain(60)), "--party", "p59", "--data", "d")
    text = " ".join(line.strip() for line in result.stdout.splitlines())
    assert "more steps" not in text
    assert all(f"f{i} (p{i}" in text for i in range(59))


def test_a_long_chain_of_compelled_authorities_names_the_last_accesses(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    result = run_cli("check", write(tmp_path, chain(40, "access")), "--format", "json")
    (finding,) = [
        f
        for f in json.loads(result.stdout)["models"][0]["findings"]
        if f["rule"] == "TM002" and f["party"] == "p39"
    ]
    assert finding["message"] == (
        "p39 reads d in plaintext through c39 (compels p38), c38 (compels p37) and c37 "
        "(compels p36), the last of 40 steps"
    )
    assert finding["elements"] == ["c39", "c38", "c37"]


def test_shortened_derivations_agree_with_the_full_one_when_nothing_is_left_out() -> None:
    text = """\
threatmodel: 1
title: Relay
parties:
  alice: {kind: person}
  server: {kind: service}
  bob: {kind: person}
data: {msg: {origin: [alice]}}
keys:
  k: {holders: [alice]}
flows:
  up: {from: alice, to: server, data: [msg], protection: {end_to_end: k}}
  down: {from: server, to: bob, data: [msg], protection: transport}
  key: {from: alice, to: bob, data: [k]}
"""
    analysis = analyze(load_text(text, "m.yaml"))
    closure = analysis.default.closure
    fact = plain("bob", "msg")
    assert derivation_items(closure, fact, WITNESS_LIMIT) == closure.derivation(fact)
    assert witness_steps(analysis.model, closure, fact, 1) == witness_steps(
        analysis.model, closure, fact
    )


def test_chain_starts_are_found_without_a_limit_on_depth() -> None:
    analysis = analyze(load_text(chain(3000), "m.yaml"))
    closure = analysis.default.closure
    assert closure.chain_start(plain("p2999", "d")) == (plain("p0", "d"), 2999)
    items = derivation_items(closure, plain("p2999", "d"), WITNESS_LIMIT)
    assert len(items) == WITNESS_LIMIT + 2


def xor_model(toggles: int) -> str:
    """The datum reaches ``sink`` when an odd number of toggles is on: each toggle picks
    whether the datum crosses between two parallel lines of parties."""
    out = ["threatmodel: 1", "title: Exclusive or", "parties:"]
    out += [f"  {side}{i}: {{kind: service}}" for i in range(toggles + 1) for side in "eo"]
    out += ["  sink: {kind: service}", "toggles:"]
    out += [f"  t{i}: {{default: false}}" for i in range(toggles)]
    out += ["data:", "  d: {origin: [e0]}", "flows:"]
    for i in range(toggles):
        for side, other in (("e", "o"), ("o", "e")):
            out.append(
                f"  {side}{i}s: {{from: {side}{i}, to: {side}{i + 1}, data: [d], when: not t{i}}}"
            )
            out.append(
                f"  {side}{i}x: {{from: {side}{i}, to: {other}{i + 1}, data: [d], when: t{i}}}"
            )
    out.append(f"  out: {{from: o{toggles}, to: sink, data: [d]}}")
    return "\n".join(out) + "\n"


def test_a_condition_with_too_many_products_is_printed_factored_and_exact() -> None:
    analysis = analyze(load_text(xor_model(16), "m.yaml"))
    xor = " xor ".join(f"t{i}" for i in range(16))
    assert analysis.condition_texts["d"]["sink"]["plaintext"] == (
        f"{xor} [factored form; its sum of products has 32,768 products]"
    )
    assert analysis.condition_texts["d"]["o2"]["plaintext"] == "(not t0 and t1) or (t0 and not t1)"
    total = sum(
        len(text)
        for per_party in analysis.condition_texts["d"].values()
        for text in per_party.values()
    )
    assert total < 150_000, "as a sum of products, sink's condition alone is 2 MB"


def test_explain_shows_one_way_for_a_factored_condition(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    path = tmp_path / "xor.yaml"
    path.write_text(xor_model(13), encoding="utf-8")
    result = run_cli("explain", str(path), "--party", "sink", "--data", "d", "--format", "json")
    document = json.loads(result.stdout)
    xor = " xor ".join(f"t{i}" for i in range(13))
    marked = f"{xor} [factored form; its sum of products has 4,096 products]"
    assert document["conditions"]["plaintext"] == marked
    assert [way["condition"] for way in document["ways"]] == [marked]


def bdd_of(names: str) -> Bdd:
    return Bdd(names.split(), "autoref")


def test_factored_forms_name_each_shape_of_a_node() -> None:
    bdd = bdd_of("a b c")
    a, b, c = (bdd.var(name) for name in "abc")
    assert factored.condition_text((bdd, a & (b | c))) == "a and (b or c) [factored form]"
    xor3 = bdd.manager.ite(a, ~((b & ~c) | (~b & c)), (b & ~c) | (~b & c))
    assert factored.condition_text((bdd, ~a | (b & ~c) | (~b & c)), 5) == (
        "not a or (b xor c) [factored form; its sum of products has 5 products]"
    )
    assert factored.condition_text((bdd, ~xor3)) == "a xor b xor not c [factored form]"
    assert factored.condition_text((bdd, bdd.manager.ite(a, b, c))) == (
        "if a then b else c [factored form]"
    )


def test_factored_forms_name_shared_parts_instead_of_repeating_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(factored, "INLINE_LIMIT", 3)
    bdd = bdd_of("a b c d")
    a, b, c, d = (bdd.var(name) for name in "abcd")
    shared = c & d
    function = bdd.manager.ite(a, b | shared, ~b & shared)
    assert factored.condition_text((bdd, function)) == (
        "if a then (b or C1) else (not b and C1) where C1 = c and d [factored form]"
    )


def test_the_command_list_matches_the_commands() -> None:
    for name, entry in cli_package.COMMANDS.items():
        command = cli.commands[name]
        assert command.name == name
        assert command.get_short_help_str(limit=1000) == entry.summary
    assert tuple(mode.value for mode in Mode) == options.ASSUMPTION_MODES
    assert options.DEFAULT_MAX_SETTINGS == DEFAULT_MAX_SETTINGS
    assert tuple(tier.value for tier in Evidence) == options.EVIDENCE_TIERS


def test_help_and_validate_import_no_analysis(tmp_path: Path) -> None:
    model = tmp_path / "m.yaml"
    model.write_text(chain(3), encoding="utf-8")
    script = (
        "import sys\n"
        "from threatmodel.cli import cli\n"
        "for arguments in (['--help'], ['validate', sys.argv[1]]):\n"
        "    try:\n"
        "        cli(arguments, prog_name='threatmodel')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    print(sorted(m for m in ('networkx', 'dd', 'graphviz', 'threatmodel.engine.exposure',"
        " 'threatmodel.checks', 'threatmodel.load.model') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(model)], capture_output=True, text=True, check=True
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert lines == ["[]", "['threatmodel.load.model']"]


@pytest.mark.parametrize("command", ["analyze", "check"])
def test_analysis_imports_neither_networkx_nor_graphviz(command: str) -> None:
    """Pre-commit runs these on every commit; networkx alone would take 80 ms of them.  The
    model has nested boundaries, accesses by an authority and toggles, so every check runs."""
    script = (
        "import sys\n"
        "from threatmodel.cli import cli\n"
        "try:\n"
        f"    cli([{command!r}, sys.argv[1], '-o', sys.argv[2]], prog_name='threatmodel')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('networkx', 'graphviz', 'dd.cudd') if m in sys.modules))\n"
    )
    model = ROOT / "models" / "assistant_messenger.yaml"
    result = subprocess.run(
        [sys.executable, "-c", script, str(model), os.devnull],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines()[-1] == "['dd.cudd']"


LIMIT_ERROR = (
    r"(?P<path>.+):(?P<line>\d+):3: error: the settings in which (?P<party>\w+) reads d need "
    r"a decision diagram of \d+ nodes, more than the limit of 2: the exposure conditions over "
    r"these 3 free variables are too large to compute; fix some with --set NAME=VALUE, or "
    r"raise THREATMODEL_MAX_CONDITION_NODES"
)


@pytest.mark.parametrize(
    "command",
    [
        ["analyze"],
        ["analyze", "--format", "json"],
        ["check"],
        ["report", "-o", "report.html"],
        ["explain", "--party", "sink", "--data", "d"],
        ["coalitions", "--data", "d"],
    ],
)
def test_conditions_past_the_node_limit_stop_with_the_party_located(
    command: list[str],
    tmp_path: Path,
    run_cli: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("THREATMODEL_MAX_CONDITION_NODES", "2")
    text = xor_model(3)
    Path("xor.yaml").write_text(text, encoding="utf-8")
    result = run_cli(*command[:1], "xor.yaml", *command[1:])
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    match = re.fullmatch(LIMIT_ERROR, line)
    assert match is not None, line
    assert match["path"] == "xor.yaml"
    defined = text.splitlines()[int(match["line"]) - 1]
    assert defined.startswith(f"  {match['party']}:")
    assert not Path("report.html").exists()


def test_diagrams_need_no_conditions_so_a_model_past_the_node_limit_is_drawn(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("xor.yaml").write_text(xor_model(3), encoding="utf-8")
    arguments = ["xor.yaml", "-o", "diagrams", "--format", "dot", "--scenario", "default"]
    assert run_cli("render", *arguments).exit_code == 0
    drawn = Path("diagrams/xor.default.dot").read_bytes()
    monkeypatch.setenv("THREATMODEL_MAX_CONDITION_NODES", "2")
    result = run_cli("render", *arguments, "--set", "t0=true")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert Path("diagrams/xor.default.dot").read_bytes() != drawn, "t0 crosses the datum over"
    assert run_cli("analyze", "xor.yaml").exit_code == 2, "the conditions are still too large"


def threshold_model(toggles: int, at_least: int) -> str:
    """The datum reaches ``sink`` when at least ``at_least`` toggles are on: party ``cI_J``
    has the datum when J of the first I toggles are on.  Its BDD grows with ``toggles``
    times ``at_least``; with all but one toggle fixed, it is a single literal."""
    out = ["threatmodel: 1", "title: Threshold", "parties:", "  sink: {kind: service}"]
    out += [f"  c{i}_{j}: {{kind: service}}" for i in range(toggles + 1) for j in range(i + 1)]
    out += ["toggles:", *(f"  t{i}: {{default: false}}" for i in range(toggles))]
    out += ["data:", "  d: {origin: [c0_0]}", "flows:"]
    for i in range(toggles):
        for j in range(i + 1):
            out.append(
                f"  f{i}_{j}_on: {{from: c{i}_{j}, to: c{i + 1}_{j + 1}, data: [d], when: t{i}}}"
            )
            out.append(
                f"  f{i}_{j}_off: {{from: c{i}_{j}, to: c{i + 1}_{j}, data: [d], when: not t{i}}}"
            )
    out += [
        f"  out{j}: {{from: c{toggles}_{j}, to: sink, data: [d]}}"
        for j in range(at_least, toggles + 1)
    ]
    return "\n".join(out) + "\n"


def test_fixing_toggles_brings_conditions_under_the_node_limit(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "threshold.yaml"
    path.write_text(threshold_model(8, 4), encoding="utf-8")
    plaintext = json.loads(run_cli("analyze", str(path), "--format", "json").stdout)
    assert plaintext["conditions"]["d"]["sink"]["plaintext"].count(" or ") == 69, "8 choose 4"
    monkeypatch.setenv("THREATMODEL_MAX_CONDITION_NODES", "12")
    refused = run_cli("analyze", str(path))
    assert refused.exit_code == 2
    assert " reads d need a decision diagram of " in refused.stderr
    fixed = [f"t{i}={'true' if i < 3 else 'false'}" for i in range(6)]
    result = run_cli("analyze", str(path), *(f"--set={pin}" for pin in fixed), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["conditions"]["d"]["sink"]["plaintext"] == "t6 or t7"


@pytest.mark.parametrize("value", ["lots", "0", "-5", "2.5"])
def test_a_node_limit_that_is_no_positive_number_is_refused(
    value: str, tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THREATMODEL_MAX_CONDITION_NODES", value)
    path = tmp_path / "xor.yaml"
    path.write_text(xor_model(2), encoding="utf-8")
    result = run_cli("check", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        "error: THREATMODEL_MAX_CONDITION_NODES must be a positive number of nodes, "
        f"not '{value}'\n"
    )


def test_diff_past_the_node_limit_ends_with_one_error_line(tmp_path: Path) -> None:
    path = tmp_path / "xor.yaml"
    path.write_text(xor_model(3), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "threatmodel", "diff", str(path), str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "THREATMODEL_MAX_CONDITION_NODES": "2"},
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: the settings in which ")
    assert line.endswith("raise THREATMODEL_MAX_CONDITION_NODES")


def test_check_keeps_no_analysis_of_the_models_it_has_judged(tmp_path: Path) -> None:
    """``check`` over many models holds one analysis at a time: what it reports keeps no
    BDD manager alive (60 copies of a shipped model took 431 MB when it did), and neither
    does importing ``dd`` (whose kept ImportError held the first importer's frames).  In
    a fresh interpreter, so that this test is the first to import ``dd``."""
    paths = []
    for index in range(3):
        path = tmp_path / f"copy{index}.yaml"
        path.write_text((ROOT / "models" / "whatsapp_ai.yaml").read_text("utf-8"), "utf-8")
        paths.append(str(path))
    script = (
        "import gc, json, sys\n"
        "from threatmodel.cli.check import _check, load_all\n"
        "from threatmodel.checks.verdict import FailOn\n"
        "text, _ = _check(load_all(sys.argv[1:]), 'json', FailOn.HIGH, 'all', None)\n"
        "gc.collect()\n"
        "alive = [o for o in gc.get_objects() if type(o).__module__ == 'dd.cudd']\n"
        "print(len(alive), [m['path'] for m in json.loads(text)['models']])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *paths], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == f"0 {paths}"


def gated_chain(parties: int, toggles: int) -> str:
    """A chain whose first ``toggles`` flows each have a toggle of their own: every setting
    activates different flows, so no two settings share a closure."""
    out = ["threatmodel: 1", "title: Gated chain", "parties:"]
    out += [f"  p{i}: {{kind: service}}" for i in range(parties)]
    out += ["toggles:"] + [f"  t{i}: {{default: false}}" for i in range(toggles)]
    out += ["data:", "  d: {origin: [p0]}", "  e: {origin: [p0]}", "flows:"]
    for i in range(parties - 1):
        guard = f', when: "t{i}"' if i < toggles else ""
        out.append(f"  f{i}: {{from: p{i}, to: p{i + 1}, data: [d, e]{guard}}}")
    return "\n".join(out) + "\n"


def test_listing_every_setting_holds_a_few_closures_not_one_per_setting() -> None:
    analysis = analyze(load_text(gated_chain(300, 9), "gated.yaml"))
    listed = analysis.settings
    assert len(listed) == 2**9
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        one = listed[len(listed) - 1]  # every toggle on: the largest closure, not remembered
        closure_size = tracemalloc.get_traced_memory()[0] - before
        del one
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        reached = [result.closure.level("p299", "d").value for result in listed]
        peak = tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()
    assert reached.count("plaintext") == 1, "only the setting with every toggle on reaches p299"
    assert peak < 40 * closure_size, (peak, closure_size)


def test_conditions_are_printed_only_when_a_report_asks_for_them() -> None:
    analysis = analyze(load_text(gated_chain(30, 6), "gated.yaml"))
    assert analysis.printer.cache == {}, "explain, render and coalitions print none of them"
    every_toggle = " and ".join(f"t{i}" for i in range(6))
    assert analysis.condition_texts["d"]["p29"] == {
        "plaintext": every_toggle,
        "ciphertext": "never",
    }
    assert analysis.printer.cache


def test_an_analysis_past_the_facts_limit_stops_with_the_party_located(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = benchmark_models().sealed_relay(12, 3, 3)
    path = tmp_path / "relay.yaml"
    path.write_text(text, encoding="utf-8")
    answered = json.loads(run_cli("analyze", str(path), "--format", "json").stdout)
    assert answered["conditions"]["d0"]["p11"] == {"plaintext": "always", "ciphertext": "never"}
    monkeypatch.setenv("THREATMODEL_MAX_FACTS", "60")
    for command in (["check"], ["analyze"], ["explain", "--party", "p3", "--data", "d0"]):
        result = run_cli(command[0], str(path), *command[1:])
        assert result.exit_code == 2
        (line,) = result.stderr.splitlines()
        location, message = line.split(": error: ")
        party = message.split("while deriving what ")[1].split(" holds")[0]
        assert text.splitlines()[int(location.split(":")[1]) - 1].startswith(f"  {party}:")
        assert message.startswith("the analysis passed 60 facts (a party reading a datum, or")
        assert message.endswith("too many to analyse within the limit; raise THREATMODEL_MAX_FACTS")


@pytest.mark.parametrize("value", ["many", "0", "-1"])
def test_a_facts_limit_that_is_no_positive_number_is_refused(
    value: str, tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THREATMODEL_MAX_FACTS", value)
    path = tmp_path / "relay.yaml"
    path.write_text(benchmark_models().sealed_relay(3, 1, 1), encoding="utf-8")
    result = run_cli("check", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: THREATMODEL_MAX_FACTS must be a positive number of facts, not '{value}'\n"
    )
