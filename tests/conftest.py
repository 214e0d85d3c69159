"""Shared fixtures: running the CLI in-process, and golden files.

Golden files live in ``tests/golden/``; ``pytest --update-golden`` rewrites them (review the
diff), otherwise a difference fails the test.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import sysconfig
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from threatmodel.cli import cli

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
MODELS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "models").glob("*.yaml"))
FIXTURES = ROOT / "tests" / "fixtures"

ALLOWED_OUTSIDE = tuple(
    str(Path(p).resolve())
    for p in {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        *sysconfig.get_paths().values(),
        tempfile.gettempdir(),
        "/dev",
        "/proc",
        "/sys",
        "/etc",
        "/usr",
        "/var/lib",
    }
)
"""Where a test may open files outside the repository: the interpreter, the system, and
temporary folders.  Anything else (a folder beside the clone, a home directory...) would
not exist on a fresh clone."""

OPENED_OUTSIDE: list[str] = []


def _outside_repository(path: object) -> str | None:
    """The path, when it lies outside the repository and the allowed system places.

    The most specific place containing the path decides, so that a file beside the clone
    is caught even when the clone itself lives in a temporary folder.
    """
    if isinstance(path, int) or path is None:
        return None
    try:
        text = os.fsdecode(path)  # type: ignore[arg-type]
        resolved = os.path.realpath(text)
    except (TypeError, ValueError, OSError):
        return None
    places = [(str(ROOT), True), (str(ROOT.parent), False)]
    places += [(place, True) for place in ALLOWED_OUTSIDE]
    containing = [
        (len(place), allowed)
        for place, allowed in places
        if resolved == place or resolved.startswith(place.rstrip(os.sep) + os.sep)
    ]
    if containing and max(containing)[1]:
        return None
    return resolved


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and args:
        outside = _outside_repository(args[0])
        if outside is not None:
            OPENED_OUTSIDE.append(outside)


sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def _reads_nothing_outside_the_repository() -> Iterator[None]:
    """Every test fails if it opened a file outside the repository (a fresh clone has
    nothing beside it)."""
    OPENED_OUTSIDE.clear()
    yield
    opened = sorted(set(OPENED_OUTSIDE))
    OPENED_OUTSIDE.clear()
    assert not opened, f"opened outside the repository: {opened}"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden files instead of comparing"
    )


@dataclass(frozen=True)
class Run:
    """What one CLI invocation did."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def _in_repository_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests name files relative to the repository root, as the README does."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    yield


@pytest.fixture
def run_cli() -> Callable[..., Run]:
    """Invoke ``threatmodel ARGS...`` in-process; exceptions fail the test."""

    def run(*args: str, input: str | None = None) -> Run:
        runner = CliRunner()
        result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """``golden(name, text)``: compare with ``tests/golden/name`` (or rewrite it)."""
    update = bool(request.config.getoption("--update-golden"))

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"missing golden file {name}; run pytest --update-golden"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"{name} differs from its golden file (pytest --update-golden)"

    return check


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("THREATMODEL_BDD", "auto")


def benchmark_models() -> ModuleType:
    """``benchmarks/generate.py``, which writes the benchmarks' models, as a module: tests
    draw small models of the same shapes from it."""
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
