"""The Mermaid diagrams of the markdown reports: read back by Mermaid's own parser (under
node, when ``make test`` could install it into tools/mermaid), with hostile model text
shown literally, within the sizes GitHub draws, and falling back to smaller views."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import MODELS, ROOT, Run
from threatmodel.engine.exposure import analyze
from threatmodel.load.loader import load_file
from threatmodel.queries.diff import compare
from threatmodel.render.labels import clean
from threatmodel.render.large import boundary_scene, focus_scene
from threatmodel.render.markdown import analysis_section, versions_section
from threatmodel.render.mermaid import MAX_EDGES, MAX_TEXT, escape, mermaid_source
from threatmodel.render.plan import resolve
from threatmodel.render.views import full_scene

PARSER = ROOT / "tools" / "mermaid"
EXAMPLE = "models/assistant_messenger.yaml"
DIFF_CASES = "tests/cases/diff"
BLOCK = re.compile(r"^```mermaid\n(.*?)^```$", re.MULTILINE | re.DOTALL)

Parsed = dict[str, dict[str, Any]]

HOSTILE = {
    "model": 'Meta"]; click n_user call alert(1)',
    "end": "%%{init: {'theme': 'dark'}}%% directive",
    "click": 'click n_end "https://example.com"',
    "style": "style n_end fill:#f00 <script>alert(1)</script>",
    "graph": "#quot; #35; &amp; `**markdown**` [x] {y} (z) |pipe|",
    "subgraph": "line one\nline two\\ %% comment",
    "boundary": "end\nsubgraph evil",
}


def blocks(markdown: str) -> list[str]:
    """The Mermaid sources fenced in ``markdown``."""
    return BLOCK.findall(markdown)


def _sources(directory: Path) -> dict[str, str]:
    """Every diagram the parser reads, by name: the shipped models' and the diff cases'
    reports, the hostile model's and the big model's overview."""
    sources = {}
    for model in MODELS:
        [sources[model]] = blocks("\n".join(analysis_section(analyze(load_file(model)))))
    base = load_file(f"{DIFF_CASES}/base.yaml")
    for variant in sorted(Path(DIFF_CASES).glob("*.yaml")):
        diff = compare(base, load_file(str(variant)))
        for source in blocks("\n".join(versions_section(diff.old, diff.new))):
            sources[variant.name] = source
    hostile = analyze(load_file(str(_hostile_model(directory))))
    [sources["hostile"]] = blocks("\n".join(analysis_section(hostile)))
    example = analyze(load_file(EXAMPLE))
    drawn = resolve(example, "private_chat")
    sources["highlight"] = mermaid_source(full_scene(example, drawn, "dm_text", faint=True))
    big = analyze(load_file(str(_big_model(directory, 30, 3, MAX_EDGES + 20))))
    [sources["big"]] = blocks("\n".join(analysis_section(big)))
    default = resolve(big, "default")
    sources["boundary"] = mermaid_source(boundary_scene(big, default, "d", "b0"))
    sources["focus"] = mermaid_source(focus_scene(big, default, "d", 4))
    return sources


@pytest.fixture(scope="module")
def mermaid(tmp_path_factory: pytest.TempPathFactory) -> Parsed:
    """What Mermaid's parser reads in each diagram of :func:`_sources`, parsed in one run of
    node; skipped where node or the tools/mermaid packages are missing."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: Mermaid's parser cannot run")
    if not (PARSER / "node_modules" / "mermaid").is_dir():
        pytest.skip("tools/mermaid has no node_modules: `make test` installs them when npm works")
    sources = _sources(tmp_path_factory.mktemp("mermaid"))
    done = subprocess.run(
        [node, str(PARSER / "parse.mjs")],
        input=json.dumps(list(sources.values())),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(zip(sources, json.loads(done.stdout), strict=True))


def shown(text: str) -> list[str]:
    """The lines a browser shows for a label Mermaid parsed: its line breaks, then its
    entity codes (held by the parser as placeholders) decoded."""
    decoded = text.replace("ﬂ°°", "&#").replace("ﬂ°", "&").replace("¶ß", ";")
    return [html.unescape(line) for line in decoded.split("<br>")]


def _hostile_model(tmp_path: Path) -> Path:
    document = {
        "threatmodel": 1,
        "title": HOSTILE["model"],
        "boundaries": {"classdef": {"title": HOSTILE["boundary"]}},
        "parties": {
            name: {"title": HOSTILE[name], "kind": kind, "boundary": "classdef"}
            for name, kind in [("end", "person"), ("click", "client"), ("style", "service")]
        }
        | {
            "graph": {"title": HOSTILE["graph"], "kind": "store"},
            "subgraph": {"title": HOSTILE["subgraph"], "kind": "authority"},
        },
        "data": {"o": {"title": HOSTILE["model"], "origin": ["end"]}},
        "keys": {"x": {"title": "key", "holders": ["end", "style"]}},
        "flows": {
            "linkstyle": {"from": "end", "to": "click", "data": ["o"]},
            "direction": {
                "from": "click",
                "to": "style",
                "data": ["o"],
                "protection": {"end_to_end": "x"},
                "observers": ["graph"],
            },
            "href": {"from": "style", "to": "graph", "data": ["o"], "protection": "transport"},
        },
        "access": {"call": {"party": "subgraph", "from": "graph", "kind": "compel"}},
    }
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_escape_leaves_no_mermaid_syntax_in_model_text() -> None:
    text = escape('a"b]%%{init}%%#quot;<i>&`x`|y\\z\n{w}:')
    assert text == (
        "a#quot;b#93;#37;#37;#123;init#125;#37;#37;#35;quot;#lt;i#gt;#amp;#96;x#96;"
        "#124;y#92;z #123;w#125;#58;"
    )


def test_mermaid_parses_every_diagram(mermaid: Parsed) -> None:
    assert {name: result.get("error") for name, result in mermaid.items()} == dict.fromkeys(mermaid)
    for model in MODELS:
        assert len(mermaid[model]["nodes"]) == len(load_file(model).model.parties)
        assert mermaid[model]["edges"]
    assert {"end_to_end.yaml", "new_party.yaml"} <= set(mermaid)


def test_hostile_titles_are_shown_literally(mermaid: Parsed) -> None:
    result = mermaid["hostile"]
    nodes = {node["id"]: shown(node["text"]) for node in result["nodes"]}
    assert sorted(nodes) == ["n_click", "n_end", "n_graph", "n_style", "n_subgraph"]
    for party in ("end", "click", "style", "graph", "subgraph"):
        title = clean(HOSTILE[party])
        assert " ".join(nodes[f"n_{party}"]).startswith(title), party
    [subgraph] = result["subgraphs"]
    assert (subgraph["id"], shown(subgraph["title"])) == (
        "c_classdef",
        [clean(HOSTILE["boundary"])],
    )
    assert sorted(subgraph["nodes"]) == ["n_click", "n_end", "n_style"]
    assert result["classes"] == []
    lines = {(e["start"], e["end"], e["stroke"], e["type"]) for e in result["edges"]}
    assert lines == {
        ("n_end", "n_click", "thick", "arrow_point"),
        ("n_click", "n_style", "normal", "arrow_circle"),
        ("n_click", "n_graph", "dotted", "arrow_circle"),
        ("n_style", "n_graph", "normal", "arrow_point"),
        ("n_graph", "n_subgraph", "dotted", "arrow_point"),
    }
    labels = {(e["start"], e["end"]): shown(e["text"]) for e in result["edges"]}
    assert labels[("n_graph", "n_subgraph")] == ["call: compel"]


def test_no_model_text_reaches_the_source_unescaped(tmp_path: Path) -> None:
    """Without node: every line of the source is a statement this package writes, and model
    text appears only inside double quotes."""
    analysis = analyze(load_file(str(_hostile_model(tmp_path))))
    [source] = blocks("\n".join(analysis_section(analysis)))
    statement = re.compile(
        r'^(flowchart TB|end|subgraph c_\w+\["[^"]*"\]|n_\w+\S{1,2}"[^"]*"\S{1,2}'
        r'|n_\w+ \S{3,4}\|"[^"]*"\| n_\w+|linkStyle [\d,]+ [\w:#.,-]+)$'
    )
    for line in source.splitlines():
        assert statement.match(line.strip()), line
    assert "%%" not in source and "<script" not in source


def _big_model(tmp_path: Path, parties: int, boundaries: int, flows: int) -> Path:
    names = [f"p{i}" for i in range(parties)]
    edges = [(a, b) for a in names for b in names if a != b][:flows]
    document = {
        "threatmodel": 1,
        "title": "Big",
        "boundaries": {f"b{i}": {"title": f"Boundary {i}"} for i in range(boundaries)},
        "parties": {
            name: {"title": name, "kind": "service", "boundary": f"b{i % boundaries}"}
            for i, name in enumerate(names)
        },
        "data": {"d": {"title": "D", "origin": ["p0"]}},
        "flows": {f"f{i}": {"from": a, "to": b, "data": ["d"]} for i, (a, b) in enumerate(edges)},
    }
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_too_many_edges_fall_back_to_the_overview(tmp_path: Path) -> None:
    analysis = analyze(load_file(str(_big_model(tmp_path, 30, 3, MAX_EDGES + 20))))
    section = "\n".join(analysis_section(analysis))
    assert f"_Not drawn: every party: {MAX_EDGES + 20} edges and " in section
    assert "more than GitHub draws (500 edges, 50,000 characters)._" in section
    assert "_overview: 30 parties collapsed into 3 nodes, one per boundary" in section
    [source] = blocks(section)
    assert len(source) < MAX_TEXT


def test_the_views_of_large_models_are_what_mermaid_reads(mermaid: Parsed) -> None:
    assert sorted(node["id"] for node in mermaid["big"]["nodes"]) == ["n_b0", "n_b1", "n_b2"]
    boundary = mermaid["boundary"]
    [subgraph] = boundary["subgraphs"]
    assert subgraph["id"] == "c_b0" and len(subgraph["nodes"]) == 10
    crossing = {(e["start"], e["end"]) for e in boundary["edges"]} - {
        (a, b) for a in subgraph["nodes"] for b in subgraph["nodes"]
    }
    assert crossing == {("c_b0", "n_b1"), ("c_b0", "n_b2"), ("n_b1", "c_b0"), ("n_b2", "c_b0")}
    assert sorted(node["id"] for node in mermaid["focus"]["nodes"]) == ["n_b0", "n_b1", "n_b2"]


def test_a_diff_too_large_for_github_draws_what_changes_only(tmp_path: Path) -> None:
    old = _big_model(tmp_path, 30, 3, MAX_EDGES + 20)
    text = old.read_text(encoding="utf-8").replace(
        "f0:\n    data:\n    - d\n", "f0:\n    data:\n    - d\n    protection: transport\n"
    )
    assert text != old.read_text(encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text(text, encoding="utf-8")
    diff = compare(load_file(str(old)), load_file(str(new)))
    section = "\n".join(versions_section(diff.old, diff.new))
    assert f"_Not drawn: every party: {MAX_EDGES + 21} edges and " in section
    assert "_only the 2 parties and 2 edges that change are drawn._" in section
    [source] = blocks(section)
    assert source.count("-->") + source.count("==>") == 2


def test_too_many_parties_draw_the_overview_and_too_many_boundaries_nothing(
    tmp_path: Path,
) -> None:
    analysis = analyze(load_file(str(_big_model(tmp_path, 12, 3, 20))))
    section = "\n".join(analysis_section(analysis, max_parties=5))
    assert "_Not drawn: every party: 12 parties, more than 5._" in section
    assert len(blocks(section)) == 1
    section = "\n".join(analysis_section(analysis, max_parties=2))
    assert blocks(section) == []
    assert "_Not drawn: the overview: 3 boundaries, more than 2._" in section
    assert section.endswith(
        "`threatmodel render` draws every boundary, or one datum's paths, in full."
    )


def test_a_diff_marks_flows_switched_on_and_off(run_cli: Callable[..., Run]) -> None:
    report = run_cli(
        "diff", f"{DIFF_CASES}/base.yaml", f"{DIFF_CASES}/end_to_end.yaml", "--format", "markdown"
    ).stdout
    [source] = blocks(report)
    assert '|"+ ' in source and '|"− ' in source
    assert "blue — + only in after" in report and "orange — − only in before" in report


def test_a_diff_that_changes_no_flow_says_so(tmp_path: Path) -> None:
    old = analyze(load_file(f"{DIFF_CASES}/base.yaml"))
    diff = compare(
        load_file(f"{DIFF_CASES}/base.yaml"), load_file(f"{DIFF_CASES}/constrained.yaml")
    )
    section = versions_section(diff.old, diff.new)
    assert section[-1] == "No change in the default setting's flows."
    assert old.model.flows


def test_readers_of_a_highlighted_datum_are_filled(mermaid: Parsed) -> None:
    classes = {node["id"]: node["classes"] for node in mermaid["highlight"]["nodes"]}
    analysis = analyze(load_file(EXAMPLE))
    closure = analysis.result_for(resolve(analysis, "private_chat").setting).closure
    readers, holders = closure.exposure("dm_text")
    assert readers and holders
    assert sorted(k for k, v in classes.items() if v == ["plaintext"]) == [
        f"n_{party}" for party in readers
    ]
    assert sorted(k for k, v in classes.items() if v == ["ciphertext"]) == [
        f"n_{party}" for party in holders
    ]


def test_render_writes_mermaid_files(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    result = run_cli(
        "render", EXAMPLE, "-o", str(tmp_path), "--format", "mermaid", "--highlight", "dm_text",
        "--scenario", "private_chat", "--inactive", "faint",
    )  # fmt: skip
    path = tmp_path / "assistant_messenger.private_chat.dm_text.mmd"
    assert result.stdout.startswith(f"{path}: scenario private_chat: ")
    analysis = analyze(load_file(EXAMPLE))
    scene = full_scene(analysis, resolve(analysis, "private_chat"), "dm_text", faint=True)
    assert path.read_text(encoding="utf-8") == mermaid_source(scene)
    assert "classDef plaintext fill:#f6b0ab" in path.read_text(encoding="utf-8")


def test_the_readme_shows_the_example_models_diagram_as_its_report_draws_it() -> None:
    section = analysis_section(analyze(load_file(EXAMPLE)))
    drawn = "\n".join(section[section.index(next(s for s in section if s.startswith("```"))) :])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert drawn in readme, "README's Mermaid example is stale: paste analyze's diagram"


def test_a_model_without_parties_draws_nothing(tmp_path: Path) -> None:
    model = tmp_path / "empty.yaml"
    model.write_text("threatmodel: 1\ntitle: Nothing yet\n", encoding="utf-8")
    section = analysis_section(analyze(load_file(str(model))))
    assert section == ["## Data-flow diagram", "", "The model has no parties to draw."]


def test_a_diagram_without_lines_has_no_legend(tmp_path: Path) -> None:
    model = tmp_path / "alone.yaml"
    model.write_text(
        "threatmodel: 1\ntitle: Alone\nparties:\n  user: {title: User, kind: person}\n",
        encoding="utf-8",
    )
    section = analysis_section(analyze(load_file(str(model))))
    assert section[-1] == '```mermaid\nflowchart TB\n    n_user(["User"])\n```'
