"""The dependency graph as inline SVG, drawn from the layout :func:`derive.render.graph.layout` computes for the
lecture notes (the same layers, order and bend points; only the drawing differs).

Each result is a box holding its title (HTML in a ``<foreignObject>``, so the title wraps and its math is typeset
like the rest of the page) and linking to its page; each citation is an arrow from the cited result down to the
one citing it, through the layout's bend points.
"""

from __future__ import annotations

import math as _math
from collections.abc import Mapping, Sequence

from derive.render import graph
from derive.render.html.page import attr

#: Pixels per cm of the layout, and the room around the drawing.
SCALE = 56.0
MARGIN = 12.0
#: Characters of a title per line in a box, and the height of a line (px).
CHARS_PER_LINE = 17
LINE_HEIGHT = 17.0


def box_height(titles: Sequence[str]) -> float:
    """The height (px) of every box: enough for the longest title, wrapped."""
    lines = max((_math.ceil(len(t) / CHARS_PER_LINE) for t in titles), default=1)
    return lines * LINE_HEIGHT + 16.0


def svg(
    names: Sequence[str],
    edges: Sequence[tuple[str, str]],
    boxes: Mapping[str, str],
    hrefs: Mapping[str, str],
    titles: Mapping[str, str],
) -> str:
    """The graph of ``edges`` (``(cited, citing)``) between ``names`` as an ``<svg>`` element.

    ``boxes``: each name's box content (HTML); ``hrefs``: the page each box links to; ``titles``: the plain
    titles, for the boxes' height and their tooltips.
    """
    height = box_height([titles[n] for n in names])
    row = max(2.0, (height + 44.0) / SCALE)  # the layout's distance between layers, in cm
    shown = graph.layout(list(names), list(edges), row=row)
    xs = [x for x, _ in shown.at.values()] or [0.0]
    left = min(xs) - graph.BOX_WIDTH / 2
    width_px = (max(xs) - min(xs) + graph.BOX_WIDTH) * SCALE + 2 * MARGIN
    box_w = graph.BOX_WIDTH * SCALE
    height_px = (len(shown.layers) - 1) * row * SCALE + height + 2 * MARGIN

    def at(x: float, y: float) -> tuple[float, float]:
        """The layout's point (cm, y up, layer 0 at 0) as the centre of a box in the SVG (px, y down)."""
        return (x - left) * SCALE + MARGIN, -y * SCALE + MARGIN + height / 2

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px:.0f}" height="{height_px:.0f}" '
        f'viewBox="0 0 {width_px:.1f} {height_px:.1f}" role="img" aria-label="Which result cites which">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555" stroke="none"/></marker></defs>',
    ]
    for cited, citing, bends in shown.arrows:
        (x0, y0), (x1, y1) = at(*shown.at[cited]), at(*shown.at[citing])
        points = [(x0, y0 + height / 2), *(at(x, y) for x, y in bends), (x1, y1 - height / 2 - 1)]
        d = "M " + " L ".join(f"{x:.1f} {y:.1f}" for x, y in points)
        out.append(
            f'<path d="{d}" marker-end="url(#arrow)"><title>{attr(titles[citing])} cites '
            f"{attr(titles[cited])}</title></path>"
        )
    for n in shown.nodes:
        x, y = at(*shown.at[n])
        x0, y0 = x - box_w / 2, y - height / 2
        out.append(
            f'<a href="{attr(hrefs[n])}"><title>{attr(titles[n])}</title>'
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{box_w:.1f}" height="{height:.1f}" rx="4"/>'
            f'<foreignObject x="{x0:.1f}" y="{y0:.1f}" width="{box_w:.1f}" height="{height:.1f}">'
            f'<div xmlns="http://www.w3.org/1999/xhtml" class="box"><span>{boxes[n]}</span></div></foreignObject></a>'
        )
    out.append("</svg>")
    return "\n".join(out)
