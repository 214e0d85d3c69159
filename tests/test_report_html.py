"""``threatmodel report``: one self-contained HTML file that follows the analysis."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import MODELS, Run


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.links: list[str] = []
        self.payload = ""
        self._in_payload = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for attribute in ("src", "href"):
            if named.get(attribute):
                self.links.append(str(named[attribute]))
        self._in_payload = tag == "script" and named.get("id") == "analysis"
        if tag not in ("meta", "input", "br"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1]}>"
        self.open.pop()
        self._in_payload = False

    def handle_data(self, data: str) -> None:
        if self._in_payload:
            self.payload += data


GOLDEN_REPORTS = {"models/assistant_messenger.yaml", "models/e2ee_messenger.yaml"}
"""Reports small enough to review as golden files."""


def _report(run_cli: Callable[..., Run], model: str, target: Path) -> str:
    result = run_cli("report", model, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    return target.read_text(encoding="utf-8")


@pytest.mark.parametrize("model", MODELS)
def test_report_is_well_formed_self_contained_and_golden(
    model: str,
    tmp_path: Path,
    run_cli: Callable[..., Run],
    golden: Callable[[str, str], None],
) -> None:
    text = _report(run_cli, model, tmp_path / "report.html")
    collector = _Collector()
    collector.feed(text)
    collector.close()
    assert collector.open == []
    assert collector.links == []
    data = json.loads(collector.payload.replace("<\\/", "</"))
    analysis = json.loads(run_cli("analyze", model, "--format", "json").stdout)
    assert [v["name"] for v in data["variables"]] == analysis["variables"]
    assert set(data["conditions"]) == set(analysis["conditions"])
    name = model.removeprefix("models/").removesuffix(".yaml")
    if model in GOLDEN_REPORTS:
        golden(f"report/{name}.html", _without_assets(text))


def _without_assets(text: str) -> str:
    """The document without the inlined stylesheet and script (files of their own in
    ``threatmodel/report/assets/``) and the diagram (``render``'s, tested with it)."""
    text = re.sub(r"<style>.*?</style>", "<style>(report.css)</style>", text, count=1, flags=re.S)
    text = re.sub(r"<svg .*?</svg>", "<svg>(diagram)</svg>", text, count=1, flags=re.S)
    return re.sub(r"<script>.*?</script>", "<script>(report.js)</script>", text, flags=re.S)


def test_report_embeds_conditions_and_witnesses(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    text = _report(run_cli, "models/assistant_messenger.yaml", tmp_path / "r.html")
    payload = re.search(r'<script type="application/json" id="analysis">(.*?)</script>', text, re.S)
    assert payload is not None
    data = json.loads(payload.group(1).replace("<\\/", "</"))
    assert data["conditions"]["dm_text"]["servers"]["plaintext"] == (
        "not e2ee or not no_server_key_copy"
    )
    ways = data["ways"]["law_enforcement/dm_text"]
    assert [w["condition"] for w in ways] == [
        "not e2ee",
        "not no_server_key_copy",
        "e2ee and no_server_key_copy",
    ]
    assert data["constraints"] == [
        {
            "id": "no_ai_in_e2ee",
            "names": ["ai_chat", "e2ee"],
            "require": "not (e2ee and ai_chat)",
            "text": "not (e2ee and ai_chat)",
        }
    ]


def test_report_escapes_titles(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    model = tmp_path / "m.yaml"
    model.write_text(
        "threatmodel: 1\ntitle: '</script><script>alert(1)</script> & <b>x</b>'\n"
        "parties: {a: {kind: person, title: '</script>'}}\ndata: {d: {origin: [a]}}\n"
    )
    text = _report(run_cli, str(model), tmp_path / "r.html")
    assert "<script>alert(1)" not in text
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;" in text
    assert text.count("</script>") == 2


def test_report_needs_an_output_file(run_cli: Callable[..., Run]) -> None:
    result = run_cli("report", "models/assistant_messenger.yaml")
    assert result.exit_code == 2
    assert "Missing option '-o' / '--output'" in result.stderr


def test_report_embeds_the_diagram_with_stable_ids(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    text = _report(run_cli, "models/assistant_messenger.yaml", tmp_path / "r.html")
    figure = text[text.index('<figure id="diagram">') : text.index("</figure>")]
    assert figure.count("<svg") == 1
    for element_id in ("party&#45;servers", "flow&#45;", "label&#45;flow&#45;", "access&#45;"):
        assert f'id="{element_id}' in figure


def test_report_of_a_large_model_leaves_the_diagram_out(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    model = tmp_path / "m.yaml"
    parties = "".join(f"  p{i}: {{kind: service}}\n" for i in range(61))
    model.write_text(
        f"threatmodel: 1\ntitle: big\nparties:\n{parties}data: {{d: {{origin: [p0]}}}}\n"
    )
    text = _report(run_cli, str(model), tmp_path / "r.html")
    assert "<svg" not in text
    assert "The diagram is left out for models of this size" in text


def test_report_says_when_the_diagram_cannot_be_drawn(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    from threatmodel.render import RenderError

    command = importlib.import_module("threatmodel.cli.report")

    def broken(analysis: object) -> str:
        raise RenderError("Graphviz failed")

    monkeypatch.setattr(command, "report_svg", broken)
    result = run_cli("report", "models/e2ee_messenger.yaml", "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 2
    assert result.stderr == (
        "models/e2ee_messenger.yaml: error: cannot draw the diagram: Graphviz failed\n"
    )
    assert not (tmp_path / "r.html").exists()


def test_report_is_the_same_bytes_every_time(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    first = _report(run_cli, "models/whatsapp_ai.yaml", tmp_path / "a.html")
    assert _report(run_cli, "models/whatsapp_ai.yaml", tmp_path / "b.html") == first
