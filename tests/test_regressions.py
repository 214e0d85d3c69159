"""Regression tests for bugs found by the property tests (tests/test_properties.py).

Each test is the smallest input found.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run
from threatmodel.engine.consistency import load_text
from threatmodel.engine.exposure import analyze
from threatmodel.engine.space import Mode
from threatmodel.load.diagnostics import ModelError
from threatmodel.report.views import expectation_reports


def test_control_character_is_one_located_line() -> None:
    """Found by the loader property: PyYAML's reader error spanned two lines, at 1:1."""
    with pytest.raises(ModelError) as caught:
        load_text("threatmodel: 1\ntitle: a\x01b\n", "m.yaml")
    [diagnostic] = caught.value.diagnostics
    text = str(diagnostic)
    assert "\n" not in text
    assert "<unicode string>" not in text
    assert text.startswith("m.yaml:2:9: error: ")


NEAREST_MODEL = """\
threatmodel: 1
title: T
parties: {p: {kind: person}}
toggles: {t: {default: false}}
assumptions: {a: {status: claimed}}
constraints: {c: {require: a or t}}
"""


@pytest.mark.parametrize(
    ("mode", "pins"),
    [(Mode.PESSIMISTIC, {}), (Mode.OPTIMISTIC, {"a": False})],
    ids=["pessimistic", "optimistic-set-a-false"],
)
def test_default_setting_broken_by_the_mode_moves_to_an_allowed_one(
    mode: Mode, pins: dict[str, bool]
) -> None:
    analysis = analyze(load_text(NEAREST_MODEL, "m.yaml"), mode, pins)
    assert analysis.default.setting == {"t": True}
    assert analysis.default_forced == {"t": True}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_output_to_a_special_file_writes_to_it(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        result = run_cli(
            "analyze", "models/assistant_messenger.yaml", "--format", "text", "-o", str(fifo)
        )
        assert result.exit_code == 0
        assert stat.S_ISFIFO(fifo.lstat().st_mode), "the FIFO was replaced by a regular file"
        assert os.read(reader, 9) == b"Messenger"
    finally:
        os.close(reader)


def _nearest_model() -> str:
    toggles = "".join(f"  t{i:02d}: {{default: false}}\n" for i in range(20))
    far = " or ".join(f"t{i:02d}" for i in range(5, 20))
    return (
        "threatmodel: 1\ntitle: T\n"
        "parties: {user: {kind: person}, server: {kind: service}}\n"
        f"toggles:\n{toggles}"
        "data: {msg: {origin: [user]}}\n"
        "flows:\n"
        "  near: {from: user, to: server, data: [msg], when: t00 and t01}\n"
        f"  far: {{from: user, to: server, data: [msg], when: not t00 and t02 and t03 and t04"
        f" and ({far})}}\n"
        "expectations: {private: {party: server, data: msg}}\n"
    )


def test_example_setting_is_the_nearest_to_the_default() -> None:
    analysis = analyze(load_text(_nearest_model(), "m.yaml"))
    [report], _ = expectation_reports(analysis)
    assert report.example is not None
    changed = {k for k, v in report.example.setting.items() if v != analysis.default.setting[k]}
    assert changed == {"t00", "t01"}


def test_a_quoted_line_break_stays_on_one_diagnostic_line() -> None:
    forged = "x\\nother.yaml:1:1: error: forged"
    with pytest.raises(ModelError) as caught:
        load_text(
            f'threatmodel: 1\ntitle: T\nparties: {{"{forged}": {{kind: person}}}}\n', "m.yaml"
        )
    for diagnostic in caught.value.diagnostics:
        assert len(str(diagnostic).splitlines()) == 1, str(diagnostic)
