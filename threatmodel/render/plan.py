"""Which diagrams a ``render`` run draws, and the file name of each.

A file name is the model file's stem, the setting's name (a scenario id or ``default``) and,
for the other views, what they show: ``assistant_messenger.private_chat``,
``big.default.overview``, ``big.default.boundary.b3``, ``big.default.focus.d0``,
``assistant_messenger.diff.default.private_chat``.  A highlighted datum adds its id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from threatmodel.engine.exposure import Analysis
from threatmodel.engine.space import SettingsError
from threatmodel.load.diagnostics import did_you_mean
from threatmodel.render.diffview import diff_scene
from threatmodel.render.large import (
    OUTSIDE,
    Grouping,
    boundary_scene,
    focus_scene,
    overview_scene,
)
from threatmodel.render.scene import Scene
from threatmodel.render.views import DEFAULT_NAME, Drawn, full_scene

DEFAULT_MAX_PARTIES = 60


@dataclass(frozen=True)
class Options:
    """What the user asked to see."""

    highlight: str | None = None
    focus: bool = False
    max_parties: int = DEFAULT_MAX_PARTIES
    faint: bool = False
    """Draw flows that are off in the setting faint, instead of leaving them out."""


@dataclass(frozen=True)
class Diagram:
    """One diagram to write."""

    stem: str
    """File name without the extension."""
    description: str
    """What it shows (and what it collapses), for the command's output."""
    scene: Scene


@dataclass(frozen=True)
class Plan:
    """The diagrams of a run, and what was not drawn and why."""

    diagrams: list[Diagram]
    skipped: list[str]


def model_stem(path: str) -> str:
    """The model file's stem, with characters unsafe in file names replaced by ``_``."""
    stem = re.sub(r"[^A-Za-z0-9_-]", "_", Path(path).stem)
    return stem or "model"


def resolve(analysis: Analysis, name: str) -> Drawn:
    """The setting a scenario id (or ``default``) names; :class:`SettingsError` if none."""
    model, space = analysis.model, analysis.space
    if name in model.scenarios:
        setting = space.scenario(name)
        if not space.is_allowed(setting):
            broken = ", ".join(space.violated_constraints(setting))
            pins = ", ".join(f"{k}={str(v).lower()}" for k, v in sorted(space.pinned.items()))
            where = f" with --set {pins}" if pins else ""
            raise SettingsError(f"scenario '{name}'{where} breaks the constraint {broken}")
        title = model.scenarios[name].title
        return Drawn(name, f"scenario {name}: {title}" if title else f"scenario {name}", setting)
    if name == DEFAULT_NAME:
        forced = analysis.default_forced
        caption = "default setting"
        if forced:
            changes = ", ".join(f"{k}={str(v).lower()}" for k, v in sorted(forced.items()))
            caption += f" (the constraints force {changes})"
        return Drawn(DEFAULT_NAME, caption, dict(analysis.default.setting))
    choices = [*model.scenarios, DEFAULT_NAME]
    raise SettingsError(f"unknown scenario '{name}'{did_you_mean(name, choices)}")


def setting_plan(analysis: Analysis, drawn: Drawn, stem: str, options: Options) -> Plan:
    """The diagrams of one setting: full, or overview and per boundary, or focused."""
    model = analysis.model
    base = f"{stem}.{drawn.name}"
    highlight = options.highlight
    suffix = f".{highlight}" if highlight else ""
    if options.focus:
        assert highlight is not None
        scene = focus_scene(analysis, drawn, highlight, options.max_parties)
        return Plan([Diagram(f"{base}.focus.{highlight}", scene.notes[0], scene)], [])
    if len(model.parties) <= options.max_parties:
        scene = full_scene(analysis, drawn, highlight, faint=options.faint)
        return Plan([Diagram(base + suffix, drawn.caption, scene)], [])
    diagrams: list[Diagram] = []
    skipped: list[str] = []
    grouping = Grouping.of(model)
    limit = f"more than --max-parties {options.max_parties}"
    if len(grouping.members) <= options.max_parties:
        scene = overview_scene(analysis, drawn, highlight)
        diagrams.append(Diagram(f"{base}.overview{suffix}", scene.notes[0], scene))
    else:
        skipped.append(
            f"{base}: no overview: {len(grouping.members):,} boundaries (one node each), {limit}"
        )
    for group, members in sorted(grouping.members.items()):
        name = "outside" if group == OUTSIDE else f"boundary.{group}"
        if len(members) > options.max_parties:
            skipped.append(
                f"{base}.{name}: not drawn: {grouping.title(group)} holds {len(members):,} "
                f"parties, {limit}; use --focus --highlight DATA, or raise --max-parties"
            )
            continue
        scene = boundary_scene(analysis, drawn, highlight, group)
        diagrams.append(Diagram(f"{base}.{name}{suffix}", scene.notes[0], scene))
    return Plan(diagrams, skipped)


def diff_plan(analysis: Analysis, before: Drawn, after: Drawn, stem: str, options: Options) -> Plan:
    """The diagram of what changes from ``before`` to ``after``."""
    scene = diff_scene(analysis, before, after, options.highlight, options.max_parties)
    suffix = f".{options.highlight}" if options.highlight else ""
    description = f"what changes from {before.name} to {after.name}"
    if scene.notes:
        description += f" ({scene.notes[0]})"
    name = f"{stem}.diff.{before.name}.{after.name}{suffix}"
    return Plan([Diagram(name, description, scene)], [])
