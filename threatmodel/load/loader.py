"""Model file → :class:`~threatmodel.load.model.Model`, or every problem in it, located.

The steps: read at most :data:`~threatmodel.load.yamlsource.MAX_BYTES`, decode UTF-8, read the YAML
safely (:mod:`threatmodel.load.yamlsource`), check that ids are unique across sections, validate
with pydantic (passing every id as context so that references are checked in the same pass),
then run the checks that need the whole model (:mod:`threatmodel.load.validate`).  Every pydantic
error is mapped back to the line and column of the offending key or value.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from threatmodel.load import expr, validate
from threatmodel.load.diagnostics import (
    Diagnostic,
    Location,
    ModelError,
    Severity,
    article,
    describe,
    did_you_mean,
)
from threatmodel.load.files import display_name, read_input
from threatmodel.load.model import SECTION_KINDS, Model, References, TypedProblem
from threatmodel.load.yamlsource import MAX_BYTES, SourceMap, load_yaml, read_model_text


@dataclass(frozen=True)
class LoadedModel:
    """A valid model with the source positions of its elements."""

    model: Model
    source: SourceMap
    warnings: tuple[Diagnostic, ...] = ()

    @property
    def path(self) -> str:
        """The file as the user named it."""
        return self.source.path

    def locate(self, section: str, element_id: str, *field: str) -> Location:
        """Where an element (or one of its fields) is defined."""
        return self.source.locate((section, element_id, *field), key=True)


def load_file(path: str) -> LoadedModel:
    """Load and check one model file (``-``: standard input); raise :class:`ModelError`
    listing every problem."""
    data = read_input(path, MAX_BYTES, "a model file")
    name = display_name(path)
    text, problems = read_model_text(data, name)
    if text is None:
        raise ModelError(problems)
    return load_text(text, name)


def load_text(text: str, path: str) -> LoadedModel:
    """Load and check model text; ``path`` names it in messages.

    The cyclic garbage collector is paused meanwhile: reading a model allocates a container
    for every node, position and element, which either live on or are freed by reference
    counting, so the collector's passes over them (a twentieth of ``validate`` on a
    5,000-flow model) would find nothing to free.

    Examples
    --------
    >>> loaded = load_text("threatmodel: 1\\ntitle: Empty\\n", "empty.yaml")
    >>> loaded.model.title, loaded.path
    ('Empty', 'empty.yaml')
    >>> try:
    ...     load_text("threatmodel: 1\\ntitel: Empty\\n", "typo.yaml")
    ... except ModelError as error:
    ...     print(*error.diagnostics, sep="\\n")
    typo.yaml:1:1: error: missing required field 'title' in the model
    typo.yaml:2:1: error: unknown field 'titel' in the model; did you mean 'title'?
    """
    with _collector_paused():
        return _load_text(text, path)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_text(text: str, path: str) -> LoadedModel:
    raw, source, diagnostics = load_yaml(text, path)
    if raw is None and not diagnostics:
        diagnostics.append(
            Diagnostic(Location(path, 1, 1), "empty file; a model starts with 'threatmodel: 1'")
        )
    if diagnostics and raw is None:
        raise ModelError(diagnostics)
    if not isinstance(raw, dict):
        diagnostics.append(
            Diagnostic(
                Location(path, 1, 1),
                "the top level must be a mapping (threatmodel: 1, title: ...), "
                f"not {describe(raw)}",
            )
        )
        raise ModelError(diagnostics)
    diagnostics.extend(_duplicate_ids(raw, source))
    diagnostics.extend(_reserved_ids(raw, source))
    diagnostics.extend(validate.parent_cycles(_raw_parents(raw), source))
    references = References.of(raw)
    model: Model | None = None
    try:
        model = Model.model_validate(raw, context=references)
    except ValidationError as exc:
        diagnostics.extend(_from_validation_error(exc, source, raw))
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if model is None or errors:
        raise ModelError(_one_per_location(diagnostics))
    semantic_problems = validate.check(model, source)
    errors = [d for d in semantic_problems if d.severity is Severity.ERROR]
    if errors:
        raise ModelError(errors)
    warnings = tuple(sorted([*diagnostics, *semantic_problems]))
    return LoadedModel(model=model, source=source, warnings=warnings)


def _one_per_location(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Keep the first diagnostic at each position (YAML-level ones come first)."""
    seen: set[Location] = set()
    kept = []
    for diagnostic in diagnostics:
        if diagnostic.location not in seen:
            seen.add(diagnostic.location)
            kept.append(diagnostic)
    return kept


def _duplicate_ids(raw: dict[str, Any], source: SourceMap) -> list[Diagnostic]:
    """Ids defined in more than one section: each later definition (in file order) is an
    error pointing back at the first."""
    sections_of: dict[str, list[str]] = {}
    for section in SECTION_KINDS:
        elements = raw.get(section)
        if isinstance(elements, dict):
            for element_id in elements:
                if isinstance(element_id, str):
                    sections_of.setdefault(element_id, []).append(section)
    problems: list[Diagnostic] = []
    for element_id, sections in sections_of.items():
        if len(sections) < 2:
            continue
        places = sorted(
            (source.locate((section, element_id), key=True), section) for section in sections
        )
        first, first_section = places[0]
        label = article(_singular(SECTION_KINDS[first_section]))
        problems.extend(
            Diagnostic(
                location,
                f"duplicate id '{element_id}': already defined as {label} at line "
                f"{first.line}, column {first.column}; ids are unique across the whole file",
            )
            for location, _ in places[1:]
        )
    return problems


RESERVED_SCENARIO = "default"
"""Reports, ``render --scenario`` and the HTML report name the default setting so."""


def _reserved_ids(raw: dict[str, Any], source: SourceMap) -> list[Diagnostic]:
    """Ids that printed conditions or scenario lists would confuse with a word of their own."""
    words = ", ".join(sorted(expr.RESERVED))
    problems = []
    for section in SECTION_KINDS:
        elements = raw.get(section)
        if not isinstance(elements, dict):
            continue
        kind = _singular(SECTION_KINDS[section])
        for element_id in elements:
            if element_id in expr.RESERVED:
                message = (
                    f"'{element_id}' is a word of conditions ({words}) and cannot be an id; "
                    f"rename it, e.g. '{element_id}_{kind}'"
                )
            elif section == "scenarios" and element_id == RESERVED_SCENARIO:
                message = (
                    "'default' names the default setting in reports and diagrams, so a scenario "
                    "cannot be called that; rename it, e.g. 'default_scenario'"
                )
            else:
                continue
            problems.append(Diagnostic(source.locate((section, element_id), key=True), message))
    return problems


def _raw_parents(raw: dict[str, Any]) -> dict[str, str]:
    boundaries = raw.get("boundaries")
    if not isinstance(boundaries, dict):
        return {}
    return {
        name: fields["parent"]
        for name, fields in boundaries.items()
        if isinstance(fields, dict) and isinstance(fields.get("parent"), str)
    }


def _singular(kind: str) -> str:
    return "datum" if kind == "data" else kind


# ------------------------------------------------------------------ pydantic errors

_SECTION_CLASSES: dict[str, type[BaseModel]] = {
    section: Model.model_fields[section].annotation.__args__[1]  # type: ignore[union-attr]
    for section in SECTION_KINDS
}


def _from_validation_error(
    error: ValidationError, source: SourceMap, raw: dict[str, Any]
) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        kind = item["type"]
        problems = (item.get("ctx") or {}).get("problems")
        if kind == "threatmodel" and problems:
            diagnostics.extend(_typed_problem(loc, problem, source) for problem in problems)
            continue
        on_key = bool(loc) and loc[-1] == "[key]"
        node = loc[:-1] if on_key else loc
        if kind == "missing":
            diagnostics.append(
                Diagnostic(
                    source.locate(node[:-1], key=True)
                    if len(node) > 1
                    else Location(source.path, 1, 1),
                    _missing_message(node),
                )
            )
            continue
        if kind == "extra_forbidden":
            diagnostics.append(
                Diagnostic(source.locate(node, key=True), _unknown_field_message(node))
            )
            continue
        message = _message(kind, item, node, on_key)
        diagnostics.append(Diagnostic(source.locate(node, key=on_key), message))
    return diagnostics


def _typed_problem(loc: tuple[Any, ...], problem: TypedProblem, source: SourceMap) -> Diagnostic:
    node = tuple(part for part in loc if part != "[key]") + problem.subpath
    if problem.offset is not None:
        return Diagnostic(source.locate_in_scalar(node, problem.offset), problem.message)
    on_key = problem.on_key or (bool(loc) and loc[-1] == "[key]")
    return Diagnostic(source.locate(node, key=on_key), problem.message)


def _owner(node: tuple[Any, ...]) -> tuple[type[BaseModel], str] | None:
    """The model class holding the last field of ``node``, and a phrase naming it."""
    if len(node) == 1:
        return Model, "the model"
    if len(node) == 3 and node[0] in _SECTION_CLASSES:
        singular = _singular(SECTION_KINDS[node[0]])
        return _SECTION_CLASSES[node[0]], f"{singular} '{node[1]}'"
    return None


def _field_names(cls: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in cls.model_fields.items()]


def _missing_message(node: tuple[Any, ...]) -> str:
    field = node[-1]
    if node == ("threatmodel",):
        return "missing 'threatmodel: 1' (the format version) at the top of the file"
    owner = _owner(node)
    where = f" in {owner[1]}" if owner else ""
    return f"missing required field '{field}'{where}"


def _unknown_field_message(node: tuple[Any, ...]) -> str:
    field = str(node[-1])
    owner = _owner(node)
    if owner is None:
        return f"unknown field '{field}'"
    cls, phrase = owner
    names = _field_names(cls)
    suggestion = did_you_mean(field, names)
    if suggestion:
        return f"unknown field '{field}' in {phrase}{suggestion}"
    return f"unknown field '{field}' in {phrase}; expected one of: {', '.join(names)}"


_QUOTED = re.compile(r"'([^']*)'")


def _message(kind: str, item: Any, node: tuple[Any, ...], on_key: bool) -> str:
    value = item.get("input")
    field = _field_label(node)
    if kind == "string_pattern_mismatch":
        return (
            f"invalid id '{value}': ids start with a lowercase letter and contain only "
            "lowercase letters, digits and '_'"
        )
    if kind == "enum":
        allowed = _QUOTED.findall(str((item.get("ctx") or {}).get("expected", "")))
        suggestion = did_you_mean(str(value), allowed) if isinstance(value, str) else ""
        shown = f"'{value}'" if isinstance(value, str) else describe(value)
        name = field.strip("'")
        return f"invalid {name} {shown}{suggestion} (expected one of: {', '.join(allowed)})"
    if kind == "string_type":
        return f"expected text for {field}, got {describe(value)}"
    if kind == "bool_type":
        return f"expected true or false for {field}, got {describe(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping for {field}, got {describe(value)}"
    if kind == "list_type":
        hint = f"; write [{value}]" if isinstance(value, str) else ""
        return f"expected a list for {field}, got {describe(value)}{hint}"
    if kind == "too_short":
        return f"{field} needs at least one item"
    if kind == "expression_type":
        return f"expected an expression (text) or true/false for {field}, got {describe(value)}"
    return f"{field}: {item['msg']}"  # pragma: no cover - every type we produce is above


def _field_label(node: tuple[Any, ...]) -> str:
    """The field a value belongs to, skipping list indices."""
    for part in reversed(node):
        if isinstance(part, str):
            return f"'{part}'"
    return "the value"
