"""Threagile's ``includes:``: the files a model includes, read and merged into it.

Threagile reads each file a model lists under ``includes`` (relative to the including file;
an included file may include others, relative to itself) and merges it into the model: the
sections that are mappings (``technical_assets``, ``data_assets``...) entry by entry, lists
by adding what is new, and single values (``title``, ``date``...) only when they agree.  We
do the same, and keep track of which file each entry came from, so that every problem found
later is located in the file that has it.  An include that cannot be read, or that includes
a file already being included (a cycle), is a located error.
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Any

from threatmodel.importers.reading import Locate, Node, read_text, read_yaml, yaml_locator
from threatmodel.load.diagnostics import Diagnostic, Location, ModelError, describe

MAX_FILES = 200
"""Most files one model may bring in through includes."""

_JOINED = frozenset({"management_summary_comment"})
"""Single values that Threagile joins (one paragraph per file) rather than requiring equal."""


class _Merger:
    def __init__(self) -> None:
        self.errors: list[Diagnostic] = []
        self.owners: dict[Node, Locate] = {}
        """Where entries brought in by includes come from: (section,) or (section, name)."""
        self.files = 0

    def load(self, path: str) -> tuple[Any, Locate]:
        """An included file's values (``{}`` when it has none, as Threagile reads it)."""
        text = read_text(path, "a Threagile YAML model")
        if not any(
            line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()
        ):
            return {}, lambda node, key: Location(path, 1, 1)
        value, source = read_yaml(path, text)
        return value, yaml_locator(source)

    def merge_file(
        self,
        target: dict[str, Any],
        includes: Any,
        path: str,
        locate: Locate,
        stack: tuple[str, ...],
    ) -> None:
        """Read and merge each file in ``includes`` (the list in the file at ``path``)."""
        if includes is None:
            return
        if not isinstance(includes, list):
            self.errors.append(
                Diagnostic(
                    locate(("includes",), False),
                    f"expected a list for 'includes', got {describe(includes)}",
                )
            )
            return
        base = FilePath(path).parent
        for index, entry in enumerate(includes):
            where = locate(("includes", index), False)
            if not isinstance(entry, str) or not entry.strip():
                self.errors.append(
                    Diagnostic(where, f"expected a file name in 'includes', got {describe(entry)}")
                )
                continue
            included = str(base / entry.strip())
            key = str(FilePath(included).resolve())
            if key in stack:
                chain = " → ".join(
                    [
                        *(FilePath(p).name for p in stack[stack.index(key) :]),
                        FilePath(included).name,
                    ]
                )
                self.errors.append(Diagnostic(where, f"includes form a cycle: {chain}"))
                continue
            self.files += 1
            if self.files > MAX_FILES:
                self.errors.append(Diagnostic(where, f"more than {MAX_FILES} included files"))
                return
            try:
                value, file_locate = self.load(included)
            except ModelError as exc:
                if not FilePath(included).exists():
                    message = f"cannot read included file '{entry}': no such file"
                    self.errors.append(Diagnostic(where, message))
                else:
                    self.errors += exc.diagnostics
                continue
            if not isinstance(value, dict):
                self.errors.append(
                    Diagnostic(
                        Location(included, 1, 1),
                        f"not a Threagile model: the top level is {describe(value)}",
                    )
                )
                continue
            self.merge(target, value, file_locate)
            self.merge_file(target, value.get("includes"), included, file_locate, (*stack, key))

    def merge(self, target: dict[str, Any], value: dict[str, Any], locate: Locate) -> None:
        for section, item in value.items():
            if section == "includes":
                continue
            if section not in target or target[section] in (None, "", [], {}):
                target[section] = item
                self.owners.setdefault((section,), locate)
                continue
            current = target[section]
            if isinstance(current, dict) and isinstance(item, dict):
                for name, entry in item.items():
                    if name not in current:
                        current[name] = entry
                        self.owners[(section, name)] = locate
                    else:
                        current[name] = self.combine(current[name], entry, (section, name), locate)
            else:
                target[section] = self.combine(current, item, (section,), locate)

    def combine(self, current: Any, other: Any, node: Node, locate: Locate) -> Any:
        """Two values for one place: equal, one empty, mappings and lists merged; else an
        error at ``other``."""
        if current == other or other in (None, "", [], {}):
            return current
        if current in (None, "", [], {}):
            return other
        if isinstance(current, dict) and isinstance(other, dict):
            merged = dict(current)
            for key, item in other.items():
                merged[key] = (
                    self.combine(merged[key], item, (*node, key), locate) if key in merged else item
                )
            return merged
        if isinstance(current, list) and isinstance(other, list):
            return current + [item for item in other if item not in current]
        if node[0] in _JOINED and isinstance(current, str) and isinstance(other, str):
            return f"{current}\n\n{other}"
        self.errors.append(
            Diagnostic(
                locate(node, False),
                f"'{'.'.join(str(part) for part in node)}' differs from the value an including "
                "file gives it; Threagile refuses such a merge",
            )
        )
        return current


def read_with_includes(path: str) -> tuple[Any, Locate]:
    """The model at ``path`` with every included file merged in, and a way to locate any of
    its nodes in the file it came from; :class:`ModelError` with every problem."""
    text = read_text(path, "a Threagile YAML model")
    root, source = read_yaml(path, text)
    locate = yaml_locator(source)
    if not isinstance(root, dict) or not root.get("includes"):
        return root, locate
    merger = _Merger()
    merged = dict(root)
    merger.merge_file(merged, root.get("includes"), path, locate, (str(FilePath(path).resolve()),))
    if merger.errors:
        raise ModelError(merger.errors)
    owners = merger.owners

    def locate_any(node: Node, key: bool) -> Location:
        for depth in (2, 1):
            owner = owners.get(node[:depth])
            if owner is not None and len(node) >= depth:
                return owner(node, key)
        return locate(node, key)

    return merged, locate_any
