"""The repository is self-contained: a clone in an empty folder passes its tests.

Every test is also watched at run time (``conftest._reads_nothing_outside_the_repository``);
these tests check that the watch works and that no script names a path beside the
repository.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
from pathlib import Path

import pytest

from conftest import ALLOWED_OUTSIDE, OPENED_OUTSIDE, ROOT


def test_opening_a_file_beside_the_repository_is_noticed(tmp_path: Path) -> None:
    if str(ROOT.parent.resolve()) in ALLOWED_OUTSIDE:
        pytest.skip(
            f"the clone sits directly in {ROOT.parent}, where tests may open files: "
            "a file beside it cannot be told from a temporary one"
        )
    beside = ROOT.parent / "threatmodel-self-contained-probe.txt"
    with contextlib.suppress(OSError):
        beside.open(encoding="utf-8")
    assert str(beside) in OPENED_OUTSIDE
    OPENED_OUTSIDE.clear()
    (tmp_path / "inside-tmp.txt").write_text("ok", encoding="utf-8")
    (ROOT / "README.md").read_text(encoding="utf-8")
    assert OPENED_OUTSIDE == []


def _tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in listed]


LEAVES_THE_REPOSITORY = re.compile(r"\.\./shared|parent\s*/\s*[\"']shared|/work/")


def test_no_test_script_or_target_names_a_path_beside_the_repository() -> None:
    places = [
        path
        for path in _tracked_files()
        if path.suffix in {".py", ".sh", ".toml", ".cfg", ".yml"}
        or path.name in {"Makefile", "run"}
    ]
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in places
        if path.exists() and path != Path(__file__)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if LEAVES_THE_REPOSITORY.search(line)
    ]
    assert offenders == []


def test_every_fixture_from_elsewhere_has_its_provenance() -> None:
    provenance = (ROOT / "tests" / "fixtures" / "PROVENANCE.md").read_text(encoding="utf-8")
    fixtures = ROOT / "tests" / "fixtures"
    for path in sorted(fixtures.glob("*/*")):
        if path.is_file():
            assert f"`{path.relative_to(fixtures).as_posix()}`" in provenance, path


def test_golden_files_are_small_enough_to_review() -> None:
    for path in sorted((ROOT / "tests" / "golden").rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            assert data.count(b"\n") <= 3000, f"{path.relative_to(ROOT)} has too many lines"
            assert len(data) <= 200_000, f"{path.relative_to(ROOT)} is too large"
