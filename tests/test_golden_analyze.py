"""Golden files for every output format of ``analyze`` (and ``explain``) on every shipped model."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from conftest import MODELS, ROOT, Run
from threatmodel.report.analyze import WRITERS

SUFFIX = {"text": "txt", "json": "json", "markdown": "md"}


def test_every_format_has_a_writer_and_a_suffix() -> None:
    assert set(WRITERS) == set(SUFFIX)


SMALL_JSON = {
    "models/e2ee_messenger.yaml": (),
    "models/assistant_messenger.yaml": ("--max-settings", "0"),
}
"""The JSON goldens: small outputs a reviewer can read.  The full setting lists of the large
models are covered by the property tests against the reference and by
``test_json_lists_every_setting_of_every_shipped_model``."""


def _golden_cases() -> list[tuple[str, str, tuple[str, ...]]]:
    cases = [(model, fmt, ()) for model in MODELS for fmt in ("text", "markdown")]
    cases += [(model, "json", args) for model, args in SMALL_JSON.items()]
    return sorted(cases)


@pytest.mark.parametrize(("model", "output_format", "extra"), _golden_cases())
def test_analyze_output_matches_golden(
    model: str,
    output_format: str,
    extra: tuple[str, ...],
    run_cli: Callable[..., Run],
    golden: Callable[[str, str], None],
) -> None:
    result = run_cli("analyze", model, "--format", output_format, *extra)
    assert result.exit_code == 0, result.stderr
    name = model.removeprefix("models/").removesuffix(".yaml")
    golden(f"analyze/{name}.{SUFFIX[output_format]}", result.stdout)


@pytest.mark.parametrize("model", MODELS)
def test_json_lists_every_setting_of_every_shipped_model(
    model: str, run_cli: Callable[..., Run]
) -> None:
    document = json.loads(run_cli("analyze", model, "--format", "json").stdout)
    values = [setting["values"] for setting in document["settings"]]
    assert len(values) == len({json.dumps(v, sort_keys=True) for v in values})
    if document["settings_complete"]:
        assert len(values) == document["settings_total"]
    else:
        listed = [document["default"]["values"], *document["scenarios"].values()]
        assert all(setting in values for setting in listed)
    for setting in document["settings"]:
        assert set(setting["exposure"]) == set(document["conditions"])


@pytest.mark.parametrize("model", MODELS)
def test_analyze_is_deterministic(model: str, run_cli: Callable[..., Run]) -> None:
    first = run_cli("analyze", model, "--format", "json").stdout
    assert run_cli("analyze", model, "--format", "json").stdout == first


def test_explain_output_matches_golden(
    run_cli: Callable[..., Run], golden: Callable[[str, str], None]
) -> None:
    model = "models/assistant_messenger.yaml"
    for party, datum in [("law_enforcement", "dm_text"), ("training_store", "ai_reply")]:
        for output_format, suffix in [("text", "txt"), ("json", "json")]:
            result = run_cli(
                "explain", model, "--party", party, "--data", datum, "--format", output_format
            )
            assert result.exit_code == 0, result.stderr
            golden(f"explain/assistant_messenger.{party}.{datum}.{suffix}", result.stdout)


@pytest.mark.parametrize("kind", ["analyze", "diff", "explain"])
def test_text_reports_fit_a_100_column_terminal(kind: str) -> None:
    """The reports meant for reading (not ``check``'s one-line-per-result output, which
    editors and CI logs parse) wrap at 100 characters."""
    paths = sorted((ROOT / "tests" / "golden" / kind).glob("*.txt"))
    assert paths
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert len(line) <= 100, f"{path.name}:{number} is {len(line)} characters"
