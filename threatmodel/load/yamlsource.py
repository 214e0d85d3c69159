"""Read a YAML model file safely into plain Python values, keeping source positions.

PyYAML's own loaders are unsafe for hostile input in several ways: they keep the last of
two duplicate keys, read ``on``/``yes``/``no`` as booleans, follow alias bombs, recurse on
deep nesting and (outside ``safe_load``) construct tagged Python objects.  This module reads
the parser's *event stream* instead and builds the values itself, iteratively, so that:

* duplicate keys, YAML 1.1 booleans, tags, nesting past :data:`MAX_DEPTH`, more than one
  document and alias expansion past :data:`MAX_ALIAS_NODES` are located diagnostics;
* scalars follow the YAML 1.2 core schema restricted to ``null``, ``true`` and ``false``:
  every other scalar is text exactly as written, so ``1e3`` stays ``"1e3"``;
* file size is capped at :data:`MAX_BYTES` before anything is decoded.

Positions are recorded in a :class:`SourceMap`, keyed by the path of a node
(``("flows", "dm_upload", "data", 0)``).  To keep large models cheap, the first read records
only the top levels; a lookup of a deeper path re-reads the text once with full recording.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

import yaml

from threatmodel.load.diagnostics import Diagnostic, Location

MAX_BYTES = 64 * 1024 * 1024
"""Largest model file read, in bytes."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences accepted."""
MAX_ALIAS_NODES = 1_000_000
"""Most nodes that aliases may add to a document when expanded."""
SHALLOW_DEPTH = 2
"""Depth to which positions are recorded on the first read."""

Path = tuple[str | int, ...]

YAML11_BOOLEANS = frozenset(
    word for base in ("yes", "no", "on", "off") for word in (base, base.capitalize(), base.upper())
)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_SPECIAL_PLAIN = _NULLS | _TRUE | _FALSE | YAML11_BOOLEANS
"""Plain scalars that are not text as written, or that earn a warning."""
_STR_TAG = "tag:yaml.org,2002:str"
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlFatal(Exception):
    """A problem after which the rest of the document cannot be read."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


@dataclass(frozen=True)
class ScalarStyle:
    """How a scalar was written, to map offsets inside it back to columns."""

    quoted: bool
    single_line: bool


@dataclass
class SourceMap:
    """Positions of the nodes of one model file."""

    path: str
    text: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    styles: dict[Path, ScalarStyle] = field(default_factory=dict)
    complete: bool = False
    located: dict[tuple[Path, bool], Location] = field(
        default_factory=dict, repr=False, compare=False
    )
    """Answers of :meth:`locate` (reports locate the same elements once per finding)."""

    def locate(self, node: Path, *, key: bool = False) -> Location:
        """Location of the node at ``node`` (of its mapping key when ``key``).

        Falls back to the nearest enclosing node that was recorded, and to 1:1.
        """
        known = self.located.get((node, key))
        if known is not None:
            return known
        if not self.complete and len(node) > SHALLOW_DEPTH:
            self._record_everything()
        location = self._find(node, key)
        self.located[(node, key)] = location
        return location

    def _find(self, node: Path, key: bool) -> Location:
        table = self.keys if key else self.values
        probe = node
        while probe:
            if probe in table:
                line, column = table[probe]
                return Location(self.path, line, column)
            if key and probe in self.values:
                line, column = self.values[probe]
                return Location(self.path, line, column)
            probe = probe[:-1]
            table = self.keys
        return Location(self.path, 1, 1)

    def locate_in_scalar(self, node: Path, offset: int) -> Location:
        """Location of character ``offset`` inside the scalar at ``node``."""
        start = self.locate(node)
        style = self.styles.get(node)
        if style is None or not style.single_line:
            return start
        shift = 1 if style.quoted else 0
        return Location(self.path, start.line, start.column + shift + offset)

    def _record_everything(self) -> None:
        self.complete = True
        self.located.clear()
        with contextlib.suppress(YamlFatal, yaml.YAMLError):
            _compose(self.text, self, record_depth=None)


def read_model_text(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Decode file bytes as UTF-8 text, or explain why they are not a model file."""
    if len(data) > MAX_BYTES:
        return None, [_diag(path, 1, 1, f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB")]
    if b"\x00" in data:
        return None, [_diag(path, 1, 1, "binary file (contains NUL bytes); expected YAML text")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        byte = data[exc.start]
        message = f"invalid UTF-8 (byte 0x{byte:02x}); model files must be UTF-8 text"
        return None, [_diag(path, line, column, message)]
    return text, []


def load_yaml(text: str, path: str) -> tuple[Any, SourceMap, list[Diagnostic]]:
    """Parse one YAML document into plain values.

    Returns the value (``None`` when the document could not be read at all), its source
    map, and the diagnostics found while reading.
    """
    source = SourceMap(path=path, text=text)
    try:
        value, diagnostics = _compose(text, source, record_depth=SHALLOW_DEPTH)
    except YamlFatal as exc:
        return None, source, [_diag(path, exc.line, exc.column, exc.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "malformed YAML"
        return None, source, [_diag(path, line, column, f"YAML syntax error: {problem}")]
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        message = f"character U+{exc.character:04X} is not allowed in YAML ({exc.reason})"
        return None, source, [_diag(path, line, column, message)]
    except yaml.YAMLError as exc:
        flat = " ".join(str(exc).split())
        return None, source, [_diag(path, 1, 1, f"YAML syntax error: {flat}")]
    return value, source, diagnostics


def _line_column(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def _diag(path: str, line: int, column: int, message: str) -> Diagnostic:
    return Diagnostic(Location(path, line, column), message)


class _Frame:
    """A mapping or sequence being filled."""

    __slots__ = (
        "anchor",
        "container",
        "has_key",
        "is_key",
        "is_map",
        "keys",
        "path",
        "pending",
        "recorded",
        "size",
    )

    def __init__(self, is_map: bool, path: Path, anchor: Any, is_key: bool, depth: int) -> None:
        self.container: dict[str, Any] | list[Any] = {} if is_map else []
        self.is_key = is_key
        self.is_map = is_map
        self.path = path
        self.recorded = len(path) < depth
        """Whether the positions of this node's members are recorded."""
        self.anchor = anchor
        self.size = 1
        self.pending: str | None = None
        self.has_key = False
        self.keys: dict[str, tuple[int, int]] = {}


def _compose(
    text: str, source: SourceMap, record_depth: int | None
) -> tuple[Any, list[Diagnostic]]:
    """Build values from the event stream; record positions down to ``record_depth``."""
    return _Composer(source, record_depth).run(text)


class _Composer:
    """Turns parser events into values, one event at a time (no recursion)."""

    def __init__(self, source: SourceMap, record_depth: int | None) -> None:
        self.source = source
        self.full = record_depth is None
        self.depth = MAX_DEPTH + 1 if record_depth is None else record_depth
        self.diagnostics: list[Diagnostic] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.alias_nodes = 0

    def problem(self, line: int, column: int, message: str) -> None:
        self.diagnostics.append(_diag(self.source.path, line, column, message))

    def run(self, text: str) -> tuple[Any, list[Diagnostic]]:
        loader = _Loader(text)
        try:
            self._consume(loader)
        finally:
            loader.dispose()
        return self.root, self.diagnostics

    def _consume(self, loader: Any) -> None:
        documents = 0
        stack = self.stack
        values = self.source.values
        get_event = loader.get_event
        scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
        starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
        ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event and stack and self._text_member(stack[-1], event):
                continue
            if kind in ends:
                frame = stack.pop()
                if frame.anchor:
                    self.anchors[frame.anchor] = (frame.container, frame.size)
                if not frame.is_key:
                    self._attach(frame.container, frame.size)
                    continue
            if event is None or kind is yaml.StreamEndEvent:
                return
            mark = event.start_mark
            line, column = mark.line + 1, mark.column + 1
            if kind is scalar_event:
                tag = event.tag
                if tag is not None:
                    self._check_tag(tag, line, column)
                value: Any = event.value
                if not event.style and tag is None:
                    value = self._resolve_plain(value, line, column)
                if stack and stack[-1].is_map and not stack[-1].has_key:
                    self._key(stack[-1], value, line, column, True)
                    if event.anchor:
                        self.anchors[event.anchor] = (value, 1)
                    continue
                node = self._value_path()
                if node is not None and len(node) <= self.depth:
                    values[node] = (line, column)
                    if self.full and isinstance(value, str):
                        self.source.styles[node] = ScalarStyle(
                            quoted=event.style in ("'", '"'),
                            single_line=mark.line == event.end_mark.line,
                        )
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1)
                self._attach(value, 1)
            elif kind in starts:
                if event.tag is not None:
                    self._check_tag(event.tag, line, column)
                if len(stack) >= MAX_DEPTH:
                    raise YamlFatal(line, column, f"nesting is deeper than {MAX_DEPTH} levels")
                is_key = bool(stack) and stack[-1].is_map and not stack[-1].has_key
                if is_key:
                    self.problem(line, column, "mapping keys must be plain text")
                    node = None
                else:
                    node = self._value_path()
                if node is None:
                    node = (*stack[-1].path, "\x00discarded")
                elif len(node) <= self.depth:
                    values[node] = (line, column)
                is_map = kind is yaml.MappingStartEvent
                stack.append(_Frame(is_map, node, event.anchor, is_key, self.depth))
            elif kind in ends:  # a mapping or sequence written as a key, popped above
                self._key(stack[-1], None, line, column, False)
            elif kind is alias_event:
                self._alias(event.anchor, line, column)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise YamlFatal(line, column, "expected one YAML document per file, found more")

    def _text_member(self, frame: _Frame, event: Any) -> bool:
        """Put a scalar that is text, untagged and unanchored into the open mapping or
        sequence ``frame``, when it is a new key or a member (most events of a model);
        ``False`` leaves every other scalar to the general path of :meth:`_consume`."""
        value = event.value
        if event.tag is not None or event.anchor or (value in _SPECIAL_PLAIN and not event.style):
            return False
        if frame.is_map and not frame.has_key:
            if value in frame.keys:
                return False
            mark = event.start_mark
            position = (mark.line + 1, mark.column + 1)
            frame.has_key = True
            frame.size += 1
            frame.keys[value] = position
            frame.pending = value
            if frame.recorded:
                self.source.keys[(*frame.path, value)] = position
            return True
        container = frame.container
        frame.size += 1
        if frame.is_map:
            pending = frame.pending
            frame.has_key = False
            if pending is None:
                return True
            container[pending] = value  # type: ignore[call-overload]
            frame.pending = None
            if not frame.recorded:
                return True
            node: Path = (*frame.path, pending)
        else:
            container.append(value)  # type: ignore[union-attr]
            if not frame.recorded:
                return True
            node = (*frame.path, len(container) - 1)
        mark = event.start_mark
        self.source.values[node] = (mark.line + 1, mark.column + 1)
        if self.full:
            self.source.styles[node] = ScalarStyle(
                quoted=event.style in ("'", '"'),
                single_line=mark.line == event.end_mark.line,
            )
        return True

    def _resolve_plain(self, value: str, line: int, column: int) -> Any:
        if value in _NULLS:
            return None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        if value in YAML11_BOOLEANS:
            self.problem(
                line,
                column,
                f"'{value}' is a boolean in YAML 1.1; write true or false, "
                f"or quote it ('{value}') if you mean text",
            )
        return value

    @staticmethod
    def _check_tag(tag: str, line: int, column: int) -> None:
        if tag != _STR_TAG:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise YamlFatal(line, column, f"YAML tags are not allowed ('{shown}'); remove the tag")

    def _value_path(self) -> Path | None:
        """Path of the value about to be attached; ``None`` when it will be discarded."""
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if not frame.is_map:
            return (*frame.path, len(frame.container))
        if frame.pending is None:
            return None
        return (*frame.path, frame.pending)

    def _key(self, frame: _Frame, value: Any, line: int, column: int, scalar: bool) -> None:
        frame.has_key = True
        frame.size += 1
        frame.pending = None
        if not scalar or not isinstance(value, str):
            if scalar:
                self.problem(line, column, "mapping keys must be plain text")
            return
        first = frame.keys.get(value)
        if first is not None:
            self.problem(
                line,
                column,
                f"duplicate key '{value}' (first defined at line {first[0]}, column {first[1]})",
            )
            return
        frame.keys[value] = (line, column)
        frame.pending = value
        member = (*frame.path, value)
        if len(member) <= self.depth:
            self.source.keys[member] = (line, column)

    def _attach(self, value: Any, size: int) -> None:
        stack = self.stack
        if not stack:
            self.root = value
            return
        frame = stack[-1]
        frame.size += size
        if not frame.is_map:
            frame.container.append(value)  # type: ignore[union-attr]
            return
        frame.has_key = False
        if frame.pending is not None:
            frame.container[frame.pending] = value  # type: ignore[call-overload]
        frame.pending = None

    def _alias(self, anchor: str, line: int, column: int) -> None:
        if anchor not in self.anchors:
            raise YamlFatal(line, column, f"alias '*{anchor}' refers to a node not complete here")
        value, size = self.anchors[anchor]
        self.alias_nodes += size
        if self.alias_nodes > MAX_ALIAS_NODES:
            raise YamlFatal(
                line,
                column,
                f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes; "
                "refusing to expand (alias bomb?)",
            )
        stack = self.stack
        if stack and stack[-1].is_map and not stack[-1].has_key:
            scalar = not isinstance(value, dict | list)
            if not scalar:
                self.problem(line, column, "mapping keys must be plain text")
            self._key(stack[-1], value, line, column, scalar)
            return
        node = self._value_path()
        if node is not None and len(node) <= self.depth:
            self.source.values[node] = (line, column)
        self._attach(value, size)
