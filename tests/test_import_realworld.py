"""What real Threagile and pytm models do that the importers must carry over: flows without
data, pytm's duplicate and older-style data, named origins, boundary types and nesting,
misspelt keys and ``includes:``.  Each test is a small model showing one such habit."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Run
from threatmodel.engine.exposure import analyze
from threatmodel.load.loader import LoadedModel, load_file
from threatmodel.load.model import Level

Convert = Callable[..., tuple[Run, Path]]


@pytest.fixture
def convert(run_cli: Callable[..., Run], tmp_path: Path) -> Convert:
    """``convert(tool, source)``: run the import into a fresh file; the run and the file."""

    def run(tool: str, source: Path) -> tuple[Run, Path]:
        output = tmp_path / "out" / "model.yaml"
        output.parent.mkdir(exist_ok=True)
        return run_cli("import", tool, str(source), "-o", str(output)), output

    return run


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _loaded(output: Path) -> LoadedModel:
    return load_file(str(output))


# ------------------------------------------------------------------------------ pytm


def _element(name: str, cls: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "__class__": cls, **extra}


def _flow(name: str, source: str, sink: str, data: list[str], **extra: Any) -> dict[str, Any]:
    return {"name": name, "source": source, "sink": sink, "data": data, **extra}


def _datum(name: str, carried_by: list[str], **extra: Any) -> dict[str, Any]:
    return {"name": name, "carriedBy": carried_by, **extra}


def _pytm(tmp_path: Path, **sections: Any) -> Path:
    document: dict[str, Any] = {"name": "Shop", "boundaries": [], "data": [], "flows": []}
    document["elements"] = [
        _element("User", "Actor"),
        _element("Web", "Server"),
        _element("DB", "Datastore"),
    ]
    document.update(sections)
    return _write(tmp_path / "tm.json", json.dumps(document))


def test_pytm_flows_without_data_carry_a_placeholder(convert: Convert, tmp_path: Path) -> None:
    source = _pytm(
        tmp_path,
        flows=[_flow("Login", "User", "Web", []), _flow("Query", "Web", "DB", [])],
    )
    result, output = convert("pytm", source)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].endswith(
        "(4 parties, 2 data, 2 flows, 0 boundaries; 2 placeholder data (unspecified_...) for "
        "flows without data)"
    )
    assert result.stderr == (
        f"{source}:1:58: warning: 2 flows carry no data (first: 'Login'); each carries a "
        "placeholder datum unspecified_<flow> here\n"
    )
    model = _loaded(output).model
    assert model.flows["login"].data == ["unspecified_login"]
    datum = model.data["unspecified_login"]
    assert (datum.title, datum.origin, datum.classification.value) == (
        "Unspecified data of Login",
        ["user"],
        "internal",
    )
    closure = analyze(_loaded(output)).default.closure
    assert closure.level("web", "unspecified_login") is Level.PLAINTEXT
    assert closure.level("db", "unspecified_login") is Level.NONE


def test_pytm_older_scripts_string_data_are_told_apart(convert: Convert, tmp_path: Path) -> None:
    """``flow.data = "text"`` becomes a datum named 'undefined' in pytm 1.4: one per flow."""
    source = _pytm(
        tmp_path,
        data=[
            _datum("undefined", ["Login"], description="Credentials typed in"),
            _datum("undefined", ["Query"], description="SQL query"),
        ],
        flows=[
            _flow("Login", "User", "Web", ["undefined"]),
            _flow("Query", "Web", "DB", ["undefined"]),
        ],
    )
    result, output = convert("pytm", source)
    assert result.exit_code == 0, result.stderr
    assert "2 different data are named 'undefined'; kept apart" in result.stderr
    model = _loaded(output).model
    assert model.flows["login"].data == ["credentials_typed_in"]
    assert model.flows["query"].data == ["sql_query"]
    assert model.data["sql_query"].title == "SQL query"
    assert model.data["sql_query"].origin == ["web"]


def test_pytm_duplicate_data_merged_or_kept_apart(convert: Convert, tmp_path: Path) -> None:
    token = {"classification": "Classification.SECRET"}
    source = _pytm(
        tmp_path,
        data=[
            _datum("Token", ["Login"], **token),
            _datum("Token", ["Query"], **token),
            _datum("Status", ["Login"], classification="Classification.PUBLIC"),
            _datum("Status", ["Query"], classification="Classification.SECRET"),
        ],
        flows=[
            _flow("Login", "User", "Web", ["Token", "Status"]),
            _flow("Query", "Web", "DB", ["Token", "Status"]),
        ],
    )
    result, output = convert("pytm", source)
    assert result.exit_code == 0, result.stderr
    assert "warning: datum 'Token' is listed again with the same attributes; merged into one\n" in (
        result.stderr
    )
    assert "2 different data are named 'Status'; kept apart" in result.stderr
    model = _loaded(output).model
    assert sorted(model.data) == ["status", "status_2", "token"]
    assert model.flows["login"].data == ["status", "token"]
    assert model.flows["query"].data == ["status_2", "token"]
    assert model.data["status"].classification.value == "public"
    assert model.data["status_2"].classification.value == "sensitive"
    assert model.data["token"].origin == ["user"]


def test_pytm_origin_is_the_first_sender_not_every_one(convert: Convert, tmp_path: Path) -> None:
    """Credentials go round (user → web → db → web → user): the user is their origin."""
    flows = [
        _flow("Login", "User", "Web", ["Credentials"], order=1),
        _flow("Check", "Web", "DB", ["Credentials"], order=2),
        _flow("Found", "DB", "Web", ["Credentials"], order=3),
        _flow("Welcome", "Web", "User", ["Credentials"], order=4),
        _flow("Sync", "DB", "Web", ["Log"], order=5),
        _flow("Push", "Web", "DB", ["Log"], order=6),
    ]
    data = [_datum("Credentials", ["Login"]), _datum("Log", ["Sync", "Push"])]
    _, output = convert("pytm", _pytm(tmp_path, data=data, flows=flows))
    model = _loaded(output).model
    assert model.data["credentials"].origin == ["user"]
    assert model.data["log"].origin == ["db"]  # no actor sends it: the first sender


def test_pytm_elements_of_one_name_are_merged(convert: Convert, tmp_path: Path) -> None:
    elements = [_element("User", "Actor"), _element("Web", "Server"), _element("Web", "Process")]
    source = _pytm(tmp_path, elements=elements, flows=[_flow("Visit", "User", "Web", [])])
    result, output = convert("pytm", source)
    assert result.exit_code == 0
    assert "warning: another element is named 'Web'; pytm refers to elements by name, so this " in (
        result.stderr
    )
    assert sorted(_loaded(output).model.parties) == ["network_observer", "user", "web"]


def test_pytm_machine_paths_are_left_out(convert: Convert, tmp_path: Path) -> None:
    absolute = _pytm(tmp_path, threatsFile="/usr/lib/python3/site-packages/pytm/threats.json")
    _, output = convert("pytm", absolute)
    assert "threats.json" not in output.read_text(encoding="utf-8")
    relative = _pytm(tmp_path, threatsFile="./threats.json")
    _, output = convert("pytm", relative)
    assert "# threatsFile: ./threats.json\n" in output.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ Threagile

_ASSETS = """\
data_assets:
  Secret: {id: secret, confidentiality: restricted}
technical_assets:
  A:
    id: a
    type: process
    data_assets_processed: [secret]
    communication_links:
      To B: {target: b, protocol: http, data_assets_sent: [secret]}
      To C: {target: c, protocol: http, data_assets_sent: [secret]}
      To D: {target: d, protocol: http, data_assets_sent: [secret]}
  B: {id: b, type: process}
  C: {id: c, type: process}
  D: {id: d, type: process}
"""


def test_threagile_redundant_nesting_takes_the_innermost(convert: Convert, tmp_path: Path) -> None:
    source = _write(
        tmp_path / "t.yaml",
        "title: T\n"
        + _ASSETS
        + """\
trust_boundaries:
  Outer: {id: outer, trust_boundaries_nested: [middle, inner]}
  Middle: {id: middle, trust_boundaries_nested: [inner]}
  Inner: {id: inner, technical_assets_inside: [a]}
  Left: {id: left, trust_boundaries_nested: [shared]}
  Right: {id: right, trust_boundaries_nested: [shared]}
  Shared: {id: shared}
""",
    )
    result, output = convert("threagile", source)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"{source}:21:48: warning: trust boundary 'shared' is nested in 2 boundaries that do not "
        "nest one another (left, right); Threagile picks one, we take 'left'\n"
    )
    boundaries = _loaded(output).model.boundaries
    assert {b: boundaries[b].parent for b in boundaries} == {
        "outer": None,
        "middle": "outer",
        "inner": "middle",
        "left": None,
        "right": None,
        "shared": "left",
    }


def test_threagile_origin_names_a_technical_asset(convert: Convert, tmp_path: Path) -> None:
    source = _write(
        tmp_path / "t.yaml",
        """\
data_assets:
  Tokens: {id: tokens, origin: Authentication Service, confidentiality: confidential}
  Notes: {id: notes, origin: Customer, confidentiality: internal}
technical_assets:
  authentication-service:
    id: authentication-service
    type: process
    data_assets_processed: [tokens]
    communication_links:
      Store: {target: database, protocol: jdbc-encrypted, data_assets_sent: [tokens, notes]}
  database:
    id: database
    type: datastore
    data_assets_stored: [tokens, notes]
    communication_links:
      Load: {target: authentication-service, protocol: jdbc-encrypted,
             data_assets_sent: [tokens, notes]}
""",
    )
    _, output = convert("threagile", source)
    data = _loaded(output).model.data
    assert data["tokens"].origin == ["authentication_service"]
    assert data["notes"].origin == ["database"]  # 'Customer' is no asset: the one storing it


def test_threagile_boundary_types_place_the_observer(convert: Convert, tmp_path: Path) -> None:
    """As Threagile counts a network crossing: only between two network boundaries (or one
    execution environment nested in nothing), never from or to an asset outside every
    boundary or inside an execution environment nested in another boundary."""
    source = _write(
        tmp_path / "t.yaml",
        _ASSETS.replace(
            "  D: {id: d, type: process}\n",
            "  D: {id: d, type: process}\n  E: {id: e, type: process}\n",
        )
        + """\
trust_boundaries:
  Cloud: {id: cloud, type: network-cloud-provider, technical_assets_inside: [a],
          trust_boundaries_nested: [runtime]}
  Runtime: {id: runtime, type: execution-environment, technical_assets_inside: [c]}
  Office: {id: office, type: network-on-prem, technical_assets_inside: [b]}
""",
    )
    result, output = convert("threagile", source)
    assert result.exit_code == 0, result.stderr
    flows = _loaded(output).model.flows
    assert {f: flows[f].observers for f in flows} == {
        "to_b": ["network_observer"],  # cloud → office: both network boundaries
        "to_c": [],  # into an execution environment inside the cloud
        "to_d": [],  # d is in no boundary
    }


def test_threagile_confidentiality_is_not_called_personal(
    convert: Convert, run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    source = _write(
        tmp_path / "t.yaml",
        _ASSETS
        + """\
trust_boundaries:
  Home: {id: home, technical_assets_inside: [a]}
  Away: {id: away, technical_assets_inside: [b, c, d]}
""",
    )
    _, output = convert("threagile", source)
    assert _loaded(output).model.data["secret"].classification.value == "sensitive"
    checked = run_cli("check", str(output), "--fail-on", "never")
    assert "reads sensitive data secret in plaintext outside home" in checked.stdout
    assert "personal" not in checked.stdout


def test_threagile_misspelt_key_warns_once(convert: Convert, tmp_path: Path) -> None:
    source = _write(
        tmp_path / "t.yaml",
        "title: T\n" + _ASSETS.replace("data_assets_sent", "data_assests_sent"),
    )
    result, output = convert("threagile", source)
    assert result.exit_code == 0
    assert result.stderr == (
        f"{source}:10:7: warning: 3 communication links carry no data assets (first: 'To B'); "
        "each is a flow of a placeholder datum unspecified_<flow> here\n"
        f"{source}:10:41: warning: unknown Threagile field 'data_assests_sent' in 3 communication "
        "links (first: 'To B'); kept as notes; did you mean 'data_assets_sent'?\n"
    )
    assert len(_loaded(output).model.flows) == 3


# ------------------------------------------------------------------------------ includes


def test_threagile_includes_are_read_relative_to_each_file(
    convert: Convert, tmp_path: Path
) -> None:
    main = _write(tmp_path / "model" / "main.yaml", "title: Split\nincludes: [parts/assets.yaml]\n")
    _write(
        tmp_path / "model" / "parts" / "assets.yaml",
        "includes: [../data/data.yaml]\ntechnical_assets:\n"
        + _ASSETS.split("technical_assets:\n")[1],
    )
    _write(tmp_path / "model" / "data" / "data.yaml", _ASSETS.split("technical_assets:\n")[0])
    result, output = convert("threagile", main)
    assert result.exit_code == 0, result.stderr
    model = _loaded(output).model
    assert (model.title, len(model.parties), len(model.flows)) == ("Split", 4, 3)


def test_threagile_include_problems_are_located(convert: Convert, tmp_path: Path) -> None:
    main = _write(
        tmp_path / "main.yaml",
        "title: Loop\nincludes:\n  - a.yaml\n  - missing.yaml\n  - clash.yaml\n" + _ASSETS,
    )
    a = _write(tmp_path / "a.yaml", "includes: [main.yaml]\ntags_available: [x]\n")
    clash = _write(tmp_path / "clash.yaml", "title: Other\n")
    result, output = convert("threagile", main)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{a}:1:12: error: includes form a cycle: main.yaml → a.yaml → main.yaml\n"
        f"{clash}:1:8: error: 'title' differs from the value an including file gives it; "
        "Threagile refuses such a merge\n"
        f"{main}:4:5: error: cannot read included file 'missing.yaml': no such file\n"
    )
    assert not output.exists()


def test_threagile_error_in_an_included_file_is_located_there(
    convert: Convert, tmp_path: Path
) -> None:
    main = _write(tmp_path / "main.yaml", "title: T\nincludes: [assets.yaml]\n")
    assets = _write(
        tmp_path / "assets.yaml",
        _ASSETS.replace("target: d,", "target: dd,"),
    )
    result, _ = convert("threagile", main)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{assets}:11:22: error: unknown technical asset 'dd'; did you mean 'd'?\n"
    )
