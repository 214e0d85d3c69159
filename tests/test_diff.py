"""``threatmodel diff`` on pairs of model versions: a flow made end-to-end, a new party with
access, a toggle removed, a constraint added, a key copied to the server."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MODELS, Run
from threatmodel.engine.consistency import load_file
from threatmodel.queries.diff import Status, compare
from threatmodel.report.diff import WRITERS

CASES = "tests/cases/diff"
BASE = f"{CASES}/base.yaml"
VARIANTS = ["constrained", "end_to_end", "key_backup", "new_party", "toggle_removed"]
SUFFIX = {"text": "txt", "json": "json", "markdown": "md"}


def variant(name: str) -> str:
    return f"{CASES}/{name}.yaml"


def test_every_format_has_a_writer_and_a_golden_suffix() -> None:
    assert set(WRITERS) == set(SUFFIX)


@pytest.mark.parametrize("output_format", sorted(SUFFIX))
@pytest.mark.parametrize("name", VARIANTS)
def test_diff_output_matches_golden(
    name: str,
    output_format: str,
    run_cli: Callable[..., Run],
    golden: Callable[[str, str], None],
) -> None:
    result = run_cli("diff", BASE, variant(name), "--format", output_format)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    golden(f"diff/{name}.{SUFFIX[output_format]}", result.stdout)


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        (BASE, variant("end_to_end"), 0),
        (variant("end_to_end"), BASE, 1),
        (BASE, variant("new_party"), 1),
        (variant("new_party"), BASE, 0),
        (BASE, variant("toggle_removed"), 1),
        (BASE, variant("constrained"), 0),
        (BASE, variant("key_backup"), 1),
        (BASE, BASE, 0),
    ],
)
def test_exit_code_says_whether_exposure_grows(
    old: str, new: str, code: int, run_cli: Callable[..., Run]
) -> None:
    assert run_cli("diff", old, new, "--exit-code").exit_code == code
    assert run_cli("diff", old, new).exit_code == 0


@pytest.mark.parametrize("model", MODELS)
def test_a_model_against_itself_changes_nothing(model: str, run_cli: Callable[..., Run]) -> None:
    result = run_cli("diff", model, model, "--exit-code")
    assert result.exit_code == 0
    assert result.stdout == (
        f"{model} → {model}\nNo change in exposure, findings or expectations.\n"
    )


def test_a_flow_made_end_to_end_lowers_exposure() -> None:
    diff = compare(load_file(BASE), load_file(variant("end_to_end")))
    assert not diff.grows
    assert [(c.party, c.datum, c.before.value, c.after.value, c.condition) for c in diff.lost] == [
        ("police", "message", "plaintext", "ciphertext", "not e2ee"),
        ("server", "message", "plaintext", "ciphertext", "not e2ee"),
    ]
    assert [(c.status, c.current.rule, c.current.party) for c in diff.findings] == [
        (Status.CLEARED, "TM001", "police"),
        (Status.CLEARED, "TM001", "server"),
        (Status.CLEARED, "TM002", "police"),
    ]


def test_a_removed_toggle_is_free_in_the_new_version() -> None:
    diff = compare(load_file(BASE), load_file(variant("toggle_removed")))
    assert [(v.name, v.kind) for v in diff.removed] == [("opt_out", "toggle")]
    assert diff.added == ()
    [gain] = diff.gained
    assert (gain.party, gain.datum, gain.before.value, gain.after.value, gain.condition) == (
        "corpus",
        "prompt",
        "none",
        "plaintext",
        "opt_out",
    )
    assert dict(gain.example) == {"e2ee": False, "opt_out": True}
    assert gain.witness[-1] == "collect (assistant → corpus, none)"


def test_a_new_constraint_removes_settings() -> None:
    diff = compare(load_file(BASE), load_file(variant("constrained")))
    assert (diff.only_old, diff.only_new, diff.common) == ("e2ee and opt_out", "never", True)
    assert diff.changes == ()


def test_a_key_copy_breaks_an_expectation() -> None:
    diff = compare(load_file(BASE), load_file(variant("key_backup")))
    [violation] = diff.expectations
    assert violation.status is Status.NEW
    assert violation.current.about == ("e2ee_hides_messages",)
    assert violation.current.condition == "e2ee"


def test_json_shape(run_cli: Callable[..., Run]) -> None:
    result = run_cli("diff", BASE, variant("new_party"), "--format", "json")
    document = json.loads(result.stdout)
    assert document["format"] == "threatmodel-diff/1"
    assert document["grows"] is True
    assert document["exposure"]["gained"][0] == {
        "party": "ads",
        "data": "prompt",
        "from": "none",
        "to": "plaintext",
        "condition": "always",
        "example": {"e2ee": False, "opt_out": False},
        "witness": [
            "user originates prompt",
            "typing (user → app, none)",
            "ask (app → assistant, transport)",
            "ad_feed (assistant shares with ads)",
        ],
    }
    assert [f["rule"] for f in document["findings"]["new"]] == ["TM001", "TM005"]
    assert document["findings"]["cleared"] == []


def test_invalid_versions_are_both_reported(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    old = tmp_path / "old.yaml"
    old.write_text("threatmodel: 1\ntitle: x\nparties: {a: {kind: persn}}\n")
    new = tmp_path / "new.yaml"
    new.write_text("threatmodel: 2\ntitle: y\n")
    result = run_cli("diff", str(old), str(new), "--exit-code")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{old}:3:21: error: invalid kind 'persn'; did you mean 'person'? (expected one of: "
        "person, client, device, service, ai_model, store, authority, observer, third_party)",
        f"{new}:1:14: error: unsupported format version '2'; this tool reads threatmodel: 1",
    ]
