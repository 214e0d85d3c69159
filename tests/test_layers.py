"""Imports only go down the pipeline, so that each layer can be read, tested and replaced
without the ones above it:

    load → engine → checks → assessment → queries → render → report → cli → console

``importers`` write model files and need only ``load``.  A module may import from its own
layer's package or from a lower layer; never from a higher one or from a sibling package
of the same rank.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "threatmodel"

LAYERS = {
    "load": 0,
    "engine": 1,
    "importers": 1,
    "checks": 2,
    "assessment": 3,
    "queries": 4,
    "render": 5,
    "report": 6,
    "cli": 7,
    "__main__": 9,
    "console": 8,
}
"""Rank of each top-level part of the package; ``threatmodel/__init__.py`` (the version) is
below them all."""

MAY_ALSO_IMPORT = {"importers": {"load"}}
"""Parts that import from only some of the lower ranks."""


def _part(module: str) -> str | None:
    """``threatmodel.engine.bdd`` → ``engine``; the package itself → ``None``."""
    names = module.split(".")
    return names[1] if len(names) > 1 else None


def _module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "threatmodel":
                found += [(node.lineno, f"threatmodel.{alias.name}") for alias in node.names]
            elif node.module.startswith("threatmodel."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, alias.name)
                for alias in node.names
                if alias.name.startswith("threatmodel.")
            ]
    return found


def _violations(path: Path) -> list[str]:
    importer = _part(_module_name(path))
    if importer is None:
        return []
    problems = []
    for line, module in _imports(path):
        imported = _part(module)
        if imported is None or imported == "__version__" or imported == importer:
            continue
        allowed = MAY_ALSO_IMPORT.get(importer)
        restricted = allowed is not None and imported not in allowed
        if restricted or LAYERS[imported] >= LAYERS[importer]:
            problems.append(f"{path.relative_to(ROOT)}:{line}: {importer} imports {module}")
    return problems


def test_every_part_of_the_package_has_a_layer() -> None:
    parts = {path.stem if path.is_file() else path.name for path in PACKAGE.iterdir()}
    parts -= {"__init__", "py", "__pycache__"}
    parts = {part for part in parts if not part.startswith(".") and part != "py"}
    assert parts - {"py"} <= set(LAYERS) | {"py.typed"}, parts - set(LAYERS)


def test_imports_only_go_down_the_pipeline() -> None:
    problems = [p for path in sorted(PACKAGE.rglob("*.py")) for p in _violations(path)]
    assert problems == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from threatmodel.report.views import x\n", ["threatmodel/engine/probe.py:1"]),
        ("from threatmodel.load.model import Model\n", []),
        ("from threatmodel import assessment\n", ["threatmodel/engine/probe.py:1"]),
    ],
)
def test_an_upward_import_is_caught(
    source: str, expected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    probe = ROOT / "threatmodel" / "engine" / "probe.py"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    found = [problem.split(": ", 1)[0] for problem in _violations(probe)]
    assert found == expected
