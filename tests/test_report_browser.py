"""The HTML report in a real browser: Debian's chromium, driven through Playwright.

Each shipped model's page is loaded once and driven as a reader would, and compared with
``analyze``'s JSON (the same per-setting documents, computed in-process) for the default
setting, every scenario, every single flip (forced changes included) and random allowed
settings.  Any console error, uncaught exception or request for anything but the file
itself fails the test.  Without a browser the tests are skipped, with the reason shown.
"""

from __future__ import annotations

import importlib.util
import os
import random
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import MODELS, Run, benchmark_models
from threatmodel.cli.options import run_assessment
from threatmodel.engine.exposure import Analysis
from threatmodel.report.analyze.json_format import setting_document

CHROMIUM = os.environ.get("THREATMODEL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RANDOM_SETTINGS = 8


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "browser tests skipped: Playwright is not installed (pip install -e '.[dev]')"
    if not Path(CHROMIUM).exists():
        return f"browser tests skipped: no browser at {CHROMIUM} (apt-get install chromium)"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")

if _missing() is None:
    from playwright.sync_api import Browser, Page, sync_playwright


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


class Session:
    """A page with everything that must not happen recorded: console errors, uncaught
    exceptions and requests for anything but ``file:`` URLs (which are refused)."""

    def __init__(self, browser: Browser, width: int = 1400, height: int = 900) -> None:
        self.page: Page = browser.new_page(viewport={"width": width, "height": height})
        self.page.set_default_timeout(5000)
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"uncaught: {e}"))
        self.page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.problems.append(f"request: {url}")
            route.abort()

    def open(self, path: Path, fragment: str = "") -> Page:
        self.page.goto(path.as_uri() + fragment)
        return self.page

    def close(self) -> None:
        self.page.close()
        assert self.problems == []


@pytest.fixture
def session(browser: Browser) -> Iterator[Callable[..., Session]]:
    opened: list[Session] = []

    def make(width: int = 1400, height: int = 900) -> Session:
        opened.append(Session(browser, width, height))
        return opened[-1]

    yield make
    for item in opened:
        item.close()


def _report(run_cli: Callable[..., Run], model: str, target: Path) -> Path:
    """The report of ``model``, written once per model for the whole module."""
    if model.startswith("models/") and model in _WRITTEN:
        return _WRITTEN[model]
    result = run_cli("report", model, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    if model.startswith("models/"):
        _WRITTEN[model] = target
    return target


_WRITTEN: dict[str, Path] = {}


_READ = """clicks => {
  clicks.forEach(selector => document.querySelector(selector).click());
  const values = {};
  document.querySelectorAll('#toggles input, #assumptions input[id^="v-"]').forEach(box => {
    values[box.id.slice(2)] = box.checked;
  });
  const cells = {};
  document.querySelectorAll('#matrix .cell').forEach(c => {
    cells[c.dataset.party + '/' + c.dataset.datum] = c.dataset.level;
  });
  const violated = [...document.querySelectorAll('#expectations li.violated')]
    .map(li => li.dataset.id);
  return {values, cells, violated: violated.sort(),
          status: document.getElementById('status').innerText, hash: location.hash};
}"""


def _expected(analysis: Analysis, setting: dict[str, bool]) -> dict[str, Any]:
    """What analyze's JSON says about one setting, as the page shows it."""
    document = setting_document(analysis, analysis.result_for(setting))
    cells = {}
    for datum, exposure in document["exposure"].items():
        for party in analysis.problem.parties:
            level = "none"
            if party in exposure["plaintext"]:
                level = "plaintext"
            elif party in exposure["ciphertext"]:
                level = "ciphertext"
            cells[f"{party}/{datum}"] = level
    violated = sorted({v["expectation"] for v in document["violations"]})
    return {"values": document["values"], "cells": cells, "violated": violated}


def _agrees(
    page: Page, expected: dict[str, Any], what: str, clicks: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Click ``clicks`` (buttons and checkboxes, in one round trip), then compare the page
    with ``expected``."""
    shown: dict[str, Any] = page.evaluate(_READ, list(clicks))
    assert shown["values"] == expected["values"], what
    assert shown["cells"] == expected["cells"], what
    assert shown["violated"] == expected["violated"], what
    return shown


def _fragment(setting: dict[str, bool], base: dict[str, bool]) -> str:
    changed = [f"{n}:{int(v)}" for n, v in sorted(setting.items()) if v != base[n]]
    return "#set=" + ",".join(changed) if changed else "#"


@pytest.mark.parametrize("model", MODELS)
def test_page_agrees_with_analyze_in_every_setting_checked(
    model: str, tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    path = _report(run_cli, model, tmp_path / "report.html")
    analysis = run_assessment(model, "all", [], max_settings=1).analysis
    space = analysis.space
    page = session().open(path)

    default = dict(analysis.default.setting)
    _agrees(page, _expected(analysis, default), "default setting")

    for index, (scenario, result) in enumerate(analysis.scenarios.items()):
        button = f"#scenarios button:nth-child({index + 2})"
        expected = _expected(analysis, dict(result.setting))
        shown = _agrees(page, expected, f"scenario {scenario}", (button,))
        pressed = page.get_attribute(f"#scenarios button:nth-child({index + 2})", "aria-pressed")
        assert pressed == "true"
        assert scenario in shown["status"]

    declared = space.default()
    for name in space.variables:
        value = not default[name]
        flipped = run_assessment(model, "all", [f"{name}={str(value).lower()}"], max_settings=1)
        expected = _expected(flipped.analysis, dict(flipped.analysis.default.setting))
        shown = _agrees(page, expected, f"{name}={value}", ("#reset", f"#v-{name}"))
        assert f"--set {name}={str(value).lower()}" in shown["status"]
        assert shown["hash"] == f"#set={name}:{int(value)}"
        forced = flipped.analysis.default_forced
        if forced:
            changes = ", ".join(f"{n} → {str(v).lower()}" for n, v in forced.items())
            assert f"The constraints force {changes}" in shown["status"], name
            _agrees(page, _expected(analysis, default), f"undo {name}", ("#status .inline-undo",))
        else:
            assert "force" not in shown["status"]

    rng = random.Random(model)
    allowed = [s for s in _candidates(space.variables, rng) if space.is_allowed(s)]
    for setting in allowed[:RANDOM_SETTINGS]:
        page.evaluate("hash => { location.hash = hash; }", _fragment(setting, declared))
        page.wait_for_function(_SHOWS, arg=setting)
        _agrees(page, _expected(analysis, setting), f"random setting {setting}")


_SHOWS = """values => Object.entries(values).every(
  ([name, value]) => document.getElementById('v-' + name).checked === value)"""


def _candidates(names: tuple[str, ...], rng: random.Random) -> Iterator[dict[str, bool]]:
    for _ in range(400):
        yield {name: rng.random() < 0.5 for name in names}


def test_forbidden_flip_is_completed_as_set_does(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    path = _report(run_cli, "models/instagram_ai.yaml", tmp_path / "r.html")
    page = session().open(path)
    page.click("#v-training_objection")
    assert page.is_checked("#v-in_eu_uk")
    status = page.inner_text("#status")
    assert "The constraints force in_eu_uk → true" in status
    assert "Not an allowed setting" not in page.content()
    assert (
        page.get_attribute(
            '.cell[data-party="ads_system"][data-datum="ai_ad_signal"]', "data-level"
        )
        == "none"
    )
    assert page.is_visible("#row-in_eu_uk.was-forced")
    page.click("#undo")
    assert not page.is_checked("#v-in_eu_uk")
    assert not page.is_checked("#v-training_objection")


def test_explanation_follows_the_setting(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    path = _report(run_cli, "models/instagram_ai.yaml", tmp_path / "r.html")
    page = session().open(path)
    page.click('.cell[data-party="ads_system"][data-datum="ai_ad_signal"]')
    box = page.locator("#explanation")
    assert "In this setting: plaintext." in box.inner_text()
    assert "(holds now)" in box.inner_text()
    assert "Shown in this setting." in box.inner_text()
    sources = page.locator("#explanation .steps .sources li")
    assert sources.count() > 0
    titles = page.evaluate(
        "Object.values(JSON.parse(document.getElementById('analysis').textContent).sources)"
        ".map(s => s.title)"
    )
    assert any(sources.first.inner_text().startswith(title) for title in titles)
    page.click("#v-in_eu_uk")
    text = box.inner_text()
    assert "In this setting: never." in text
    assert "does not hold now" in text
    assert "For example with in_eu_uk=false" in text
    assert page.evaluate("location.hash") == "#set=in_eu_uk:1&cell=ads_system/ai_ad_signal"
    page.click("#explanation button.go")
    assert "In this setting: plaintext." in box.inner_text()


def test_link_restores_setting_cell_and_filters(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    path = _report(run_cli, "models/assistant_messenger.yaml", tmp_path / "r.html")
    page = session().open(path, "#set=e2ee:0&cell=servers/dm_text&q=dm_text&only=1")
    assert not page.is_checked("#v-e2ee")
    heading = page.inner_text("#explanation h3")
    assert "servers" in heading and "dm_text" in heading
    assert page.input_value("#search") == "dm_text"
    assert page.is_checked("#only")
    data = page.eval_on_selector_all(
        "#matrix .cell", "cs => [...new Set(cs.map(c => c.dataset.datum))]"
    )
    assert data == ["dm_text"]
    levels = page.eval_on_selector_all(
        "#matrix tbody tr", "rows => rows.map(r => r.querySelector('.cell').dataset.level)"
    )
    assert levels and "none" not in levels
    page.evaluate("location.hash = '#set=e2ee:1,ai_chat:1'")
    page.wait_for_function("document.getElementById('status').innerText.includes('link')")
    status = page.inner_text("#status")
    assert "The link's setting is not allowed; showing the default setting." in status
    assert "Same as analyze (the default setting)" in status


def test_compare_with_a_pinned_setting(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    path = _report(run_cli, "models/assistant_messenger.yaml", tmp_path / "r.html")
    page = session().open(path)
    assert page.locator("#matrix .cell.changed").count() == 0
    page.click("#pin")
    assert page.get_attribute("#pin", "aria-pressed") == "true"
    page.click("#v-e2ee")
    changed = page.locator("#matrix .cell.changed")
    assert changed.count() > 0
    label = changed.first.get_attribute("aria-label") or ""
    assert " in B" in label
    assert "Compared with B: " in page.inner_text("#status")


def test_diagram_follows_the_toggles(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    path = _report(run_cli, "models/assistant_messenger.yaml", tmp_path / "r.html")
    page = session().open(path)
    assert page.locator("#diagram svg").count() == 1
    off = "el => el.classList.contains('off')"
    guarded = page.evaluate(
        "() => Object.entries(JSON.parse(document.getElementById('analysis').textContent).guards)"
        ".filter(([, g]) => g.length).map(([e]) => e)"
    )
    assert guarded
    states = {
        e: page.eval_on_selector(f'[id="flow-{e}"], [id="access-{e}"]', off)
        for e in guarded
        if page.locator(f'[id="flow-{e}"], [id="access-{e}"]').count()
    }
    page.click("#v-e2ee")
    after = {e: page.eval_on_selector(f'[id="flow-{e}"], [id="access-{e}"]', off) for e in states}
    assert after != states
    page.click('.cell[data-party="servers"][data-datum="dm_text"]')
    reader = page.eval_on_selector('[id="party-servers"]', "el => el.getAttribute('class')")
    assert "reads-" in reader
    assert page.locator("#diagram g.path").count() > 0


def test_keyboard_alone_flips_and_explains(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    path = _report(run_cli, "models/assistant_messenger.yaml", tmp_path / "r.html")
    page = session().open(path)
    page.focus("#v-e2ee")
    before = page.is_checked("#v-e2ee")
    page.keyboard.press("Space")
    assert page.is_checked("#v-e2ee") is not before
    page.focus("#matrix .cell")
    page.keyboard.press("ArrowRight")
    second = page.evaluate("document.activeElement.dataset.datum")
    page.keyboard.press("Enter")
    assert page.is_visible("#explanation")
    assert second in page.inner_text("#explanation h3")
    assert page.evaluate("document.activeElement.dataset.datum") == second
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"


def test_accessible_names_live_region_caption_and_contrast(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    path = _report(run_cli, "models/instagram_ai.yaml", tmp_path / "r.html")
    page = session().open(path)
    unnamed = page.eval_on_selector_all(
        "#matrix .cell",
        "cs => cs.filter(c => c.tagName !== 'BUTTON' || !c.getAttribute('aria-label')).length",
    )
    assert unnamed == 0
    assert page.get_attribute("#status", "aria-live") == "polite"
    assert page.locator("#matrix caption").count() == 1
    assert (
        page.locator("#scenarios button[aria-pressed]").count()
        == page.locator("#scenarios button").count()
    )
    page.click('.cell[data-party="ads_system"][data-datum="ai_ad_signal"]')
    page.click("#v-training_objection")
    page.click("#pin")
    low = page.evaluate(_CONTRAST)
    assert low == []


_CONTRAST = """() => {
  function rgb(text) { return (text.match(/[\\d.]+/g) || []).map(Number); }
  function lum([r, g, b]) {
    const f = c => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  }
  function background(node) {
    for (let n = node; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  }
  const low = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode.parentElement;
    const text = walker.currentNode.textContent;
    if (!text.trim() || !node || node.closest('svg, script, [hidden]')) continue;
    const style = getComputedStyle(node);
    if (style.visibility === 'hidden' || node.getClientRects().length === 0) continue;
    const a = lum(rgb(style.color).slice(0, 3)), b = lum(background(node));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) {
      low.push(node.tagName + '.' + node.className + ': ' + text.slice(0, 30) + ' ' +
        ratio.toFixed(2));
    }
  }
  return [...new Set(low)];
}"""


def test_layout_keeps_controls_and_party_column_in_view(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    path = _report(run_cli, "models/whatsapp_ai.yaml", tmp_path / "r.html")
    wide = session(1400, 900).open(path)
    wide.evaluate("document.getElementById('findings').scrollIntoView()")
    for selector in ("#toggles input", "#status"):
        box = wide.locator(selector).first.bounding_box()
        assert box is not None and 0 <= box["y"] < 900, selector
    wide.evaluate("window.scrollTo(0, 0)")
    for selector in ("#toggles input", "#matrix .cell"):
        box = wide.locator(selector).first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 900 and box["x"] < 1400, selector
    narrow = session(390, 800).open(path)
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 390
    header = narrow.locator("#matrix tbody th").first
    before = header.bounding_box()
    narrow.evaluate("document.getElementById('matrix-scroll').scrollLeft = 2000")
    after = header.bounding_box()
    assert before is not None and after is not None
    assert narrow.evaluate("document.getElementById('matrix-scroll').scrollLeft") > 0
    assert abs(after["x"] - before["x"]) < 1


def test_findings_sort_by_severity(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    path = _report(run_cli, "models/whatsapp_ai.yaml", tmp_path / "r.html")
    page = session().open(path)
    page.click("#findings th:nth-child(2) button")
    assert page.get_attribute("#findings th:nth-child(2)", "aria-sort") == "ascending"
    rank = {"high": 0, "medium": 1, "low": 2, "info": 3}
    severities = page.eval_on_selector_all(
        "#findings tbody tr td:nth-child(2)", "ts => ts.map(t => t.textContent)"
    )
    assert len(set(severities)) > 1
    assert [rank[s] for s in severities] == sorted(rank[s] for s in severities)


def test_large_model_pages_rows(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    model = tmp_path / "layered.yaml"
    model.write_text(_layered(130), encoding="utf-8")
    path = _report(run_cli, str(model), tmp_path / "r.html")
    page = session().open(path)
    assert page.locator("#matrix tbody tr").count() == 50
    assert "rows 1–50 of 131" in page.inner_text("#pages")
    assert "left out" in page.inner_text("#diagram")
    page.click("#pages button:has-text('Next rows')")
    assert page.inner_text("#matrix tbody tr th >> nth=0").startswith("p")
    assert "page=2" in page.evaluate("location.hash")


def _layered(parties: int) -> str:
    text: str = benchmark_models().generate(parties, 2, 5, toggles=3)
    return text


def test_broken_data_shows_an_error(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    path = _report(run_cli, "models/e2ee_messenger.yaml", tmp_path / "r.html")
    text = path.read_text(encoding="utf-8")
    broken = re.sub(r'(id="analysis">)\{', r"\1{oops", text, count=1)
    assert broken != text
    copy = tmp_path / "broken.html"
    copy.write_text(broken, encoding="utf-8")
    page = session().open(copy)
    assert page.is_visible("#error")
    assert "This report cannot be shown: its embedded analysis does not load" in page.inner_text(
        "#error"
    )
    assert page.is_hidden("main")


def test_model_text_stays_text(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    hostile = '<img src=x onerror=\\"window.hit=1\\"></script><script>window.hit=2</script>'
    model = tmp_path / "m.yaml"
    model.write_text(
        "threatmodel: 1\n"
        f'title: "{hostile}"\n'
        f'parties:\n  a: {{kind: person, title: "{hostile}", description: "{hostile}"}}\n'
        "  b: {kind: service}\n"
        f'toggles:\n  t: {{title: "{hostile}"}}\n'
        "data: {d: {origin: [a]}}\n"
        "flows: {f: {from: a, to: b, data: [d], when: t}}\n",
        encoding="utf-8",
    )
    path = _report(run_cli, str(model), tmp_path / "r.html")
    page = session().open(path)
    page.click("#v-t")
    page.click('.cell[data-party="a"][data-datum="d"]')
    assert page.evaluate("window.hit") is None
    assert page.locator("main img").count() == 0
    assert "<img src=x" in page.inner_text("#matrix")


def test_fixed_assumptions_and_set_values_are_shown_fixed(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    target = tmp_path / "r.html"
    result = run_cli(
        "report", "models/assistant_messenger.yaml", "-o", str(target),
        "--assumptions", "pessimistic", "--set", "e2ee=true",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    page = session().open(target)
    fixed = page.locator("#assumptions .var-row", has_text="no_server_key_copy")
    assert "fixed: claimed; fixed by the assumption mode pessimistic" in fixed.inner_text()
    assert page.is_disabled("#c-no_server_key_copy")
    assert not page.is_checked("#c-no_server_key_copy")
    assert page.is_disabled("#v-e2ee")
    assert page.is_checked("#v-e2ee")
    assert "fixed by --set" in page.inner_text("#row-e2ee")
    page.click("#v-ai_chat")
    assert not page.is_checked("#v-ai_chat")
    assert "No allowed setting has ai_chat=true" in page.inner_text("#status")


def test_a_conflicting_earlier_choice_is_released(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    path = _report(run_cli, "models/instagram_ai.yaml", tmp_path / "r.html")
    page = session().open(path)
    page.click("#v-in_eu_uk")
    page.click("#v-in_eu_uk")
    assert "--set in_eu_uk=false" in page.inner_text("#status")
    page.click("#v-training_objection")
    status = page.inner_text("#status")
    assert "Released your earlier choice of in_eu_uk" in status
    assert "--set training_objection=true" in status
    assert "in_eu_uk=false" not in status
    assert page.is_checked("#v-in_eu_uk")
    page.click("#undo")
    assert "--set in_eu_uk=false" in page.inner_text("#status")
    assert not page.is_checked("#v-training_objection")


_CONSTRAINED = """threatmodel: 1
title: Constraints that force two changes
parties:
  a_party: {kind: person}
  b_party: {kind: service}
toggles:
  x: {}
  a: {}
  b: {}
  c: {}
  d: {}
  e: {}
constraints:
  x_needs_a_or_b: {require: not x or a or b}
  a_needs_c: {require: not a or c}
  b_needs_d: {require: not b or d}
data: {secret: {origin: [a_party]}}
flows:
  via_a: {from: a_party, to: b_party, data: [secret], when: a and not e}
  via_b: {from: a_party, to: b_party, data: [secret], when: b}
"""


def test_forced_changes_of_several_variables_match_set(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    model = tmp_path / "constrained.yaml"
    model.write_text(_CONSTRAINED, encoding="utf-8")
    path = _report(run_cli, str(model), tmp_path / "r.html")
    page = session().open(path)
    for clicks, assignments in [
        (("#v-x",), ["x=true"]),
        (("#v-c",), ["x=true", "c=false"]),
    ]:
        flipped = run_assessment(str(model), "all", assignments, max_settings=1).analysis
        forced = flipped.default_forced
        assert len(forced) == 2
        expected = _expected(flipped, dict(flipped.default.setting))
        shown = _agrees(page, expected, " ".join(assignments), clicks)
        assert "Same as analyze --set " + " --set ".join(assignments) in shown["status"]
        changes = ", ".join(f"{n} → {str(v).lower()}" for n, v in forced.items())
        assert f"The constraints force {changes}" in shown["status"]


def test_explanation_of_a_sealed_reading_points_to_coalitions(
    tmp_path: Path, run_cli: Callable[..., Run], session: Callable[..., Session]
) -> None:
    path = _report(run_cli, "models/e2ee_messenger.yaml", tmp_path / "r.html")
    page = session().open(path)
    page.click('.cell[data-party="servers"][data-datum="dm_text"]')
    text = page.locator("#explanation").inner_text()
    assert "threatmodel coalitions MODEL --data dm_text" in text
    page.click('.cell[data-party="servers"][data-datum="chat_metadata"]')
    assert "threatmodel coalitions" not in page.locator("#explanation").inner_text()
