"""pytm's classes and values, and how each maps to ours (see :mod:`threatmodel.importers.pytm`).

Also which of an object's attributes are worth a note: pytm writes every attribute of every
object, set or not, so "not set" values (``""``, ``-1``, ``TLSVersion.NONE``...) are left out.
"""

from __future__ import annotations

import re
from typing import Any

from threatmodel.importers import notes
from threatmodel.importers.conventions import at_least

CLASS_KINDS = {
    "Actor": "person",
    "Server": "service",
    "Process": "service",
    "SetOfProcesses": "service",
    "Lambda": "service",
    "Agent": "service",
    "Asset": "service",
    "Datastore": "store",
    "ExternalEntity": "third_party",
    "LLM": "ai_model",
}
"""pytm element class → our party kind."""

CLASSIFICATION = {
    "UNKNOWN": "personal",
    "PUBLIC": "public",
    "RESTRICTED": "internal",
    "SENSITIVE": "personal",
    "SECRET": "sensitive",
    "TOP_SECRET": "sensitive",
}
"""pytm ``Classification`` → our classification."""

ENCRYPTED_PROTOCOLS = frozenset(
    {"https", "tls", "ssl", "dtls", "ssh", "sftp", "ftps", "scp", "ldaps", "wss"}
    | {"smtps", "imaps", "pop3s", "quic"}
)
"""A flow whose protocol contains one of these words is ``transport``-protected."""

UNSET = frozenset(
    {
        "TLSVersion.NONE",
        "Classification.UNKNOWN",
        "Lifetime.NONE",
        "DatastoreType.UNKNOWN",
        "Action.NO_ACTION",
    }
)
"""Values pytm writes for "not set"."""

CONVERTED = frozenset(
    {"name", "description", "__class__", "inBoundary", "controls", "findings", "data"}
    | {"inputs", "outputs", "severity", "maxClassification", "carriedBy", "processedBy"}
)
"""Attributes that are converted, or that pytm derives from others: no note."""

FLOW_CONVERTED = frozenset({"source", "sink", "note"})
"""A flow's attributes that are converted as well."""

_WORD = re.compile(r"[a-z0-9]+")


def classification(raw: dict[str, Any]) -> str:
    """Our classification for a pytm datum."""
    value = raw.get("classification")
    name = value.rsplit(".", 1)[-1].upper() if isinstance(value, str) else "UNKNOWN"
    result = CLASSIFICATION.get(name, "personal")
    if raw.get("isPII") is True:
        result = at_least(result, "personal")
    if raw.get("isCredentials") is True:
        result = at_least(result, "sensitive")
    return result


def protection(raw: dict[str, Any]) -> str:
    """``transport`` when pytm says the flow is encrypted, else ``none``."""
    controls = raw.get("controls")
    if isinstance(controls, dict) and controls.get("isEncrypted") is True:
        return "transport"
    tls = raw.get("tlsVersion")
    if isinstance(tls, str) and tls and tls not in UNSET:
        return "transport"
    protocol = raw.get("protocol")
    if isinstance(protocol, str) and ENCRYPTED_PROTOCOLS & set(_WORD.findall(protocol.lower())):
        return "transport"
    return "none"


def attributes(
    raw: dict[str, Any], skip: frozenset[str] = frozenset(), everything: bool = False
) -> list[str]:
    """Every attribute with a value worth keeping (except those converted, or derived by
    pytm, unless ``everything``), then the controls that are set."""
    parts = []
    for key in sorted(raw):
        value = raw[key]
        converted = not everything and (key in CONVERTED or key in skip)
        if converted or is_default(key, value):
            continue
        parts.append(key if value is True else f"{key}: {notes.render(value)}")
    controls = raw.get("controls")
    if isinstance(controls, dict):
        enabled = [key for key, value in sorted(controls.items()) if value is True]
        if enabled:
            parts.append(f"controls: {', '.join(enabled)}")
        parts += [
            f"controls.{key}: {notes.render(value)}"
            for key, value in sorted(controls.items())
            if isinstance(value, str) and value
        ]
    return parts


def is_default(key: str, value: Any) -> bool:
    """pytm's way of saying "not set" (or its default, for ``inScope`` and ``levels``)."""
    if notes.is_empty(value) or (isinstance(value, str) and value in UNSET) or value == -1:
        return True
    return (key == "inScope" and value is True) or (key == "levels" and value == [0])
