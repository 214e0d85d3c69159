"""Checks that a diagram reads cleanly: no edge label overlaps another label, a party, a
boundary's title or a boundary's border.  (A line may pass behind a label: labels have a
white background and are drawn after the lines.)

Positions come from Graphviz's own layout (the in-process backend's ``json`` output), with
text boxes from the widths Graphviz computed, so the check is exact for the layout shipped.
A helper, not a test module: ``test_render_diagrams.py`` runs it on every shipped diagram.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Box = tuple[float, float, float, float]
"""x0, y0, x1, y1."""


@dataclass(frozen=True)
class Problem:
    """One overlap, described for a test failure."""

    what: str

    def __str__(self) -> str:
        return self.what


def _text_boxes(draw: list[dict[str, Any]]) -> Iterator[Box]:
    size = 10.0
    for op in draw:
        if op["op"] == "F":
            size = float(op["size"])
        elif op["op"] == "T":
            x, y = op["pt"]
            width = float(op["width"])
            left = {"c": x - width / 2, "l": x, "r": x - width}[op["align"]]
            yield (left, y - 0.25 * size, left + width, y + 0.85 * size)


def _union(boxes: list[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _overlap(a: Box, b: Box, slack: float = 0.5) -> bool:
    return (
        a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack
    )


def _inside(a: Box, b: Box) -> bool:
    return b[0] <= a[0] and a[2] <= b[2] and b[1] <= a[1] and a[3] <= b[3]


def layout_problems(layout_json: bytes) -> list[Problem]:
    """Overlaps in a Graphviz ``json`` layout (legend excluded)."""
    graph = json.loads(layout_json)
    objects = graph.get("objects", [])
    clusters: list[tuple[str, Box, Box | None]] = []
    nodes: list[tuple[str, Box]] = []
    labels: list[tuple[str, Box]] = []
    for item in objects:
        name = item["name"]
        if name.startswith("cluster__legend"):
            continue
        if "bb" in item:
            x0, y0, x1, y1 = map(float, item["bb"].split(","))
            title = list(_text_boxes(item.get("_ldraw_", [])))
            clusters.append((name, (x0, y0, x1, y1), _union(title) if title else None))
        elif "pos" in item and not name.startswith("_legend"):
            x, y = map(float, item["pos"].split(","))
            w, h = float(item["width"]) * 36, float(item["height"]) * 36
            box = (x - w, y - h, x + w, y + h)
            if name.startswith("_label"):
                texts = list(_text_boxes(item.get("_ldraw_", [])))
                labels.append((name, _union(texts) if texts else box))
            else:
                nodes.append((name, box))
    for edge in graph.get("edges", []):
        boxes = list(_text_boxes(edge.get("_ldraw_", [])))
        if boxes and not str(edge.get("id", "")).startswith("legend"):
            labels.append((edge.get("id", str(edge["_gvid"])), _union(boxes)))
    problems = []
    for index, (name, box) in enumerate(labels):
        for other, other_box in labels[index + 1 :]:
            if _overlap(box, other_box):
                problems.append(Problem(f"label of {name} overlaps label of {other}"))
        for node, node_box in nodes:
            if _overlap(box, node_box):
                problems.append(Problem(f"label of {name} overlaps node {node}"))
        for cluster, bounds, title in clusters:
            if _overlap(box, bounds, 0) and not _inside(box, bounds):
                problems.append(Problem(f"label of {name} crosses the border of {cluster}"))
            if title is not None and _overlap(box, title):
                problems.append(Problem(f"label of {name} overlaps the title of {cluster}"))
    return problems
