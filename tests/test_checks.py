"""Built-in findings: each rule on a model that triggers it and one that does not, the
registry, and the examples in the rules' documentation."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from conftest import MODELS, ROOT
from threatmodel.checks import CHECKS, EXPECTATION_CHECK, run_checks, violated_expectations
from threatmodel.checks.finding import Finding
from threatmodel.engine.consistency import load_file, load_text
from threatmodel.engine.exposure import Analysis, analyze
from threatmodel.engine.space import Mode

CASES = ROOT / "tests" / "cases" / "checks"


def lines(findings: list[Finding], rule: str | None = None) -> list[str]:
    """Findings as ``check`` prints them, without the position."""
    return [
        f"{f.rule} {f.severity.value}: {f.message} ({f.when})"
        for f in findings
        if rule is None or f.rule == rule
    ]


def analysis_of(name: str, mode: Mode = Mode.ALL) -> Analysis:
    return analyze(load_file(str(CASES / name)), mode)


TRIGGERED = {
    "TM001": [
        "TM001 medium: server reads personal data note in plaintext outside friend_phone and "
        "phone (when not e2ee)",
        "TM001 high: assistant reads sensitive data prompt in plaintext outside phone (always)",
        "TM001 high: police reads sensitive data prompt in plaintext outside phone (always)",
        "TM001 high: police reads sensitive data reply in plaintext outside cloud_ai and phone "
        "(always)",
    ],
    "TM002": [
        "TM002 high: agency reads message in plaintext through handover (seizes from police) "
        "and warrant (compels server) (when not e2ee)",
        "TM002 high: police reads message in plaintext through warrant (compels server) "
        "(when not e2ee)",
        "TM002 high: agency reads tip in plaintext through handover (seizes from police) (always)",
    ],
    "TM003": [
        "TM003 medium: what server gets of chat_key rests on the claimed assumption "
        "no_key_copy: plaintext if it is false, nothing if it is true (always)",
        "TM003 medium: what cdn gets of message rests on the claimed assumption no_key_copy: "
        "plaintext if it is false, ciphertext if it is true (when not cdn_discards and e2ee)",
        "TM003 medium: what cdn gets of message rests on the unknown assumption cdn_discards: "
        "ciphertext if it is false, nothing if it is true (always)",
        "TM003 medium: what server gets of message rests on the claimed assumption "
        "no_key_copy: plaintext if it is false, ciphertext if it is true (when e2ee)",
    ],
    "TM004": [
        "TM004 high: assistant retains prompt in plaintext although reset deletes it (when reset)",
        "TM004 high: backup retains prompt in plaintext although reset deletes it "
        "(when reset and not sync_off)",
        "TM004 high: backup retains reply in plaintext although reset deletes it "
        "(when reset and not sync_off)",
    ],
    "TM005": [
        "TM005 medium: corpus, which uses data for training, reads personal data chat in "
        "plaintext (when not opt_out)",
        "TM005 high: ads, which uses data for advertising, reads sensitive data health in "
        "plaintext (always)",
    ],
    "TM006": [
        "TM006 low: turning e2ee on reduces exposure but forces assistant off (when e2ee)",
    ],
}


def test_the_registry_lists_tm001_to_tm006_in_order() -> None:
    assert list(CHECKS) == ["TM001", "TM002", "TM003", "TM004", "TM005", "TM006"]
    assert [rule.name for rule in CHECKS.values()] == [
        "disclosure-outside-boundary",
        "compelled-disclosure",
        "unverified-protection",
        "incomplete-deletion",
        "secondary-use",
        "protection-tradeoff",
    ]
    assert EXPECTATION_CHECK.id not in CHECKS


@pytest.mark.parametrize("rule", sorted(CHECKS))
def test_rule_triggers(rule: str) -> None:
    findings = run_checks(analysis_of(f"{rule.lower()}_triggers.yaml"))
    assert lines(findings, rule) == TRIGGERED[rule]


@pytest.mark.parametrize("rule", sorted(CHECKS))
def test_rule_stays_quiet(rule: str) -> None:
    findings = run_checks(analysis_of(f"{rule.lower()}_clean.yaml"))
    assert lines(findings, rule) == []


@pytest.mark.parametrize("rule", sorted(CHECKS))
def test_every_rule_has_documentation_with_an_example(rule: str) -> None:
    found = CHECKS[rule]
    assert rule in found.doc
    assert "Example::" in found.doc
    assert found.summary.endswith(".")
    assert found.description and "\n" not in found.description


def _examples(doc: str) -> tuple[str, list[str]]:
    """The YAML model and the reported lines of a rule's documentation."""
    blocks = re.findall(r"::\n\n((?:    .*\n|\n)+)", textwrap.dedent(doc))
    model, reported = (textwrap.dedent(block) for block in blocks[:2])
    return model, [line for line in reported.splitlines() if line.strip()]


@pytest.mark.parametrize("rule", [*sorted(CHECKS), EXPECTATION_CHECK.id])
def test_documented_example_reports_what_it_says(rule: str) -> None:
    found = CHECKS.get(rule, EXPECTATION_CHECK)
    model, expected = _examples(found.doc)
    analysis = analyze(load_text(model, "example.yaml"))
    reported = lines([*violated_expectations(analysis), *run_checks(analysis)], rule)
    assert expected
    assert set(expected) <= set(reported)


def test_findings_carry_positions_witness_and_example() -> None:
    analysis = analysis_of("tm002_triggers.yaml")
    finding = next(f for f in run_checks(analysis) if f.rule == "TM002" and f.party == "police")
    assert [(e.section, e.element, e.line, e.column) for e in finding.elements] == [
        ("access", "warrant", 17, 3)
    ]
    assert finding.witness == (
        "user originates message",
        "upload (user → server, none)",
        "warrant (police compels server)",
    )
    assert dict(finding.example) == {"e2ee": False}
    assert finding.to_json()["elements"] == ["warrant"]
    assert finding.to_json()["condition"] == "not e2ee"


def test_tm003_needs_free_assumptions() -> None:
    assert lines(run_checks(analysis_of("tm003_triggers.yaml", Mode.OPTIMISTIC)), "TM003") == []


def test_violated_expectations_are_reported_per_party() -> None:
    analysis = analyze(load_file("models/assistant_messenger.yaml"))
    assert [(v.about[0], v.party, v.condition) for v in violated_expectations(analysis)] == [
        ("e2ee_hides_dms", "servers", "e2ee and not no_server_key_copy"),
        ("provider_keeps_out_of_dms", "servers", "e2ee and not no_server_key_copy"),
        ("reset_removes_prompts", "assistant", "ai_chat and reset_ai"),
        ("reset_removes_prompts", "chat_log", "ai_chat and reset_ai"),
        (
            "reset_removes_prompts",
            "training_store",
            "ai_chat and reset_ai and not training_opt_out",
        ),
    ]


def test_every_case_file_is_used() -> None:
    names = {p.name for p in CASES.glob("*.yaml")}
    assert names == {f"{r.lower()}_{kind}.yaml" for r in CHECKS for kind in ("triggers", "clean")}


@pytest.mark.parametrize("model", MODELS)
def test_findings_agree_with_the_per_setting_analysis(model: str) -> None:
    """Each finding's example setting really shows what its condition says."""
    analysis = analyze(load_file(model))
    for finding in run_checks(analysis):
        if finding.party is None or finding.datum is None or finding.rule == "TM003":
            continue
        result = analysis.result_for(dict(finding.example))
        assert result.closure.level(finding.party, finding.datum).value == "plaintext"


def test_checks_do_not_modify_the_model(tmp_path: Path) -> None:
    analysis = analysis_of("tm002_triggers.yaml")
    before = analysis.model.model_dump()
    run_checks(analysis)
    assert analysis.model.model_dump() == before
