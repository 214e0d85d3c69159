"""Model text stays text in diagrams: quotes, DOT syntax, HTML-like markup, backslash
escapes, entities and control characters can neither change the graph nor the words shown."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threatmodel.engine.consistency import load_file
from threatmodel.engine.exposure import analyze
from threatmodel.load.diagnostics import ModelError
from threatmodel.render import Options, dot_source, draw, resolve, setting_plan
from threatmodel.render.backend import WasmGraphviz, wasm_backend
from threatmodel.render.labels import clean

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = {
    "model": 'Meta"]; evil [label="x"]',
    "user": "<b>bold</b>",
    "app": "back\\slash \\N \\l \\G \\",
    "servers": "&lt;amp&gt; & done",
    "node": "} digraph { evil",
    "edge": "line one\nline two",
    "boundary": "</td> <<table>>",
}


@pytest.fixture(scope="module")
def wasm() -> WasmGraphviz:
    """The in-process Graphviz, compiled once for the module."""
    backend = wasm_backend()
    backend.render("digraph { a }", "svg")
    return backend


def _model(tmp_path: Path, titles: dict[str, str]) -> Path:
    document = {
        "threatmodel": 1,
        "title": titles["model"],
        "boundaries": {"graph": {"title": titles["boundary"]}},
        "parties": {
            "user": {"title": titles["user"], "kind": "person", "boundary": "graph"},
            "app": {"title": titles["app"], "kind": "client", "boundary": "graph"},
            "servers": {"title": titles["servers"], "kind": "service"},
            "node": {"title": titles["node"], "kind": "store"},
            "edge": {"title": titles["edge"], "kind": "authority"},
        },
        "data": {"strict": {"title": titles["model"], "origin": ["user"]}},
        "flows": {
            "subgraph": {"from": "user", "to": "app", "data": ["strict"]},
            "digraph": {
                "from": "app",
                "to": "servers",
                "data": ["strict"],
                "protection": "transport",
            },
            "n": {"from": "servers", "to": "node", "data": ["strict"]},
        },
        "access": {"e": {"party": "edge", "from": "node", "kind": "compel"}},
        "scenarios": {"s": {"title": titles["model"]}},
    }
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def _render(path: Path, wasm: WasmGraphviz, output_format: str) -> bytes:
    analysis = analyze(load_file(str(path)))
    (diagram,) = setting_plan(analysis, resolve(analysis, "s"), "m", Options("strict")).diagrams
    return draw(wasm, dot_source(diagram.scene), output_format)


def _node_names(layout: bytes) -> set[str]:
    objects = json.loads(layout)["objects"]
    return {o["name"] for o in objects if "pos" in o and not o["name"].startswith("_")}


def _svg_node_names(svg: bytes) -> set[str]:
    names = set()
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        title = group.find(f"{SVG}title")
        text = title.text if title is not None else None
        if group.get("class") == "node" and text and not text.startswith("_"):
            names.add(text)
    return names


def _texts(svg: bytes) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_hostile_titles_stay_labels(tmp_path: Path, wasm: WasmGraphviz) -> None:
    path = _model(tmp_path, HOSTILE)
    assert _node_names(_render(path, wasm, "json")) == {"user", "app", "servers", "node", "edge"}
    texts = _texts(_render(path, wasm, "svg"))
    assert texts[0] == 'Meta"]; evil [label="x"]'
    for shown in (
        "<b>bold</b>",
        "back\\slash \\N \\l \\G \\",
        "&lt;amp&gt; & done",
        "} digraph { evil",
        "</td> <<table>>",
        "line one line two",
    ):
        assert any(shown in text for text in texts), shown


def test_dot_quotes_every_title(tmp_path: Path) -> None:
    analysis = analyze(load_file(str(_model(tmp_path, HOSTILE))))
    (diagram,) = setting_plan(analysis, resolve(analysis, "s"), "m", Options()).diagrams
    source = dot_source(diagram.scene)
    assert 'label="Meta\\"]; evil [label=\\"x\\"]' in source
    assert "label=<" not in source
    assert '"back\\\\slash \\\\N \\\\l \\\\G \\\\' in source


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=_TEXT, party=_TEXT)
def test_any_title_is_shown_as_written(
    title: str, party: str, tmp_path_factory: pytest.TempPathFactory, wasm: WasmGraphviz
) -> None:
    titles = {**HOSTILE, "model": title, "user": party}
    try:
        path = _model(tmp_path_factory.mktemp("m"), titles)
        load_file(str(path))
    except (ModelError, yaml.YAMLError):
        return
    svg = _render(path, wasm, "svg")
    assert _svg_node_names(svg) == {"user", "app", "servers", "node", "edge"}
    assert _texts(svg)[0] == (clean(title) or " ")
