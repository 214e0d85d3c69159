"""Hand-written cases for each rule R1-R8 of SPEC section 4, the settings of section 3,
and witnesses: what a reviewer would check by hand on a whiteboard."""

from __future__ import annotations

import textwrap

import pytest

from threatmodel.engine.consistency import load_text
from threatmodel.engine.exposure import Analysis, analyze
from threatmodel.engine.inference import plain
from threatmodel.engine.space import Mode, SettingsError
from threatmodel.engine.witness import witness_steps, witness_text
from threatmodel.load.model import Level

HEADER = "threatmodel: 1\ntitle: T\n"


def run(body: str, mode: Mode = Mode.ALL, **pins: bool) -> Analysis:
    loaded = load_text(HEADER + textwrap.dedent(body), "m.yaml")
    return analyze(loaded, mode, pins)


def level(analysis: Analysis, party: str, datum: str, **setting: bool) -> Level:
    values = {**analysis.default.setting, **setting}
    return analysis.result_for(values).closure.level(party, datum)


def condition(analysis: Analysis, party: str, datum: str, what: Level) -> str:
    return analysis.condition_texts[datum].get(party, {}).get(what.value, "never")


def relay(parties: str = "", keys: str = "", flows: str = "", rest: str = "") -> str:
    """Alice sends to Bob through a server, sealed under a key only the two of them hold."""
    return (
        "parties:\n  alice: {kind: person}\n  server: {kind: service}\n  bob: {kind: person}\n"
        + parties
        + "data: {msg: {origin: [alice]}}\n"
        + "keys:\n  k: {holders: [alice, bob]}\n"
        + keys
        + "flows:\n"
        + "  up: {from: alice, to: server, data: [msg], protection: {end_to_end: k}}\n"
        + "  down: {from: server, to: bob, data: [msg], protection: transport}\n"
        + flows
        + rest
    )


POLICE = "  police: {kind: authority}\n"


def test_e2ee_relay_holds_ciphertext_only() -> None:
    analysis = run(relay())
    assert level(analysis, "server", "msg") is Level.CIPHERTEXT
    assert level(analysis, "bob", "msg") is Level.PLAINTEXT
    assert level(analysis, "server", "k") is Level.NONE


def test_relay_keeps_the_original_key_over_an_end_to_end_hop_with_another_key() -> None:
    analysis = run(
        relay(
            parties="  carol: {kind: person}\n",
            keys="  other: {holders: [server, carol]}\n",
            flows="  onward: {from: bob, to: carol, data: [msg], protection: {end_to_end: other}}\n"
            "  forward: {from: server, to: carol, data: [msg], protection: {end_to_end: other}}\n",
        )
    )
    # carol holds msg under `other` (bob sealed it) and, relayed by the server, under `k`
    assert level(analysis, "carol", "msg") is Level.PLAINTEXT
    assert ("cipher", "carol", "msg", "k") in analysis.default.closure.costs
    assert level(analysis, "server", "msg") is Level.CIPHERTEXT


def test_seal_does_not_need_the_sender_to_hold_the_key() -> None:
    analysis = run(relay().replace("holders: [alice, bob]", "holders: [bob]"))
    assert level(analysis, "server", "msg") is Level.CIPHERTEXT
    assert level(analysis, "bob", "msg") is Level.PLAINTEXT


def test_key_escrow_through_a_backup_flow_opens_the_relayed_ciphertext() -> None:
    analysis = run(
        relay(
            flows="  key_backup: {from: alice, to: server, data: [k], protection: transport, "
            "when: backup}\n",
            rest="toggles: {backup: {}}\n",
        )
    )
    assert level(analysis, "server", "msg", backup=False) is Level.CIPHERTEXT
    assert level(analysis, "server", "msg", backup=True) is Level.PLAINTEXT
    assert condition(analysis, "server", "msg", Level.PLAINTEXT) == "backup"
    assert condition(analysis, "server", "msg", Level.CIPHERTEXT) == "not backup"


def test_compelled_access_to_a_relay_only_yields_ciphertext() -> None:
    analysis = run(
        relay(
            parties=POLICE, rest="access:\n  warrant: {party: police, from: server, kind: compel}\n"
        )
    )
    assert level(analysis, "police", "msg") is Level.CIPHERTEXT
    assert level(analysis, "police", "k") is Level.NONE


def test_compelled_key_opens_what_was_compelled() -> None:
    result = run(
        relay(
            parties=POLICE,
            rest="access:\n"
            "  warrant: {party: police, from: server, kind: compel}\n"
            "  seizure: {party: police, from: bob, kind: seize, data: [k]}\n",
        )
    )
    assert level(result, "police", "msg") is Level.PLAINTEXT
    fact = plain("police", "msg")
    closure = result.default.closure
    steps = witness_steps(result.model, closure, fact)
    assert steps[-1] == "police opens msg with k"
    assert "seizure (police seizes data from bob)" in steps
    assert witness_text(result.model, closure, fact) == [
        "police opens msg with k",
        "  ciphertext: alice originates msg → up (alice → server, end_to_end k) "
        "→ warrant (police compels server)",
        "  key: bob holds k → seizure (police seizes data from bob)",
    ]


ACCESS = """
parties:
  user: {kind: person}
  store: {kind: store, retains: not deleted}
  police: {kind: authority}
  agency: {kind: authority}
data: {note: {origin: [user]}, other: {origin: [user]}}
toggles: {deleted: {}}
flows:
  save: {from: user, to: store, data: [note, other], protection: transport}
access:
  warrant: {party: police, from: store, kind: compel, data: [note]}
  sharing: {party: agency, from: police, kind: share}
"""


def test_access_to_a_party_that_does_not_retain_yields_nothing() -> None:
    analysis = run(ACCESS)
    assert level(analysis, "police", "note", deleted=False) is Level.PLAINTEXT
    assert level(analysis, "police", "note", deleted=True) is Level.NONE
    assert level(analysis, "store", "note", deleted=True) is Level.PLAINTEXT
    assert condition(analysis, "police", "note", Level.PLAINTEXT) == "not deleted"


def test_access_scope_limits_what_is_obtained() -> None:
    analysis = run(ACCESS)
    assert level(analysis, "police", "other") is Level.NONE


def test_access_composes() -> None:
    analysis = run(ACCESS)
    assert level(analysis, "agency", "note") is Level.PLAINTEXT
    witness = witness_steps(analysis.model, analysis.default.closure, plain("agency", "note"))
    assert witness == [
        "user originates note",
        "save (user → store, transport)",
        "warrant (police compels store)",
        "sharing (police shares with agency)",
    ]


OBSERVED = """
parties:
  a: {kind: client}
  b: {kind: service}
  isp: {kind: observer}
data: {d: {origin: [a]}}
keys: {k: {holders: [a, b]}}
flows:
  hop: {from: a, to: b, data: [d], protection: PROTECTION, observers: [isp]}
"""


@pytest.mark.parametrize(
    ("protection", "expected"),
    [
        ("none", Level.PLAINTEXT),
        ("transport", Level.NONE),
        ("{end_to_end: k}", Level.CIPHERTEXT),
    ],
)
def test_observers_see_the_wire_form(protection: str, expected: Level) -> None:
    analysis = run(OBSERVED.replace("PROTECTION", protection))
    assert level(analysis, "isp", "d") is expected
    assert level(analysis, "isp", "k") is Level.NONE


def test_observer_of_an_unprotected_hop_sees_relayed_ciphertext() -> None:
    analysis = run(
        OBSERVED.replace("PROTECTION", "none")
        .replace(
            "  hop:", "  seal: {from: a, to: b, data: [d], protection: {end_to_end: k}}\n  hop:"
        )
        .replace("hop: {from: a, to: b", "hop: {from: b, to: a")
    )
    # b holds plaintext (it has k), so the hop back to a shows plaintext
    assert level(analysis, "isp", "d") is Level.PLAINTEXT


def test_observer_on_transport_sees_no_relayed_ciphertext() -> None:
    text = """
    parties:
      a: {kind: client}
      relay: {kind: service}
      b: {kind: client}
      isp: {kind: observer}
    data: {d: {origin: [a]}}
    keys: {k: {holders: [a, b]}}
    flows:
      seal: {from: a, to: relay, data: [d], protection: {end_to_end: k}}
      onward: {from: relay, to: b, data: [d], protection: transport, observers: [isp]}
      plainhop: {from: relay, to: b, data: [d], protection: none, observers: [isp]}
      when_on: {from: relay, to: b, data: [d], protection: {end_to_end: k}, observers: [isp]}
    """
    analysis = run(text)
    assert level(analysis, "isp", "d") is Level.CIPHERTEXT
    without_plainhop = run(
        text.replace("      plainhop", "      # plainhop").replace(
            "      when_on", "      # when_on"
        )
    )
    assert level(without_plainhop, "isp", "d") is Level.NONE


DERIVED = """
parties:
  user: {kind: person}
  model: {kind: ai_model}
  log: {kind: store}
data:
  prompt: {origin: [user]}
  context: {origin: [model], derived_from: [prompt, profile]}
  profile: {origin: [user]}
  reply: {origin: [model], derived_from: [prompt]}
toggles: {share_profile: {}}
flows:
  ask: {from: user, to: model, data: [prompt], protection: transport}
  profile_up: {from: user, to: model, data: [profile], when: share_profile}
  logging: {from: model, to: log, data: [reply, context]}
"""


def test_derived_data_needs_every_input() -> None:
    analysis = run(DERIVED)
    assert level(analysis, "model", "reply") is Level.PLAINTEXT
    assert level(analysis, "model", "context", share_profile=False) is Level.NONE
    assert level(analysis, "model", "context", share_profile=True) is Level.PLAINTEXT
    assert condition(analysis, "log", "context", Level.PLAINTEXT) == "share_profile"


def test_derived_data_whose_input_is_unreachable_never_exists() -> None:
    analysis = run(DERIVED.replace("  profile: {origin: [user]}", "  profile: {origin: []}"))
    assert condition(analysis, "model", "context", Level.PLAINTEXT) == "never"
    assert analysis.condition_texts["context"]["model"] == {
        "plaintext": "never",
        "ciphertext": "never",
    }


def test_derived_origin_who_is_not_an_origin_gets_nothing() -> None:
    analysis = run(DERIVED)
    assert level(analysis, "log", "reply") is Level.PLAINTEXT
    assert level(analysis, "user", "reply") is Level.NONE


ASSUMED = """
parties:
  app: {kind: client}
  server: {kind: service}
data: {d: {origin: [app]}}
keys: {k: {holders: [app]}}
assumptions:
  no_copy: {status: STATUS}
flows:
  send: {from: app, to: server, data: [d], protection: {end_to_end: k}}
  copy: {from: app, to: server, data: [k], when: not no_copy}
"""


@pytest.mark.parametrize(
    ("status", "mode", "expected", "variables"),
    [
        ("claimed", Mode.ALL, "not no_copy", ["no_copy"]),
        ("claimed", Mode.OPTIMISTIC, "never", []),
        ("claimed", Mode.PESSIMISTIC, "always", []),
        ("unknown", Mode.ALL, "not no_copy", ["no_copy"]),
        ("unknown", Mode.OPTIMISTIC, "never", []),
        ("unknown", Mode.PESSIMISTIC, "always", []),
        ("verified", Mode.ALL, "never", []),
        ("verified", Mode.OPTIMISTIC, "never", []),
        ("verified", Mode.PESSIMISTIC, "never", []),
        ("refuted", Mode.ALL, "always", []),
        ("refuted", Mode.OPTIMISTIC, "always", []),
        ("refuted", Mode.PESSIMISTIC, "always", []),
    ],
)
def test_assumption_status_and_mode(
    status: str, mode: Mode, expected: str, variables: list[str]
) -> None:
    analysis = run(ASSUMED.replace("STATUS", status), mode)
    assert list(analysis.space.variables) == variables
    assert condition(analysis, "server", "d", Level.PLAINTEXT) == expected


def test_default_setting_takes_free_assumptions_true() -> None:
    analysis = run(ASSUMED.replace("STATUS", "claimed"))
    assert analysis.default.setting == {"no_copy": True}
    assert level(analysis, "server", "d") is Level.CIPHERTEXT


SETTINGS = """
parties: {a: {kind: person}, b: {kind: service}}
data: {d: {origin: [a]}}
toggles:
  e2ee: {default: false}
  ai_chat: {default: true}
constraints:
  no_ai_in_e2ee: {require: not (e2ee and ai_chat)}
keys: {k: {holders: [a]}}
flows:
  plain_up: {from: a, to: b, data: [d], protection: transport, when: not e2ee}
  sealed_up: {from: a, to: b, data: [d], protection: {end_to_end: k}, when: e2ee}
"""


def test_settings_are_the_allowed_ones_in_product_order() -> None:
    analysis = run(SETTINGS)
    assert analysis.space.variables == ("ai_chat", "e2ee")
    assert [s.setting for s in analysis.settings] == [
        {"ai_chat": False, "e2ee": False},
        {"ai_chat": False, "e2ee": True},
        {"ai_chat": True, "e2ee": False},
    ]


def test_set_pins_a_variable() -> None:
    analysis = run(SETTINGS, e2ee=True)
    assert [s.setting for s in analysis.settings] == [{"ai_chat": False, "e2ee": True}]
    assert analysis.default.setting == {"ai_chat": False, "e2ee": True}
    assert analysis.default_forced == {"ai_chat": False}


def test_set_that_no_allowed_setting_matches() -> None:
    with pytest.raises(SettingsError, match="no allowed setting has ai_chat=true, e2ee=true"):
        run(SETTINGS, e2ee=True, ai_chat=True)


def test_set_unknown_name() -> None:
    with pytest.raises(SettingsError, match="unknown toggle or assumption 'e2e'; did you mean"):
        run(SETTINGS, e2e=True)


def test_toggle_impact_reports_forced_changes() -> None:
    analysis = run(SETTINGS)
    e2ee = next(i for i in analysis.impacts if i.variable == "e2ee")
    assert e2ee.value is True
    assert e2ee.forced == {"ai_chat": False}
    assert [(c.party, c.datum, c.before, c.after) for c in e2ee.removes] == [
        ("b", "d", Level.PLAINTEXT, Level.CIPHERTEXT)
    ]
    assert analysis.dead_toggles == ["ai_chat"]


def test_conditions_use_the_constraints_as_dont_cares() -> None:
    analysis = run(SETTINGS)
    assert condition(analysis, "b", "d", Level.PLAINTEXT) == "not e2ee"
    assert condition(analysis, "b", "d", Level.CIPHERTEXT) == "e2ee"


def test_witness_has_fewest_rule_applications() -> None:
    analysis = run(
        """
        parties: {a: {kind: person}, b: {kind: service}, c: {kind: service}, d: {kind: store}}
        data: {x: {origin: [a]}}
        flows:
          long1: {from: a, to: b, data: [x]}
          long2: {from: b, to: c, data: [x]}
          long3: {from: c, to: d, data: [x]}
          short: {from: a, to: d, data: [x], protection: transport}
        """
    )
    steps = witness_steps(analysis.model, analysis.default.closure, plain("d", "x"))
    assert steps == ["a originates x", "short (a → d, transport)"]


def test_witness_ties_are_broken_by_ids() -> None:
    analysis = run(
        """
        parties: {a: {kind: person}, b: {kind: service}}
        data: {x: {origin: [a]}}
        flows:
          zeta: {from: a, to: b, data: [x]}
          alpha: {from: a, to: b, data: [x]}
        """
    )
    steps = witness_steps(analysis.model, analysis.default.closure, plain("b", "x"))
    assert steps == ["a originates x", "alpha (a → b, none)"]


def test_expectation_on_a_boundary_covers_nested_boundaries() -> None:
    analysis = run(
        """
        boundaries: {corp: {}, lab: {parent: corp}}
        parties:
          u: {kind: person}
          r: {kind: ai_model, boundary: lab}
        data: {x: {origin: [u]}}
        flows:
          f: {from: u, to: r, data: [x], protection: transport}
        expectations:
          corp_blind: {boundary: corp, data: x}
        """
    )
    assert [(v.expectation, v.party, v.level) for v in analysis.default.violations] == [
        ("corp_blind", "r", Level.PLAINTEXT)
    ]
    assert analysis.expectation_texts == {"corp_blind": {"r": "always"}}


# ------------------------------------------------------------------ variable order


def _paired_guards(pairs: int) -> str:
    """``dst`` reads ``d`` when (a00 and b00) or (a01 and b01) or ...: every BDD of that
    function with the variables in name order is exponential in ``pairs``."""
    lines = ["threatmodel: 1", "title: Paired guards", "parties:"]
    lines += ["  src: {kind: person}", "  dst: {kind: service}"]
    lines += [f"  hop{i}: {{kind: service}}" for i in range(pairs)]
    lines.append("toggles:")
    for i in range(pairs):
        lines += [f"  a{i:02d}: {{default: false}}", f"  b{i:02d}: {{default: false}}"]
    lines += ["data:", "  d: {origin: [src]}", "flows:"]
    for i in range(pairs):
        lines.append(f"  in{i}: {{from: src, to: hop{i}, data: [d], when: a{i:02d} and b{i:02d}}}")
        lines.append(f"  out{i}: {{from: hop{i}, to: dst, data: [d]}}")
    return "\n".join(lines) + "\n"


def test_variables_used_together_are_adjacent_in_the_bdd_order() -> None:
    analysis = analyze(load_text(_paired_guards(3), "pairs.yaml"))
    assert analysis.space.variables == ("a00", "a01", "a02", "b00", "b01", "b02")
    assert analysis.space.order == ("a00", "b00", "a01", "b01", "a02", "b02")
    assert analysis.conditions.bdd.variables == analysis.space.order


def test_conditions_over_many_paired_toggles_stay_small() -> None:
    """40 toggles whose pairs sort apart: exponential in name order (20 pairs took a minute
    and a gigabyte), linear in the order of use."""
    analysis = analyze(load_text(_paired_guards(20), "pairs.yaml"))
    expected = " or ".join(f"(a{i:02d} and b{i:02d})" for i in range(20))
    assert analysis.condition_texts["d"]["dst"]["plaintext"] == expected
    assert analysis.default.closure.level("dst", "d") is Level.NONE
    assert analysis.dead_toggles == []


def test_variables_met_along_one_path_are_adjacent_in_the_bdd_order() -> None:
    """The two guards of a path, on different flows declared far apart in the file."""
    model = textwrap.dedent(
        """\
        threatmodel: 1
        title: Split guards
        parties:
          src: {kind: person}
          dst: {kind: service}
          hop0: {kind: service}
          hop1: {kind: service}
        toggles:
          a0: {default: false}
          a1: {default: false}
          b0: {default: false}
          b1: {default: false}
          c: {default: false}
        constraints:
          not_all: {require: not (a0 and a1 and c)}
        data:
          d: {origin: [src]}
        flows:
          in0: {from: src, to: hop0, data: [d], when: a0}
          in1: {from: src, to: hop1, data: [d], when: a1}
          out0: {from: hop0, to: dst, data: [d], when: b0}
          out1: {from: hop1, to: dst, data: [d], when: b1}
        """
    )
    analysis = analyze(load_text(model, "split.yaml"))
    assert analysis.space.order == ("a0", "b0", "a1", "b1", "c")
    assert analysis.condition_texts["d"]["dst"]["plaintext"] == "(a0 and b0) or (a1 and b1)"
