"""Evidence tiers as a user sees them: in every output, and with ``--min-evidence``.

The fixture ``tests/cases/evidence/tiers.yaml`` has one reader per tier: user and app
(established, stated), server (documented: its upload's strongest source is a claim),
analyst (analysed: a source overridden with ``evidence:``), isp (unsourced: an observer
nobody cites), and broker, which a short inferred path (``leak``) and a longer documented
one (through the archive) both reach.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Run
from threatmodel.engine.exposure import analyze
from threatmodel.engine.inference import plain
from threatmodel.engine.witness import witness_steps
from threatmodel.load.loader import load_file
from threatmodel.load.model import Evidence

TIERS = "tests/cases/evidence/tiers.yaml"
LEGEND = (
    "(tier) after a party: how well the record supports that reading when it is not "
    "established: documented, analysed, inferred or unsourced (weakest)."
)


def _analyze_json(run_cli: Callable[..., Run], *options: str) -> dict[str, Any]:
    result = run_cli("analyze", TIERS, "--format", "json", *options)
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_a_fact_has_the_tier_of_its_strongest_derivation_and_its_witness_attains_it() -> None:
    analysis = analyze(load_file(TIERS))
    closure = analysis.default.closure
    tiers = {
        party: Evidence.of_rank(closure.tiers[plain(party, "msg")])
        for party in closure.readers["msg"]
    }
    assert {p: t.value for p, t in tiers.items()} == {
        "analyst": "analysed",
        "app": "established",
        "archive": "documented",
        "broker": "documented",
        "isp": "unsourced",
        "police": "documented",
        "server": "documented",
        "user": "established",
    }
    # the documented path through the archive, not the shorter inferred leak
    assert witness_steps(analysis.model, closure, plain("broker", "msg")) == [
        "user originates msg",
        "typing (user → app, none)",
        "upload (app → server, none)",
        "archiving (server → archive, none)",
        "resale (archive → broker, none)",
    ]
    without_archive = analysis.result_for({"archived": False}).closure
    assert without_archive.tiers[plain("broker", "msg")] == Evidence.INFERRED.rank
    assert [s.element for s in without_archive.derivation(plain("broker", "msg"))] == [
        "msg",
        "typing",
        "upload",
        "leak",
    ]


def test_text_readers_carry_their_tier_with_a_legend(run_cli: Callable[..., Run]) -> None:
    result = run_cli("analyze", TIERS)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert (
        "  analyst (analysed), app, broker (documented), isp (unsourced), server (documented), user"
        in lines
    )
    assert "  archive (documented), police (documented)" in lines
    assert " ".join(result.stdout.split()).count(LEGEND) == 1
    matrix = lines[lines.index("  party    msg") + 1 : lines.index("  party    msg") + 9]
    assert matrix == [
        "  analyst  plaintext (analysed)",
        "  app      plaintext",
        "  archive  plaintext (documented)",
        "  broker   plaintext (documented)",
        "  isp      plaintext (unsourced)",
        "  police   plaintext (documented)",
        "  server   plaintext (documented)",
        "  user     plaintext",
    ]


def test_markdown_readers_carry_their_tier_with_a_legend(run_cli: Callable[..., Run]) -> None:
    result = run_cli("analyze", TIERS, "--format", "markdown")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert (
        "| `msg` | analyst (analysed), app, broker (documented), isp (unsourced), "
        "server (documented), user | always | never |"
    ) in lines
    assert LEGEND in lines
    assert "| isp | plaintext (unsourced) |" in lines
    assert "| user | plaintext |" in lines


def test_a_model_that_cites_nothing_says_so_once_instead_of_tiers(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    model = tmp_path / "m.yaml"
    model.write_text(
        "threatmodel: 1\ntitle: x\nparties: {a: {kind: person}, b: {kind: service}}\n"
        "data: {d: {origin: [a]}}\nflows: {f: {from: a, to: b, data: [d]}}\n"
    )
    text = run_cli("analyze", str(model)).stdout
    assert "(unsourced)" not in text
    assert "No element of this model cites a source or states its evidence" in text
    markdown = run_cli("analyze", str(model), "--format", "markdown").stdout
    assert "(unsourced)" not in markdown
    explained = run_cli("explain", str(model), "--party", "b", "--data", "d").stdout
    assert explained.splitlines()[-2:] == [
        "    a originates d → f (a → b, none)",
        "  evidence: unsourced (no element of this model cites a source)",
    ]
    document = json.loads(run_cli("analyze", str(model), "--format", "json").stdout)
    assert document["settings"][0]["exposure"]["d"]["evidence"] == {
        "a": "unsourced",
        "b": "unsourced",
    }


def test_json_gives_the_tier_of_every_listed_party(run_cli: Callable[..., Run]) -> None:
    document = _analyze_json(run_cli)
    assert document["format"] == "threatmodel-analysis/1"
    assert document["format_version"] == "1.1"
    assert document["min_evidence"] is None
    by_setting = {s["values"]["archived"]: s["exposure"]["msg"] for s in document["settings"]}
    assert by_setting[True]["evidence"]["broker"] == "documented"
    assert by_setting[False]["evidence"] == {
        "analyst": "analysed",
        "app": "established",
        "broker": "inferred",
        "isp": "unsourced",
        "server": "documented",
        "user": "established",
    }
    violation = next(s for s in document["settings"] if s["values"]["archived"])["violations"]
    assert violation[0]["party"] == "police"
    finding = next(f for f in document["findings"] if f["rule"] == "TM002")
    assert finding["evidence"] == "documented"


def test_min_evidence_counts_only_derivations_at_that_tier(run_cli: Callable[..., Run]) -> None:
    document = _analyze_json(run_cli, "--min-evidence", "documented")
    assert document["min_evidence"] == "documented"
    conditions = document["conditions"]["msg"]
    assert conditions["broker"]["plaintext"] == "archived"
    assert conditions["isp"]["plaintext"] == "never"
    assert conditions["analyst"]["plaintext"] == "never"
    assert conditions["server"]["plaintext"] == "always"
    everything = _analyze_json(run_cli)["conditions"]["msg"]
    assert everything["broker"]["plaintext"] == everything["isp"]["plaintext"] == "always"
    established = _analyze_json(run_cli, "--min-evidence", "established")
    readers = {
        s["values"]["archived"]: s["exposure"]["msg"]["plaintext"] for s in established["settings"]
    }
    assert readers == {False: ["app", "user"], True: ["app", "user"]}


def test_check_lines_and_sarif_carry_the_evidence(run_cli: Callable[..., Run]) -> None:
    text = run_cli("check", TIERS).stdout.splitlines()
    assert text[0] == (
        "tests/cases/evidence/tiers.yaml:37:3: TM100 high: expectation police_out: police may "
        "get nothing of msg, but reads it in plaintext (when archived; evidence: documented)"
    )
    assert any(line.endswith("(always; evidence: unsourced)") and " isp " in line for line in text)
    sarif = json.loads(run_cli("check", TIERS, "--format", "sarif").stdout)
    results = sarif["runs"][0]["results"]
    evidence = {
        (r["ruleId"], r["properties"]["party"]): r["properties"]["evidence"] for r in results
    }
    assert evidence[("TM100", "police")] == "documented"
    assert evidence[("TM001", "analyst")] == "analysed"
    assert evidence[("TM001", "isp")] == "unsourced"


def test_check_min_evidence_fails_only_on_what_the_record_establishes(
    run_cli: Callable[..., Run],
) -> None:
    assert run_cli("check", TIERS).exit_code == 1
    documented = run_cli("check", TIERS, "--min-evidence", "documented", "--format", "json")
    assert documented.exit_code == 1
    model = json.loads(documented.stdout)["models"][0]
    assert {f["party"] for f in model["findings"] if f["rule"] == "TM001"} == {
        "archive",
        "broker",
        "police",
        "server",
    }
    established = run_cli("check", TIERS, "--min-evidence", "established")
    assert established.exit_code == 0
    assert "0 violated expectations, 0 findings: passes" in established.stdout


def test_explain_prints_the_tier_and_sources_of_every_step(run_cli: Callable[..., Run]) -> None:
    result = run_cli("explain", TIERS, "--party", "police", "--data", "msg")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    start = lines.index("  evidence: documented; each step, and the sources behind it:")
    assert lines[start + 1 :] == [
        "    user originates msg: established",
        "      msg (origin): established, stated",
        "    typing (user → app, none): established",
        "      typing (flow): established, stated",
        "    upload (app → server, none): documented",
        "      upload (flow): documented",
        "        vendor_doc (documented): Vendor documentation",
        "        blog (inferred): A blog post's guess",
        "    archiving (server → archive, none): established",
        "      archiving (flow): established",
        "        court (established): Court judgment",
        "    subpoena (police compels archive): established",
        "      subpoena (access): established",
        "        court (established): Court judgment",
        "      archive (retains): established",
        "        court (established): Court judgment",
    ]


def test_explain_json_gives_each_step_its_grounds(run_cli: Callable[..., Run]) -> None:
    result = run_cli("explain", TIERS, "--party", "isp", "--data", "msg", "--format", "json")
    way = json.loads(result.stdout)["ways"][0]
    assert way["evidence"] == "unsourced"
    observe = way["steps"][-1]
    assert observe["step"] == "isp observes upload (app → server, none)"
    assert observe["evidence"] == "unsourced"
    assert [(g["element"], g["role"], g["evidence"]) for g in observe["grounds"]] == [
        ("upload", "flow", "documented"),
        ("isp", "observer", "unsourced"),
    ]
    assert observe["grounds"][0]["sources"][0] == {
        "id": "vendor_doc",
        "title": "Vendor documentation",
        "evidence": "documented",
    }


def test_explain_on_a_shipped_model_shows_the_source_behind_each_step(
    run_cli: Callable[..., Run],
) -> None:
    """Law enforcement reading an AI chat on Instagram: each step names the elements it rests
    on, and each element its sources with their titles, exactly as the model cites them."""
    model = load_file("models/instagram_ai.yaml").model
    result = run_cli(
        "explain", "models/instagram_ai.yaml", "--party", "law_enforcement", "--data", "ai_prompt"
    )
    assert result.exit_code == 0
    text = result.stdout
    ways = text.split("\nway ")[1:]
    assert ways
    for way in ways:
        lines = way.splitlines()
        evidence = [i for i, line in enumerate(lines) if line.startswith("  evidence: ")]
        assert len(evidence) == 1, way
        body = " ".join(" ".join(lines[evidence[0] + 1 :]).split())
        assert "ai_chat_warrant (law_enforcement compels ai_history):" in body
        grounds = re.findall(r"(\w+) \((origin|flow|access|retains|observer|holders)\): ", body)
        assert ("ai_chat_warrant", "access") in grounds
        assert ("ai_history", "retains") in grounds
        for element, role in grounds:
            section = {
                "origin": model.data,
                "flow": model.flows,
                "access": model.access,
                "retains": model.parties,
                "observer": model.parties,
            }[role]
            for source in section[element].source:
                title = " ".join(model.sources[source].title.split())
                assert f"{source} ({model.sources[source].tier().value}): {title}" in body
    assert "le_ai_chats (inferred): LE-5: Stored AI chats are not E2EE" in " ".join(text.split())


def test_report_embeds_each_ways_evidence_and_sources(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    target = tmp_path / "r.html"
    assert run_cli("report", TIERS, "-o", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    payload = re.search(r'<script type="application/json" id="analysis">(.*?)</script>', text, re.S)
    assert payload is not None
    data = json.loads(payload.group(1).replace("<\\/", "</"))
    assert data["tiers"]["broker/msg"] == [
        ["established", "never", "never"],
        ["documented", "archived", "never"],
        ["analysed", "archived", "never"],
        ["inferred", "always", "never"],
    ]
    assert data["tiers"]["user/msg"][0] == ["established", "always", "never"]
    assert data["weakest"] == "unsourced"
    (way,) = data["ways"]["isp/msg"]
    assert way["evidence"] == "unsourced"
    observed = way["steps"][-1]
    assert observed["text"] == "isp observes upload (app → server, none)"
    assert observed["evidence"] == "unsourced"
    assert [step["evidence"] for step in way["steps"]][:1] == ["established"]
    assert data["sources"]["vendor_doc"]["title"] == "Vendor documentation"
    assert "function tierOf(" in text


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        (
            "sources: {s: {title: S, evidence: proven}}\n",
            "4:35: error: invalid evidence 'proven' (expected one of: established, documented, "
            "analysed, inferred, unsourced)",
        ),
        (
            "parties: {a: {kind: person, evidence: establihsed}}\n",
            "4:39: error: invalid evidence 'establihsed'; did you mean 'established'? "
            "(expected one of: established, documented, analysed, inferred, unsourced)",
        ),
    ],
)
def test_an_unknown_tier_is_a_located_error(
    snippet: str, message: str, run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    model = tmp_path / "m.yaml"
    model.write_text("threatmodel: 1\ntitle: x\n\n" + snippet)
    result = run_cli("validate", str(model))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"{model}:{message}"]


def test_an_unknown_min_evidence_is_a_usage_error(run_cli: Callable[..., Run]) -> None:
    result = run_cli("analyze", TIERS, "--min-evidence", "proven")
    assert result.exit_code == 2
    assert "Invalid value for '--min-evidence'" in result.stderr


def test_every_reading_in_the_readme_tables_carries_its_tier() -> None:
    readme = Path("README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: models -->")[1].split("<!-- end section: models -->")[0]
    tier = "(established|documented|analysed|inferred|unsourced)"
    graded = re.compile(rf"^`\w+` \({tier}\)(, `\w+` \({tier}\))*$")
    rows = [
        line.strip("|").split(" | ")
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith(("| setting |", "| model,", "| ---"))
    ]
    readings = [cell.strip() for row in rows for cell in row[1:]]
    assert len(rows) > 20
    for cell in readings:
        assert cell in ("—", "no AI") or graded.match(cell), cell
    assert sum(1 for cell in readings if graded.match(cell)) > 40
