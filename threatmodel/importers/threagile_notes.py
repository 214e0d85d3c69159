"""What a Threagile model says that our format has no field for, as notes.

Each converted element gets one note listing Threagile's attributes (``type: process;
technology: web-server; ...``), one per free-text justification, and one saying how its
origin was inferred; the model as a whole gets notes for its questions, abuse cases,
security requirements, shared runtimes, custom risks, risk tracking and diagram tweaks.
"""

from __future__ import annotations

from typing import Any

from threatmodel.importers import notes
from threatmodel.importers import threagile_vocab as vocab
from threatmodel.importers.threagile_model import Named

LABEL = "Threagile"

ASSET_NOTES = (
    "type",
    "technology",
    "technologies",
    "size",
    "machine",
    "encryption",
    "owner",
    "usage",
    "confidentiality",
    "integrity",
    "availability",
    "tags",
    "internet",
    "used_as_client_by_human",
    "out_of_scope",
    "multi_tenant",
    "redundant",
    "custom_developed_parts",
    "data_assets_processed",
    "data_assets_stored",
    "data_formats_accepted",
    "diagram_tweak_order",
)
DATA_NOTES = (
    "confidentiality",
    "integrity",
    "availability",
    "usage",
    "quantity",
    "origin",
    "owner",
    "tags",
)
LINK_NOTES = (
    "protocol",
    "authentication",
    "authorization",
    "usage",
    "vpn",
    "ip_filtered",
    "readonly",
    "tags",
    "diagram_tweak_weight",
    "diagram_tweak_constraint",
)
BOUNDARY_NOTES = ("type", "tags")
_JUSTIFICATIONS = (
    ("justification_cia_rating", "CIA rating justification"),
    ("justification_out_of_scope", "out of scope because"),
)
ORIGIN_RULES = {
    -1: "the technical asset its Threagile origin names",
    0: "the assets that have it (process, store or send it) but receive it over no link",
    1: "the assets that store it and that the links from those before do not reach, one at "
    "a time in order of id",
    2: "the assets that send it and are still not reached, likewise",
    3: "the assets that have it and are still not reached, likewise",
}
"""How origins are chosen, for the note on each datum (see ``common.infer_origin``)."""


def element_note(what: str, item: Named, keys: tuple[str, ...]) -> str:
    """``Threagile WHAT (key: value; ...)``: the element's ``keys`` and unknown keys."""
    return notes.line(f"{LABEL} {what}", notes.attributes(item.raw, keys + item.unknown))


def justifications(item: Named) -> list[str]:
    """The free-text justifications Threagile asks for, one note each."""
    found = []
    for key, label in _JUSTIFICATIONS:
        text = notes.render(item.raw.get(key))
        if text:
            found.append(f"{label}: {text}")
    return found


def model_notes(root: dict[str, Any]) -> list[str]:
    """Everything about the model as a whole that has no place in our format."""
    result = []
    general = notes.attributes(
        root,
        (
            "threagile_version",
            "date",
            "author",
            "contributors",
            "business_criticality",
            "management_summary_comment",
            "tags_available",
            "includes",
        ),
    )
    result += [f"{part}" for part in general]
    for key in ("application_description", "business_overview", "technical_overview"):
        images = root.get(key, {}).get("images") if isinstance(root.get(key), dict) else None
        if not notes.is_empty(images):
            result.append(f"{key} images: {notes.render(images)}")
    for key, heading in (
        ("security_requirements", "security requirements"),
        ("abuse_cases", "abuse cases"),
    ):
        entries = root.get(key)
        if isinstance(entries, dict):
            result += notes.titled(heading, entries)
    questions = root.get("questions")
    if isinstance(questions, dict) and questions:
        result.append("questions:")
        for question, answer in questions.items():
            text = notes.render(answer)
            result.append(f"- {question} {text if text else '(no answer yet)'}")
    for key, heading in (
        ("shared_runtimes", "shared runtimes"),
        ("custom_risk_categories", "custom risk categories"),
        ("individual_risk_categories", "individual risk categories"),
        ("risk_tracking", "risk tracking"),
    ):
        entries = root.get(key)
        if isinstance(entries, dict):
            result += notes.titled(heading, entries)
        elif isinstance(entries, list) and entries:
            result += [f"{heading}:", *(f"- {notes.render(entry)}" for entry in entries)]
    tweaks = sorted(key for key in root if key.startswith("diagram_tweak_"))
    result += [
        f"{key}: {notes.render(root[key])}" for key in tweaks if not notes.is_empty(root[key])
    ]
    unknown = sorted(set(root) - vocab.TOP_LEVEL)
    result += [f"{key}: {notes.render(root[key])}" for key in unknown]
    return result
