"""Reading another tool's file safely: size limits, text checks, YAML and JSON with positions.

Threagile files go through our own YAML reader (:mod:`threatmodel.load.yamlsource`): tags, alias
bombs, duplicate keys, deep nesting and huge files are located errors there.  Two things
differ from a model file:

* YAML 1.1 booleans (``yes``, ``off``...) are not errors: Threagile's reader accepts them
  where it expects a boolean, so the converter does too (:mod:`threatmodel.importers.fields`);
* merge keys (``<<: *base``), which Threagile's own demo uses, are applied.

pytm files are JSON, read with :mod:`json` (duplicate keys are errors; nesting past the
interpreter's limit is an error, not a crash).  For messages, positions come from reading
the same text with the YAML reader, which accepts JSON; only when a message needs one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from threatmodel.load.diagnostics import Diagnostic, Location, ModelError
from threatmodel.load.files import display_name, read_input
from threatmodel.load.yamlsource import MAX_BYTES, YAML11_BOOLEANS, SourceMap, load_yaml

Node = tuple[str | int, ...]
"""Where a value sits in the file: the keys and indices leading to it."""

Locate = Callable[[Node, bool], Location]
"""Where a node is (its key when the flag is set)."""


def read_text(path: str, expected: str) -> str:
    """A file's text, or a :class:`ModelError` saying why it is not ``expected`` text."""
    data = read_input(path, MAX_BYTES, expected)
    path = display_name(path)
    if len(data) > MAX_BYTES:
        raise _error(path, 1, 1, f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if b"\x00" in data:
        raise _error(path, 1, 1, f"binary file (contains NUL bytes); expected {expected}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        message = f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); expected {expected}"
        raise _error(path, line, column, message) from None


def _error(path: str, line: int, column: int, message: str) -> ModelError:
    return ModelError([Diagnostic(Location(path, line, column), message)])


# ------------------------------------------------------------------------------ YAML


def read_yaml(path: str, text: str) -> tuple[Any, SourceMap]:
    """Values (merge keys applied) and positions of a YAML file; errors as ModelError."""
    value, source, diagnostics = load_yaml(text, path)
    errors = [d for d in diagnostics if not _is_yaml11_boolean(d)]
    if errors:
        raise ModelError(errors)
    if value is None:
        raise _error(path, 1, 1, "empty file")
    return apply_merge_keys(value), source


def _is_yaml11_boolean(diagnostic: Diagnostic) -> bool:
    """The reader's complaint about ``yes``/``no``/``on``/``off``, which we accept here."""
    return any(
        diagnostic.message.startswith(f"'{word}' is a boolean in YAML 1.1")
        for word in YAML11_BOOLEANS
    )


def apply_merge_keys(value: Any) -> Any:
    """Apply YAML merge keys (``<<: *base`` or ``<<: [*a, *b]``) throughout ``value``.

    Keys written next to ``<<`` win over merged ones, and earlier merged mappings over later
    ones, as YAML specifies.  Aliased nodes are shared, so each is resolved once.
    """
    done: dict[int, Any] = {}

    def resolve(node: Any, depth: int) -> Any:
        if not isinstance(node, dict | list) or depth > 200:
            return node
        if id(node) in done:
            return done[id(node)]
        if isinstance(node, list):
            result: Any = [resolve(item, depth + 1) for item in node]
        else:
            result = {}
            bases = node.get("<<")
            base_list = bases if isinstance(bases, list) else [bases]
            for base in reversed(base_list):
                resolved = resolve(base, depth + 1)
                if isinstance(resolved, dict):
                    result.update(resolved)
            for key, item in node.items():
                if key != "<<" or not isinstance(bases, dict | list):
                    result[key] = resolve(item, depth + 1)
        done[id(node)] = result
        return result

    return resolve(value, 0)


def yaml_locator(source: SourceMap) -> Locate:
    """Positions in a YAML file."""
    return lambda node, key: source.locate(node, key=key)


# ------------------------------------------------------------------------------ JSON


def read_json(path: str, text: str) -> tuple[Any, Locate]:
    """Values of a JSON file and a way to locate its nodes; errors as ModelError."""
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, item in items:
            if key in result:
                duplicates.append(key)
            result[key] = item
        return result

    try:
        value = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise _error(path, exc.lineno, exc.colno, f"not JSON: {exc.msg}") from None
    except RecursionError:
        raise _error(path, 1, 1, "not readable: JSON nested too deeply") from None
    except ValueError:  # an integer with more digits than Python converts
        raise _error(path, 1, 1, "not readable: a number in the JSON is too long") from None
    locate = _JsonPositions(path, text)
    if duplicates:
        found = locate.duplicate_keys()
        if found:
            raise ModelError(found)
        raise ModelError(
            [Diagnostic(Location(path, 1, 1), f"duplicate key '{key}'") for key in duplicates]
        )
    return value, locate


class _JsonPositions:
    """Positions in a JSON file, from the YAML reader, computed only when first asked for."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self._source: SourceMap | None = None
        self._diagnostics: list[Diagnostic] = []
        self._read = False

    def _load(self) -> SourceMap | None:
        if not self._read:
            self._read = True
            value, source, diagnostics = load_yaml(self.text, self.path)
            self._diagnostics = diagnostics
            self._source = source if value is not None else None
        return self._source

    def __call__(self, node: Node, key: bool) -> Location:
        source = self._load()
        if source is None:
            return Location(self.path, 1, 1)
        return source.locate(node, key=key)

    def duplicate_keys(self) -> list[Diagnostic]:
        """The reader's located duplicate-key errors, if it could read the text."""
        self._load()
        return [d for d in self._diagnostics if d.message.startswith("duplicate key")]
