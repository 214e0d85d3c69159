"""The JSON Schema of the model format, generated from :mod:`threatmodel.load.model`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from threatmodel.load.expr import RESERVED
from threatmodel.load.loader import RESERVED_SCENARIO
from threatmodel.load.model import Model


def model_schema() -> dict[str, Any]:
    """The JSON Schema; sections reject ids that do not match the id pattern, and the
    words that cannot be ids (scenarios: nor ``default``)."""
    schema = Model.model_json_schema()
    _close_pattern_objects(schema)
    scenarios = schema["properties"]["scenarios"]
    scenarios["propertyNames"] = _not_one_of([*RESERVED, RESERVED_SCENARIO])
    return schema


def schema_text() -> str:
    """The schema as committed in ``threatmodel.schema.json``."""
    return json.dumps(model_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _close_pattern_objects(node: Any) -> None:
    """Sections are keyed by id: forbid keys that do not match the pattern."""
    if isinstance(node, dict):
        if "patternProperties" in node:
            node["additionalProperties"] = False
            node["propertyNames"] = _not_one_of(RESERVED)
        for value in node.values():
            _close_pattern_objects(value)
    elif isinstance(node, list):
        for value in node:
            _close_pattern_objects(value)


def _not_one_of(words: Iterable[str]) -> dict[str, Any]:
    return {"not": {"enum": sorted(words)}}
