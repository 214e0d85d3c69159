"""SARIF 2.1.0: valid against the official schema, and what GitHub code scanning needs to show
results on a pull request's diff."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import FIXTURES, MODELS, ROOT, Run
from threatmodel.checks import CHECKS, EXPECTATION_CHECK
from threatmodel.engine.consistency import load_file
from threatmodel.report.check.sarif import artifact_uri, markdown

SCHEMA_PATH = FIXTURES / "sarif" / "sarif-schema-2.1.0.json"
CASES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "tests/cases/checks").glob("*.yaml"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def sarif(run_cli: Callable[..., Run], *models: str) -> dict[str, Any]:
    result = run_cli("check", *models, "--format", "sarif")
    assert result.exit_code in (0, 1), result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def errors(validator: jsonschema.Draft4Validator, document: dict[str, Any]) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]


@pytest.mark.parametrize("model", MODELS)
def test_shipped_models_validate(
    model: str, validator: jsonschema.Draft4Validator, run_cli: Callable[..., Run]
) -> None:
    assert errors(validator, sarif(run_cli, model)) == []


def test_many_models_in_one_run_validate(
    validator: jsonschema.Draft4Validator, run_cli: Callable[..., Run]
) -> None:
    document = sarif(run_cli, *MODELS, *CASES)
    assert errors(validator, document) == []
    assert len(document["runs"]) == 1
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in document["runs"][0]["results"]
    }
    assert uris <= set(MODELS) | set(CASES)


def test_rules_carry_what_code_scanning_shows(run_cli: Callable[..., Run]) -> None:
    driver = sarif(run_cli, MODELS[0])["runs"][0]["tool"]["driver"]
    assert driver["name"] == "threatmodel"
    assert "version" not in driver and "semanticVersion" not in driver
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [*CHECKS, EXPECTATION_CHECK.id]
    first = rules[0]
    assert first["name"] == "disclosure-outside-boundary"
    assert first["shortDescription"]["text"] == CHECKS["TM001"].summary
    assert first["fullDescription"]["text"].startswith("Personal or sensitive data read in")
    assert "Example:" in first["help"]["text"]
    assert "```\nthreatmodel: 1\n" in first["help"]["markdown"]
    assert [r["defaultConfiguration"]["level"] for r in rules] == [
        "error",
        "error",
        "warning",
        "error",
        "error",
        "note",
        "error",
    ]
    assert [r["properties"]["security-severity"] for r in rules] == [
        "8.0",
        "8.0",
        "5.0",
        "8.0",
        "8.0",
        "2.0",
        "8.0",
    ]
    assert all("security" in r["properties"]["tags"] for r in rules)


def test_results_point_at_the_element(run_cli: Callable[..., Run]) -> None:
    model = "models/assistant_messenger.yaml"
    loaded = load_file(model)
    run = sarif(run_cli, model)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    warrant = next(
        r for r in run["results"] if r["ruleId"] == "TM002" and r["properties"]["data"] == "dm_text"
    )
    location = loaded.locate("access", "warrant")
    assert warrant["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": model},
                "region": {"startLine": location.line, "startColumn": location.column},
            }
        }
    ]
    assert rules[warrant["ruleIndex"]]["id"] == "TM002"
    assert warrant["level"] == "error"
    assert warrant["message"]["text"] == (
        "law_enforcement reads dm_text in plaintext through warrant (compels servers) "
        "(when not e2ee or not no_server_key_copy)"
    )
    steps = warrant["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [s["location"]["message"]["text"] for s in steps] == [
        "user originates dm_text",
        "typing (user → app, none)",
        "dm_upload (app → servers, transport)",
        "warrant (law_enforcement compels servers)",
    ]
    assert steps[2]["location"]["physicalLocation"]["region"]["startLine"] == (
        loaded.locate("flows", "dm_upload").line
    )


def test_fingerprints_survive_moved_lines(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    source = (ROOT / "models/assistant_messenger.yaml").read_text(encoding="utf-8")
    (tmp_path / "models").mkdir()
    target = tmp_path / "models" / "m.yaml"

    def results() -> dict[str, tuple[str, int]]:
        found = {}
        for r in sarif(run_cli, str(target))["runs"][0]["results"]:
            key = r["partialFingerprints"]["threatmodel/v1"]
            assert key not in found, "fingerprints are unique"
            found[key] = (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        return found

    target.write_text(source, encoding="utf-8")
    before = results()
    target.write_text("# a new comment\n# and another\n" + source, encoding="utf-8")
    after = results()
    assert set(before) == set(after)
    assert all(after[key][1] == before[key][1] + 2 for key in before)


def test_output_is_deterministic(run_cli: Callable[..., Run]) -> None:
    first = run_cli("check", *MODELS, "--format", "sarif").stdout
    assert run_cli("check", *MODELS, "--format", "sarif").stdout == first
    assert str(ROOT) not in first


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("models/assistant_messenger.yaml", "models/assistant_messenger.yaml"),
        ("./models/assistant_messenger.yaml", "models/assistant_messenger.yaml"),
        (str(ROOT / "models/assistant_messenger.yaml"), "models/assistant_messenger.yaml"),
        ("threat models/a b.yaml", "threat%20models/a%20b.yaml"),
    ],
)
def test_artifact_uris_are_relative(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri


def test_uri_outside_the_working_directory_is_a_file_uri() -> None:
    assert artifact_uri("/elsewhere/m.yaml") == "file:///elsewhere/m.yaml"


def test_help_markdown_fences_literal_blocks() -> None:
    doc = "Title.\n\nExample::\n\n    a: 1\n    b: 2\n\nreports ``x``::\n\n    line\n"
    assert markdown(doc) == (
        "Title.\n\nExample:\n\n```\na: 1\nb: 2\n```\n\nreports `x`:\n\n```\nline\n```\n"
    )
