"""Every command survives odd files and streams: the output is the input, a FIFO or a
device as MODEL, standard input and output as ``-``, a closed standard output, Ctrl-C,
repeated options and files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import threatmodel.assessment
import threatmodel.cli.output
from conftest import Run
from threatmodel.checks.finding import Finding

MODEL = """\
threatmodel: 1
title: T
parties:
  user: {kind: person}
  ads: {kind: third_party}
toggles:
  share: {default: true}
constraints:
  sharing: {require: share}
data:
  d: {origin: [user]}
flows:
  f: {from: user, to: ads, data: [d], when: share}
"""


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(MODEL)
    return path


def _console(*args: str, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "threatmodel", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        **options,  # type: ignore[arg-type]
    )


# ------------------------------------------------------------- the output is an input


@pytest.mark.parametrize(
    "args",
    [
        ("analyze", "{m}", "-o", "{out}"),
        ("check", "{m}", "-o", "{out}"),
        ("report", "{m}", "-o", "{out}"),
        ("diff", "{m}", "{m}", "-o", "{out}"),
        ("import", "threagile", "{m}", "-o", "{out}"),
    ],
)
@pytest.mark.parametrize("spelling", ["same", "dot", "link"])
def test_output_that_is_an_input_is_refused(
    args: tuple[str, ...], spelling: str, model: Path, run_cli: Callable[..., Run]
) -> None:
    out = {"same": model, "dot": model.parent / "." / model.name, "link": model.parent / "l"}
    if spelling == "link":
        out["link"].symlink_to(model.name)
    target = str(out[spelling])
    result = run_cli(*(arg.format(m=model, out=target) for arg in args))
    assert result.exit_code == 2
    assert f"'{target}' is the input file '{model}'; writing there would replace it" in (
        result.stderr
    )
    assert model.read_text() == MODEL


# ------------------------------------------------------------------- what MODEL is


def test_a_fifo_as_model_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    completed = _console("validate", str(fifo))
    assert completed.returncode == 2
    assert completed.stderr == (
        f"{fifo}:1:1: error: is a named pipe (FIFO), not a model file; give a regular file, "
        "or - for standard input\n"
    )


def test_a_device_as_model_is_refused(run_cli: Callable[..., Run]) -> None:
    result = run_cli("validate", "/dev/null")
    assert result.exit_code == 2
    assert result.stderr.startswith("/dev/null:1:1: error: is a character device, not a model")


def test_a_directory_as_imported_file_is_refused(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    result = run_cli("import", "pytm", str(tmp_path), "-o", str(tmp_path / "m.yaml"))
    assert result.exit_code == 2
    assert f"{tmp_path}:1:1: error: is a directory, not a pytm JSON model" in result.stderr


def test_dash_reads_the_model_from_standard_input(run_cli: Callable[..., Run]) -> None:
    assert run_cli("validate", "-", input=MODEL).stdout.startswith("<stdin>: ok (2 parties")
    result = run_cli("analyze", "-", "--format", "json", input=MODEL)
    assert result.exit_code == 0
    assert '"path": "<stdin>"' in result.stdout
    broken = run_cli("validate", "-", input=MODEL.replace("kind: person", "kind: persn"))
    assert broken.exit_code == 2
    assert broken.stderr.startswith("<stdin>:4:16: error: invalid kind 'persn'")


# ------------------------------------------------------------------ output streams


def test_dash_as_output_is_standard_output(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Run]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("analyze", str(model), "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("T\n")
    report = run_cli("report", str(model), "-o", "-")
    assert report.stdout.startswith("<!DOCTYPE html>")
    assert not (tmp_path / "-").exists()


def test_import_to_standard_output_keeps_its_summary_off_it(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    source = tmp_path / "tm.json"
    source.write_text('{"name": "Shop", "elements": [], "flows": [], "boundaries": []}')
    result = run_cli("import", "pytm", str(source), "-o", "-")
    assert result.exit_code == 0
    assert "\nthreatmodel: 1\ntitle: Shop\n" in result.stdout
    assert (
        result.stderr == f"<stdout>: converted from pytm model {source} (0 parties, 0 data, "
        "0 flows, 0 boundaries)\n"
    )


def test_import_reads_standard_input(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    output = tmp_path / "m.yaml"
    document = '{"name": "Shop", "elements": [], "flows": [], "boundaries": []}'
    result = run_cli("import", "pytm", "-", "-o", str(output), input=document)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{output}: converted from pytm model <stdin> (")
    assert "from the pytm model <stdin>" in output.read_text()


def test_an_empty_output_name_is_a_usage_error(model: Path, run_cli: Callable[..., Run]) -> None:
    result = run_cli("analyze", str(model), "-o", "")
    assert result.exit_code == 2
    assert "the file name is empty; name a file, or - for standard output" in result.stderr


def test_closed_standard_output_is_reported(model: Path) -> None:
    def close_stdout() -> None:
        os.close(1)

    completed = subprocess.run(
        [sys.executable, "-m", "threatmodel", "analyze", str(model)],
        stdout=None,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=120,
        preexec_fn=close_stdout,
    )
    assert completed.returncode == 2
    assert completed.stderr == "error: standard output is closed; write to a file with -o FILE\n"


# ------------------------------------------------------------------------- Ctrl-C


def test_ctrl_c_exits_130_without_a_traceback(
    model: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Run]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(threatmodel.assessment, "assess", interrupted)
    result = run_cli("analyze", str(model))
    assert result.exit_code == 130
    assert result.stderr.strip() == "threatmodel: interrupted"


def test_ctrl_c_while_writing_leaves_no_file(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Run]
) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(threatmodel.cli.output.os, "replace", interrupted)
    out = tmp_path / "out" / "report.txt"
    out.parent.mkdir()
    result = run_cli("analyze", str(model), "-o", str(out))
    assert result.exit_code == 130
    assert list(out.parent.iterdir()) == []


def test_ctrl_c_while_a_long_report_is_written_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Run]
) -> None:
    lines = ["threatmodel: 1", "title: Chain", "parties:"]
    lines += [f"  p{i}: {{kind: service}}" for i in range(400)]
    lines += ["data:", "  d: {origin: [p0]}", "flows:"]
    lines += [f"  f{i}: {{from: p{i}, to: p{i + 1}, data: [d]}}" for i in range(399)]
    model = tmp_path / "chain.yaml"
    model.write_text("\n".join(lines) + "\n")
    written: list[int] = []
    real_write = threatmodel.cli.output._write

    def counted(stream: Any, data: Any) -> None:
        def pieces() -> Iterator[str]:
            for piece in data:
                written.append(len(piece))
                yield piece

        real_write(stream, pieces())

    made = 0
    to_json = Finding.to_json

    def interrupted(finding: Finding) -> dict[str, Any]:
        nonlocal made
        made += 1
        if made == 300:  # after pieces of the report have reached the file
            raise KeyboardInterrupt
        return to_json(finding)

    monkeypatch.setattr(threatmodel.cli.output, "_write", counted)
    monkeypatch.setattr(Finding, "to_json", interrupted)
    out = tmp_path / "out" / "report.json"
    out.parent.mkdir()
    out.write_text("old report\n")
    result = run_cli("analyze", str(model), "--format", "json", "-o", str(out))
    assert result.exit_code == 130
    assert len(written) > 1
    assert list(out.parent.iterdir()) == [out]
    assert out.read_text() == "old report\n"


def test_sigint_ends_the_console_script_with_130() -> None:
    """Ctrl-C while ``validate -`` waits for its input.  A signal that comes while the
    interpreter itself is still starting (before any of the package runs, on a loaded
    machine) is Python's to report, so the test waits longer and tries again then."""
    for delay in (0.5, 2.0, 5.0):
        process = subprocess.Popen(
            [sys.executable, "-m", "threatmodel", "validate", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
        if "threatmodel" in stderr:
            break
    assert stderr.strip() == "threatmodel: interrupted"
    assert process.returncode == 130


# ------------------------------------------------------------ repeated options and files


def test_conflicting_set_values_are_a_usage_error(model: Path, run_cli: Callable[..., Run]) -> None:
    result = run_cli("analyze", str(model), "--set", "share=true", "--set", "share=off")
    assert result.exit_code == 2
    assert "share is set to both true and false; give it one value" in result.stderr
    again = run_cli("analyze", str(model), "--set", "share=true", "--set", "share=1")
    assert again.exit_code == 0


def test_a_file_named_twice_is_read_once(model: Path, run_cli: Callable[..., Run]) -> None:
    link = model.parent / "link.yaml"
    link.symlink_to(model.name)
    result = run_cli("check", str(model), str(model), str(link), "--fail-on", "never")
    assert result.exit_code == 0
    assert result.stdout.count(": 0 violated expectations") == 1
    validated = run_cli("validate", str(model), str(model))
    assert validated.stdout.count(": ok") == 1


def test_impossible_pins_print_the_error_and_nothing_after(model: Path) -> None:
    completed = _console("analyze", str(model), "--set", "share=false")
    assert completed.returncode == 2
    assert completed.stderr.endswith(
        "Error: Invalid value for --set: no allowed setting has share=false: the constraints "
        "exclude it\n"
    )


def test_imported_names_that_are_reserved_words_get_other_ids(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    source = tmp_path / "tm.json"
    elements = [{"__class__": "Actor", "name": n} for n in ("Never", "Or", "Default")]
    source.write_text(json.dumps({"name": "Words", "elements": elements}))
    output = tmp_path / "m.yaml"
    result = run_cli("import", "pytm", str(source), "-o", str(output))
    assert result.exit_code == 0, result.stderr
    text = output.read_text()
    assert "\n  party_never:" in text
    assert "\n  party_or:" in text
    assert "\n  party_default:" in text


def test_a_full_standard_output_is_reported(model: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        completed = subprocess.run(
            [sys.executable, "-m", "threatmodel", "analyze", str(model)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=120,
        )
    assert completed.returncode == 2
    assert completed.stderr == "error: cannot write to standard output: No space left on device\n"
