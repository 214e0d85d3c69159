"""Hostile and malformed files: exit 2 with a located message, never a traceback or a hang."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run

HEADER = "threatmodel: 1\ntitle: T\n"


def _alias_bomb() -> str:
    lines = [
        HEADER.rstrip("\n"),
        'description: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}_x: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines) + "\n"


HOSTILE: dict[str, tuple[bytes, str]] = {
    "binary": (b"\x7fELF\x02\x01\x01\x00\x00\x00", "1:1: error: binary file (contains NUL bytes)"),
    "invalid utf-8": (
        b"threatmodel: 1\ntitle: caf\xe9\n",
        "2:11: error: invalid UTF-8 (byte 0xe9); model files must be UTF-8 text",
    ),
    "empty": (b"", "1:1: error: empty file; a model starts with 'threatmodel: 1'"),
    "only comments": (b"# nothing\n", "1:1: error: empty file"),
    "list at top level": (
        b"- threatmodel: 1\n",
        "1:1: error: the top level must be a mapping (threatmodel: 1, title: ...), not a list",
    ),
    "text at top level": (b"hello\n", "1:1: error: the top level must be a mapping"),
    "alias bomb": (
        _alias_bomb().encode(),
        "error: aliases expand to more than 1,000,000 nodes; refusing to expand (alias bomb?)",
    ),
    "deep flow nesting": (
        (HEADER + "description: " + "[" * 50_000 + "]" * 50_000 + "\n").encode(),
        "error: YAML syntax error: exceeded maximum nesting depth",
    ),
    "deep block nesting": (
        (HEADER + "".join(" " * i + f"k{i}:\n" for i in range(2_000))).encode(),
        "error: nesting is deeper than 64 levels",
    ),
    "huge expression": (
        (
            HEADER
            + "toggles: {a: {}}\nconstraints:\n  c: {require: '"
            + " and ".join(["a"] * 20_000)
            + "'}\n"
        ).encode(),
        "5:17: error: expression is 119,995 characters long; the limit is 10,000",
    ),
    "python tag": (
        (HEADER + "description: !!python/object/apply:os.system ['touch pwned']\n").encode(),
        "3:14: error: YAML tags are not allowed ('!!python/object/apply:os.system'); "
        "remove the tag",
    ),
    "local tag": (
        (HEADER + "description: !custom x\n").encode(),
        "3:14: error: YAML tags are not allowed ('!custom'); remove the tag",
    ),
    "two documents": (
        (HEADER + "---\n" + HEADER).encode(),
        "3:1: error: expected one YAML document per file, found more",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_file_is_rejected_with_a_located_error(
    case: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    content, expected = HOSTILE[case]
    model = tmp_path / "model.yaml"
    model.write_bytes(content)
    result = run_cli("validate", str(model))
    assert result.exit_code == 2
    assert expected in result.stderr
    assert result.stderr.startswith(f"{model}:")
    assert "Traceback" not in result.stderr


def test_no_code_runs_from_tags(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    marker = tmp_path / "pwned"
    model = tmp_path / "model.yaml"
    model.write_text(f"{HEADER}description: !!python/object/apply:os.system ['touch {marker}']\n")
    assert run_cli("validate", str(model)).exit_code == 2
    assert not marker.exists()


def test_huge_file_is_refused_before_reading(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    model = tmp_path / "model.yaml"
    with model.open("wb") as stream:
        stream.write(HEADER.encode())
        stream.seek(65 * 1024 * 1024)
        stream.write(b"\n")
    result = run_cli("validate", str(model))
    assert result.exit_code == 2
    assert "1:1: error: file is larger than 64 MiB" in result.stderr


def test_missing_file_and_directory(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    result = run_cli("validate", str(tmp_path / "nope.yaml"), str(tmp_path))
    assert result.exit_code == 2
    assert f"{tmp_path / 'nope.yaml'}:1:1: error: cannot read file: No such file" in result.stderr
    assert f"{tmp_path}:1:1: error: is a directory, not a model file" in result.stderr


def test_every_file_is_reported(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(HEADER)
    bad.write_text(HEADER + "partys: {}\n")
    result = run_cli("validate", str(bad), str(good))
    assert result.exit_code == 2
    assert f"{good}: ok" in result.stdout
    assert f"{bad}:3:1: error: unknown field 'partys'" in result.stderr


def test_console_script_never_shows_a_traceback(tmp_path: Path) -> None:
    model = tmp_path / "model.yaml"
    model.write_bytes(b"\xff\xfe\x00binary")
    completed = subprocess.run(
        [sys.executable, "-m", "threatmodel", "validate", str(model)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert completed.stderr.startswith(f"{model}:1:1: error:")
