"""The data-flow diagram of a markdown report: a fenced Mermaid block, its legend and notes.

``analyze --format markdown`` shows the default setting; ``diff --format markdown`` what the
change does to the flows of the default setting.  A model too large to draw party by party
is drawn as the overview ``render`` draws (one node per boundary), and a diagram GitHub
would refuse (:data:`~threatmodel.render.mermaid.MAX_TEXT` characters,
:data:`~threatmodel.render.mermaid.MAX_EDGES` edges) is replaced by the next smaller view,
or by a note, never written.  The text around the block holds no model text: counts,
setting names and the legend's fixed words only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from threatmodel.engine.exposure import Analysis
from threatmodel.render.diffview import versions_scene
from threatmodel.render.large import Grouping, overview_scene
from threatmodel.render.mermaid import MAX_EDGES, MAX_TEXT, legend_items, mermaid_source
from threatmodel.render.plan import DEFAULT_MAX_PARTIES, resolve
from threatmodel.render.scene import Scene, State
from threatmodel.render.views import DEFAULT_NAME, full_scene

RENDER_HINT = "`threatmodel render` draws every boundary, or one datum's paths, in full."


def fenced(scene: Scene) -> str:
    """``scene`` as a fenced ``mermaid`` block."""
    return f"```mermaid\n{mermaid_source(scene)}```"


def too_large(scene: Scene, block: str) -> str | None:
    """Why GitHub would not draw ``block`` (``None`` when it would)."""
    edges, size = len(scene.edges), len(block)
    if edges <= MAX_EDGES and size <= MAX_TEXT:
        return None
    return (
        f"{edges:,} edges and {size:,} characters of Mermaid, more than GitHub draws "
        f"({MAX_EDGES:,} edges, {MAX_TEXT:,} characters)"
    )


def analysis_section(
    analysis: Analysis, heading: str = "##", max_parties: int = DEFAULT_MAX_PARTIES
) -> list[str]:
    """The diagram of the default setting: every party, or the overview of a large model."""
    drawn = resolve(analysis, DEFAULT_NAME)
    parties = len(analysis.model.parties)
    if not parties:
        return [f"{heading} Data-flow diagram", "", "The model has no parties to draw."]
    groups = len(Grouping.of(analysis.model).members)
    views: list[tuple[str, Callable[[], Scene]]] = []
    reasons: list[str] = []
    if parties <= max_parties:
        views.append(("every party", lambda: replace(full_scene(analysis, drawn, None), notes=())))
    else:
        reasons.append(f"every party: {parties:,} parties, more than {max_parties:,}")
    if groups <= max_parties:
        views.append(("the overview", lambda: overview_scene(analysis, drawn, None)))
    else:
        reasons.append(f"the overview: {groups:,} boundaries, more than {max_parties:,}")
    # the full scene's only note, flows left out, is the intro's second half
    intro = "Flows of the default setting; those that are off in it are left out."
    return _section(heading, intro, views, reasons)


def versions_section(
    old: Analysis, new: Analysis, heading: str = "####", max_parties: int = DEFAULT_MAX_PARTIES
) -> list[str]:
    """What a change does to the flows of the default setting, drawn; a line instead when
    it switches no flow on or off and changes no party's exposure there."""
    scene = versions_scene(old, new, max_parties)
    unchanged = all(edge.state is State.KEPT for edge in scene.edges)
    if unchanged and not any(node.notes for node in scene.nodes):
        return [f"{heading} Data-flow diagram", "", "No change in the default setting's flows."]
    views: list[tuple[str, Callable[[], Scene]]] = [("every party", lambda: scene)]
    if not scene.notes:
        views.append(("what changes only", lambda: _changes_only(old, new)))
    intro = "Flows of the default setting of each version, marked by what the change does."
    return _section(heading, intro, views, [])


def _changes_only(old: Analysis, new: Analysis) -> Scene:
    """The parties and edges that change, and nothing else."""
    scene = versions_scene(old, new, 0)
    note = f"only the {len(scene.nodes):,} parties and {len(scene.edges):,} edges that change"
    return replace(scene, notes=(note + " are drawn",))


def _section(
    heading: str, intro: str, views: list[tuple[str, Callable[[], Scene]]], reasons: list[str]
) -> list[str]:
    """The first of ``views`` GitHub draws, with notes of what was not drawn and why."""
    out = [f"{heading} Data-flow diagram", "", intro]
    reasons = list(reasons)
    for description, build in views:
        scene = build()
        block = fenced(scene)
        reason = too_large(scene, block)
        if reason is not None:
            reasons.append(f"{description}: {reason}")
            continue
        notes = [*(f"Not drawn: {r}." for r in reasons), *(f"{n}." for n in scene.notes)]
        for note in notes:
            out += ["", f"_{note}_"]
        out += ["", block, ""]
        legend = " · ".join(f"{sample} — {meaning}" for sample, meaning in legend_items(scene))
        if legend:
            out.append(f"**Legend:** {legend}")
        return out[:-1] if out[-1] == "" else out
    for reason in reasons:
        out += ["", f"_Not drawn: {reason}._"]
    out += ["", RENDER_HINT]
    return out
