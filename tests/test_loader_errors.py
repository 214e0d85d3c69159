"""Every error the loader reports: exact message and position, one case per message."""

from __future__ import annotations

import textwrap

import pytest

from threatmodel.engine.consistency import load_text
from threatmodel.load.diagnostics import ModelError

HEADER = "threatmodel: 1\ntitle: T\n"
"""Two lines; the snippets below start on line 3."""


def errors(body: str, header: str = HEADER) -> list[str]:
    """``LINE:COL: message`` for each diagnostic of a model made of header + body."""
    text = header + textwrap.dedent(body)
    with pytest.raises(ModelError) as raised:
        load_text(text, "m.yaml")
    return [f"{d.location.line}:{d.location.column}: {d.message}" for d in raised.value.diagnostics]


CASES = {
    # YAML itself
    "yaml syntax": (
        "parties:\n  a: {kind: person\n",
        ["5:1: YAML syntax error: did not find expected ',' or '}'"],
    ),
    "yaml indentation": (
        "parties:\n  a:\n    kind: person\n   title: x\n",
        ["6:4: YAML syntax error: did not find expected key"],
    ),
    "duplicate key at depth": (
        "parties:\n  a:\n    kind: person\n    kind: client\n",
        ["6:5: duplicate key 'kind' (first defined at line 5, column 5)"],
    ),
    "duplicate top-level key": (
        "title: again\n",
        ["3:1: duplicate key 'title' (first defined at line 2, column 1)"],
    ),
    "yaml 1.1 boolean as value": (
        "toggles:\n  t: {default: off}\n",
        [
            "4:16: 'off' is a boolean in YAML 1.1; write true or false, "
            "or quote it ('off') if you mean text"
        ],
    ),
    "yaml 1.1 boolean as key": (
        "toggles:\n  on: {}\n",
        [
            "4:3: 'on' is a boolean in YAML 1.1; write true or false, "
            "or quote it ('on') if you mean text"
        ],
    ),
    "yaml 1.1 boolean as text": (
        "description: yes\n",
        [
            "3:14: 'yes' is a boolean in YAML 1.1; write true or false, "
            "or quote it ('yes') if you mean text"
        ],
    ),
    "mapping key that is a list": (
        "parties:\n  [a, b]: {kind: person}\n",
        ["4:3: mapping keys must be plain text"],
    ),
    "mapping key that is a boolean": (
        "parties:\n  true: {kind: person}\n",
        ["4:3: mapping keys must be plain text"],
    ),
    # unknown keys
    "unknown top-level field": (
        "partys: {}\n",
        ["3:1: unknown field 'partys' in the model; did you mean 'parties'?"],
    ),
    "unknown field with suggestion": (
        "boundaries: {x: {}}\nparties:\n  user: {kind: person, boundry: x}\n",
        ["5:24: unknown field 'boundry' in party 'user'; did you mean 'boundary'?"],
    ),
    "unknown field without suggestion": (
        "parties:\n  a: {kind: person, colour: red}\n",
        [
            "4:21: unknown field 'colour' in party 'a'; expected one of: title, description, "
            "source, evidence, kind, boundary, uses, retains"
        ],
    ),
    # types and enums
    "text expected": (
        "parties:\n  a: {kind: person, title: [x]}\n",
        ["4:28: expected text for 'title', got a list"],
    ),
    "mapping expected": (
        "parties:\n  a: client\n",
        ["4:6: expected a mapping for 'a', got text 'client'"],
    ),
    "section not a mapping": (
        "parties: [a, b]\n",
        ["3:10: expected a mapping for 'parties', got a list"],
    ),
    "list expected": (
        "parties: {a: {kind: person}}\ndata:\n  d: {origin: a}\n",
        ["5:15: expected a list for 'origin', got text 'a'; write [a]"],
    ),
    "boolean expected": (
        "toggles:\n  t: {default: maybe}\n",
        ["4:16: expected true or false for 'default', got text 'maybe'"],
    ),
    "quoted boolean is text": (
        "toggles:\n  t: {default: 'true'}\n",
        ["4:16: expected true or false for 'default', got text 'true'"],
    ),
    "expression expected": (
        "parties: {a: {kind: person}}\ndata: {d: {origin: [a]}}\ntoggles: {t: {}}\n"
        "flows:\n  f: {from: a, to: a, data: [d], when: [t]}\n",
        ["7:40: expected an expression (text) or true/false for 'when', got a list"],
    ),
    "invalid kind with suggestion": (
        "parties:\n  a: {kind: persn}\n",
        [
            "4:13: invalid kind 'persn'; did you mean 'person'? (expected one of: person, "
            "client, device, service, ai_model, store, authority, observer, third_party)"
        ],
    ),
    "invalid classification": (
        "parties: {a: {kind: person}}\ndata:\n  d: {origin: [a], classification: secret}\n",
        [
            "5:36: invalid classification 'secret' (expected one of: public, internal, "
            "personal, sensitive)"
        ],
    ),
    "invalid status": (
        "assumptions:\n  c: {title: x, status: claim}\n",
        [
            "4:25: invalid status 'claim'; did you mean 'claimed'? (expected one of: claimed, "
            "verified, refuted, unknown)"
        ],
    ),
    "invalid access kind": (
        "parties: {a: {kind: person}, b: {kind: authority}}\n"
        "access:\n  w: {party: b, from: a, kind: subpoena}\n",
        ["5:32: invalid kind 'subpoena' (expected one of: compel, seize, breach, share)"],
    ),
    "invalid allow": (
        "parties: {a: {kind: person}}\ndata: {d: {origin: [a]}}\n"
        "expectations:\n  e: {party: a, data: d, allow: plain}\n",
        [
            "6:33: invalid allow 'plain'; did you mean 'plaintext'? (expected one of: none, "
            "ciphertext, plaintext)"
        ],
    ),
    "invalid use": (
        "parties:\n  a: {kind: store, uses: [trainig]}\n",
        [
            "4:27: invalid uses 'trainig'; did you mean 'training'? (expected one of: "
            "service, storage, training, advertising, personalization, recommendation, "
            "moderation, analytics, research, security, legal)"
        ],
    ),
    "invalid id": (
        "parties:\n  Meta-Servers: {kind: service}\n",
        [
            "4:3: invalid id 'Meta-Servers': ids start with a lowercase letter and contain "
            "only lowercase letters, digits and '_'"
        ],
    ),
    "missing required field": (
        "parties:\n  a: {title: A}\n",
        ["4:3: missing required field 'kind' in party 'a'"],
    ),
    "missing constraint require": (
        "constraints:\n  c: {description: x}\n",
        ["4:3: missing required field 'require' in constraint 'c'"],
    ),
    "missing flow from": (
        "parties: {a: {kind: person}}\ndata: {d: {origin: [a]}}\nflows:\n  f: {to: a, data: [d]}\n",
        ["6:3: missing required field 'from' in flow 'f'"],
    ),
    "empty data list": (
        "parties: {a: {kind: person}}\nflows:\n  f: {from: a, to: a, data: []}\n",
        ["5:29: 'data' needs at least one item"],
    ),
    # references
    "unknown party with suggestion": (
        "parties: {meta_servers: {kind: service}, app: {kind: client}}\n"
        "data: {d: {origin: [app]}}\nflows:\n  up: {from: app, to: meta_server, data: [d]}\n",
        ["6:23: unknown party 'meta_server'; did you mean 'meta_servers'?"],
    ),
    "unknown boundary": (
        "boundaries: {user_side: {}}\nparties:\n  a: {kind: person, boundary: usr_side}\n",
        ["5:31: unknown boundary 'usr_side'; did you mean 'user_side'?"],
    ),
    "unknown datum": (
        "parties: {a: {kind: person}}\ndata: {dm_text: {origin: [a]}}\n"
        "flows:\n  f: {from: a, to: a, data: [dm_txt]}\n",
        ["6:30: unknown datum 'dm_txt'; did you mean 'dm_text'?"],
    ),
    "unknown crypto key": (
        "parties: {a: {kind: person}}\ndata: {d: {origin: [a]}}\nkeys: {chat_key: {holders: [a]}}\n"
        "flows:\n  f: {from: a, to: a, data: [d], protection: {end_to_end: chat_ky}}\n",
        ["7:59: unknown key 'chat_ky'; did you mean 'chat_key'?"],
    ),
    "unknown toggle in scenario": (
        "toggles: {e2ee: {}}\nscenarios:\n  s: {set: {e2e: true}}\n",
        ["5:13: unknown toggle 'e2e'; did you mean 'e2ee'?"],
    ),
    "unknown assumption in scenario": (
        "assumptions: {pp: {status: claimed}}\nscenarios:\n  s: {assume: {p: true}}\n",
        ["5:16: unknown assumption 'p'; did you mean 'pp'?"],
    ),
    "unknown source": (
        "sources:\n  seed: {title: S}\nparties:\n  a: {kind: person, source: [seeed]}\n",
        ["6:30: unknown source 'seeed'; did you mean 'seed'?"],
    ),
    "reference to the wrong kind": (
        "toggles: {t: {}}\nparties: {a: {kind: person}}\ndata: {d: {origin: [t]}}\n",
        ["5:21: 't' is a toggle, not a party"],
    ),
    "datum used as end_to_end key": (
        "parties: {a: {kind: person}}\ndata: {d: {origin: [a]}}\n"
        "flows:\n  f: {from: a, to: a, data: [d], protection: {end_to_end: d}}\n",
        ["6:59: 'd' is a datum, not a key; end_to_end needs a key from 'keys'"],
    ),
    "duplicate id across sections": (
        "parties: {app: {kind: client}}\ntoggles:\n  app: {}\n",
        [
            "5:3: duplicate id 'app': already defined as a party at line 3, column 11; ids are "
            "unique across the whole file"
        ],
    ),
    # protection
    "invalid protection": (
        "parties: {a: {kind: person}}\ndata: {d: {origin: [a]}}\n"
        "flows:\n  f: {from: a, to: a, data: [d], protection: tls}\n",
        ["6:46: invalid protection 'tls' (protection is none, transport or {end_to_end: KEY})"],
    ),
    "protection with suggestion": (
        "parties: {a: {kind: person}}\ndata: {d: {origin: [a]}}\n"
        "flows:\n  f: {from: a, to: a, data: [d], protection: transprt}\n",
        [
            "6:46: invalid protection 'transprt'; did you mean 'transport'? (protection is "
            "none, transport or {end_to_end: KEY})"
        ],
    ),
    "protection with an unknown field": (
        "parties: {a: {kind: person}}\ndata: {d: {origin: [a]}}\nkeys: {k: {holders: [a]}}\n"
        "flows:\n  f: {from: a, to: a, data: [d], protection: {end_to_end: k, cipher: aes}}\n",
        ["7:62: unknown field 'cipher' in protection"],
    ),
    "protection without end_to_end": (
        "parties: {a: {kind: person}}\ndata: {d: {origin: [a]}}\n"
        "flows:\n  f: {from: a, to: a, data: [d], protection: {key: k}}\n",
        [
            "6:46: missing 'end_to_end: KEY'; protection is none, transport or {end_to_end: KEY}",
            "6:47: unknown field 'key' in protection",
        ],
    ),
    # expressions
    "expression names an unknown toggle": (
        "toggles: {e2ee: {}}\nconstraints:\n  c: {require: not e2e}\n",
        ["5:20: unknown toggle or assumption 'e2e'; did you mean 'e2ee'?"],
    ),
    "expression in quotes": (
        "toggles: {e2ee: {}}\nconstraints:\n  c: {require: 'not e2e'}\n",
        ["5:21: unknown toggle or assumption 'e2e'; did you mean 'e2ee'?"],
    ),
    "expression names a party": (
        "parties: {meta_servers: {kind: service}}\ntoggles: {t: {}}\n"
        "constraints:\n  c: {require: t or meta_servers}\n",
        ["6:21: 'meta_servers' is a party; expressions may only name toggles and assumptions"],
    ),
    "expression names two unknowns": (
        "toggles: {a: {}}\nconstraints:\n  c: {require: x and a and y}\n",
        [
            "5:16: unknown toggle or assumption 'x'",
            "5:28: unknown toggle or assumption 'y'",
        ],
    ),
    "expression with a foreign operator": (
        "toggles: {a: {}, b: {}}\nconstraints:\n  c: {require: a && b}\n",
        ["5:18: '&&' is not an operator here; write 'and'"],
    ),
    "expression with an unclosed parenthesis": (
        "toggles: {a: {}}\nconstraints:\n  c: {require: not (a}\n",
        ["5:20: '(' is never closed; add ')'"],
    ),
    "expression with a stray parenthesis": (
        "toggles: {a: {}}\nconstraints:\n  c: {require: a)}\n",
        ["5:17: ')' has no matching '('"],
    ),
    "expression ending early": (
        "toggles: {a: {}}\nconstraints:\n  c: {require: a and}\n",
        ["5:21: expression ends too early; expected a name, true, false, 'not' or '('"],
    ),
    "expression starting with an operator": (
        "toggles: {a: {}}\nconstraints:\n  c: {require: or a}\n",
        ["5:16: 'or' needs something on its left; expected a name, true, false, 'not' or '('"],
    ),
    "expression with two names in a row": (
        "toggles: {a: {}, b: {}}\nconstraints:\n  c: {require: a b}\n",
        ["5:18: unexpected 'b'; expected 'and', 'or' or the end"],
    ),
    "expression with capitalised constant": (
        "constraints:\n  c: {require: 'True'}\n",
        ["4:17: write 'true', in lower case"],
    ),
    "empty expression": (
        "constraints:\n  c: {require: ''}\n",
        ["4:17: empty expression; write true, false or a condition"],
    ),
    "expression nested too deeply": (
        "toggles: {a: {}}\nconstraints:\n  c: {require: '" + "(" * 70 + "a" + ")" * 70 + "'}\n",
        ["5:81: expression nests deeper than 64 levels"],
    ),
    "expression too long": (
        "toggles: {a: {}}\nconstraints:\n  c: {require: '" + "a " * 5001 + "'}\n",
        ["5:17: expression is 10,002 characters long; the limit is 10,000"],
    ),
    # whole-model checks
    "expectation with party and boundary": (
        "parties: {a: {kind: person}}\nboundaries: {b: {}}\ndata: {d: {origin: [a]}}\n"
        "expectations:\n  e: {party: a, boundary: b, data: d}\n",
        ["7:3: an expectation names exactly one of 'party', 'boundary' or 'coalition'"],
    ),
    "expectation with party and coalition": (
        "parties: {a: {kind: person}}\ndata: {d: {origin: [a]}}\n"
        "expectations:\n  e: {party: a, coalition: [a], data: d}\n",
        ["6:3: an expectation names exactly one of 'party', 'boundary' or 'coalition'"],
    ),
    "coalition names a datum": (
        "parties: {a: {kind: person}}\ndata: {d: {origin: [a]}}\n"
        "expectations:\n  e: {coalition: [a, d], data: d}\n",
        ["6:22: 'd' is a datum, not a party or boundary"],
    ),
    "coalition names an unknown party": (
        "parties: {alice: {kind: person}}\ndata: {d: {origin: [alice]}}\n"
        "expectations:\n  e: {coalition: [alcie], data: d}\n",
        ["6:19: unknown party or boundary 'alcie'; did you mean 'alice'?"],
    ),
    "empty coalition": (
        "parties: {a: {kind: person}}\ndata: {d: {origin: [a]}}\n"
        "expectations:\n  e: {coalition: [], data: d}\n",
        ["6:18: 'coalition' needs at least one item"],
    ),
    "boundary parent cycle": (
        "boundaries:\n  a: {parent: b}\n  b: {parent: c}\n  c: {parent: a}\n",
        ["4:15: boundary parents form a cycle: a → b → c → a"],
    ),
    "boundary is its own parent": (
        "boundaries:\n  a: {parent: a}\n",
        ["4:15: boundary parents form a cycle: a → a"],
    ),
    "scenario violates a constraint": (
        "toggles: {a: {}, b: {}}\nconstraints:\n  c: {require: not (a and b)}\n"
        "scenarios:\n  s: {set: {a: true, b: true}}\n",
        ["7:3: scenario 's' violates constraint 'c' (require: not (a and b))"],
    ),
    "default setting violates a constraint": (
        "toggles: {a: {default: true}}\nconstraints:\n  c: {require: not a}\n",
        ["5:16: the default setting violates constraint 'c' (a=true); change a toggle's default"],
    ),
    "constraint no setting satisfies": (
        "toggles: {a: {}}\nconstraints:\n  c: {require: a and not a}\n",
        ["5:16: no setting satisfies constraint 'c'"],
    ),
    "constraints no setting satisfies together": (
        "toggles: {a: {}, b: {}}\nconstraints:\n  c1: {require: a}\n  c2: {require: not a}\n"
        "  c3: {require: a or b}\n",
        [
            "5:17: no setting satisfies constraints 'c1', 'c2' together",
            "6:17: no setting satisfies constraints 'c1', 'c2' together",
        ],
    ),
    "scenario assumes a verified assumption false": (
        "assumptions: {v: {status: verified}}\nscenarios:\n  s: {assume: {v: false}}\n",
        ["5:19: assumption 'v' is verified, so always true; scenario 's' cannot assume false"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_message_and_position(case: str) -> None:
    body, expected = CASES[case]
    assert errors(body) == expected


def test_format_version_missing() -> None:
    assert errors("title: x\n", header="") == [
        "1:1: missing 'threatmodel: 1' (the format version) at the top of the file"
    ]


def test_format_version_not_one() -> None:
    assert errors("threatmodel: 2\ntitle: x\n", header="") == [
        "1:14: unsupported format version '2'; this tool reads threatmodel: 1"
    ]


def test_format_version_not_a_number() -> None:
    assert errors("threatmodel: [1]\ntitle: x\n", header="") == [
        "1:14: threatmodel is the format version; write threatmodel: 1"
    ]


def test_title_missing() -> None:
    assert errors("threatmodel: 1\n", header="") == [
        "1:1: missing required field 'title' in the model"
    ]


def test_all_errors_of_a_file_are_reported_sorted() -> None:
    found = errors(
        "parties:\n  a: {kind: persn, boundary: nowhere}\n  b: {kind: person}\n"
        "toggles:\n  t: {default: yes}\n"
        "data: {d: {origin: [a, c]}}\n"
    )
    assert [line.split(": ", 1)[0] for line in found] == ["4:13", "4:30", "7:16", "8:24"]


def test_empty_section_is_allowed() -> None:
    loaded = load_text(HEADER + "parties:\naccess:\n", "m.yaml")
    assert loaded.model.parties == {}


def test_numbers_and_nulls_in_text_fields_keep_their_spelling() -> None:
    loaded = load_text(HEADER + "parties:\n  a: {kind: person, title: 1e3}\n", "m.yaml")
    assert loaded.model.parties["a"].title == "1e3"


def test_datum_without_origin_is_a_warning() -> None:
    loaded = load_text(HEADER + "data:\n  d: {title: D}\n", "m.yaml")
    assert [str(w) for w in loaded.warnings] == [
        "m.yaml:4:3: warning: datum 'd' has no origin, so no party ever has it"
    ]
