"""``threatmodel import``: other tools' models converted, checked and explained to the user."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Run
from threatmodel.engine.exposure import Analysis, analyze
from threatmodel.engine.inference import plain
from threatmodel.engine.witness import witness_steps
from threatmodel.importers.draft import Draft, Element
from threatmodel.importers.ids import IdAllocator, slug
from threatmodel.importers.yamlwrite import render
from threatmodel.load.loader import LoadedModel, load_file, load_text
from threatmodel.load.model import Level, ProtectionLevel

THREAGILE = "tests/fixtures/import/threagile/threagile-demo-example.yaml"
PYTM = "tests/fixtures/import/pytm/owasp-sample-2026.json"
PYTM_WARNING = (
    f"{PYTM}:1:60166: warning: 1 flow carries no data (first: 'Agent queries user comment "
    "history'); each carries a placeholder datum unspecified_<flow> here\n"
)
PYTM_NOTICE = (
    "note: pytm's --json writes each flow's protocol and encryption as the receiving element's "
    "defaults, so protection here follows those; threatmodel import pytm on the script (tm.py) "
    "runs it and keeps what the script set on each flow"
)

Importer = Callable[..., tuple[Run, Path]]


@pytest.fixture
def convert(run_cli: Callable[..., Run], tmp_path: Path) -> Importer:
    """``convert(tool, source)``: run the import into a fresh file; the run and the file."""

    def run(tool: str, source: str | Path, name: str = "model.yaml") -> tuple[Run, Path]:
        output = tmp_path / name
        return run_cli("import", tool, str(source), "-o", str(output)), output

    return run


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _analyse(path: Path) -> tuple[LoadedModel, Analysis]:
    loaded = load_file(str(path))
    return loaded, analyze(loaded)


# ------------------------------------------------------------------ the reference models


@pytest.mark.parametrize(
    ("tool", "source", "golden_name", "summary", "warnings"),
    [
        (
            "threagile",
            THREAGILE,
            "threagile-demo-example.yaml",
            "15 parties, 12 data, 34 flows, 5 boundaries",
            "",
        ),
        (
            "pytm",
            PYTM,
            "pytm-owasp-sample-2026.yaml",
            "9 parties, 12 data, 11 flows, 3 boundaries; 1 placeholder datum (unspecified_...) "
            "for a flow without data",
            PYTM_WARNING,
        ),
    ],
)
def test_reference_models_convert(
    tool: str,
    source: str,
    golden_name: str,
    summary: str,
    warnings: str,
    convert: Importer,
    golden: Callable[[str, str], None],
) -> None:
    result, output = convert(tool, source)
    label = {"threagile": "Threagile", "pytm": "pytm"}[tool]
    assert result.exit_code == 0, result.stderr
    notice = f"{output}: {PYTM_NOTICE}\n" if tool == "pytm" else ""
    assert result.stdout == (
        f"{output}: converted from {label} model {source} ({summary})\n{notice}"
    )
    assert result.stderr == warnings
    text = output.read_text(encoding="utf-8")
    assert text.startswith(
        "# yaml-language-server: $schema=../threatmodel.schema.json\n#\n"
        f"# Converted by `threatmodel import {tool}` from the {label} model {Path(source).name}."
    )
    golden(f"import/{golden_name}", text)
    loaded, analysis = _analyse(output)
    assert loaded.warnings == ()
    assert f"{tool}_model" in loaded.model.sources
    assert analysis.default.closure.readers


def test_conversion_is_deterministic(convert: Importer, tmp_path: Path) -> None:
    for tool, source in (("threagile", THREAGILE), ("pytm", PYTM)):
        _, first = convert(tool, source, "first.yaml")
        _, second = convert(tool, Path(source).resolve(), "second.yaml")
        assert first.read_bytes() == second.read_bytes()


def test_threagile_demo_mapping(convert: Importer) -> None:
    _, output = convert("threagile", THREAGILE)
    loaded, analysis = _analyse(output)
    model = loaded.model
    flows = model.flows
    assert flows["customer_traffic"].protection.level is ProtectionLevel.TRANSPORT  # https
    assert flows["db_update_access"].protection.level is ProtectionLevel.TRANSPORT  # ssh
    assert flows["web_application_traffic"].protection.level is ProtectionLevel.NONE  # http
    assert flows["database_traffic"].protection.level is ProtectionLevel.NONE  # jdbc
    reply = flows["customer_traffic_reply"]
    assert (reply.from_, reply.to) == ("load_balancer", "customer_client")
    assert {b: model.boundaries[b].parent for b in model.boundaries} == {
        "application_network": None,
        "auth_env": "application_network",
        "dev_network": None,
        "erp_dmz": "application_network",
        "web_dmz": "application_network",
    }
    kinds = {p: model.parties[p].kind.value for p in model.parties}
    assert kinds["customer_client"] == "client"
    assert kinds["sql_database"] == "store"
    assert kinds["load_balancer"] == "service"
    assert kinds["network_observer"] == "observer"
    classes = {d: model.data[d].classification.value for d in model.data}
    assert classes["customer_accounts"] == "sensitive"  # strictly-confidential
    assert classes["customer_contracts"] == "sensitive"  # confidential
    assert classes["contract_summaries"] == "sensitive"  # restricted
    assert classes["server_application_code"] == "internal"
    assert classes["marketing_material"] == "public"
    assert model.data["customer_accounts"].origin == ["ldap_auth_server", "sql_database"]
    closure = analysis.default.closure
    # sensitive data crosses the http link: the web server reads it, and so does the wire
    assert closure.level("apache_webserver", "customer_accounts") is Level.PLAINTEXT
    assert closure.level("network_observer", "customer_accounts") is Level.PLAINTEXT
    # data that only crosses boundaries over https stays off the wire
    assert closure.level("network_observer", "internal_business_data") is Level.NONE


def test_every_threagile_holder_reads_its_data(convert: Importer) -> None:
    """Whatever Threagile says an asset processes or stores, the asset reads in plaintext."""
    _, output = convert("threagile", THREAGILE)
    _, analysis = _analyse(output)
    closure = analysis.default.closure
    source = yaml.safe_load(Path(THREAGILE).read_text(encoding="utf-8"))
    held = {
        (slug(asset["id"], "party"), slug(datum, "datum"))
        for asset in source["technical_assets"].values()
        for key in ("data_assets_processed", "data_assets_stored")
        for datum in asset.get(key) or []
    }
    assert len(held) == 45
    assert {pair for pair in held if closure.level(*pair) is not Level.PLAINTEXT} == set()


def test_threagile_notes_keep_what_has_no_field(convert: Importer) -> None:
    _, output = convert("threagile", THREAGILE)
    text = output.read_text(encoding="utf-8")
    assert "machine: virtual; encryption: data-with-symmetric-shared-key; owner:" in text
    assert "# - untrusted-deserialization@erp-system: status: accepted;" in text
    assert "# - How are the admin clients managed/protected against compromise? (no answer" in text
    assert "# --- Threagile: the model as a whole ---" in text


PLAINTEXT_OVER_HTTP = """\
title: Shop
data_assets:
  Card: {id: card, confidentiality: strictly-confidential}
  Page: {id: page, confidentiality: public}
technical_assets:
  Browser:
    id: browser
    type: external-entity
    technology: browser
    data_assets_processed: [card]
    communication_links:
      Checkout: {target: proxy, protocol: https, data_assets_sent: [card]}
  Proxy:
    id: proxy
    type: process
    communication_links:
      Forward: {target: backend, protocol: http, data_assets_sent: [card]}
  Backend:
    id: backend
    type: process
    data_assets_stored: [page]
    communication_links:
      Publish: {target: browser, protocol: https, data_assets_sent: [page]}
trust_boundaries:
  Edge: {id: edge, technical_assets_inside: [proxy]}
  Core: {id: core, technical_assets_inside: [backend]}
"""


def test_sensitive_data_over_http_has_plaintext_readers(convert: Importer, tmp_path: Path) -> None:
    source = _write(tmp_path, "shop.yaml", PLAINTEXT_OVER_HTTP)
    result, output = convert("threagile", source)
    assert result.exit_code == 0, result.stderr
    loaded, analysis = _analyse(output)
    closure = analysis.default.closure
    model = loaded.model
    assert model.flows["forward"].protection.level is ProtectionLevel.NONE
    assert model.flows["checkout"].protection.level is ProtectionLevel.TRANSPORT
    assert model.data["card"].origin == ["browser"]
    assert closure.level("backend", "card") is Level.PLAINTEXT
    assert witness_steps(model, closure, plain("network_observer", "card")) == [
        "browser originates card",
        "checkout (browser → proxy, transport)",
        "network_observer observes forward (proxy → backend, none)",
    ]
    assert closure.level("network_observer", "page") is Level.NONE


def test_pytm_sample_mapping(convert: Importer) -> None:
    _, output = convert("pytm", PYTM)
    loaded, analysis = _analyse(output)
    model = loaded.model
    kinds = {p: model.parties[p].kind.value for p in model.parties}
    assert kinds == {
        "ai_writing_assistant": "ai_model",
        "aws_lambda": "service",
        "comment_moderation_llm": "ai_model",
        "moderation_agent": "service",
        "network_observer": "observer",
        "real_identity_database": "store",
        "sql_database": "store",
        "user": "person",
        "web_server": "service",
    }
    assert model.parties["user"].boundary == "internet"
    assert model.data["token_verifying_user_identity"].classification.value == "sensitive"
    assert model.data["comments_in_html_or_markdown"].classification.value == "public"
    assert model.data["user_id_token"].origin == ["real_identity_database", "sql_database"]
    flow = model.flows["user_enters_comments"]
    assert (flow.from_, flow.to, flow.protection.level) == (
        "user",
        "web_server",
        ProtectionLevel.NONE,
    )
    closure = analysis.default.closure
    source = json.loads(Path(PYTM).read_text(encoding="utf-8"))
    for datum in source["data"]:
        for element in datum["processedBy"]:
            level = closure.level(slug(element, "party"), slug(datum["name"], "datum"))
            assert level is Level.PLAINTEXT, (element, datum["name"])
    assert closure.level("network_observer", "comments_in_html_or_markdown") is Level.PLAINTEXT
    assert closure.level("network_observer", "token_verifying_user_identity") is Level.NONE
    text = output.read_text(encoding="utf-8")
    assert "    # pytm finding INP03 (High): Server Side Include (SSI) Injection\n" in text
    assert "excluded by assumption 'This webserver does not use PHP'" in text
    placeholder = model.data["unspecified_agent_queries_user_comment_history"]
    assert (placeholder.origin, placeholder.classification.value) == (
        ["moderation_agent"],
        "internal",
    )
    flow = model.flows["agent_queries_user_comment_history"]
    assert (flow.from_, flow.to, flow.data) == (
        "moderation_agent",
        "sql_database",
        ["unspecified_agent_queries_user_comment_history"],
    )
    assert "threatsFile" not in text and "site-packages" not in text


def _pytm(**sections: object) -> str:
    document = {"name": "Tiny", "boundaries": [], "elements": [], "data": [], "flows": []}
    document.update(sections)
    return json.dumps(document)


def test_pytm_protection_and_classification(convert: Importer, tmp_path: Path) -> None:
    source = _write(
        tmp_path,
        "tiny.json",
        _pytm(
            elements=[
                {"__class__": "Actor", "name": "Alice"},
                {"__class__": "ExternalEntity", "name": "Partner API"},
            ],
            data=[
                {"name": "Note", "classification": "Classification.RESTRICTED"},
                {"name": "Email", "classification": "Classification.PUBLIC", "isPII": True},
                {
                    "name": "Password",
                    "classification": "Classification.PUBLIC",
                    "isCredentials": True,
                },
            ],
            flows=[
                {
                    "name": "a",
                    "source": "Alice",
                    "sink": "Partner API",
                    "data": ["Note"],
                    "controls": {"isEncrypted": True},
                },
                {
                    "name": "b",
                    "source": "Alice",
                    "sink": "Partner API",
                    "data": ["Email"],
                    "protocol": "HTTPS",
                },
                {
                    "name": "c",
                    "source": "Alice",
                    "sink": "Partner API",
                    "data": ["Password"],
                    "tlsVersion": "TLSVersion.TLSv13",
                },
                {
                    "name": "d",
                    "source": "Alice",
                    "sink": "Partner API",
                    "data": ["Note"],
                    "protocol": "HTTP",
                    "tlsVersion": "TLSVersion.NONE",
                },
            ],
        ),
    )
    result, output = convert("pytm", source)
    assert result.exit_code == 0, result.stderr
    model = load_file(str(output)).model
    levels = {f: model.flows[f].protection.level.value for f in model.flows}
    assert levels == {"a": "transport", "b": "transport", "c": "transport", "d": "none"}
    classes = {d: model.data[d].classification.value for d in model.data}
    assert classes == {"email": "personal", "note": "internal", "password": "sensitive"}
    assert model.parties["partner_api"].kind.value == "third_party"
    # neither party has a boundary: each is its own, so every flow crosses one
    assert all(flow.observers == ["network_observer"] for flow in model.flows.values())


def test_threagile_merge_keys_and_yaml11_booleans(convert: Importer, tmp_path: Path) -> None:
    source = _write(
        tmp_path,
        "merge.yaml",
        """\
title: Merge
data_assets:
  Base: &base {id: base, confidentiality: public, owner: Team}
  Secret:
    <<: *base
    id: secret
    confidentiality: strictly-confidential
technical_assets:
  App:
    id: app
    type: process
    out_of_scope: yes
    data_assets_processed: [secret]
    communication_links:
      Sync: {target: db, protocol: jdbc-encrypted, vpn: no, data_assets_sent: [secret, base]}
  DB: {id: db, type: datastore, data_assets_stored: [base]}
""",
    )
    result, output = convert("threagile", source)
    assert result.exit_code == 0, result.stderr
    model = load_file(str(output)).model
    assert model.data["secret"].classification.value == "sensitive"
    assert model.data["base"].classification.value == "public"
    assert model.data["base"].origin == ["app"]  # app sends it without receiving it
    assert model.flows["sync"].protection.level is ProtectionLevel.TRANSPORT
    text = output.read_text(encoding="utf-8")
    assert (
        "# Threagile data asset secret (confidentiality: strictly-confidential; owner: Team)"
        in text
    )
    assert (
        "# Threagile technical asset app (type: process; out_of_scope; data_assets_processed"
        in text
    )
    assert "# Threagile link 'Sync' from app to db (protocol: jdbc-encrypted)\n" in text
    source.write_text(source.read_text().replace("vpn: no", "vpn: maybe"))
    result, _ = convert("threagile", source)
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"{source}:15:57: error: expected true or false for 'vpn', got text 'maybe'\n"
    )


def test_threagile_warnings_for_what_is_left_out(convert: Importer, tmp_path: Path) -> None:
    source = _write(
        tmp_path,
        "w.yaml",
        """\
title: W
colour: blue
data_assets:
  D: {id: d, confidentiality: internal}
technical_assets:
  A:
    id: a
    type: process
    data_assets_processed: [d]
    communication_links:
      Ping: {target: b, protocol: https}
      Push: {target: b, protocol: carrier-pigeon, data_assets_sent: [d], vpm: true}
  B: {id: b, type: process}
""",
    )
    result, output = convert("threagile", source)
    assert result.exit_code == 0
    assert result.stderr == (
        f"{source}:2:1: warning: unknown Threagile key 'colour' ignored; kept as a note\n"
        f"{source}:11:7: warning: 1 communication link carries no data assets (first: 'Ping'); "
        "each is a flow of a placeholder datum unspecified_<flow> here\n"
        f"{source}:12:35: warning: unknown protocol 'carrier-pigeon'; taken as unencrypted "
        "(protection: none)\n"
        f"{source}:12:74: warning: unknown Threagile field 'vpm' in communication link 'Push'; "
        "kept as a note; did you mean 'vpn'?\n"
    )
    text = output.read_text(encoding="utf-8")
    ping = "  ping:\n    title: Ping\n    from: a\n    to: b\n    data: [unspecified_ping]\n"
    assert ping in text
    assert "vpm" in text.split("  push:")[1]
    assert "# colour: blue\n" in text


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("tool", "source", "message"),
    [
        (
            "threagile",
            PYTM,
            f"{PYTM}:1:1: error: not a Threagile model: it has none of the top-level keys "
            "threagile_version, technical_assets, data_assets, trust_boundaries; it looks like "
            f"pytm JSON (threatmodel import pytm {PYTM})",
        ),
        (
            "pytm",
            THREAGILE,
            f"{THREAGILE}:1:1: error: not JSON: Expecting value; it looks like a Threagile model "
            f"(threatmodel import threagile {THREAGILE})",
        ),
        (
            "threagile",
            "models/assistant_messenger.yaml",
            "models/assistant_messenger.yaml:1:1: error: not a Threagile model: it has none of "
            "the top-level keys threagile_version, technical_assets, data_assets, "
            "trust_boundaries; it is a threatmodel model already (check it with threatmodel "
            "validate)",
        ),
        ("pytm", "nope.json", "nope.json:1:1: error: cannot read file: No such file or directory"),
        ("threagile", "models", "models:1:1: error: is a directory, not a Threagile YAML model"),
    ],
)
def test_wrong_or_missing_file(tool: str, source: str, message: str, convert: Importer) -> None:
    result, output = convert(tool, source)
    assert result.exit_code == 2
    assert result.stderr == message + "\n"
    assert result.stdout == ""
    assert not output.exists()


def _alias_bomb() -> bytes:
    lines = ["title: T", "data_assets: {}", 'description: &a ["lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghij":
        lines.append(f"{name}_x: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    ("tool", "name", "content", "message"),
    [
        (
            "threagile",
            "t.yaml",
            _alias_bomb(),
            "9:14: error: aliases expand to more than 1,000,000 nodes; refusing to expand "
            "(alias bomb?)",
        ),
        (
            "threagile",
            "t.yaml",
            b"technical_assets: [a]\n",
            "1:19: error: expected a mapping for 'technical_assets', got a list",
        ),
        (
            "threagile",
            "t.yaml",
            b"title: [x\n",
            "2:1: error: YAML syntax error: did not find expected ',' or ']'",
        ),
        (
            "threagile",
            "t.yaml",
            b"- a\n- b\n",
            "1:1: error: not a Threagile model: the top level is a list",
        ),
        ("threagile", "t.yaml", b"", "1:1: error: empty file"),
        (
            "threagile",
            "t.yaml",
            b"\x7fELF\x00\x01",
            "1:1: error: binary file (contains NUL bytes); expected a Threagile YAML model",
        ),
        (
            "threagile",
            "t.yaml",
            b"title: caf\xe9\n",
            "1:11: error: invalid UTF-8 (byte 0xe9); expected a Threagile YAML model",
        ),
        (
            "threagile",
            "t.yaml",
            b"title: !!python/object:os.system x\ndata_assets: {}\n",
            "1:8: error: YAML tags are not allowed ('!!python/object:os.system'); remove the tag",
        ),
        ("pytm", "p.json", b'{"flows": [1', "1:13: error: not JSON: Expecting ',' delimiter"),
        (
            "pytm",
            "p.json",
            b"[" * 100_000 + b"]" * 100_000,
            "1:1: error: not readable: JSON nested too deeply",
        ),
        (
            "pytm",
            "p.json",
            b'{"flows": ' + b"9" * 5000 + b"}",
            "1:1: error: not readable: a number in the JSON is too long",
        ),
        (
            "pytm",
            "p.json",
            b'{"flows": [], "flows": []}',
            "1:15: error: duplicate key 'flows' (first defined at line 1, column 2)",
        ),
        (
            "pytm",
            "p.json",
            b"null",
            "1:1: error: not a pytm model: the top level is nothing, not an object",
        ),
        (
            "pytm",
            "p.json",
            b'{"name": "x"}',
            "1:1: error: not a pytm model: it has none of the top-level lists elements, actors, "
            "assets, flows",
        ),
    ],
)
def test_malformed_input(
    tool: str, name: str, content: bytes, message: str, convert: Importer, tmp_path: Path
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    result, output = convert(tool, source)
    assert result.exit_code == 2
    assert result.stderr == f"{source}:{message}\n"
    assert not output.exists()


def test_threagile_model_errors_are_all_reported(convert: Importer, tmp_path: Path) -> None:
    source = _write(
        tmp_path,
        "bad.yaml",
        """\
title: T
data_assets:
  D: {id: d, confidentiality: secret}
  E: [1]
technical_assets:
  A:
    id: a
    type: proces
    data_assets_stored: [dd]
    communication_links:
      L: {target: b, protocol: https, data_assets_sent: [d]}
  B: {id: a, type: process}
  C: {type: process}
trust_boundaries:
  X: {id: x, technical_assets_inside: [a], trust_boundaries_nested: [y]}
  Y: {id: y, technical_assets_inside: [a], trust_boundaries_nested: [x]}
""",
    )
    result, output = convert("threagile", source)
    assert result.exit_code == 2
    assert result.stderr == "".join(
        f"{source}:{line}\n"
        for line in (
            "3:31: error: invalid confidentiality 'secret' (expected one of: public, internal, "
            "restricted, confidential, strictly-confidential)",
            "4:6: error: expected a mapping for data asset 'E', got a list",
            "8:11: error: invalid type 'proces'; did you mean 'process'? (expected one of: "
            "external-entity, process, datastore)",
            "9:26: error: unknown data asset 'dd'; did you mean 'd'?",
            "11:19: error: unknown technical asset 'b'",
            "12:11: error: duplicate id 'a': technical asset 'A' has it too",
            "13:3: error: missing 'id' in technical asset 'C'",
            "15:44: error: trust boundaries are nested in a cycle: x → y → x",
            "16:40: error: technical asset 'a' is in two trust boundaries: 'x' and 'y'",
        )
    )
    assert not output.exists()


def test_pytm_reference_errors(convert: Importer, tmp_path: Path) -> None:
    text = json.dumps(
        {
            "boundaries": [{"name": "Zone", "inBoundary": "Cloud"}],
            "elements": [{"__class__": "Server", "name": "S"}, {"__class__": "Actor", "name": "S"}],
            "data": [],
            "flows": [{"name": "f", "source": "S", "sink": "T", "data": ["x"]}],
        },
        indent=1,
    )
    source = _write(tmp_path, "refs.json", text)
    result, _ = convert("pytm", source)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{source}:5:18: error: unknown boundary 'Cloud'\n"
        f"{source}:23:12: error: unknown element 'T'\n"
    )


def test_unwritable_output(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    target = tmp_path / "missing" / "model.yaml"
    result = run_cli("import", "pytm", PYTM, "-o", str(target))
    assert result.exit_code == 2
    assert (
        result.stderr
        == PYTM_WARNING + f"{target}: error: cannot write: No such file or directory\n"
    )
    assert result.stdout == ""
    result = run_cli("import", "pytm", PYTM, "-o", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.endswith(f"{tmp_path}: error: cannot write: Is a directory\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_existing_output_is_replaced_and_kept_on_failure(convert: Importer, tmp_path: Path) -> None:
    output = _write(tmp_path, "model.yaml", "old\n")
    result, _ = convert("pytm", tmp_path / "nope.json")
    assert result.exit_code == 2
    assert output.read_text() == "old\n"
    result, _ = convert("pytm", PYTM)
    assert result.exit_code == 0
    assert output.read_text().startswith("# yaml-language-server:")


def test_unknown_tool_is_a_usage_error(run_cli: Callable[..., Run]) -> None:
    result = run_cli("import", "drawio", PYTM, "-o", "x.yaml")
    assert result.exit_code == 2
    assert "'drawio' is not one of 'threagile', 'pytm'" in result.stderr


# ----------------------------------------------------------------- ids and YAML writing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("customer-client", "customer_client"),
        ("Web Server", "web_server"),
        ("Show comments (*)", "show_comments"),
        ("Élève", "eleve"),
        ("3D printer", "party_3d_printer"),
        ("日本", "party"),
        ("", "party"),
        ("x" * 60, "x" * 48),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text, "party") == expected


def test_allocator_deduplicates_in_order() -> None:
    ids = IdAllocator()
    got = [ids.allocate(name, "flow") for name in ("Link", "link", "Link 2", "LINK", "link_2")]
    assert got == ["link", "link_2", "link_2_2", "link_3", "link_2_3"]


TRICKY = [
    "yes",
    "No",
    "null",
    "~",
    "1e3",
    "0x10",
    "- item",
    "a: b",
    "a #b",
    "#x",
    " lead",
    "trail ",
    "two  spaces",
    "multi\nline\n",
    "tab\there",
    'quote "x" and \\ backslash',
    "nel\x85 ls\u2028 ps\u2029 bom\ufeff",
    "bell\x07 del\x7f",
    "Élève 日本 😀",
    "word " * 40,
    "&anchor *alias !tag %dir @at `tick",
    "",
]


def _round_trip(text: str) -> None:
    draft = Draft(title=text or "t", description=text or None)
    party = Element("p", {"title": text, "kind": "service"}, notes=[text, "note\n" + text])
    draft.add("parties", party)
    written = render(draft)
    model = load_text(written, "round.yaml").model
    assert model.title == (text or "t")
    assert model.parties["p"].title == text
    assert model.description == (text or None)


@pytest.mark.parametrize("text", TRICKY)
def test_written_text_reads_back_unchanged(text: str) -> None:
    _round_trip(text)


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(blacklist_categories=["Cs"]), max_size=120))
def test_any_text_reads_back_unchanged(text: str) -> None:
    _round_trip(text)
