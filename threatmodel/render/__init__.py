"""Data-flow diagrams of an analysed model: Graphviz, and Mermaid for markdown.

The pipeline: a view (:mod:`.views`, :mod:`.large`, :mod:`.diffview`) turns an analysis and
a setting into a :class:`~.scene.Scene`; :mod:`.plan` decides which scenes a run draws;
:mod:`.dot` turns a scene into DOT with the ``graphviz`` package, styled by :mod:`.style`,
with a legend from :mod:`.legend`; :mod:`.backend` turns DOT into SVG or PNG.  :mod:`.mermaid`
writes the same scenes as Mermaid flowcharts, and :mod:`.markdown` puts one in the markdown
reports.
"""

from __future__ import annotations

from threatmodel.render.backend import Backend, Choice, RenderError, check_format, choose, draw
from threatmodel.render.dot import dot_source
from threatmodel.render.plan import (
    DEFAULT_MAX_PARTIES,
    Diagram,
    Options,
    Plan,
    diff_plan,
    model_stem,
    resolve,
    setting_plan,
)
from threatmodel.render.views import DEFAULT_NAME, Drawn

__all__ = [
    "DEFAULT_MAX_PARTIES",
    "DEFAULT_NAME",
    "Backend",
    "Choice",
    "Diagram",
    "Drawn",
    "Options",
    "Plan",
    "RenderError",
    "check_format",
    "choose",
    "diff_plan",
    "dot_source",
    "draw",
    "model_stem",
    "resolve",
    "setting_plan",
]
