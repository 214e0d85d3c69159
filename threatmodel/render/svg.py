"""Finishing touches on the SVG Graphviz writes, the same for both backends.

* Fonts: Graphviz names one font family; sans-serif fallbacks are added so that a viewer
  without Verdana substitutes a sans-serif face of similar width.
* Boundary titles: Graphviz draws a boundary's title before the lines, which may then run
  across it.  A copy of each title is drawn last, on a halo of the boundary's own colour,
  so that it stays legible whatever crosses it.

Both work on the text of the SVG as Graphviz writes it (one element per line) and leave
anything they do not recognise as it is.
"""

from __future__ import annotations

import re

from threatmodel.render import style

_CLUSTER = re.compile(
    rb'<g id="boundary&#45;[^"]*" class="cluster">\n<title>[^<]*</title>\n'
    rb'<path fill="(?P<fill>#[0-9a-fA-F]{6})"[^\n]*\n(?P<texts>(?:<text [^\n]*</text>\n)+)</g>'
)
_END = b"</g>\n</svg>"


def finish(svg: bytes) -> bytes:
    """``svg`` with font fallbacks and legible boundary titles."""
    svg = svg.replace(
        f'font-family="{style.FONT}"'.encode(), f'font-family="{style.FONT_FALLBACK}"'.encode()
    )
    titles = []
    for match in _CLUSTER.finditer(svg):
        halo = (
            b'<text stroke="' + match["fill"] + b'" stroke-width="4" stroke-linejoin="round" '
            b'paint-order="stroke" '
        )
        titles.append(match["texts"].replace(b"<text ", halo))
    if not titles or not svg.rstrip().endswith(_END):
        return svg
    head = svg.rstrip()[: -len(_END)]
    tail = svg[len(svg.rstrip()) :]
    overlay = b'<g id="boundary-titles" class="boundary-titles">\n' + b"".join(titles) + b"</g>\n"
    return head + overlay + _END + tail
