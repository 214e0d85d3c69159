"""``threatmodel check`` and ``threatmodel rules`` as a CI job meets them: exit codes for each
``--fail-on``, every model's errors, the line format, golden outputs of the shipped models."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import MODELS, ROOT, Run
from threatmodel.cli import cli
from threatmodel.report.check.formats import WRITERS

EXAMPLE = "models/assistant_messenger.yaml"
SUFFIX = {"text": "txt", "json": "json", "sarif": "sarif"}

# A medium (TM001) and a low (TM006) finding, no expectation.
MEDIUM_AND_LOW = "tests/cases/checks/tm006_triggers.yaml"
# High findings (TM001, TM004), no expectation.
HIGH = "tests/cases/checks/tm004_triggers.yaml"
# Nothing at all.
CLEAN = "tests/cases/checks/tm003_clean.yaml"

LOW_ONLY = """\
threatmodel: 1
title: Only a trade-off
parties:
  user: {kind: person}
  server: {kind: service}
toggles:
  e2ee: {default: false}
  assistant: {default: true}
constraints:
  no_assistant_in_e2ee: {require: not (e2ee and assistant)}
data:
  message: {origin: [user], classification: internal}
flows:
  upload: {from: user, to: server, data: [message], when: not e2ee}
"""

BROKEN_PROMISE = """\
threatmodel: 1
title: A promise that does not hold
parties:
  user: {kind: person}
  server: {kind: service}
data:
  message: {origin: [user], classification: public}
flows:
  upload: {from: user, to: server, data: [message]}
expectations:
  server_never_reads: {party: server, data: message}
"""


def test_every_format_has_a_writer_and_a_golden_suffix() -> None:
    assert set(WRITERS) == set(SUFFIX)


GOLDEN_CASES = sorted(
    [(model, "text") for model in MODELS]
    + [
        ("models/assistant_messenger.yaml", "json"),
        ("models/e2ee_messenger.yaml", "json"),
        ("models/e2ee_messenger.yaml", "sarif"),
    ]
)
"""Every format, on outputs small enough to review; SARIF of every shipped model is checked
against the schema in ``test_sarif.py``."""


@pytest.mark.parametrize(("model", "output_format"), GOLDEN_CASES)
def test_check_output_matches_golden(
    model: str,
    output_format: str,
    run_cli: Callable[..., Run],
    golden: Callable[[str, str], None],
) -> None:
    result = run_cli("check", model, "--format", output_format)
    assert result.exit_code in (0, 1), result.stderr
    name = model.removeprefix("models/").removesuffix(".yaml")
    golden(f"check/{name}.{SUFFIX[output_format]}", result.stdout)


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (MEDIUM_AND_LOW, {"high": 0, "medium": 1, "low": 1, "never": 0}),
        (HIGH, {"high": 1, "medium": 1, "low": 1, "never": 0}),
        ("low-only", {"high": 0, "medium": 0, "low": 1, "never": 0}),
        (CLEAN, {"high": 0, "medium": 0, "low": 0, "never": 0}),
        ("broken-promise", {"high": 1, "medium": 1, "low": 1, "never": 1}),
    ],
)
def test_exit_code_for_each_fail_on(
    model: str, expected: dict[str, int], tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    texts = {"low-only": LOW_ONLY, "broken-promise": BROKEN_PROMISE}
    if model in texts:
        path = tmp_path / f"{model}.yaml"
        path.write_text(texts[model])
        model = str(path)
    for fail_on, code in expected.items():
        result = run_cli("check", model, "--fail-on", fail_on)
        assert result.exit_code == code, (fail_on, result.stdout)
        assert result.stderr == ""
    assert run_cli("check", model).exit_code == expected["high"]  # the default


def test_text_lines_point_at_the_element(run_cli: Callable[..., Run]) -> None:
    result = run_cli("check", EXAMPLE)
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    assert out[0] == (
        "models/assistant_messenger.yaml:188:3: TM100 high: expectation e2ee_hides_dms: servers "
        "may get at most ciphertext of dm_text, but reads it in plaintext "
        "(when e2ee and not no_server_key_copy; evidence: inferred)"
    )
    assert out[1] == "    servers opens dm_text with chat_key"
    assert (
        "models/assistant_messenger.yaml:176:3: TM002 high: law_enforcement reads dm_text in "
        "plaintext through warrant (compels servers) (when not e2ee or not no_server_key_copy; "
        "evidence: established)"
    ) in out
    assert out[-3:] == [
        "models/assistant_messenger.yaml: 5 violated expectations, 21 findings "
        "(14 high, 6 medium, 1 low): fails",
        "",
        "check failed: 19 problems (failing on findings at or above high)",
    ]


def test_a_passing_check_says_so(run_cli: Callable[..., Run]) -> None:
    result = run_cli("check", CLEAN, MEDIUM_AND_LOW, "--fail-on", "never")
    assert result.exit_code == 0
    assert result.stdout == (
        "tests/cases/checks/tm003_clean.yaml: 0 violated expectations, 0 findings: passes\n"
        "\n"
        "tests/cases/checks/tm006_triggers.yaml:5:3: TM001 medium: server reads personal data "
        "message in plaintext outside user (when not e2ee; evidence: unsourced)\n"
        "    user originates message → upload (user → server, none)\n"
        "tests/cases/checks/tm006_triggers.yaml:7:3: TM006 low: turning e2ee on reduces "
        "exposure but forces assistant off (when e2ee)\n"
        "    turning e2ee on breaks constraint no_assistant_in_e2ee (not (e2ee and assistant))\n"
        "    so assistant is forced off\n"
        "    removes server: message plaintext → none\n"
        "tests/cases/checks/tm006_triggers.yaml: 0 violated expectations, 2 findings "
        "(1 medium, 1 low): passes\n"
        "\n"
        "check passed (findings never fail)\n"
    )


def test_json_lists_every_model(run_cli: Callable[..., Run]) -> None:
    result = run_cli("check", CLEAN, HIGH, "--format", "json", "--fail-on", "medium")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["format"] == "threatmodel-check/1"
    assert document["fail_on"] == "medium"
    assert document["failed"] is True
    assert [(m["path"], m["failed"]) for m in document["models"]] == [
        (CLEAN, False),
        (HIGH, True),
    ]
    assert document["models"][1]["counts"] == {"high": 6, "medium": 0, "low": 0, "info": 0}
    finding = document["models"][1]["findings"][0]
    assert set(finding) >= {"rule", "severity", "party", "data", "condition", "elements"}


def test_every_invalid_model_is_reported(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    first = tmp_path / "first.yaml"
    first.write_text("threatmodel: 1\ntitle: x\nparties: {a: {kind: persn}}\n")
    second = tmp_path / "second.yaml"
    second.write_text("threatmodel: 1\ntitle: y\nflows: {f: {from: a, to: b, data: [d]}}\n")
    result = run_cli("check", str(first), CLEAN, str(second), "--format", "sarif")
    assert result.exit_code == 2
    assert result.stdout == ""
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"{first}:3:21: error: invalid kind 'persn'")
    assert any(line.startswith(f"{second}:3:") for line in errors)


def test_missing_model_file_exits_2(run_cli: Callable[..., Run]) -> None:
    result = run_cli("check", "no/such/model.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("no/such/model.yaml:1:1: error: cannot read file")


def test_bad_fail_on_is_a_usage_error(run_cli: Callable[..., Run]) -> None:
    result = run_cli("check", CLEAN, "--fail-on", "critical")
    assert result.exit_code == 2
    assert "'critical' is not one of 'high', 'medium', 'low', 'never'" in result.stderr


def test_output_file(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    target = tmp_path / "results.sarif"
    result = run_cli("check", HIGH, "--format", "sarif", "-o", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"


def test_rules_lists_every_rule(run_cli: Callable[..., Run]) -> None:
    result = run_cli("rules")
    assert result.exit_code == 0
    out = result.stdout.splitlines()
    assert out[:2] == [
        "TM001  high    disclosure-outside-boundary",
        "    A party outside the boundary of every origin of a personal or sensitive datum "
        "reads it in",
    ]
    heads = [line.split()[0] for line in out if line.startswith("TM")]
    assert heads == ["TM001", "TM002", "TM003", "TM004", "TM005", "TM006", "TM100"]


@pytest.mark.parametrize("name", ["TM004", "tm004", "incomplete-deletion"])
def test_rules_shows_a_rules_documentation(name: str, run_cli: Callable[..., Run]) -> None:
    result = run_cli("rules", name)
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "TM004 incomplete-deletion (severity high)\n\nA deletion toggle that leaves readable "
        "copies behind.\n"
    )
    assert "Example::" in result.stdout


def test_rules_unknown_rule(run_cli: Callable[..., Run]) -> None:
    result = run_cli("rules", "disclosure-outside-boundry")
    assert result.exit_code == 2
    assert (
        "unknown rule 'disclosure-outside-boundry'; did you mean 'disclosure-outside-boundary'?"
        in result.stderr
    )


def test_pre_commit_hooks_run_real_commands() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["threatmodel-check", "threatmodel-validate"]
    for hook in hooks:
        program, command = hook["entry"].split()
        assert program == "threatmodel"
        assert command in cli.commands
        assert hook["language"] == "python"
        files = re.compile(hook["files"])
        assert files.search("threatmodels/messenger.yaml")
        assert files.search("docs/threat_models/app.yml")
        assert files.search("app.threatmodel.yaml")
        assert not files.search("config.yaml")


def test_analyze_json_lists_the_findings(run_cli: Callable[..., Run]) -> None:
    """SPEC section 8: ``findings`` in the JSON of ``analyze``."""
    document = json.loads(run_cli("analyze", EXAMPLE, "--format", "json").stdout)
    warrant = next(
        f for f in document["findings"] if f["rule"] == "TM002" and f["data"] == "dm_text"
    )
    assert {k: warrant[k] for k in ("rule", "severity", "party", "data", "condition")} == {
        "rule": "TM002",
        "severity": "high",
        "party": "law_enforcement",
        "data": "dm_text",
        "condition": "not e2ee or not no_server_key_copy",
    }
    assert warrant["elements"] == ["warrant"]
    assert warrant["witness"][-1] == "warrant (law_enforcement compels servers)"
    rules = [f["rule"] for f in document["findings"]]
    assert rules == sorted(rules)
    assert set(rules) == {"TM001", "TM002", "TM003", "TM004", "TM005", "TM006"}
