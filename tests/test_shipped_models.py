"""The shipped models of Meta's AI messaging, and the reference messenger: the answers a
reader would quote, asserted by querying the analysis (levels per setting, exposure
conditions, expectations), and the README section generated from them."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from conftest import FIXTURES, ROOT, Run
from threatmodel.assessment import judge
from threatmodel.engine import sop
from threatmodel.engine.consistency import load_file
from threatmodel.engine.evidence import element_tier
from threatmodel.engine.exposure import (
    Analysis,
    SettingResult,
    analyze,
    boundary_members,
    level_evidence,
)
from threatmodel.load.expr import parse
from threatmodel.load.model import (
    Access,
    Assurance,
    Evidence,
    Flow,
    Graded,
    Level,
    Model,
    Status,
)

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
AI = {"meta_ai", "ai_history", "training_store", "human_reviewers", LE}
"""Who reads a Meta AI chat in plaintext, the plain way: the model, the history, training,
the contractors who rate chats, and (by inference) law enforcement."""
OBJECTED = {"meta_ai", "ai_history", LE}
"""The same for an EU/UK user who objected to training: the contractor reports name users in
the US, India and elsewhere, not the EU or UK."""
SHARED_WITH_AI = {"meta_ai", "mention_history", "training_store", LE}
"""Who reads what is shared with Meta AI from a WhatsApp chat."""


# ------------------------------------------------------------------ who reads AI chats


@pytest.mark.parametrize(
    ("name", "scenario_id", "datum", "expected"),
    [
        # Instagram: AI chats were never end-to-end encrypted (IG-4).
        ("instagram_ai", "today", "ai_prompt", AI),
        ("instagram_ai", "today", "ai_media", AI),
        ("instagram_ai", "eu_objected", "ai_prompt", OBJECTED),
        ("instagram_ai", "e2ee_chat_before_removal", "ai_prompt", set()),
        ("instagram_ai", "e2ee_chat_after_removal", "ai_prompt", AI),
        (
            "instagram_ai",
            "mention_in_dm",
            "mention_text",
            {"meta_servers", "meta_ai", "training_store", LE},
        ),
        # WhatsApp: Meta AI reads in plaintext outside Incognito Chat (WA-4, PP-5).
        ("whatsapp_ai", "today", "ai_prompt", AI),
        ("whatsapp_ai", "today", "ai_media", AI),
        ("whatsapp_ai", "eu_objected", "ai_prompt", OBJECTED),
        ("whatsapp_ai", "incognito", "ai_prompt", {"pp_enclave"}),
        ("whatsapp_ai", "incognito", "ai_media", set()),  # text only (INC-1)
        ("whatsapp_ai", "incognito_claim_false", "ai_prompt", {"pp_enclave", "pp_gateway", LE}),
        ("whatsapp_ai", "mention_in_group", "mention_text", SHARED_WITH_AI),
        ("whatsapp_ai", "mention_with_acp", "mention_text", set()),
        ("whatsapp_ai", "mention_with_acp_conflicting_report", "mention_text", SHARED_WITH_AI),
        ("whatsapp_ai", "mention_after_reset_all", "mention_text", SHARED_WITH_AI - {LE}),
        # Messenger: the Meta AI chat is separate from the encrypted chats, and not encrypted.
        ("messenger_ai", "today", "ai_prompt", AI),
        ("messenger_ai", "eu_objected", "ai_prompt", OBJECTED),
        ("messenger_ai", "mention_in_e2ee_chat", "mention_text", {"meta_ai", "training_store"}),
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


@pytest.mark.parametrize("name", ["instagram_ai", "whatsapp_ai", "messenger_ai"])
def test_the_ads_system_gets_what_meta_derives_from_ai_chats_never_their_text(name: str) -> None:
    """Meta admits AI interactions are a signal for ads (AD-1); nothing says the text reaches
    the ads system, and sensitive topics reach it only if Meta's exclusion fails."""
    for datum in ("ai_prompt", "ai_media", "ai_reply", "mention_text", "dm_text"):
        assert plaintext_when(name, datum, "ads_system") == sop.NEVER, datum
    linked = "accounts_center_linked and " if name == "whatsapp_ai" else ""
    incognito = " and not incognito_chat" if name == "whatsapp_ai" else ""
    assert plaintext_when(name, "ai_ad_signal", "ads_system") == (
        f"{linked}after_2025_12_16 and ai_chat and not in_eu_uk{incognito}"
    )
    sensitive = analysis_of(name).condition_texts["ai_sensitive_signal"]["ads_system"]
    assert "not ads_exclude_sensitive" in sensitive[Level.PLAINTEXT.value]
    assert broken_expectations(name).isdisjoint(
        {"ads_never_see_chat_text", "sensitive_topics_stay_out_of_ads"}
    )


@pytest.mark.parametrize("name", ["instagram_ai", "whatsapp_ai", "messenger_ai"])
def test_an_eu_uk_users_ai_chat_reaches_neither_ads_nor_contractors(name: str) -> None:
    for datum in ("ai_prompt", "ai_ad_signal", "ai_sensitive_signal"):
        assert never_together(name, "ads_system", datum, "in_eu_uk"), datum
    assert never_together(name, "human_reviewers", "ai_prompt", "in_eu_uk")
    assert not never_together(name, "human_reviewers", "ai_prompt", "not in_eu_uk")
    assert readers(name, "eu_objected", "ai_prompt") == OBJECTED


@pytest.mark.parametrize("name", ["instagram_ai", "whatsapp_ai", "messenger_ai"])
def test_contractors_see_chats_and_attached_personal_data_but_keep_nothing(name: str) -> None:
    assert level(name, "today", "human_reviewers", "profile_data") is Level.PLAINTEXT
    assert level(name, "today", "human_reviewers", "ai_media") is Level.PLAINTEXT
    assert "human_reviewers" not in kept(name, "today", "ai_prompt")


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
    assert plaintext_when("whatsapp_ai", "ai_prompt", "pp_gateway") == (
        "ai_chat and incognito_chat and not pp_claim"
    )
    assert level("whatsapp_ai", "incognito", "pp_gateway", "ai_prompt") is Level.CIPHERTEXT
    assert level("whatsapp_ai", "incognito", "ohttp_relay", "ai_prompt") is Level.CIPHERTEXT


def test_incognito_chats_are_not_saved_so_a_warrant_finds_not_even_ciphertext() -> None:
    """The gateway passes sealed requests and, as the claim says, keeps nothing (INC-1)."""
    assert level("whatsapp_ai", "incognito", LE, "ai_prompt") is Level.NONE
    assert level("whatsapp_ai", "incognito", LE, "ai_reply") is Level.NONE
    assert level("whatsapp_ai", "incognito_claim_false", LE, "ai_prompt") is Level.PLAINTEXT
    assert "incognito_beyond_warrants" not in broken_expectations("whatsapp_ai")


# ------------------------------------------------------------------ friends and Meta AI


def test_a_friend_sharing_with_meta_ai_puts_the_users_message_in_metas_hands() -> None:
    """A friend's @Meta AI mention or forward sends the user's own words to Meta (WA-3,
    WA-4), without the user doing anything; Advanced Chat Privacy, as Meta describes it,
    stops it."""
    assert readers("whatsapp_ai", "friend_shares", "dm_text") == SHARED_WITH_AI
    assert readers("whatsapp_ai", "friend_shares_with_acp", "dm_text") == set()
    assert readers("whatsapp_ai", "today", "dm_text") == set()
    assert "dm_text" in obtained("whatsapp_ai", "friend_shares")
    assert "friends_cannot_share_my_messages" in broken_expectations("whatsapp_ai")
    assert "acp_stops_friends_sharing" not in broken_expectations("whatsapp_ai")
    # Whatever the user does, the friend's share gets through unless the chat has Advanced
    # Chat Privacy on.
    analysis = analysis_of("whatsapp_ai")
    conditions = analysis.conditions
    reads = conditions.plain[("meta_ai", "dm_text")]
    shared = analysis.space.compile(
        conditions.bdd, parse("friend_shares_with_ai and not advanced_chat_privacy")
    )
    assert (shared & conditions.allowed & ~reads) == conditions.bdd.false


def test_instagram_mentions_reach_meta_ai_in_an_ordinary_dm() -> None:
    assert plaintext_when("instagram_ai", "mention_text", "meta_ai") == "ai_mention"
    analysis = analysis_of("instagram_ai")
    bdd = analysis.conditions.bdd
    both = analysis.space.compile(bdd, parse("ai_mention and e2ee_chat and not after_2026_05_08"))
    assert (both & analysis.conditions.allowed) == bdd.false


def test_the_whatsapp_disclaimer_is_refuted_and_what_would_change_if_it_held() -> None:
    """The seed post's WhatsApp disclaimer (AI messages end-to-end encrypted) is an assumption
    refuted on the record; were it unknown and held, Meta would keep nothing of AI chats."""
    loaded = load_file(str(ROOT / "models" / "whatsapp_ai.yaml"))
    assumption = loaded.model.assumptions["ai_disclaimer"]
    assert assumption.status is Status.REFUTED
    assert {"wa_ai_notice", "ai_quality_notice"} <= set(assumption.source)
    held = replace(
        loaded,
        model=loaded.model.model_copy(
            update={
                "assumptions": {
                    **loaded.model.assumptions,
                    "ai_disclaimer": assumption.model_copy(update={"status": Status.UNKNOWN}),
                }
            }
        ),
    )
    result = analyze(held, overrides={"ai_disclaimer": True}).default
    plaintext, _ = result.closure.exposure("ai_prompt")
    assert set(plaintext) - {"user", "app"} == {"meta_ai"}
    assert readers("whatsapp_ai", "today", "ai_prompt") == AI


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
        ("whatsapp_ai", "friend_shares", SHARED_WITH_AI),
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


def test_a_formerly_encrypted_chats_old_messages_stay_unreadable_after_8_may_2026() -> None:
    """Messages sent while E2EE was on stay sealed; only new messages are readable."""
    after = "e2ee_chat_after_removal"
    assert level("instagram_ai", after, LE, "dm_text") is Level.PLAINTEXT
    assert level("instagram_ai", after, LE, "e2ee_era_text") is Level.CIPHERTEXT
    assert level("instagram_ai", after, "meta_servers", "e2ee_era_text") is Level.CIPHERTEXT
    assert plaintext_when("instagram_ai", "e2ee_era_text", LE) == "e2ee_chat and not ig_e2ee_claim"
    assert "earlier_e2ee_messages_stay_sealed" not in broken_expectations("instagram_ai")


@pytest.mark.parametrize(
    ("name", "when"),
    [
        ("instagram_ai", "e2ee_chat and not after_2026_05_08 and ig_e2ee_claim and not reported"),
        ("messenger_ai", "e2ee_chat and messenger_e2ee_claim and not reported"),
        (
            "whatsapp_ai",
            "wa_e2ee_claim and ai_reads_only_shared and pp_claim and not reported"
            " and not (chat_backup and not e2ee_backup) and not friend_shares_with_ai",
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
    assert plaintext_when("whatsapp_ai", "dm_text", "meta_servers") == "not wa_e2ee_claim"
    assert plaintext_when("whatsapp_ai", "dm_text", "pp_gateway") == (
        "not advanced_chat_privacy and not pp_claim and private_processing"
    )
    assert plaintext_when("messenger_ai", "dm_text", "meta_servers") == (
        "not e2ee_chat or not messenger_e2ee_claim"
    )
    assert plaintext_when("e2ee_messenger", "dm_text", "servers") == "not no_key_copy"


# ------------------------------------------------------------------ law enforcement

AI_CHAT = ("ai_prompt", "ai_media", "ai_reply")
ACCOUNT = ("chat_metadata", "profile_data")


@pytest.mark.parametrize(
    ("name", "scenario_id", "expected"),
    [
        ("instagram_ai", "today", {"dm_text", *ACCOUNT, *AI_CHAT}),
        ("instagram_ai", "e2ee_chat_before_removal", {*ACCOUNT}),
        ("instagram_ai", "e2ee_chat_after_removal", {"dm_text", *ACCOUNT, *AI_CHAT}),
        ("instagram_ai", "mention_in_dm", {"dm_text", "mention_text", *ACCOUNT}),
        ("instagram_ai", "after_reset", {"dm_text", *ACCOUNT}),
        ("instagram_ai", "after_reset_preserved", {"dm_text", *ACCOUNT, *AI_CHAT}),
        ("whatsapp_ai", "today", {*ACCOUNT, *AI_CHAT}),
        ("whatsapp_ai", "incognito", {*ACCOUNT}),
        ("whatsapp_ai", "mention_in_group", {*ACCOUNT, "mention_text"}),
        ("whatsapp_ai", "mention_after_reset_all", {*ACCOUNT}),
        ("whatsapp_ai", "friend_shares", {*ACCOUNT, "dm_text"}),
        ("whatsapp_ai", "unencrypted_backup", {"dm_text", *ACCOUNT, *AI_CHAT}),
        ("whatsapp_ai", "after_reset", {*ACCOUNT}),
        ("messenger_ai", "today", {*ACCOUNT, *AI_CHAT}),
        ("messenger_ai", "unencrypted_chat", {"dm_text", *ACCOUNT}),
        ("messenger_ai", "business_ai_chat", {*ACCOUNT, "business_chat"}),
        ("messenger_ai", "after_reset", {*ACCOUNT}),
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
        "(ai_chat and not incognito_chat and not reset_deletes_server_copy) or "
        "(ai_chat and incognito_chat and not pp_claim) or "
        "(ai_chat and not incognito_chat and not reset_ai and not reset_all_ais)"
    )


def test_whatsapp_backups_are_the_way_to_readable_chats_unless_a_friend_shares() -> None:
    analysis = analysis_of("whatsapp_ai")
    when = "wa_e2ee_claim and pp_claim and not friend_shares_with_ai and not ai_mention"
    assert never_together("whatsapp_ai", LE, "dm_text", f"{when} and not chat_backup")
    assert not never_together("whatsapp_ai", LE, "dm_text", f"{when} and chat_backup")
    assert analysis.scenarios["unencrypted_backup"].closure.level(LE, "dm_text") is Level.PLAINTEXT


# ------------------------------------------------------------------ how well the record supports it

TIERS = {
    Assurance.COURT_RECORD: 3,
    Assurance.OFFICIAL_RECORD: 3,
    Assurance.AUDITED: 3,
    Assurance.OBSERVED: 3,
    Assurance.ADMISSION: 3,
    Assurance.REPORTED: 2,
    Assurance.CLAIM: 2,
    Assurance.ANALYSIS: 1,
    Assurance.INFERENCE: 0,
}
"""Evidence tiers, strongest 3 (established), then documented, analysed and inferred."""
STATED = {"established": 3, "documented": 2, "analysed": 1, "inferred": 0, "unsourced": -1}
"""The same ranks for an element's own ``evidence:``."""


@cache
def supported(name: str, tier: int) -> Analysis:
    """The model with only the flows and accesses whose own ``evidence:``, or else strongest
    source, reaches ``tier`` (one with neither is dropped): what the record shows at that
    tier, computed without the engine's grading."""
    loaded = load_file(str(ROOT / "models" / f"{name}.yaml"))
    model = loaded.model

    def strong(element: Flow | Access) -> bool:
        if element.evidence is not None:
            return STATED[element.evidence.value] >= tier
        assurances = [model.sources[s].assurance for s in element.source]
        return max((TIERS[a] for a in assurances if a is not None), default=-1) >= tier

    update = {
        "flows": {k: f for k, f in model.flows.items() if strong(f)},
        "access": {k: a for k, a in model.access.items() if strong(a)},
    }
    restricted: Model = model.model_copy(update=update)
    return analyze(replace(loaded, model=restricted))


@pytest.mark.parametrize("name", ["instagram_ai", "whatsapp_ai", "messenger_ai"])
def test_law_enforcement_obtaining_ai_chats_is_only_an_inference(name: str) -> None:
    """LE-5: no Meta statement or court record says AI chats are produced under warrant."""
    conditions = supported(name, 1).conditions
    assert (LE, "ai_prompt") not in conditions.plain or conditions.plain[
        (LE, "ai_prompt")
    ] == conditions.bdd.false
    assert level(name, "today", LE, "ai_prompt") is Level.PLAINTEXT


@pytest.mark.parametrize(
    ("name", "scenario_id", "party", "datum", "tier"),
    [
        # Admitted by Meta: AI interactions feed ads (AD-1) and training (TR-3, WA-3).
        ("instagram_ai", "today", "ads_system", "ai_ad_signal", 3),
        ("instagram_ai", "today", "training_store", "ai_prompt", 3),
        ("messenger_ai", "today", "meta_ai", "ai_prompt", 3),
        ("messenger_ai", "today", "training_store", "ai_prompt", 3),
        ("whatsapp_ai", "today", "meta_ai", "ai_prompt", 3),
        # Reported, not established: contractors (HR-1); a friend's share reaches Meta AI
        # after the end-to-end encrypted delivery Meta describes (WA-2).
        ("instagram_ai", "today", "human_reviewers", "ai_prompt", 2),
        ("whatsapp_ai", "friend_shares", "meta_ai", "dm_text", 2),
        # Inferred: law enforcement and stored AI chats (LE-5).
        ("instagram_ai", "today", LE, "ai_prompt", 0),
        ("whatsapp_ai", "mention_in_group", LE, "mention_text", 0),
    ],
)
def test_what_the_record_establishes_and_what_it_only_documents(
    name: str, scenario_id: str, party: str, datum: str, tier: int
) -> None:
    """The strongest tier at which the fact still holds in the scenario, every step of some
    derivation citing a source at least that strong."""

    def reads(at: int) -> bool:
        closure = supported(name, at).scenarios[scenario_id].closure
        return closure.level(party, datum) is Level.PLAINTEXT

    assert reads(tier)
    assert tier == 3 or not reads(tier + 1)


def tier_of(name: str, scenario_id: str, party: str, datum: str) -> str:
    """The engine's evidence tier of ``party``'s plaintext reading of ``datum``."""
    closure = scenario(name, scenario_id).closure
    assert closure.level(party, datum) is Level.PLAINTEXT, (party, datum)
    tier = level_evidence(closure, party, datum)
    assert tier is not None
    return tier.value


@pytest.mark.parametrize(
    ("name", "scenario_id", "party", "datum", "tier"),
    [
        # Admitted by Meta: AI chats are kept and used for training (WA-3, TR-3) and, as a
        # signal, for ads (AD-1); the steps on the user's device are self-evident.
        ("instagram_ai", "today", "meta_ai", "ai_prompt", "established"),
        ("instagram_ai", "today", "training_store", "ai_prompt", "established"),
        ("instagram_ai", "today", "ads_system", "ai_ad_signal", "established"),
        ("messenger_ai", "today", "training_store", "ai_prompt", "established"),
        ("whatsapp_ai", "mention_in_group", "meta_ai", "mention_text", "established"),
        ("messenger_ai", "business_ai_chat", "business", "business_chat", "established"),
        # An ordinary Instagram DM is not end-to-end encrypted (IG-2, observed); that a
        # warrant yields it is Meta's own guideline (LE-1).
        ("instagram_ai", "today", "meta_servers", "dm_text", "established"),
        ("instagram_ai", "today", LE, "dm_text", "documented"),
        # Messenger messages without E2EE were produced under warrant (MS-8, court record).
        ("messenger_ai", "unencrypted_chat", LE, "dm_text", "established"),
        # Reported or claimed: contractors (HR-1), Private Processing (PP-1), a friend's
        # share after the end-to-end delivery Meta describes (WA-2), and mentions reaching
        # Meta despite Advanced Chat Privacy (the conflicting report, WA-5).
        ("instagram_ai", "today", "human_reviewers", "ai_prompt", "documented"),
        ("whatsapp_ai", "incognito", "pp_enclave", "ai_prompt", "documented"),
        ("whatsapp_ai", "friend_shares", "meta_ai", "dm_text", "documented"),
        (
            "whatsapp_ai",
            "mention_with_acp_conflicting_report",
            "meta_ai",
            "mention_text",
            "documented",
        ),
        # Analysed: metadata on a relay (MS-4); Private Processing failing as PP-9 analyses.
        ("e2ee_messenger", "everyday", "servers", "chat_metadata", "analysed"),
        ("e2ee_messenger", "everyday", LE, "chat_metadata", "analysed"),
        ("e2ee_messenger", "app_not_as_claimed", "servers", "dm_text", "analysed"),
        ("whatsapp_ai", "incognito_claim_false", "pp_gateway", "ai_prompt", "analysed"),
        # Inferred: warrants for AI chats and cloud backups (LE-5, WA-8), an open question
        # taken as true (MS-6), and what follows from a claim being false.
        ("instagram_ai", "today", LE, "ai_prompt", "inferred"),
        ("whatsapp_ai", "today", LE, "ai_prompt", "inferred"),
        ("messenger_ai", "today", LE, "ai_prompt", "inferred"),
        ("whatsapp_ai", "unencrypted_backup", LE, "dm_text", "inferred"),
        ("messenger_ai", "mention_in_e2ee_chat", "meta_ai", "mention_text", "inferred"),
        ("instagram_ai", "e2ee_claim_false", "meta_servers", "e2ee_era_text", "inferred"),
        ("messenger_ai", "e2ee_claim_false", "meta_servers", "dm_text", "inferred"),
    ],
)
def test_each_reading_has_the_tier_the_record_gives_it(
    name: str, scenario_id: str, party: str, datum: str, tier: str
) -> None:
    assert tier_of(name, scenario_id, party, datum) == tier


@pytest.mark.parametrize(
    ("name", "datum", "expected"),
    [
        (
            "instagram_ai",
            "ai_prompt",
            {
                LE: "inferred",
                "training_store": "established",
                "human_reviewers": "documented",
                "meta_ai": "established",
            },
        ),
        ("instagram_ai", "ai_ad_signal", {"ads_system": "established"}),
        ("e2ee_messenger", "chat_metadata", {"servers": "analysed", LE: "analysed"}),
    ],
)
def test_analyze_json_grades_the_default_setting(
    run_cli: Callable[..., Run], name: str, datum: str, expected: dict[str, str]
) -> None:
    """``exposure[datum].evidence`` of the default setting, as ``analyze`` writes it."""
    result = run_cli("analyze", str(ROOT / "models" / f"{name}.yaml"), "--format", "json")
    output = json.loads(result.stdout)
    default = output["default"]["values"]
    (setting,) = [s for s in output["settings"] if s["values"] == default]
    evidence = setting["exposure"][datum]["evidence"]
    assert {party: evidence[party] for party in expected} == expected


def _used_elements(model: Model) -> Iterator[tuple[str, Graded]]:
    """Every element that some derivation step rests on (docs/format.md, "Evidence")."""
    for section in ("data", "keys", "flows", "access"):
        for element_id, element in getattr(model, section).items():
            yield f"{section}.{element_id}", element
    observers = {o for flow in model.flows.values() for o in flow.observers}
    sources = {access.from_ for access in model.access.values()}
    for party_id in sorted(observers | sources):
        yield f"parties.{party_id}", model.parties[party_id]


@pytest.mark.parametrize("name", [*SHIPPED, "assistant_messenger"])
def test_every_step_is_stated_or_sourced(name: str) -> None:
    """So that ``unsourced`` in a table would mean a real gap: there is none today."""
    model = analysis_of(name).model
    unsourced = [
        element_id
        for element_id, element in _used_elements(model)
        if element_tier(model, element) is Evidence.UNSOURCED
    ]
    assert unsourced == []


def test_no_reading_in_the_readme_is_unsourced() -> None:
    section = script().current_section((ROOT / "README.md").read_text(encoding="utf-8"))
    assert "(unsourced)" not in section
    assert "(inferred)" in section and "(established)" in section


# ------------------------------------------------------------------ /reset-ai


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("instagram_ai", {"training_store"}),
        ("whatsapp_ai", {"training_store"}),
        ("messenger_ai", {"training_store"}),
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


@pytest.mark.parametrize("name", ["instagram_ai", "whatsapp_ai", "messenger_ai"])
def test_incomplete_deletion_names_only_meta_and_what_a_warrant_reaches(name: str) -> None:
    """TM004 reports what the record says a reset leaves behind: the training data (DEL-2),
    and the history and a warrant if the reset does not delete as described or the account
    was preserved (LE-2); never a friend's copy, the contractors or the ads system."""
    findings = judge(analysis_of(name)).findings
    parties = {f.party for f in findings if f.rule == "TM004"}
    assert parties <= {"training_store", "ai_history", LE, "pp_enclave", "pp_gateway"}
    assert "training_store" in parties
    for toggle in analysis_of(name).model.toggles.values():
        assert "mention_text" not in toggle.deletes


def test_reset_all_ais_also_reaches_what_meta_keeps_of_mentions() -> None:
    assert kept("whatsapp_ai", "mention_in_group", "mention_text") >= {"mention_history", LE}
    assert kept("whatsapp_ai", "mention_after_reset_all", "mention_text") == {"training_store"}
    result = analysis_of("whatsapp_ai").result_for(
        {**scenario("whatsapp_ai", "mention_in_group").setting, "reset_ai": True}
    )
    assert result.closure.level(LE, "mention_text") is Level.PLAINTEXT


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
WA_REFUTED = {"mentions_hidden_from_meta", "friends_cannot_share_my_messages"}


def broken_expectations(name: str) -> set[str]:
    """Expectations some allowed setting violates."""
    texts = analysis_of(name).expectation_texts
    return {e for e, parties in texts.items() if any(t != sop.NEVER for t in parties.values())}


@pytest.mark.parametrize(
    ("name", "failing"),
    [
        ("instagram_ai", AI_REFUTED),
        ("whatsapp_ai", AI_REFUTED | WA_REFUTED),
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
    assert len(model.toggles) <= 15
    assert len(model.assumptions) <= 7
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


_YAML_KEY = re.compile(r"^\s*(?:-\s+)?[\w-]+:\s*(?P<value>.*)$")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("''", "'").replace("\u2019", "'")).strip()


def _prose(text: str) -> str:
    """A model file's comments and values as one line, YAML's own quoting removed."""
    parts = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            parts.append(stripped.lstrip("#"))
            continue
        match = _YAML_KEY.match(line)
        value = match.group("value") if match else stripped
        if len(value) > 1 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1].replace('\\"', '"')
        elif value.startswith(("{", "[")):
            value = ""
        parts.append(value)
    return _plain(" ".join(parts))


def _quotations(text: str) -> list[str]:
    prose = _prose(text)
    double = re.findall(r'"([^"]+)"', prose)
    single = re.findall(r"(?<![\w])'([^']{6,}?)'(?![\w])", prose)
    return double + single


def test_quotation_finder_sees_quotes_inside_titles_and_comments() -> None:
    text = (
        '# as Meta says, "not even Meta"\n'
        "  title: \"WA-2: 'no one else, including Meta' (BGR)\"\n"
        "  title: 'Chats are \"not saved\"'\n"
        "  description: Meta's app\n"
    )
    assert _quotations(text) == ["not even Meta", "not saved", "no one else, including Meta"]


@pytest.mark.skipif(not FACTS.exists(), reason="the fact sheet is not next to this checkout")
@pytest.mark.parametrize("name", SHIPPED)
def test_every_quotation_is_verbatim_from_the_fact_sheet(name: str) -> None:
    """Quoted words (elisions marked ``...``) appear word for word in the fact sheet."""
    facts = _plain(FACTS.read_text(encoding="utf-8"))
    text = (ROOT / "models" / f"{name}.yaml").read_text(encoding="utf-8")
    for quotation in _quotations(text):
        for piece in re.split(r"\.\.\.|\u2026", quotation):
            piece = _plain(piece).strip(" ,.")
            assert not piece or piece in facts, quotation


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
