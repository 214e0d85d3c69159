"""``diagrams/`` holds what ``make diagrams`` draws from the shipped models, and it reads
cleanly: the committed files are current, and no label collides with anything.

The files are regenerated here as the Makefile does it (every scenario, and a diff from
the default setting to each scenario whose setting differs), by the in-process Graphviz the
committed SVGs come from.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import MODELS, ROOT
from diagram_layout import layout_problems
from threatmodel.engine.consistency import load_file
from threatmodel.engine.exposure import analyze
from threatmodel.render import (
    DEFAULT_NAME,
    Diagram,
    Options,
    diff_plan,
    dot_source,
    draw,
    model_stem,
    resolve,
    setting_plan,
)
from threatmodel.render.backend import WasmGraphviz, wasm_backend

DIAGRAMS = ROOT / "diagrams"


def shipped_diagrams(model: str) -> Iterator[Diagram]:
    """The diagrams ``make diagrams`` draws for ``model``."""
    analysis = analyze(load_file(str(ROOT / model)))
    stem = model_stem(model)
    for name in sorted(analysis.model.scenarios) or [DEFAULT_NAME]:
        yield from setting_plan(analysis, resolve(analysis, name), stem, Options()).diagrams
    default = resolve(analysis, DEFAULT_NAME)
    for name, result in sorted(analysis.scenarios.items()):
        if result.setting != default.setting:
            after = resolve(analysis, name)
            yield from diff_plan(analysis, default, after, stem, Options()).diagrams


def expected_files(wasm: WasmGraphviz) -> dict[str, bytes]:
    """File name → contents of everything ``diagrams/`` should hold."""
    files = {}
    for model in MODELS:
        for diagram in shipped_diagrams(model):
            source = dot_source(diagram.scene)
            files[f"{diagram.stem}.dot"] = source.encode("utf-8")
            files[f"{diagram.stem}.svg"] = draw(wasm, source, "svg")
    return files


@pytest.fixture(scope="module")
def wasm() -> WasmGraphviz:
    """The in-process Graphviz, compiled once for the module."""
    backend = wasm_backend()
    backend.render("digraph { a }", "svg")
    return backend


@pytest.fixture(scope="module")
def expected(wasm: WasmGraphviz) -> dict[str, bytes]:
    return expected_files(wasm)


def test_diagrams_are_current(expected: dict[str, bytes]) -> None:
    committed = {path.name for path in DIAGRAMS.iterdir()} if DIAGRAMS.exists() else set()
    assert committed == set(expected), "diagrams/ is stale: run make diagrams"
    stale = [name for name, data in expected.items() if (DIAGRAMS / name).read_bytes() != data]
    assert not stale, f"diagrams/ is stale ({', '.join(stale[:5])}): run make diagrams"


def test_every_shipped_scenario_has_a_diagram(expected: dict[str, bytes]) -> None:
    for model in MODELS:
        stem = model_stem(model)
        for scenario in load_file(str(ROOT / model)).model.scenarios:
            assert f"{stem}.{scenario}.svg" in expected


def test_labels_do_not_collide(expected: dict[str, bytes], wasm: WasmGraphviz) -> None:
    problems = []
    for name, data in sorted(expected.items()):
        if name.endswith(".dot"):
            found = layout_problems(wasm.render(data.decode("utf-8"), "json"))
            problems += [f"{name}: {problem}" for problem in found]
    assert not problems, "\n".join(problems)


def test_readme_shows_a_shipped_diagram() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: diagrams -->")[1].split("<!-- end section: diagrams")[0]
    shown = [part.split(")")[0] for part in section.split("](diagrams/")[1:]]
    assert shown, "the README's diagrams section shows no diagram"
    for name in shown:
        assert (DIAGRAMS / Path(name).name).exists(), name
