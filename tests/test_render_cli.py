"""``threatmodel render`` as a user meets it: files written, names, options, errors."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT, Run

EXAMPLE = "models/assistant_messenger.yaml"
SCENARIOS = ["after_reset", "defaults", "key_copy", "opted_out", "private_chat"]


@pytest.fixture
def no_dot(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Graphviz's ``dot`` hidden from PATH: the in-process backend runs."""
    monkeypatch.setenv("PATH", str(tmp_path_factory.mktemp("empty-bin")))


def _outputs(run: Run) -> list[str]:
    return [line.split(": ", 1)[0] for line in run.stdout.splitlines() if ": " in line]


def test_every_scenario_by_default(
    tmp_path: Path, run_cli: Callable[..., Run], no_dot: None
) -> None:
    result = run_cli("render", EXAMPLE, "-o", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    expected = [f"assistant_messenger.{name}.svg" for name in SCENARIOS]
    assert sorted(p.name for p in tmp_path.iterdir()) == expected
    assert _outputs(result) == [str(tmp_path / name) for name in expected]
    assert f"{tmp_path / expected[-1]}: scenario private_chat: E2EE chat, no AI" in result.stdout
    for path in tmp_path.iterdir():
        root = ET.parse(path).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_named_scenarios_and_the_default_setting(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    result = run_cli(
        "render", EXAMPLE, "-o", str(tmp_path), "--format", "dot", "--scenario", "default",
        "--scenario", "key_copy", "--scenario", "default",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["assistant_messenger.default.dot", "assistant_messenger.key_copy.dot"]
    default = (tmp_path / "assistant_messenger.default.dot").read_text()
    assert default.startswith("digraph threatmodel {")
    assert "default setting" in default


def test_a_model_without_scenarios_gets_its_default_setting(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    model = tmp_path / "tiny model.yaml"
    model.write_text(
        "threatmodel: 1\ntitle: Tiny\nparties: {a: {kind: person}, b: {kind: service}}\n"
        "data: {d: {origin: [a]}}\nflows: {f: {from: a, to: b, data: [d]}}\n"
    )
    result = run_cli("render", str(model), "-o", str(tmp_path / "out"), "--format", "dot")
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["tiny_model.default.dot"]


def test_set_pins_the_setting_drawn(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    result = run_cli(
        "render", EXAMPLE, "-o", str(tmp_path), "--format", "dot", "--scenario", "default",
        "--set", "training_opt_out=true",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "assistant_messenger.default.dot").read_text()
    assert "training_opt_out=true" in text


def test_set_skips_the_scenarios_it_excludes(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    result = run_cli(
        "render", EXAMPLE, "-o", str(tmp_path), "--format", "dot", "--set", "ai_chat=true"
    )
    assert result.exit_code == 0, result.stderr
    assert "note: scenario 'key_copy' with --set ai_chat=true breaks the constraint" in (
        result.stdout
    )
    assert not (tmp_path / "assistant_messenger.key_copy.dot").exists()
    assert (tmp_path / "assistant_messenger.opted_out.dot").exists()


def test_highlight_adds_the_datum_to_the_file_name(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    result = run_cli(
        "render", EXAMPLE, "-o", str(tmp_path), "--format", "dot", "--scenario", "private_chat",
        "--highlight", "dm_text",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "assistant_messenger.private_chat.dm_text.dot").read_text()
    assert "highlighted datum: dm_text (Direct message text)" in text


def test_focus_draws_only_the_datums_paths(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    result = run_cli(
        "render", EXAMPLE, "-o", str(tmp_path), "--format", "dot", "--scenario", "defaults",
        "--focus", "--highlight", "chat_key",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "assistant_messenger.defaults.focus.chat_key.dot").read_text()
    assert "focus on chat_key" in result.stdout
    assert "\tpeer_app [" in text and "\tapp [" in text
    assert "\tassistant [" not in text and "\tuser [" not in text


def test_diff_draws_what_a_scenario_changes(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    result = run_cli(
        "render", EXAMPLE, "-o", str(tmp_path), "--format", "dot",
        "--diff", "default", "private_chat",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "assistant_messenger.diff.default.private_chat.dot"
    assert result.stdout == f"{path}: what changes from default to private_chat\n"
    text = path.read_text()
    assert "changes: ai_chat true → false, e2ee false → true" in text
    assert "+ dm_text" in text and "− ai_prompt" in text
    assert "− reads, still sealed: dm_text" in text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--scenario", "privat_chat"], "unknown scenario 'privat_chat'; did you mean"),
        (["--highlight", "dm_txt"], "unknown datum 'dm_txt'; did you mean 'dm_text'?"),
        (["--focus"], "--focus needs --highlight DATA"),
        (["--diff", "default", "nope"], "unknown scenario 'nope'"),
        (["--diff", "default", "key_copy", "--scenario", "defaults"], "excludes --scenario"),
        (["--set", "e2ee=maybe"], "invalid value 'maybe' for e2ee"),
        (["--scenario", "private_chat", "--set", "ai_chat=true"], "breaks the constraint"),
        (["--max-parties", "0"], "0 is not in the range"),
    ],
)
def test_bad_requests_exit_2(
    arguments: list[str], message: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    result = run_cli("render", EXAMPLE, "-o", str(tmp_path), *arguments)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_invalid_model_exits_2(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("threatmodel: 1\ntitle: x\nparties: {a: {kind: persn}}\n")
    result = run_cli("render", str(bad), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{bad}:3:21: error: invalid kind 'persn'")
    assert not (tmp_path / "out").exists()


def test_unwritable_output_directory_exits_2(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run_cli("render", EXAMPLE, "-o", str(blocker / "diagrams"), "--format", "dot")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{blocker / 'diagrams'}: error: cannot create directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only directories")
def test_read_only_output_directory_exits_2(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    tmp_path.chmod(0o500)
    try:
        result = run_cli("render", EXAMPLE, "-o", str(tmp_path), "--format", "dot")
    finally:
        tmp_path.chmod(0o700)
    assert result.exit_code == 2
    assert ": error: cannot write:" in result.stderr


def test_help_documents_the_options(run_cli: Callable[..., Run]) -> None:
    result = run_cli("render", "--help")
    assert result.exit_code == 0
    for option in ("--format", "--scenario", "--highlight", "--focus", "--diff", "--set"):
        assert option in result.stdout
    assert "Exit status: 0 success" in result.stdout


def test_same_options_same_bytes(tmp_path: Path, run_cli: Callable[..., Run], no_dot: None) -> None:
    for run in ("one", "two"):
        for output_format in ("dot", "svg"):
            result = run_cli(
                "render", EXAMPLE, "-o", str(tmp_path / run), "--format", output_format,
                "--highlight", "ai_prompt",
            )  # fmt: skip
            assert result.exit_code == 0, result.stderr
    first = sorted((tmp_path / "one").iterdir())
    assert len(first) == 2 * len(SCENARIOS)
    for path in first:
        assert path.read_bytes() == (tmp_path / "two" / path.name).read_bytes(), path.name


def test_outputs_name_no_absolute_path(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    model = ROOT / EXAMPLE
    result = run_cli("render", str(model), "-o", str(tmp_path), "--format", "dot")
    assert result.exit_code == 0, result.stderr
    for path in tmp_path.iterdir():
        assert str(ROOT) not in path.read_text()
