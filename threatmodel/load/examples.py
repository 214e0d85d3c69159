"""A small model for the documentation's runnable examples and for experiments.

>>> chat().model.title
'Two-party chat'
"""

from __future__ import annotations

from threatmodel.load.loader import LoadedModel, load_text

CHAT = """\
threatmodel: 1
title: Two-party chat
parties:
  alice: {kind: person}
  server: {kind: service}
toggles:
  e2ee: {default: false}
keys:
  chat_key: {holders: [alice]}
data:
  message: {origin: [alice]}
flows:
  upload: {from: alice, to: server, data: [message], when: not e2ee}
  sealed_upload:
    from: alice
    to: server
    data: [message]
    protection: {end_to_end: chat_key}
    when: e2ee
"""
"""Alice sends a message to a server, sealed under a key only she holds when ``e2ee`` is on."""


def chat() -> LoadedModel:
    """:data:`CHAT`, loaded."""
    return load_text(CHAT, "chat.yaml")
