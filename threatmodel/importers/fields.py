"""Typed, located access to another tool's values: every wrong type is an error, not a crash.

A converter asks :class:`Reader` for a field as text, a flag, a mapping, a list or a list of
names.  A missing or null field gives the empty value; a value of the wrong type is recorded
as a located error (all of them are reported together) and also gives the empty value, so
that the converter can carry on and find the other problems.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from threatmodel.importers.reading import Locate, Node
from threatmodel.load.diagnostics import (
    Diagnostic,
    Location,
    ModelError,
    Severity,
    describe,
    did_you_mean,
)

_TRUE_WORDS = frozenset({"true", "yes", "on"})
_FALSE_WORDS = frozenset({"false", "no", "off"})


class Reader:
    """Collects located errors and warnings while a converter reads a file."""

    def __init__(self, path: str, locate: Locate) -> None:
        self.path = path
        self.locate = locate
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []

    # ------------------------------------------------------------------ problems

    def where(self, node: Node, *, key: bool = False) -> Location:
        """The position of ``node``, or 1:1."""
        return self.locate(node, key)

    def error(self, node: Node, message: str, *, key: bool = False) -> None:
        """Record an error at ``node``."""
        self.errors.append(Diagnostic(self.where(node, key=key), message))

    def warn(self, node: Node, message: str, *, key: bool = False) -> None:
        """Record a warning at ``node``."""
        self.warnings.append(Diagnostic(self.where(node, key=key), message, Severity.WARNING))

    def check(self) -> None:
        """Raise every error recorded so far."""
        if self.errors:
            raise ModelError(self.errors)

    # ------------------------------------------------------------------ values

    def text(self, mapping: dict[str, Any], name: str, node: Node) -> str:
        """A text field ('' when absent); numbers are taken as written."""
        value = mapping.get(name)
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self.error((*node, name), f"expected text for '{name}', got {describe(value)}")
        return ""

    def flag(self, mapping: dict[str, Any], name: str, node: Node) -> bool:
        """A boolean field (false when absent); ``yes``/``no``/``on``/``off`` are accepted."""
        value = mapping.get(name)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in _TRUE_WORDS | _FALSE_WORDS:
            return value.lower() in _TRUE_WORDS
        self.error((*node, name), f"expected true or false for '{name}', got {describe(value)}")
        return False

    def mapping(self, mapping: dict[str, Any], name: str, node: Node) -> dict[str, Any]:
        """A mapping field ({} when absent)."""
        value = mapping.get(name)
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        self.error((*node, name), f"expected a mapping for '{name}', got {describe(value)}")
        return {}

    def items(self, mapping: dict[str, Any], name: str, node: Node) -> list[Any]:
        """A list field ([] when absent)."""
        value = mapping.get(name)
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.error((*node, name), f"expected a list for '{name}', got {describe(value)}")
        return []

    def names(self, mapping: dict[str, Any], name: str, node: Node) -> list[str]:
        """A list of names or ids; each item must be text."""
        found = []
        for index, item in enumerate(self.items(mapping, name, node)):
            if isinstance(item, str):
                found.append(item)
            elif item is not None:
                self.error(
                    (*node, name, index),
                    f"expected a name in '{name}', got {describe(item)}",
                )
        return found

    def member(self, value: Any, what: str, node: Node) -> dict[str, Any] | None:
        """An element that must be a mapping; ``None`` (after an error) when it is not."""
        if isinstance(value, dict):
            return value
        self.error(node, f"expected a mapping for {what}, got {describe(value)}")
        return None

    def choice(self, mapping: dict[str, Any], name: str, node: Node, allowed: Iterable[str]) -> str:
        """A text field that must be one of ``allowed`` ('' when absent)."""
        value = self.text(mapping, name, node)
        options = list(allowed)
        if value and value not in options:
            self.error(
                (*node, name),
                f"invalid {name} '{value}'{did_you_mean(value, options)} "
                f"(expected one of: {', '.join(options)})",
            )
            return ""
        return value
