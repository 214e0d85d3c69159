"""The shipped models of Meta's AI messaging, and the reference messenger: the answers a
reader would quote, asserted by querying the analysis (levels per setting, exposure
conditions, expectations), and the README section generated from them."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from conftest import FIXTURES, ROOT
from threatmodel.engine import sop
from threatmodel.engine.consistency import load_file
from threatmodel.engine.exposure import Analysis, SettingResult, analyze, boundary_members
from threatmodel.load.expr import parse
from threatmodel.load.model import Level

SHIPPED = ("instagram_ai", "whatsapp_ai", "messenger_ai", "e2ee_messenger")
FACTS = FIXTURES / "research" / "meta_facts.md"
OWN_SIDE = ("user_devices", "peer_devices")


@cache
def analysis_of(name: str) -> Analysis:
    return analyze(load_file(str(ROOT / "models" / f"{name}.yaml")))


@cache
def script() -> ModuleType:
    path = ROOT / "scripts" / "what_the_models_say.py"
    spec = importlib.util.spec_from_file_location("what_the_models_say", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


def scenario(name: str, scenario_id: str) -> SettingResult:
    return analysis_of(name).scenarios[scenario_id]


def readers(name: str, scenario_id: str, datum: str) -> set[str]:
    """Parties off the chat's own devices that read ``datum`` in plaintext."""
    analysis = analysis_of(name)
    own = set().union(*(boundary_members(analysis.model, b) for b in OWN_SIDE))
    plaintext, _ = scenario(name, scenario_id).closure.exposure(datum)
    return set(plaintext) - own


def obtained(name: str, scenario_id: str) -> set[str]:
    """Data law enforcement reads in plaintext."""
    closure = scenario(name, scenario_id).closure
    return {
        datum
        for datum in analysis_of(name).model.data
        if closure.level("law_enforcement", datum) is Level.PLAINTEXT
    }


def level(name: str, scenario_id: str, party: str, datum: str) -> Level:
    return scenario(name, scenario_id).closure.level(party, datum)


def plaintext_when(name: str, datum: str, party: str) -> str:
    return analysis_of(name).condition_texts[datum][party][Level.PLAINTEXT.value]


def kept(name: str, scenario_id: str, datum: str) -> set[str]:
    """Parties off the chat's devices that read ``datum`` and still retain it."""
    analysis = analysis_of(name)
    environment = analysis.space.environment(scenario(name, scenario_id).setting)
    return {
        party
        for party in readers(name, scenario_id, datum)
        if analysis.model.parties[party].retains.evaluate(environment)
    }


def never_together(name: str, party: str, datum: str, when: str) -> bool:
    """Whether ``party`` reads ``datum`` in no allowed setting where ``when`` holds."""
    analysis = analysis_of(name)
    conditions = analysis.conditions
    reads = conditions.plain.get((party, datum), conditions.bdd.false)
    where = analysis.space.compile(conditions.bdd, parse(when))
    return bool((reads & where & conditions.allowed) == conditions.bdd.false)


LE = "law_enforcement"
AI = {"meta_ai", "ai_history", "training_store", "human_reviewers"}
"""Who reads a Meta AI chat in plaintext, the plain way: the model, the history, training
and the contractors who rate chats."""
OBJECTED = {"meta_ai", "ai_history", "human_reviewers", LE}
"""The same after an EU/UK objection to training (and no ads in the EU/UK)."""


# ------------------------------------------------------------------ who reads AI chats


@pytest.mark.parametrize(
    ("name", "scenario_id", "datum", "expected"),
    [
        # Instagram: AI chats were never end-to-end encrypted (IG-4); ads since 2025-12-16.
        ("instagram_ai", "today", "ai_prompt", AI | {"ads_system", LE}),
        ("instagram_ai", "eu_objected", "ai_prompt", OBJECTED),
        ("instagram_ai", "e2ee_chat_before_removal", "ai_prompt", set()),
        ("instagram_ai", "e2ee_chat_after_removal", "ai_prompt", AI | {"ads_system", LE}),
        # WhatsApp: Meta AI reads in plaintext outside Incognito Chat (WA-4, PP-5).
        ("whatsapp_ai", "today", "ai_prompt", AI | {LE}),
        ("whatsapp_ai", "linked_accounts", "ai_prompt", AI | {"ads_system", LE}),
        ("whatsapp_ai", "eu_objected", "ai_prompt", OBJECTED),
        ("whatsapp_ai", "incognito", "ai_prompt", {"pp_enclave"}),
        ("whatsapp_ai", "incognito_claim_false", "ai_prompt", {"pp_enclave", "meta_servers", LE}),
        ("whatsapp_ai", "mention_in_group", "mention_text", AI | {LE}),
        ("whatsapp_ai", "mention_with_acp", "mention_text", set()),
        ("whatsapp_ai", "mention_with_acp_conflicting_report", "mention_text", AI | {LE}),
        # Messenger: the Meta AI chat is separate from the encrypted chats, and not encrypted.
        ("messenger_ai", "today", "ai_prompt", AI | {"ads_system", LE}),
        ("messenger_ai", "eu_objected", "ai_prompt", OBJECTED),
        ("messenger_ai", "mention_in_e2ee_chat", "mention_text", AI | {"ads_system", LE}),
        ("messenger_ai", "mention_in_e2ee_chat_blocked", "mention_text", set()),
        (
            "messenger_ai",
            "business_ai_chat",
            "business_chat",
            {"business", "meta_ai", "meta_servers", "training_store", LE},
        ),
    ],
)
def test_who_reads_ai_chats_in_plaintext(
    name: str, scenario_id: str, datum: str, expected: set[str]
) -> None:
    assert readers(name, scenario_id, datum) == expected


def test_ai_chats_are_readable_by_meta_whenever_they_happen() -> None:
    assert plaintext_when("instagram_ai", "ai_prompt", "meta_ai") == "ai_chat"
    assert plaintext_when("instagram_ai", "ai_prompt", "ai_history") == "ai_chat"
    assert plaintext_when("messenger_ai", "ai_prompt", "ai_history") == "ai_chat"
    assert plaintext_when("whatsapp_ai", "ai_prompt", "ai_history") == (
        "ai_chat and not incognito_chat"
    )


def test_ai_chats_feed_ads_since_16_december_2025_outside_the_eu_and_uk() -> None:
    for name in ("instagram_ai", "messenger_ai"):
        assert plaintext_when(name, "ai_prompt", "ads_system") == (
            "after_2025_12_16 and ai_chat and not in_eu_uk"
        )
    assert plaintext_when("whatsapp_ai", "ai_prompt", "ads_system") == (
        "accounts_center_linked and ai_chat and not in_eu_uk and not incognito_chat"
    )


def test_messenger_ai_chat_is_read_by_meta_while_personal_chats_are_encrypted() -> None:
    today = scenario("messenger_ai", "today")
    assert today.setting["e2ee_chat"] is True
    assert today.closure.level("meta_servers", "dm_text") is Level.CIPHERTEXT
    assert today.closure.level("meta_ai", "ai_prompt") is Level.PLAINTEXT


def test_instagram_ai_personas_and_e2ee_never_met() -> None:
    analysis = analysis_of("instagram_ai")
    bdd = analysis.conditions.bdd
    both = analysis.space.compile(bdd, parse("ai_chat and e2ee_chat and not after_2026_05_08"))
    assert (both & analysis.conditions.allowed) == bdd.false
    impact = {i.variable: i for i in analysis.impacts}["after_2026_05_08"]
    assert impact.setting is not None and impact.setting["ai_chat"] is True


def test_incognito_rests_on_the_private_processing_claim() -> None:
    assert plaintext_when("whatsapp_ai", "ai_prompt", "meta_servers") == (
        "ai_chat and incognito_chat and not pp_claim"
    )
    assert level("whatsapp_ai", "incognito", "meta_servers", "ai_prompt") is Level.CIPHERTEXT
    assert level("whatsapp_ai", "incognito", "ohttp_relay", "ai_prompt") is Level.CIPHERTEXT


# ------------------------------------------------------------------ who reads the chats


@pytest.mark.parametrize(
    ("name", "scenario_id", "expected"),
    [
        ("instagram_ai", "today", {"meta_servers", "law_enforcement"}),
        ("instagram_ai", "e2ee_chat_before_removal", set()),
        ("instagram_ai", "e2ee_chat_reported", {"moderators"}),
        ("instagram_ai", "e2ee_chat_after_removal", {"meta_servers", "law_enforcement"}),
        ("instagram_ai", "e2ee_claim_false", {"meta_servers", "law_enforcement"}),
        ("whatsapp_ai", "today", set()),
        ("whatsapp_ai", "reported_message", {"moderators"}),
        ("whatsapp_ai", "summaries", {"pp_enclave"}),
        ("whatsapp_ai", "unencrypted_backup", {"cloud_backup", "law_enforcement"}),
        ("whatsapp_ai", "encrypted_backup", set()),
        ("messenger_ai", "today", set()),
        ("messenger_ai", "unencrypted_chat", {"meta_servers", "law_enforcement"}),
        ("messenger_ai", "reported_chat", {"moderators"}),
        ("messenger_ai", "e2ee_claim_false", {"meta_servers", "law_enforcement"}),
        ("e2ee_messenger", "everyday", set()),
        ("e2ee_messenger", "friend_shares", {"outsider"}),
        ("e2ee_messenger", "app_not_as_claimed", {"servers", "law_enforcement"}),
    ],
)
def test_who_reads_the_chats_in_plaintext(name: str, scenario_id: str, expected: set[str]) -> None:
    assert readers(name, scenario_id, "dm_text") == expected


def test_instagram_dms_are_readable_by_meta_since_8_may_2026() -> None:
    assert plaintext_when("instagram_ai", "dm_text", "meta_servers") == (
        "after_2026_05_08 or not e2ee_chat or not ig_e2ee_claim"
    )
    assert scenario("instagram_ai", "today").setting["after_2026_05_08"] is True


@pytest.mark.parametrize(
    ("name", "when"),
    [
        ("instagram_ai", "e2ee_chat and not after_2026_05_08 and ig_e2ee_claim and not reported"),
        ("messenger_ai", "e2ee_chat and messenger_e2ee_claim and not reported"),
        (
            "whatsapp_ai",
            "wa_e2ee_claim and ai_reads_only_shared and pp_claim and not reported"
            " and not (chat_backup and not e2ee_backup)",
        ),
        ("e2ee_messenger", "no_key_copy"),
    ],
)
def test_with_e2ee_nobody_at_the_provider_reads_the_chats(name: str, when: str) -> None:
    """In every allowed setting where the claims hold, nothing is reported and (WhatsApp) no
    backup is left unencrypted: nobody at the provider, and no warrant, reads the chats."""
    analysis = analysis_of(name)
    provider = "provider" if name == "e2ee_messenger" else "meta"
    for party in sorted(boundary_members(analysis.model, provider)):
        assert never_together(name, party, "dm_text", when), party
    assert never_together(name, "law_enforcement", "dm_text", when)


def test_e2ee_rests_on_the_claim_in_every_model() -> None:
    assert plaintext_when("whatsapp_ai", "dm_text", "meta_servers") == (
        "not wa_e2ee_claim or (not advanced_chat_privacy and not pp_claim and private_processing)"
    )
    assert plaintext_when("messenger_ai", "dm_text", "meta_servers") == (
        "not e2ee_chat or not messenger_e2ee_claim"
    )
    assert plaintext_when("e2ee_messenger", "dm_text", "servers") == "not no_key_copy"


# ------------------------------------------------------------------ law enforcement

AI_CHAT = ("ai_prompt", "ai_reply")


@pytest.mark.parametrize(
    ("name", "scenario_id", "expected"),
    [
        ("instagram_ai", "today", {"dm_text", "chat_metadata", *AI_CHAT}),
        ("instagram_ai", "e2ee_chat_before_removal", {"chat_metadata"}),
        ("instagram_ai", "after_reset", {"dm_text", "chat_metadata"}),
        ("instagram_ai", "after_reset_preserved", {"dm_text", "chat_metadata", *AI_CHAT}),
        ("whatsapp_ai", "today", {"chat_metadata", *AI_CHAT}),
        ("whatsapp_ai", "incognito", {"chat_metadata"}),
        ("whatsapp_ai", "mention_in_group", {"chat_metadata", "mention_text"}),
        ("whatsapp_ai", "unencrypted_backup", {"dm_text", "chat_metadata", *AI_CHAT}),
        ("whatsapp_ai", "after_reset", {"chat_metadata"}),
        ("messenger_ai", "today", {"chat_metadata", *AI_CHAT}),
        ("messenger_ai", "unencrypted_chat", {"dm_text", "chat_metadata"}),
        ("messenger_ai", "business_ai_chat", {"chat_metadata", "business_chat"}),
        ("messenger_ai", "after_reset", {"chat_metadata"}),
        ("e2ee_messenger", "everyday", {"chat_metadata"}),
    ],
)
def test_what_law_enforcement_obtains(name: str, scenario_id: str, expected: set[str]) -> None:
    assert obtained(name, scenario_id) == expected


@pytest.mark.parametrize("name", SHIPPED)
def test_metadata_is_always_within_reach_of_law_enforcement(name: str) -> None:
    assert plaintext_when(name, "chat_metadata", "law_enforcement") == sop.ALWAYS


def test_law_enforcement_gets_ai_chats_unless_a_reset_really_deleted_them() -> None:
    for name in ("instagram_ai", "messenger_ai"):
        assert plaintext_when(name, "ai_prompt", "law_enforcement") == (
            "(ai_chat and le_preservation) or (ai_chat and not reset_ai) or "
            "(ai_chat and not reset_deletes_server_copy)"
        )
    assert plaintext_when("whatsapp_ai", "ai_prompt", "law_enforcement") == (
        "(ai_chat and not incognito_chat and not reset_ai) or "
        "(ai_chat and not incognito_chat and not reset_deletes_server_copy) or "
        "(ai_chat and incognito_chat and not pp_claim)"
    )


def test_whatsapp_backups_are_the_way_to_readable_chats() -> None:
    assert plaintext_when("whatsapp_ai", "dm_text", "law_enforcement") == (
        "not wa_e2ee_claim or (chat_backup and not e2ee_backup) or "
        "(not advanced_chat_privacy and not pp_claim and private_processing)"
    )


# ------------------------------------------------------------------ /reset-ai


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("instagram_ai", {"training_store", "ads_system", "human_reviewers"}),
        ("whatsapp_ai", {"training_store", "human_reviewers"}),
        ("messenger_ai", {"training_store", "ads_system", "human_reviewers"}),
    ],
)
def test_what_survives_reset_ai(name: str, expected: set[str]) -> None:
    assert kept(name, "after_reset", "ai_prompt") == expected
    assert level(name, "after_reset", "law_enforcement", "ai_prompt") is Level.NONE


@pytest.mark.parametrize("name", ["instagram_ai", "whatsapp_ai", "messenger_ai"])
def test_reset_ai_does_not_reach_the_training_store(name: str) -> None:
    """Whether the training store reads the AI chat does not depend on the reset at all."""
    analysis = analysis_of(name)
    bdd = analysis.conditions.bdd
    reads = analysis.conditions.plain[("training_store", "ai_prompt")]
    assert "reset_ai" not in bdd.support(reads)
    assert analysis.expectation_texts["reset_clears_training_data"]["training_store"] != sop.NEVER


@pytest.mark.parametrize("name", ["instagram_ai", "messenger_ai"])
def test_reset_ai_deletes_the_history_only_if_it_does_what_is_said_and_nothing_was_preserved(
    name: str,
) -> None:
    analysis = analysis_of(name)
    base = dict(scenario(name, "after_reset").setting)
    assert kept(name, "after_reset", "ai_prompt").isdisjoint({"ai_history", "law_enforcement"})
    assert {"ai_history", "law_enforcement"} <= kept(name, "after_reset_preserved", "ai_prompt")
    doubted = analysis.result_for({**base, "reset_deletes_server_copy": False})
    assert doubted.closure.level("law_enforcement", "ai_prompt") is Level.PLAINTEXT


# ------------------------------------------------------------------ the models' own expectations

AI_REFUTED = {"ai_chats_hidden_from_meta", "ai_chats_beyond_warrants", "reset_clears_training_data"}


def broken_expectations(name: str) -> set[str]:
    """Expectations some allowed setting violates."""
    texts = analysis_of(name).expectation_texts
    return {e for e, parties in texts.items() if any(t != sop.NEVER for t in parties.values())}


@pytest.mark.parametrize(
    ("name", "failing"),
    [
        ("instagram_ai", AI_REFUTED),
        ("whatsapp_ai", AI_REFUTED | {"mentions_hidden_from_meta"}),
        ("messenger_ai", AI_REFUTED | {"business_chats_stay_out_of_training"}),
        ("e2ee_messenger", {"metadata_stays_private"}),
    ],
)
def test_exactly_the_expectations_the_record_refutes_fail(name: str, failing: set[str]) -> None:
    assert broken_expectations(name) == failing


@pytest.mark.parametrize("name", SHIPPED)
def test_failing_expectations_are_explained_in_the_model(name: str) -> None:
    text = (ROOT / "models" / f"{name}.yaml").read_text(encoding="utf-8")
    for expectation in broken_expectations(name):
        comment = rf"# FAILS, and that is the finding:[^\n]*\n(?:\s*#[^\n]*\n)*\s*{expectation}:"
        assert re.search(comment, text), expectation


# ------------------------------------------------------------------ model hygiene


@pytest.mark.parametrize("name", SHIPPED)
def test_model_is_clean_and_readable(name: str) -> None:
    path = ROOT / "models" / f"{name}.yaml"
    assert path.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../threatmodel.schema.json\n"
    )
    analysis = analysis_of(name)
    model = analysis.model
    assert analysis.loaded.warnings == ()
    assert analysis.dead_toggles == []
    assert len(model.toggles) <= 12
    assert len(model.assumptions) <= 5
    assert len(model.parties) <= 18
    assert set(analysis.scenarios) == set(model.scenarios), "every scenario is allowed"


@pytest.mark.parametrize("name", SHIPPED)
def test_every_source_is_complete_and_every_claim_is_sourced(name: str) -> None:
    model = analysis_of(name).model
    for source_id, source in model.sources.items():
        assert source.assurance is not None, source_id
        if source.assurance.value not in ("inference", "analysis"):
            assert source.url, source_id
    for section in ("assumptions", "constraints", "access"):
        for element_id, element in getattr(model, section).items():
            assert element.source, f"{section}.{element_id}"
    for flow_id, flow in model.flows.items():
        sender, receiver = model.parties[flow.from_], model.parties[flow.to]
        if sender.boundary != receiver.boundary:  # typing and reading on a device need none
            assert flow.source, f"flows.{flow_id}"


def _fact_ids(text: str) -> Iterator[str]:
    yield from re.findall(r"\b(?:IG|MS|WA|PP|INC|LE|AD|HR|PER|SP|PUB|MOD|DEL|TR)-\d+\b", text)


@pytest.mark.skipif(not FACTS.exists(), reason="the fact sheet is not next to this checkout")
@pytest.mark.parametrize("name", SHIPPED)
def test_cited_fact_ids_exist_in_the_fact_sheet(name: str) -> None:
    known = set(_fact_ids(FACTS.read_text(encoding="utf-8")))
    cited = set(_fact_ids((ROOT / "models" / f"{name}.yaml").read_text(encoding="utf-8")))
    assert cited, name
    assert cited <= known, sorted(cited - known)


# ------------------------------------------------------------------ README


def test_readme_section_is_current() -> None:
    assert script().is_current(ROOT / "README.md"), (
        "README section 'models' is stale: run python scripts/what_the_models_say.py"
    )


def test_check_mode_detects_a_stale_readme(tmp_path: Path) -> None:
    module = script()
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{module.BEGIN}\nold\n{module.END}\n", encoding="utf-8")
    # The section is rendered from the models under the README's directory.
    (tmp_path / "models").symlink_to(ROOT / "models")
    assert module.main(["--check", "--readme", str(readme)]) == 1
    assert module.main(["--readme", str(readme)]) == 0
    assert module.main(["--check", "--readme", str(readme)]) == 0
    assert readme.read_text(encoding="utf-8").startswith(f"# x\n\n{module.BEGIN}\n## ")
