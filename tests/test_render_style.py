"""What a diagram shows follows the model: line styles by protection, faint lines for
what is off, fills by exposure, a legend entry for every style drawn and none other."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from threatmodel.engine.consistency import load_file
from threatmodel.engine.exposure import Analysis, analyze
from threatmodel.load.model import AccessKind, ProtectionLevel
from threatmodel.render import Options, dot_source, draw, resolve, setting_plan
from threatmodel.render.backend import WasmGraphviz, wasm_backend
from threatmodel.render.scene import Fill
from threatmodel.render.style import ACCESSES, FAINT, FILLS, PROTECTIONS

SVG = "{http://www.w3.org/2000/svg}"
RED = PROTECTIONS[ProtectionLevel.NONE].attributes["color"]
BLUE = PROTECTIONS[ProtectionLevel.TRANSPORT].attributes["color"]
GREEN = PROTECTIONS[ProtectionLevel.END_TO_END].attributes["color"].split(":")[0]
PURPLE = ACCESSES[AccessKind.COMPEL].attributes["color"]


@pytest.fixture(scope="module")
def wasm() -> WasmGraphviz:
    """The in-process Graphviz, compiled once for the module."""
    backend = wasm_backend()
    backend.render("digraph { a }", "svg")
    return backend


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyze(load_file("models/assistant_messenger.yaml"))


def _svg(
    analysis: Analysis,
    wasm: WasmGraphviz,
    scenario: str,
    highlight: str | None = None,
    faint: bool = False,
) -> ET.Element:
    drawn = resolve(analysis, scenario)
    options = Options(highlight=highlight, faint=faint)
    (diagram,) = setting_plan(analysis, drawn, "m", options).diagrams
    return ET.fromstring(draw(wasm, dot_source(diagram.scene), "svg"))


def _group(root: ET.Element, element_id: str) -> ET.Element:
    for group in root.iter(f"{SVG}g"):
        if group.get("id") == element_id:
            return group
    raise AssertionError(f"no element {element_id}")


def _strokes(group: ET.Element) -> list[str]:
    return [path.get("stroke", "") for path in group.iter(f"{SVG}path")]


def _shape_fill(group: ET.Element) -> str:
    for shape in group.iter():
        if shape.tag in (f"{SVG}polygon", f"{SVG}ellipse", f"{SVG}path"):
            return shape.get("fill", "")
    raise AssertionError("node without a shape")


def _legend(root: ET.Element) -> str:
    groups = [g for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("legend")]
    return " ".join(text for group in groups for text in _texts(group))


def _texts(root: ET.Element) -> Iterator[str]:
    for text in root.iter(f"{SVG}text"):
        yield text.text or ""


def test_lines_follow_protection(analysis: Analysis, wasm: WasmGraphviz) -> None:
    root = _svg(analysis, wasm, "private_chat")
    assert _strokes(_group(root, "flow-typing")) == [RED]
    assert float(_group(root, "flow-typing").find(f".//{SVG}path").get("stroke-width")) > 2  # type: ignore[union-attr]
    assert _strokes(_group(root, "flow-dm_delivery")) == [BLUE]
    assert _strokes(_group(root, "flow-dm_upload_e2ee")) == [GREEN, "none", GREEN]
    warrant = _group(root, "access-warrant").find(f".//{SVG}path")
    assert warrant is not None and warrant.get("stroke") == PURPLE
    assert warrant.get("stroke-dasharray")


def test_lines_off_in_the_setting_are_left_out(analysis: Analysis, wasm: WasmGraphviz) -> None:
    root = _svg(analysis, wasm, "private_chat")
    ids = {group.get("id") for group in root.iter(f"{SVG}g")}
    assert "flow-dm_upload_e2ee" in ids
    assert not ids & {"flow-dm_upload", "flow-ai_ask", "flow-key_escrow"}
    title = list(_texts(root))[:4]
    assert title[-1] == (
        "6 flows, observations and accesses off in this setting left out "
        "(--inactive faint draws them)"
    )
    assert "off in this setting" not in _legend(root)


def test_lines_off_in_the_setting_can_be_drawn_faint(
    analysis: Analysis, wasm: WasmGraphviz
) -> None:
    root = _svg(analysis, wasm, "private_chat", faint=True)
    assert "off in this setting" in _legend(root)
    assert set(_strokes(_group(root, "flow-dm_upload"))) == {FAINT}
    assert set(_strokes(_group(root, "flow-ai_ask"))) == {FAINT}
    labels = " ".join(_texts(_group(root, "label-flow-key_escrow")))
    assert labels == "chat_key only when not no_server_key_copy"
    on = _svg(analysis, wasm, "key_copy", faint=True)
    assert _strokes(_group(on, "flow-key_escrow")) == [BLUE]


def test_fills_follow_the_highlighted_datums_exposure(
    analysis: Analysis, wasm: WasmGraphviz
) -> None:
    plaintext = FILLS[Fill.PLAINTEXT].attributes["fillcolor"]
    ciphertext = FILLS[Fill.CIPHERTEXT].attributes["fillcolor"]
    private = _svg(analysis, wasm, "private_chat", "dm_text")
    assert _shape_fill(_group(private, "party-peer")) == plaintext
    assert _shape_fill(_group(private, "party-servers")) == ciphertext
    assert _shape_fill(_group(private, "party-law_enforcement")) == ciphertext
    assert _shape_fill(_group(private, "party-assistant")) == "white"
    default = _svg(analysis, wasm, "defaults", "dm_text")
    assert _shape_fill(_group(default, "party-servers")) == plaintext
    assert _shape_fill(_group(default, "party-isp")) == "white"


def test_parties_list_what_they_read(analysis: Analysis, wasm: WasmGraphviz) -> None:
    root = _svg(analysis, wasm, "private_chat")
    assert list(_texts(_group(root, "party-servers"))) == [
        "Provider servers",
        "(servers)",
        "sealed: dm_text",
    ]
    assert "reads: chat_key, dm_text" in list(_texts(_group(root, "party-peer_app")))


def test_legend_explains_every_style_drawn_and_no_other(
    analysis: Analysis, wasm: WasmGraphviz
) -> None:
    root = _svg(analysis, wasm, "private_chat", "dm_text")
    legend = _legend(root)
    for words in (
        "person", "client app", "service", "AI model", "data store", "authority", "observer",
        "no protection", "transport encryption", "end-to-end encrypted", "observer of a flow",
        "compelled access", "reads dm_text in plaintext",
        "holds dm_text only as ciphertext", "reads: data it reads in plaintext",
    ):  # fmt: skip
        assert words in legend, words
    for unused in ("seizure", "breach", "sharing", "device", "third party", "group of parties"):
        assert unused not in legend
    plain = _svg(analysis, wasm, "key_copy")
    assert "person" in _legend(plain)
    assert "reads dm_text" not in _legend(plain)


def test_title_names_model_scenario_and_setting(analysis: Analysis, wasm: WasmGraphviz) -> None:
    root = _svg(analysis, wasm, "key_copy")
    title = list(_texts(root))[:3]
    assert title == [
        "Messenger with optional E2EE and an AI assistant",
        "scenario key_copy: E2EE chat, but the provider keeps a key copy",
        "setting: ai_chat=false, e2ee=true, no_server_key_copy=false, reset_ai=false, "
        "training_opt_out=false",
    ]
