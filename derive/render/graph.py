r"""The dependency graph of the results: which derivation cites which, laid out here and drawn with plain TikZ.

The layout is the layered one of Sugiyama et al., small enough to read in one sitting:

1. *Layers by longest path*: a result that cites none of the others is in layer 0 (at the top); any other is one
   layer below the lowest result it cites, so every arrow points down.
2. *Dummy nodes*: an arrow that spans several layers passes through one invisible point per layer in between, so
   it takes part in the ordering and is drawn around the boxes rather than through them.
3. *Barycentre ordering*: sweeps down and up the layers, sorting each layer by the mean position of its
   neighbours in the layer before; the ordering with the fewest crossings wins.
4. *Coordinates*: each layer centred, boxes a fixed width apart (an arrow's point takes less room than a box).

Everything is deterministic: ties keep the order the derivations were given in. :func:`tikz` draws the layout with
``\node at (x,y)`` and ``\draw[->]`` (pdfLaTeX and the ``tikz`` package, no graph-drawing library), scaled to fit
the text block.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from derive.core.model import Derivation
from derive.render import links
from derive.render.links import section_label
from derive.render.text import latex_text

#: Centre-to-centre distance of two boxes in one layer, and a box's text width (cm).
COLUMN = 3.7
BOX_WIDTH = 3.1
#: What an arrow's bend point takes of a layer's width (cm).
BEND = 1.2
#: Sweeps of the barycentre ordering (down and up count as one).
SWEEPS = 12
#: The most a drawing may take on the page (cm): the notes' text block, less room for the page's heading.
MAX_WIDTH, MAX_HEIGHT = 16.0, 20.0


@dataclass(frozen=True)
class Layout:
    """Where each result and each arrow goes, in cm (y grows upwards, so layer 0 is at the top)."""

    layers: tuple[tuple[str, ...], ...]  # each layer's nodes left to right, dummies (":n") included
    at: Mapping[str, tuple[float, float]]  # the centre of every node, dummies included
    arrows: tuple[tuple[str, str, tuple[tuple[float, float], ...]], ...]  # (cited, citing, bend points)
    row: float  # the distance between two layers

    @property
    def nodes(self) -> list[str]:
        """The results drawn (no dummies), layer by layer."""
        return [n for layer in self.layers for n in layer if not is_dummy(n)]

    @property
    def width(self) -> float:
        xs = [x for x, _ in self.at.values()]
        return max(xs) - min(xs) + BOX_WIDTH if xs else 0.0

    @property
    def height(self) -> float:
        return (len(self.layers) - 1) * self.row + self.row * 0.6 if self.layers else 0.0


def is_dummy(node: str) -> bool:
    """Whether ``node`` is an arrow's bend point (``":<n>"``; a derivation's name never starts with a colon)."""
    return node.startswith(":")


def longest_path_layers(names: Sequence[str], edges: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Each name's layer: 0 for one that cites none of ``names``, else 1 + the largest layer of those it cites.

    A cycle of citations (an error the checker reports) must not hang the notes: an edge that closes one, found by
    a depth-first search in the given order, is ignored.
    """
    cites: dict[str, list[str]] = {n: [] for n in names}
    for cited, citing in edges:
        if cited in cites and citing in cites and cited != citing:
            cites[citing].append(cited)
    layer: dict[str, int] = {}
    visiting: set[str] = set()

    def visit(n: str) -> int:
        if n not in layer:
            visiting.add(n)
            below = [visit(m) for m in cites[n] if m not in visiting]
            visiting.discard(n)
            layer[n] = 1 + max(below) if below else 0
        return layer[n]

    for n in names:
        visit(n)
    return layer


def order(names: Sequence[str], edges: Sequence[tuple[str, str]]) -> tuple[list[list[str]], list[tuple]]:
    """The layers left to right, with a dummy per layer crossed by a long arrow, and the arrows as node paths."""
    layer = longest_path_layers(names, edges)
    layers: list[list[str]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    for n in names:
        layers[layer[n]].append(n)
    paths = []
    for cited, citing in edges:
        if layer.get(cited, -1) >= layer.get(citing, -1):  # not an edge of the drawing (a cycle, an unknown name)
            continue
        path = [cited]
        for k in range(layer[cited] + 1, layer[citing]):
            dummy = f":{sum(len(x) for x in layers)}"
            layers[k].append(dummy)
            path.append(dummy)
        paths.append((cited, citing, [*path, citing]))
    return _straighten(_barycentre(layers, paths), paths), paths


def _barycentre(layers: list[list[str]], paths: list[tuple]) -> list[list[str]]:
    """Sweep down and up, each layer sorted by the mean position of its neighbours in the layer swept from; keep
    the ordering with the fewest crossings (the first such, so the result is deterministic)."""
    up: dict[str, list[str]] = {}
    down: dict[str, list[str]] = {}
    for _, _, path in paths:
        for a, b in zip(path, path[1:]):
            down.setdefault(a, []).append(b)
            up.setdefault(b, []).append(a)
    current = [list(layer) for layer in layers]
    best, fewest = [list(layer) for layer in current], crossings(current, paths)
    for sweep in range(SWEEPS):
        downwards = sweep % 2 == 0
        for k in range(1, len(current)) if downwards else range(len(current) - 2, -1, -1):
            ref = current[k - 1] if downwards else current[k + 1]
            current[k] = _sorted(current[k], ref, up if downwards else down)
        count = crossings(current, paths)
        if count < fewest:
            best, fewest = [list(layer) for layer in current], count
    return best


def _sorted(layer: list[str], ref: list[str], near: Mapping[str, list[str]]) -> list[str]:
    """``layer`` by the mean position of each node's neighbours in ``ref``; a node without any keeps its place
    (scaled to ``ref``'s length), and ties keep the current order."""
    where = {n: i for i, n in enumerate(ref)}

    def key(item: tuple[int, str]) -> tuple[float, int]:
        i, n = item
        ns = [where[m] for m in near.get(n, []) if m in where]
        return (sum(ns) / len(ns) if ns else i * len(ref) / max(len(layer), 1), i)

    return [n for _, n in sorted(enumerate(layer), key=key)]


def _straighten(layers: list[list[str]], paths: list[tuple]) -> list[list[str]]:
    """Move each bend point, one at a time, to the place in its layer where its arrow is straightest without
    adding a crossing (the barycentre cannot tell apart the places between boxes with the same neighbours)."""
    for k in range(len(layers)):
        for dummy in [n for n in layers[k] if is_dummy(n)]:
            now, others = layers[k].index(dummy), [n for n in layers[k] if n != dummy]
            candidates = []
            for place in range(len(layers[k])):
                trial = [*layers[:k], [*others[:place], dummy, *others[place:]], *layers[k + 1 :]]
                candidates.append((crossings(trial, paths), _bends(trial, paths), abs(place - now), trial))
            layers = min(candidates, key=lambda c: c[:3])[3]
    return layers


def _bends(layers: list[list[str]], paths: list[tuple]) -> float:
    """How far the arrows' bend points lie from the straight lines between their ends (cm, summed)."""
    at = _coordinates(layers, 1.0)
    total = 0.0
    for _, _, path in paths:
        (x0, _), (x1, _) = at[path[0]], at[path[-1]]
        for step, n in enumerate(path[1:-1], start=1):
            total += abs(at[n][0] - (x0 + (x1 - x0) * step / (len(path) - 1)))
    return round(total, 6)


def _coordinates(layers: Sequence[Sequence[str]], row: float) -> dict[str, tuple[float, float]]:
    """Each layer centred on x = 0 and ``row`` below the one before; a box takes :data:`COLUMN`, a bend :data:`BEND`."""
    at: dict[str, tuple[float, float]] = {}
    for k, layer in enumerate(layers):
        widths = [BEND if is_dummy(n) else COLUMN for n in layer]
        x = -sum(widths) / 2
        for n, w in zip(layer, widths):
            at[n] = (round(x + w / 2, 3), round(-k * row, 3))
            x += w
    return at


def crossings(layers: Sequence[Sequence[str]], paths: Sequence[tuple]) -> int:
    """How many pairs of arrow segments between two adjacent layers cross."""
    where = {n: i for layer in layers for i, n in enumerate(layer)}
    segments = [(a, b) for _, _, path in paths for a, b in zip(path, path[1:])]
    count = 0
    for n, (a, b) in enumerate(segments):
        for c, d in segments[n + 1 :]:
            same_layers = any(a in layer and c in layer for layer in layers)
            if same_layers and (where[a] - where[c]) * (where[b] - where[d]) < 0:
                count += 1
    return count


def layout(names: Sequence[str], edges: Sequence[tuple[str, str]], row: float = 2.4) -> Layout:
    """The layered layout of ``names`` (those in an edge, usually) with an arrow per ``(cited, citing)`` edge."""
    layers, paths = order(names, edges)
    at = _coordinates(layers, row)
    arrows = tuple((cited, citing, tuple(at[n] for n in path[1:-1])) for cited, citing, path in paths)
    return Layout(tuple(tuple(layer) for layer in layers), at, arrows, row)


def tikz(shown: Layout, boxes: Mapping[str, str]) -> str:
    r"""The layout as a ``tikzpicture``: a box per result holding ``boxes[name]`` (LaTeX), an arrow per citation.

    The picture is scaled down (text included) when it would be wider or taller than the page allows.
    """
    scale = min(1.0, MAX_WIDTH / max(shown.width, 1e-9), MAX_HEIGHT / max(shown.height, 1e-9))
    ids = {n: f"r{i}" for i, n in enumerate(shown.nodes, start=1)}
    options = [
        ">=stealth",
        "result/.style={draw, rounded corners=2pt, fill=black!4, inner sep=3pt, align=center, font=\\footnotesize, "
        rf"text width={BOX_WIDTH - 0.2:.1f}cm, execute at begin node={{\hyphenpenalty=10000\relax}}}}",  # no hyphens
    ]
    if scale < 1.0:
        options.insert(0, f"scale={scale:.3f}, every node/.style={{transform shape}}")
    lines = [r"\begin{tikzpicture}[" + ", ".join(options) + "]"]
    for n in shown.nodes:
        x, y = shown.at[n]
        lines.append(rf"  \node[result] ({ids[n]}) at ({x:.2f},{y:.2f}) {{{boxes[n]}}};")
    for cited, citing, bends in shown.arrows:
        via = "".join(f" -- ({x:.2f},{y:.2f})" for x, y in bends)
        lines.append(rf"  \draw[->, rounded corners=8pt] ({ids[cited]}){via} -- ({ids[citing]});")
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines)


# -- the dependency graph -----------------------------------------------------------------------------------------
#: The heading of the page with the dependency graph.
DEPENDENCIES = "How the results depend on each other"


def dependency_page(derivations: Sequence[Derivation]) -> str:
    """The page with the graph of the citations between ``derivations``; "" when none cites another.

    Only the derivations in a citation are drawn, each a box naming its section (a link to it); the others are
    listed in a sentence below, so that a library of mostly independent results still gives a readable graph.
    """
    edges = links.edges(derivations)
    if not edges:
        return ""
    cited = {n for edge in edges for n in edge}
    drawn = [d for d in derivations if d.name in cited]
    alone = [d for d in derivations if d.name not in cited]
    tall = max(len(d.title) for d in drawn) // 22 + 2  # lines in the tallest box: the number, the wrapped title
    shown = layout([d.name for d in drawn], edges, row=max(2.0, 0.42 * tall + 1.1))
    boxes = {d.name: _box(d) for d in drawn}
    parts = [
        r"\clearpage",
        rf"\section*{{{DEPENDENCIES}}}",
        rf"\addcontentsline{{toc}}{{section}}{{{DEPENDENCIES}}}",
        "An arrow from one result to another means that a line of the second cites the first: it uses the first "
        "result's conclusion, instantiated, as a step. Results higher up cite fewer of the others; each box gives "
        "the section that proves the result (click it to go there).",
        "\\begin{center}\n" + tikz(shown, boxes) + "\n\\end{center}",
    ]
    if alone:
        listed = links.joined([rf"{_link(d, latex_text(d.title))} (\S\,\ref*{{{section_label(d)}}})" for d in alone])
        unconnected = "Not drawn, because they neither cite nor are cited by another result"
        parts.append(rf"{{\small {unconnected}: {listed}.\par}}")
    parts.append(r"\clearpage")
    return "\n\n".join(parts)


def _box(d: Derivation) -> str:
    return _link(d, rf"\textbf{{\ref*{{{section_label(d)}}}}}\\ {latex_text(d.title)}")


def _link(d: Derivation, text: str) -> str:
    return rf"\hyperref[{section_label(d)}]{{{text}}}"
