"""Golden DOT for the views the shipped diagrams do not cover: inactive flows drawn faint,
and the views of a model too large to draw party by party (overview, one boundary, focus).
``pytest --update-golden`` rewrites them; review the diff."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run, benchmark_models


def _generate(parties: int, flows_per_party: int, data: int) -> str:
    text: str = benchmark_models().generate(parties, flows_per_party, data, layers=4, seed=3)
    return text


@pytest.fixture(scope="module")
def layered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("layered") / "layered.yaml"
    path.write_text(_generate(40, 3, 4), encoding="utf-8")
    return path


def test_faint_inactive_flows(
    tmp_path: Path, run_cli: Callable[..., Run], golden: Callable[[str, str], None]
) -> None:
    result = run_cli(
        "render", "models/assistant_messenger.yaml", "-o", str(tmp_path), "--format", "dot",
        "--scenario", "private_chat", "--highlight", "dm_text", "--inactive", "faint",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    name = "assistant_messenger.private_chat.dm_text.dot"
    golden(f"render/{name}", (tmp_path / name).read_text())


def test_large_model_views(
    layered: Path,
    tmp_path: Path,
    run_cli: Callable[..., Run],
    golden: Callable[[str, str], None],
) -> None:
    result = run_cli(
        "render", str(layered), "-o", str(tmp_path), "--format", "dot", "--max-parties", "12"
    )
    assert result.exit_code == 0, result.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        "layered.default.boundary.b0.dot",
        "layered.default.boundary.b1.dot",
        "layered.default.boundary.b2.dot",
        "layered.default.boundary.b3.dot",
        "layered.default.outside.dot",
        "layered.default.overview.dot",
    ]
    assert "overview: 41 parties collapsed into 5 nodes, one per boundary" in result.stdout
    assert "boundary view: the 10 parties of Layer 1 in full" in result.stdout
    for name in ("layered.default.overview.dot", "layered.default.boundary.b1.dot"):
        golden(f"render/{name}", (tmp_path / name).read_text())


def test_boundaries_too_large_are_skipped_with_a_note(
    layered: Path, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    result = run_cli(
        "render", str(layered), "-o", str(tmp_path), "--format", "dot", "--max-parties", "4"
    )
    assert result.exit_code == 0, result.stderr
    assert (
        "note: layered.default.boundary.b1: not drawn: Layer 1 holds 10 parties, more than "
        "--max-parties 4; use --focus --highlight DATA, or raise --max-parties"
    ) in result.stdout
    assert "note: layered.default: no overview: 5 boundaries (one node each), more than" in (
        result.stdout
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layered.default.outside.dot"]


def test_focus_view(
    layered: Path,
    tmp_path: Path,
    run_cli: Callable[..., Run],
    golden: Callable[[str, str], None],
) -> None:
    result = run_cli(
        "render", str(layered), "-o", str(tmp_path), "--format", "dot", "--max-parties", "12",
        "--focus", "--highlight", "d0",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    name = "layered.default.focus.d0.dot"
    assert [p.name for p in tmp_path.iterdir()] == [name]
    golden(f"render/{name}", (tmp_path / name).read_text())


def test_focus_view_grouped_when_the_paths_reach_too_many_parties(
    layered: Path, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    result = run_cli(
        "render", str(layered), "-o", str(tmp_path), "--format", "dot", "--max-parties", "2",
        "--focus", "--highlight", "d0",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "so they are collapsed into one node per boundary" in result.stdout
