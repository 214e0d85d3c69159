"""Real public models (``tests/fixtures/import``) imported, validated and analysed.

Each model has an expectation file beside it, ``NAME.expect.json``: the tool, the model file,
the number of flows counted from the source (a pytm ``Dataflow`` per flow; a Threagile link
per direction that carries data, or one flow when it carries none), how many of those carry
no data, and a few origins and exposures in the default setting.  ``PROVENANCE`` says where
each model comes from.  To add a model, put it there with its expectation file.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, Run
from threatmodel.engine.exposure import analyze
from threatmodel.load.loader import load_file
from threatmodel.load.model import Level, ProtectionLevel

CORPUS = ROOT / "tests" / "fixtures" / "import"
EXPECTATIONS = sorted(CORPUS.rglob("*.expect.json"))
LOCATED = re.compile(r"^[^:\n]+:\d+:\d+: (warning|error): ")


def _expectation(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def test_the_corpus_is_complete() -> None:
    """At least 20 models from both tools, each listed in PROVENANCE."""
    tools = [_expectation(path)["tool"] for path in EXPECTATIONS]
    assert len(tools) >= 20
    assert tools.count("threagile") >= 10 and tools.count("pytm") >= 8
    provenance = (CORPUS / "PROVENANCE").read_text(encoding="utf-8")
    for path in EXPECTATIONS:
        model = path.parent / _expectation(path)["model"]
        assert model.is_file(), model
        listed = model.relative_to(CORPUS).as_posix()
        if model.suffix == ".json":
            listed = listed.removesuffix(".json") + ".py"
        assert re.search(rf"^{re.escape(listed)}[ :]", provenance, re.MULTILINE), listed
        assert re.search(rf"^{re.escape(listed)}.* @ [0-9a-f]{{40}}; licence: ", provenance, re.M)


@pytest.mark.parametrize(
    "expectation", EXPECTATIONS, ids=[p.relative_to(CORPUS).as_posix() for p in EXPECTATIONS]
)
def test_real_model_imports_validates_and_analyses(
    expectation: Path, run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    expected = _expectation(expectation)
    source = (expectation.parent / expected["model"]).relative_to(ROOT).as_posix()
    output = tmp_path / "model.yaml"
    result = run_cli("import", expected["tool"], source, "-o", str(output))
    assert result.exit_code == 0, result.stderr
    assert all(LOCATED.match(line) for line in result.stderr.splitlines()), result.stderr
    assert "error:" not in result.stderr
    first_line = result.stdout.splitlines()[0]
    assert " flows, " in first_line or " flow, " in first_line
    placeholders = expected["placeholders"]
    if placeholders:
        assert f"; {placeholders} placeholder " in first_line
    else:
        assert "placeholder" not in first_line

    validated = run_cli("validate", str(output))
    assert validated.exit_code == 0, validated.stderr
    analysed = run_cli("analyze", str(output), "--format", "json", "-o", str(tmp_path / "a.json"))
    assert analysed.exit_code == 0, analysed.stderr
    report = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert report["settings"], "analyze lists at least the default setting"

    loaded = load_file(str(output))
    model = loaded.model
    assert len(model.flows) == expected["source_flows"], expected["counted_from_source"]
    unspecified = [d for d in model.data if d.startswith("unspecified_")]
    assert len(unspecified) == placeholders
    for datum in unspecified:
        carriers = [f for f in model.flows.values() if datum in f.data]
        assert len(carriers) == 1 and carriers[0].data == [datum]
        assert model.data[datum].origin == [carriers[0].from_]
    for datum, origin in expected["origins"].items():
        assert model.data[datum].origin == origin, datum
    closure = analyze(loaded).default.closure
    for exposure in expected["exposures"]:
        level = closure.level(exposure["party"], exposure["data"])
        assert level is Level(exposure["level"]), exposure

    again = run_cli("import", expected["tool"], source, "-o", str(tmp_path / "again.yaml"))
    assert again.exit_code == 0
    assert (tmp_path / "again.yaml").read_bytes() == output.read_bytes()


# ------------------------------------------------------------------ pytm scripts

HAS_PYTM = importlib.util.find_spec("pytm") is not None
needs_pytm = pytest.mark.skipif(
    not HAS_PYTM,
    reason="pytm is not installed (pip install -e '.[dev]' installs it); "
    "threatmodel import pytm tm.py runs the script with it",
)


@needs_pytm
def test_pytm_script_keeps_the_flows_own_encryption(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    """pytm's --json says the script's HTTPS flow is plain HTTP; running the script does not."""
    script = CORPUS / "pytm" / "devsecops-modelamen.py"
    from_json = tmp_path / "from-json.yaml"
    result = run_cli("import", "pytm", str(script.with_suffix(".json")), "-o", str(from_json))
    assert result.exit_code == 0
    assert "note: pytm's --json writes each flow's protocol and encryption" in result.stdout
    from_script = tmp_path / "from-script.yaml"
    result = run_cli("import", "pytm", str(script), "-o", str(from_script))
    assert result.exit_code == 0, result.stderr
    assert "note:" not in result.stdout
    assert load_file(str(from_json)).model.flows["data_flow"].protection.level is (
        ProtectionLevel.NONE
    )
    flow = load_file(str(from_script)).model.flows["data_flow"]
    assert flow.protection.level is ProtectionLevel.TRANSPORT
    assert "# pytm Dataflow (protocol: HTTPS)" in from_script.read_text(encoding="utf-8")


@needs_pytm
def test_pytm_script_converts_like_its_json(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    """The OWASP sample, run here, gives the same parties, data and flows as its JSON."""
    script = CORPUS / "pytm" / "owasp-sample-2026.py"
    run_cli("import", "pytm", str(script.with_suffix(".json")), "-o", str(tmp_path / "j.yaml"))
    result = run_cli("import", "pytm", str(script), "-o", str(tmp_path / "s.yaml"))
    assert result.exit_code == 0, result.stderr
    from_json = load_file(str(tmp_path / "j.yaml")).model
    from_script = load_file(str(tmp_path / "s.yaml")).model
    assert sorted(from_script.parties) == sorted(from_json.parties)
    assert sorted(from_script.data) == sorted(from_json.data)
    assert sorted(from_script.flows) == sorted(from_json.flows)
    # the script sets HTTPS on the moderation flows, which --json loses
    flow = "send_comment_for_moderation"
    assert from_script.flows[flow].protection.level is ProtectionLevel.TRANSPORT
    assert from_json.flows[flow].protection.level is ProtectionLevel.NONE
    assert from_script.flows["user_enters_comments"].protection.level is ProtectionLevel.NONE


@needs_pytm
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = 1\n", "the pytm script wrote no JSON: does it call tm.process() when run?"),
        ("raise ValueError('broken model')\n", "the pytm script failed: ValueError: broken model"),
    ],
)
def test_pytm_script_problems_are_located(
    text: str, message: str, run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    script = tmp_path / "tm.py"
    script.write_text(text, encoding="utf-8")
    output = tmp_path / "model.yaml"
    result = run_cli("import", "pytm", str(script), "-o", str(output))
    assert result.exit_code == 2
    assert result.stderr == f"{script}:1:1: error: {message}\n"
    assert not output.exists()


def test_pytm_script_without_pytm_is_a_located_error(
    run_cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without pytm beside threatmodel, the script cannot run: say how to get it."""
    script = tmp_path / "tm.py"
    shutil.copy(CORPUS / "pytm" / "desofs-login.py", script)
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pytm").mkdir()
    (fake / "pytm" / "__init__.py").write_text("raise ImportError('no pytm here')\n")
    monkeypatch.setenv("PYTHONPATH", str(fake))
    result = run_cli("import", "pytm", str(script), "-o", str(tmp_path / "m.yaml"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{script}:1:1: error: running a pytm script needs pytm")
