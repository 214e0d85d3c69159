"""The command line as a user meets it: exit codes, options, outputs, help."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT, Run
from threatmodel.cli import cli
from threatmodel.load.schema import schema_text

EXAMPLE = "models/assistant_messenger.yaml"


def test_validate_ok(run_cli: Callable[..., Run]) -> None:
    result = run_cli("validate", EXAMPLE)
    assert result.exit_code == 0
    assert result.stdout == f"{EXAMPLE}: ok (10 parties, 4 data, 10 flows, 4 toggles)\n"


def test_analyze_invalid_model_exits_2(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("threatmodel: 1\ntitle: x\nparties: {a: {kind: persn}}\n")
    result = run_cli("analyze", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{bad}:3:21: error: invalid kind 'persn'")
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("e2ee", "expected NAME=VALUE, got 'e2ee'"),
        ("e2ee=maybe", "invalid value 'maybe' for e2ee; expected true, false, on, off, 1 or 0"),
        ("e2e=true", "unknown toggle or assumption 'e2e'; did you mean 'e2ee'?"),
        (
            "ai_chat=on",
            None,
        ),
    ],
)
def test_set_values(assignment: str, message: str | None, run_cli: Callable[..., Run]) -> None:
    result = run_cli("analyze", EXAMPLE, "--set", assignment, "--set", "e2ee=1", "--format", "json")
    if message is None:
        assert result.exit_code == 2
        assert "no allowed setting has ai_chat=true, e2ee=true" in result.stderr
        return
    assert result.exit_code == 2
    assert message in result.stderr


def test_set_narrows_the_settings(run_cli: Callable[..., Run]) -> None:
    result = run_cli("analyze", EXAMPLE, "--set", "e2ee=true", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["pinned"] == {"e2ee": True}
    assert all(s["values"]["e2ee"] for s in document["settings"])
    assert document["default"]["forced"] == {"ai_chat": False}
    assert document["conditions"]["dm_text"]["servers"] == {
        "ciphertext": "no_server_key_copy",
        "plaintext": "not no_server_key_copy",
    }


def test_set_on_a_verified_assumption_is_refused(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    model = tmp_path / "m.yaml"
    model.write_text("threatmodel: 1\ntitle: x\nassumptions: {v: {status: verified}}\n")
    result = run_cli("analyze", str(model), "--set", "v=false")
    assert result.exit_code == 2
    assert "assumption 'v' is verified, so always true; it cannot be set to false" in result.stderr


def test_json_follows_spec_section_8(run_cli: Callable[..., Run]) -> None:
    document = json.loads(run_cli("analyze", EXAMPLE, "--format", "json").stdout)
    assert document["format"] == "threatmodel-analysis/1"
    assert document["format_version"] == "1.1"
    assert document["min_evidence"] is None
    assert document["model"] == {
        "title": "Messenger with optional E2EE and an AI assistant",
        "path": EXAMPLE,
    }
    assert document["assumptions_mode"] == "all"
    assert document["variables"] == sorted(document["variables"])
    values = [tuple(s["values"][v] for v in document["variables"]) for s in document["settings"]]
    assert values == sorted(values)
    for setting in document["settings"]:
        assert sorted(setting["exposure"]) == ["ai_prompt", "ai_reply", "chat_key", "dm_text"]
        for lists in setting["exposure"].values():
            assert set(lists) == {"plaintext", "ciphertext", "evidence"}
            assert sorted(lists["evidence"]) == sorted(lists["plaintext"] + lists["ciphertext"])
    assert "findings" in document


@pytest.mark.parametrize("bound", ["0", "3", "23"])
def test_max_settings_lists_default_and_scenarios(bound: str, run_cli: Callable[..., Run]) -> None:
    document = json.loads(
        run_cli("analyze", EXAMPLE, "--format", "json", "--max-settings", bound).stdout
    )
    assert document["settings_complete"] is False
    assert document["settings_total"] == 24
    labels = [label for s in document["settings"] for label in s["labels"]]
    assert "default" in labels
    assert {"private_chat", "opted_out", "after_reset", "key_copy"} <= set(labels)
    assert len(document["settings"]) == 5


def test_max_settings_at_the_count_lists_every_setting(run_cli: Callable[..., Run]) -> None:
    document = json.loads(
        run_cli("analyze", EXAMPLE, "--format", "json", "--max-settings", "24").stdout
    )
    assert document["settings_complete"] is True
    assert len(document["settings"]) == 24


@pytest.mark.parametrize(
    ("body", "text_says", "markdown_says"),
    [
        ("", "the model has no data or keys", "The model has no data or keys."),
        ("parties:\n  a: {kind: person}\n", "the model has no data or keys", "no data"),
        (
            "data:\n  d: {origin: []}\n",
            "(no parties or no data to show)",
            "| `d` | nobody ever has it |",
        ),
    ],
)
def test_an_empty_model_is_reported_plainly(
    body: str, text_says: str, markdown_says: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    model = tmp_path / "m.yaml"
    model.write_text(f"threatmodel: 1\ntitle: Nothing yet\n{body}", encoding="utf-8")
    text = run_cli("analyze", str(model))
    markdown = run_cli("analyze", str(model), "--format", "markdown")
    assert text.exit_code == markdown.exit_code == 0
    assert text_says in text.stdout
    assert "| party |  |" not in markdown.stdout
    assert markdown_says.lower() in markdown.stdout.lower()
    document = json.loads(run_cli("analyze", str(model), "--format", "json").stdout)
    assert len(document["settings"]) == 1


def test_assumptions_mode(run_cli: Callable[..., Run]) -> None:
    document = json.loads(
        run_cli("analyze", EXAMPLE, "--format", "json", "--assumptions", "pessimistic").stdout
    )
    assert document["assumptions_mode"] == "pessimistic"
    assert "no_server_key_copy" not in document["variables"]
    assert document["conditions"]["dm_text"]["servers"]["plaintext"] == "always"


def test_output_file_is_written_atomically(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    target = tmp_path / "report.json"
    result = run_cli("analyze", EXAMPLE, "--format", "json", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text())["format"] == "threatmodel-analysis/1"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_failed_run_leaves_the_output_untouched(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("threatmodel: 1\n")
    assert run_cli("analyze", str(bad), "-o", str(target)).exit_code == 2
    assert target.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "report.json"]


def test_unwritable_output(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    result = run_cli("analyze", EXAMPLE, "-o", str(tmp_path / "missing" / "out.txt"))
    assert result.exit_code == 2
    assert "error: cannot write" in result.stderr


def test_explain_unknown_party(run_cli: Callable[..., Run]) -> None:
    result = run_cli("explain", EXAMPLE, "--party", "server", "--data", "dm_text")
    assert result.exit_code == 2
    assert "unknown party 'server'; did you mean 'servers'?" in result.stderr


def test_explain_never(run_cli: Callable[..., Run]) -> None:
    result = run_cli("explain", EXAMPLE, "--party", "isp", "--data", "ai_prompt")
    assert result.exit_code == 0
    assert "isp never gets ai_prompt in any allowed setting" in result.stdout


def test_explain_with_set_shows_that_setting(run_cli: Callable[..., Run]) -> None:
    result = run_cli(
        "explain", EXAMPLE, "--party", "servers", "--data", "dm_text", "--set", "e2ee=true"
    )
    assert result.exit_code == 0
    assert "ciphertext: when no_server_key_copy" in result.stdout
    assert "e2ee=true" in result.stdout


def test_explain_says_always_plainly(run_cli: Callable[..., Run]) -> None:
    result = run_cli(
        "explain", EXAMPLE, "--party", "servers", "--data", "dm_text", "--set", "e2ee=false"
    )
    assert result.exit_code == 0
    assert "  plaintext: always\n" in result.stdout
    assert "way 1: plaintext always\n" in result.stdout
    assert "when always" not in result.stdout


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help(command: str, run_cli: Callable[..., Run]) -> None:
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert "Exit status: 0 success" in result.stdout
    assert cli.commands[command].help


def test_committed_schema_is_current() -> None:
    committed = (ROOT / "threatmodel.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "regenerate with: make schema"


def test_schema_command(run_cli: Callable[..., Run]) -> None:
    result = run_cli("schema")
    schema = json.loads(result.stdout)
    assert schema["properties"]["threatmodel"]["const"] == 1
    assert schema["$defs"]["Party"]["properties"]["kind"]["$ref"] == "#/$defs/PartyKind"


def test_shipped_models_validate_against_the_json_schema() -> None:
    import jsonschema
    import yaml

    schema = json.loads(schema_text())
    for path in sorted((ROOT / "models").glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
