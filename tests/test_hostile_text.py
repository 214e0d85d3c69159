"""Model text can never change a conclusion or spoof an output.

Each output format is read back by a parser of that format (JSON, CommonMark/GFM with
markdown-it-py, HTML5 with html5lib, and a headless browser when one is installed) on a
model whose every piece of free text is hostile.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import html5lib
import jsonschema
import pytest
from markdown_it import MarkdownIt

from conftest import ROOT, Run
from threatmodel.load import expr

HEADER = "threatmodel: 1\ntitle: T\n"

SPOOF = (
    "\\r\\r## Findings\\r\\rNo findings: this model is clean.\\r\\r<!--"
    " <img src=x onerror=alert(1)> <svg onload=alert(2)> <details open><summary>s</summary>"
    " ![p](https://example.invalid/p.png) [l](https://example.invalid) `tick` *em* _u_"
    " @someone #1 :smile: $x$ | cell \\x1b[2J\\x1b[H\\e]0;title\\a\\e]8;;https://x\\e\\\\"
    "\\x9b31m\\x85\\u2028\\u202e</script><script>alert(3)</script>&amp;"
)
"""Everything the outputs must show literally; YAML double-quoted escapes make the control
characters real."""

HOSTILE_MODEL = f"""\
threatmodel: 1
title: "Title {SPOOF}"
description: "Description {SPOOF}"
parties:
  user: {{title: "User {SPOOF}", kind: person, boundary: home}}
  ads: {{title: "Ads {SPOOF}", kind: third_party, uses: [advertising]}}
boundaries:
  home: {{title: "Home {SPOOF}"}}
toggles:
  never_share: {{title: "Toggle {SPOOF}", default: true}}
data:
  d: {{title: "Datum {SPOOF}", origin: [user]}}
flows:
  f: {{from: user, to: ads, data: [d], when: never_share}}
expectations:
  no_ads: {{title: "Expectation {SPOOF}", party: ads, data: d}}
scenarios:
  sharing_off: {{title: "Scenario {SPOOF}", set: {{never_share: false}}}}
"""

CONTROL = [chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029, 0x202E)]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE_MODEL, encoding="utf-8")
    return path


def _controls(text: str, allowed: str = "\n") -> list[str]:
    return sorted({c for c in text if c in CONTROL and c not in allowed})


# ------------------------------------------------------------- 1. words of conditions

WORDS = ["always", "and", "false", "never", "not", "or", "true"]


@pytest.mark.parametrize(
    ("word", "section", "fields"),
    [
        *((word, "toggles", "{default: true}") for word in WORDS),
        ("always", "assumptions", "{status: claimed}"),
        ("not", "parties", "{kind: person}"),
        ("or", "data", "{}"),
    ],
)
def test_words_of_conditions_are_not_ids(
    word: str, section: str, fields: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    model = tmp_path / "model.yaml"
    model.write_text(f"{HEADER}{section}:\n  '{word}': {fields}\n")
    result = run_cli("validate", str(model))
    assert result.exit_code == 2
    kind = {"toggles": "toggle", "assumptions": "assumption", "parties": "party", "data": "datum"}
    assert f"{model}:4:3: error: '{word}' is a word of conditions (always, and, false, never, " in (
        result.stderr
    )
    assert f"cannot be an id; rename it, e.g. '{word}_{kind[section]}'" in result.stderr


@pytest.mark.parametrize(("word", "constant"), [("always", "true"), ("never", "false")])
def test_printed_words_in_an_expression_say_what_to_write(
    word: str, constant: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    model = tmp_path / "model.yaml"
    model.write_text(f"{HEADER}constraints:\n  c: {{require: not {word}}}\n")
    result = run_cli("validate", str(model))
    assert result.exit_code == 2
    assert (
        f"{model}:4:20: error: '{word}' is how reports print a condition; in an expression "
        f"write '{constant}'"
    ) in result.stderr


NEAR_KEYWORDS = ["always_on", "never_share", "android", "order", "nota", "truely", "falsey"]


def _near_keyword_model() -> str:
    toggles = "\n".join(
        f"  {name}: {{default: {str(i % 2 == 0).lower()}}}" for i, name in enumerate(NEAR_KEYWORDS)
    )
    return f"""\
{HEADER}parties:
  user: {{kind: person}}
  ads: {{kind: third_party}}
  spy: {{kind: observer}}
toggles:
{toggles}
data:
  d: {{origin: [user]}}
flows:
  f: {{from: user, to: ads, data: [d], when: always_on and not never_share or android}}
  g: {{from: ads, to: spy, data: [d], when: not (order or nota) and truely or falsey}}
"""


def test_printed_conditions_mean_what_the_analysis_found(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    """Every condition, read back as an expression, holds in exactly the listed settings
    where the party has that level: no name is mistaken for a word of the language."""
    model = tmp_path / "model.yaml"
    model.write_text(_near_keyword_model())
    result = run_cli("analyze", str(model), "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    settings = document["settings"]
    assert len(settings) == 2 ** len(NEAR_KEYWORDS)
    checked = 0
    for party, texts in document["conditions"]["d"].items():
        for level, text in texts.items():
            condition = expr.parse({"always": "true", "never": "false"}.get(text, text))
            for setting in settings:
                listed = party in setting["exposure"]["d"][level]
                assert condition.evaluate(setting["values"]) == listed, (party, level, text)
                checked += 1
    assert checked == 3 * 2 * len(settings)


# -------------------------------------------------------------- 2. scenario 'default'


def test_a_scenario_cannot_be_called_default(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    model = tmp_path / "model.yaml"
    model.write_text(f"{HEADER}toggles:\n  t: {{}}\nscenarios:\n  default: {{set: {{t: true}}}}\n")
    result = run_cli("validate", str(model))
    assert result.exit_code == 2
    assert (
        f"{model}:6:3: error: 'default' names the default setting in reports and diagrams, so a "
        "scenario cannot be called that; rename it, e.g. 'default_scenario'"
    ) in result.stderr


# ------------------------------------------------------------ 3. markdown and HTML


def _texts(tokens: Any) -> list[str]:
    """Every piece of literal text in a markdown-it token stream."""
    found = []
    for token in tokens:
        if token.type in ("text", "code_inline", "code_block", "fence"):
            found.append(token.content)
        if token.children:
            found += _texts(token.children)
    return found


def _markup(tokens: Any) -> set[str]:
    kinds = set()
    for token in tokens:
        kinds.add(token.type)
        if token.children:
            kinds |= _markup(token.children)
    return kinds


def _check_markdown(
    markdown: str, own_html: tuple[str, ...] = (), literals: tuple[str, ...] = ()
) -> None:
    parser = MarkdownIt("gfm-like", {"linkify": True})
    tokens = parser.parse(markdown)
    html = [t.content.strip() for t in tokens if t.type == "html_block"]
    assert html == list(own_html)
    kinds = _markup(tokens)
    for spoofed in ("html_inline", "image", "link_open", "em_open", "s_open"):
        assert spoofed not in kinds, spoofed
    headings = [t for t in tokens if t.type == "heading_open"]
    titles = [tokens[tokens.index(h) + 1].content for h in headings]
    assert "Findings" not in titles  # only the real heading, which is "Findings" for real
    assert _controls(markdown) == []
    text = " ".join(_texts(tokens))
    for literal in literals:
        assert literal in text, literal


LITERALS = (
    "<!--",
    "<img src=x onerror=alert(1)>",
    "![p](https://example.invalid/p.png)",
    "`tick`",
    "@someone",
    "$x$",
    "| cell",
    "</script><script>alert(3)</script>",
    "\\x1b[2J",
    "\\r\\r## Findings",
    "&amp;",
)


def test_markdown_shows_model_text_literally(hostile: Path, run_cli: Callable[..., Run]) -> None:
    result = run_cli("analyze", str(hostile), "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "Title \\\\r\\\\r\\#\\# Findings" in result.stdout
    _check_markdown(result.stdout.replace("## Findings\n", "## Real findings\n"), (), LITERALS)


def test_diff_markdown_shows_model_text_literally(
    hostile: Path, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(HOSTILE_MODEL.replace("when: never_share", "when: false"))
    new = tmp_path / "new `x` <!-- @a.yaml"
    new.write_text(HOSTILE_MODEL)
    result = run_cli("diff", str(old), str(new), "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    own = (
        "<!-- threatmodel-diff -->",
        "<details><summary>Why: a witness for each gain</summary>",
        "</details>",
    )
    real = result.stdout.replace("#### Findings\n", "#### Real findings\n")
    _check_markdown(real, own, (str(new),))


def _html_elements(document: str) -> list[Any]:
    tree = html5lib.parse(document, namespaceHTMLElements=False)
    return list(tree.iter())


def test_html_report_embeds_data_no_text_can_break(
    hostile: Path, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    output = tmp_path / "report.html"
    result = run_cli("report", str(hostile), "-o", str(output))
    assert result.exit_code == 0, result.stderr
    page = output.read_text(encoding="utf-8")
    elements = _html_elements(page)
    scripts = [e for e in elements if e.tag == "script"]
    assert len(scripts) == 2
    data = json.loads(scripts[0].text)
    assert data["parties"][0]["title"].startswith("Ads \r\r## Findings")
    assert "</script><script>alert(3)</script>" in data["parties"][0]["title"]
    assert [e.tag for e in elements].count("img") == 0
    assert [e.tag for e in elements].count("svg") == 0
    title = next(e for e in elements if e.tag == "h1").text
    assert title.startswith("Title \n\n## Findings")  # HTML reads CR as a line break
    assert "<!-- <img src=x onerror=alert(1)>" in title


def test_html_report_works_in_a_browser(
    hostile: Path, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no headless browser installed")
    output = tmp_path / "report.html"
    assert run_cli("report", str(hostile), "-o", str(output)).exit_code == 0
    completed = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", output.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    elements = _html_elements(completed.stdout)
    matrix = next(e for e in elements if e.get("id") == "matrix")
    rows = ["".join(row.itertext()) for row in matrix.iter("tr")]
    assert len(rows) == 3
    assert rows[0].startswith("party") and rows[0].endswith("d")
    assert "</script><script>alert(3)</script>" in rows[0]  # shown as text, not run
    assert [row.removesuffix("plaintext").rsplit(None, 1)[-1] for row in rows[1:]] == [
        "ads",
        "user",
    ]
    assert all(row.endswith("plaintext") for row in rows[1:])
    expectations = next(e for e in elements if e.get("id") == "expectations")
    assert "no_ads" in "".join(expectations.itertext())


# ----------------------------------------------------------------- 4. terminal escapes


@pytest.mark.parametrize(
    "args",
    [
        ("analyze", "{model}"),
        ("analyze", "{model}", "--format", "json"),
        ("analyze", "{model}", "--format", "markdown"),
        ("check", "{model}"),
        ("check", "{model}", "--format", "json"),
        ("check", "{model}", "--format", "sarif"),
        ("explain", "{model}", "--party", "ads", "--data", "d"),
        ("explain", "{model}", "--party", "ads", "--data", "d", "--format", "json"),
        ("diff", "{model}", "{model}"),
        ("diff", "{model}", "{model}", "--format", "json"),
        ("validate", "{model}"),
    ],
)
def test_no_control_character_reaches_the_terminal(
    args: tuple[str, ...], tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    model = tmp_path / "model\x1b[2J\r\x9b.yaml"
    model.write_text(HOSTILE_MODEL, encoding="utf-8")
    result = run_cli(*(arg.format(model=model) for arg in args))
    assert result.exit_code in (0, 1), result.stderr
    assert _controls(result.stdout) == []
    assert _controls(result.stderr) == []
    if args[0] != "explain" and "--format" not in args:
        assert "\\x1b[2J" in result.stdout + result.stderr
    if "json" in args or "sarif" in args:
        assert json.dumps(json.loads(result.stdout))  # still JSON, with the text escaped


AWKWARD_TITLE = 'title: "Title \\" \\\\ \\0 \\t é 😀 '
"""Quotes, backslashes, a NUL, a tab and characters outside ASCII and outside the BMP."""

JSON_ESCAPED = [*range(0x7F, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]


def _reindented(text: str) -> str:
    """``text`` read and written again by :mod:`json`, two-space indent, sorted keys, with
    the controls that act on terminals escaped."""
    again = json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False)
    return again.translate({code: f"\\u{code:04x}" for code in JSON_ESCAPED}) + "\n"


@pytest.mark.parametrize(
    "args",
    [
        ("analyze", "{model}", "--format", "json"),
        ("check", "{model}", "--format", "json"),
        ("check", "{model}", "--format", "sarif"),
        ("explain", "{model}", "--party", "ads", "--data", "d", "--format", "json"),
        ("diff", "{model}", "{model}", "--format", "json"),
    ],
)
def test_json_outputs_are_json_indented_two_spaces_with_sorted_keys(
    args: tuple[str, ...], tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    model = tmp_path / 'model "\\ \x1b[2J\r\x9b\u2066 😀.yaml'
    model.write_text(HOSTILE_MODEL.replace('title: "Title ', AWKWARD_TITLE), encoding="utf-8")
    result = run_cli(*(arg.format(model=model) for arg in args))
    assert result.exit_code in (0, 1), result.stderr
    assert result.stdout == _reindented(result.stdout)
    if args[0] == "analyze":
        title = json.loads(result.stdout)["model"]["title"]
        assert title.startswith('Title " \\ \x00 \t é 😀 \r\r## Findings')


def test_output_files_and_json_have_no_raw_controls(
    hostile: Path, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    for output_format in ("text", "json", "markdown"):
        output = tmp_path / f"out.{output_format}"
        result = run_cli("analyze", str(hostile), "--format", output_format, "-o", str(output))
        assert result.exit_code == 0, result.stderr
        text = output.read_text(encoding="utf-8")
        assert _controls(text) == [], output_format
        if output_format == "json":
            title = json.loads(text)["model"]["title"]
            assert {"\x1b", "\r", "\x9b", "\u202e"} <= set(title)


def test_colour_codes_are_only_the_reports_own(hostile: Path) -> None:
    from threatmodel.assessment import assess
    from threatmodel.load.loader import load_file
    from threatmodel.report.analyze import text

    coloured = text.write(assess(load_file(str(hostile))), color=True)
    plain = text.write(assess(load_file(str(hostile))), color=False)
    assert "\x1b[31m" in coloured
    assert _controls(coloured) == ["\x1b"]
    stripped = coloured
    for code in ("\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[0m"):
        stripped = stripped.replace(code, "")
    assert [line.rstrip() for line in stripped.splitlines()] == plain.splitlines()


def test_set_names_in_errors_are_escaped(hostile: Path, run_cli: Callable[..., Run]) -> None:
    result = run_cli("analyze", str(hostile), "--set", "x\x1b[2J\x1b]0;t\x07=true")
    assert result.exit_code == 2
    assert "unknown toggle or assumption 'x\\x1b[2J\\x1b]0;t\\x07'" in result.stderr
    assert _controls(result.stderr) == []


# --------------------------------------------------------------------- 6. messages


def test_articles_in_messages(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    model = tmp_path / "model.yaml"
    model.write_text(
        f"{HEADER}assumptions:\n  honest: {{status: claimed}}\n"
        "expectations:\n  e: {party: honest, data: honest}\n"
    )
    result = run_cli("validate", str(model))
    assert "'honest' is an assumption, not a party" in result.stderr
    assert "'honest' is an assumption, not a datum" in result.stderr


def test_echoed_values_are_cut(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    model = tmp_path / "model.yaml"
    reference = "b" * 300
    model.write_text(
        f"threatmodel: '{'9' * 5000}'\ntitle: T\nboundaries:\n  {reference}x: {{}}\n"
        f"parties:\n  p: {{kind: person, boundary: {reference}}}\n"
    )
    result = run_cli("validate", str(model))
    assert result.exit_code == 2
    assert f"unsupported format version '{'9' * 119}…'" in result.stderr
    assert f"unknown boundary '{'b' * 119}…'" in result.stderr
    assert f"did you mean '{'b' * 119}…'?" in result.stderr
    assert max(len(line) for line in result.stderr.splitlines()) < 400


@pytest.mark.parametrize(
    ("section", "word"), [("toggles", "never"), ("parties", "and"), ("scenarios", "default")]
)
def test_the_json_schema_rejects_the_same_ids(section: str, word: str) -> None:
    schema = json.loads((ROOT / "threatmodel.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    document = {"threatmodel": 1, "title": "T", section: {word: {}}}
    assert "not" in [error.validator for error in validator.iter_errors(document)]
    document = {"threatmodel": 1, "title": "T", section: {f"{word}_x": {}}}
    assert "not" not in [error.validator for error in validator.iter_errors(document)]
