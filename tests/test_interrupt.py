"""Ctrl-C through the console script: a real SIGINT, sent by the process to itself at a
chosen moment (inside an import, inside the analysis, while a report is being written),
always ends the run with status 130, one line and no file left half-written.

Python's own handling raised KeyboardInterrupt wherever the signal landed: in the middle of
a dataclass being created at import it escaped as a traceback and the process died by the
signal; the console script now ends the run itself (``threatmodel.console``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

MODEL = ROOT / "models" / "whatsapp_ai.yaml"

PRELUDE = """
import os, signal, sys
def interrupt(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)
    import time
    time.sleep(30)  # the handler ends the process before this does
"""

WHEN_IMPORTING = """
import builtins
real_import = builtins.__import__
def importing(name, *args, **kwargs):
    if name == "threatmodel.engine.bdd":  # the first import of the command line's main
        interrupt()
    return real_import(name, *args, **kwargs)
builtins.__import__ = importing
"""

WHEN_JUDGING = """
import threatmodel.assessment
threatmodel.assessment.judge = interrupt
"""

WHILE_WRITING = """
from threatmodel.checks.finding import Finding
to_json = Finding.to_json
made = 0
def interrupted(finding):
    global made
    made += 1
    if made == 40:  # after pieces of the report have reached the file
        interrupt()
    return to_json(finding)
Finding.to_json = interrupted
"""

RUN = """
sys.argv = ["threatmodel", *sys.argv[1:]]
from threatmodel.console import main
main()
"""


def _run(patch: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PRELUDE + patch + RUN, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("patch", [WHEN_IMPORTING, WHEN_JUDGING], ids=["importing", "analysing"])
def test_ctrl_c_ends_the_run_with_130_and_one_line(patch: str, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    out.write_text("old report\n", encoding="utf-8")
    result = _run(patch, "analyze", str(MODEL), "-o", str(out))
    assert (result.returncode, result.stderr) == (130, "threatmodel: interrupted\n")
    assert list(tmp_path.iterdir()) == [out]
    assert out.read_text(encoding="utf-8") == "old report\n"


def test_ctrl_c_while_a_report_is_written_leaves_the_old_file_alone(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("old report\n", encoding="utf-8")
    result = _run(WHILE_WRITING, "analyze", str(MODEL), "--format", "json", "-o", str(out))
    assert (result.returncode, result.stderr) == (130, "threatmodel: interrupted\n")
    assert list(tmp_path.iterdir()) == [out], "the temporary file is removed"
    assert out.read_text(encoding="utf-8") == "old report\n"


def test_without_ctrl_c_the_same_run_writes_its_report(tmp_path: Path) -> None:
    """The patches above change nothing else: unpatched, the run ends normally."""
    out = tmp_path / "report.json"
    result = _run("", "analyze", str(MODEL), "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("{")


def test_ctrl_c_with_standard_error_closed_still_ends_with_130(tmp_path: Path) -> None:
    """The line cannot be written; the run ends all the same, with no file left behind."""
    out = tmp_path / "report.txt"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            PRELUDE + WHEN_IMPORTING + RUN,
            "analyze",
            str(MODEL),
            "-o",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.close(2),  # the child starts with its standard error closed
        timeout=120,
        check=False,
    )
    assert result.returncode == 130
    assert list(tmp_path.iterdir()) == []
