"""The dependency graph of the results (derive.render.graph): layered layout, ordering, the TikZ and its page."""

from __future__ import annotations

import dataclasses
import random
import shutil
import subprocess

import pytest

from derive.render import graph
from derive.render.graph import BOX_WIDTH, crossings, dependency_page, layout, longest_path_layers, order, tikz
from derive.render.notes import render_notes
from derive.render.pdf import compile_pdf, tex_available

needs_tex = pytest.mark.skipif(not tex_available(), reason="pdflatex is not installed, so no PDF can be made")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing")


def random_dag(seed: int, n: int = 12, p: float = 0.25) -> tuple[list[str], list[tuple[str, str]]]:
    """``n`` names and edges from an earlier name to a later one, each with probability ``p``, shuffled."""
    rng = random.Random(seed)
    names = [f"d{i}" for i in range(n)]
    edges = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :] if rng.random() < p]
    rng.shuffle(names)
    rng.shuffle(edges)
    return names, edges


# -- layers ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(20))
def test_layers_are_longest_paths_so_every_arrow_points_down(seed):
    names, edges = random_dag(seed)
    layer = longest_path_layers(names, edges)
    for cited, citing in edges:
        assert layer[cited] < layer[citing]
    for n in names:
        below = [layer[a] for a, b in edges if b == n]
        assert layer[n] == (1 + max(below) if below else 0)


def test_a_cycle_does_not_hang_the_layout():
    layer = longest_path_layers(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")])
    assert sorted(layer.values()) == [0, 1, 2]
    shown = layout(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")])
    assert len(shown.arrows) == 2  # the edge that closes the cycle is not drawn


def test_a_long_arrow_bends_through_a_point_in_each_layer_it_crosses():
    shown = layout(["a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")])
    bends = {(a, b): points for a, b, points in shown.arrows}
    assert len(bends[("a", "d")]) == 2 and bends[("a", "b")] == ()
    assert sorted(y for _, y in bends[("a", "d")]) == sorted([shown.at["b"][1], shown.at["c"][1]], reverse=False)
    assert shown.nodes == ["a", "b", "c", "d"]  # bend points are not results


# -- ordering -------------------------------------------------------------------------------------------------------
def test_barycentre_ordering_removes_a_crossing():
    layers, paths = order(["a", "b", "c", "d"], [("a", "d"), ("b", "c")])
    assert layers == [["a", "b"], ["d", "c"]]
    assert crossings(layers, paths) == 0
    assert crossings([["a", "b"], ["c", "d"]], paths) == 1


@pytest.mark.parametrize("seed", range(10))
def test_ordering_never_adds_crossings_to_the_given_order(seed):
    names, edges = random_dag(seed)
    layers, paths = order(names, edges)
    given = [
        [n for n in names + [x for layer in layers for x in layer if graph.is_dummy(x)] if n in layer]
        for layer in layers
    ]
    assert crossings(layers, paths) <= crossings(given, paths)


@pytest.mark.parametrize("seed", range(10))
def test_layout_is_deterministic_and_no_two_boxes_overlap(seed):
    names, edges = random_dag(seed)
    shown = layout(names, edges)
    assert layout(list(names), list(edges)) == shown
    boxes = shown.nodes
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            (xa, ya), (xb, yb) = shown.at[a], shown.at[b]
            assert abs(xa - xb) >= BOX_WIDTH or abs(ya - yb) > 0.99 * shown.row  # apart across, or a layer apart


def test_tikz_draws_a_node_per_result_and_an_arrow_per_citation_and_fits_the_page():
    names, edges = random_dag(3, n=20, p=0.3)
    shown = layout(names, edges)
    tex = tikz(shown, {n: n for n in names})
    assert tex.count(r"\node[result]") == len(names)
    assert tex.count(r"\draw[->") == len(shown.arrows) == len(edges)
    assert "graphdrawing" not in tex and r"\usetikzlibrary" not in tex
    if shown.width > graph.MAX_WIDTH:
        assert "transform shape" in tex
    assert tikz(layout(["a", "b"], [("a", "b")]), {"a": "A", "b": "B"}).count("scale=") == 0


# -- the page in the notes ------------------------------------------------------------------------------------------
def cite(d, name: str, title: str, *cited: str):
    steps = list(d.steps)
    steps[-1] = dataclasses.replace(steps[-1], citations=cited)
    return dataclasses.replace(d, name=name, title=title, steps=steps)


@pytest.fixture()
def citing_set(derivation, results):
    """Five derivations: b cites a, c cites a and b, d cites c, and e stands alone."""
    a = dataclasses.replace(derivation, name="a", title="Log x is at most x minus 1")
    ds = [
        a,
        cite(derivation, "b", "Gibbs' inequality: D_KL(p ‖ q) ≥ 0", "a"),
        cite(derivation, "c", "The categorical maximum-likelihood estimate is the empirical frequency", "a", "b"),
        cite(derivation, "d", "A result that uses the estimate", "c"),
        dataclasses.replace(derivation, name="e", title="A result on its own"),
    ]
    return [(d, results) for d in ds]


def test_no_page_without_a_citation(derivation, results):
    assert dependency_page([derivation]) == ""
    assert r"\usepackage{tikz}" not in render_notes([(derivation, results)])


def test_the_page_draws_the_citing_results_and_lists_the_others(citing_set):
    page = dependency_page([d for d, _ in citing_set])
    assert r"\section*{How the results depend on each other}" in page
    assert page.count(r"\node[result]") == 4 and page.count(r"\draw[->") == 4
    assert r"\hyperref[sec:b]{\textbf{\ref*{sec:b}}\\ Gibbs' inequality" in page
    assert "Not drawn" in page and r"\hyperref[sec:e]{A result on its own}" in page
    tex = render_notes(citing_set)
    assert r"\usepackage{tikz}" in tex
    assert tex.index("How the results depend") < tex.index("\n\\section{")  # before the derivations, after the marks


@needs_tex
@needs_poppler
def test_the_notes_with_the_graph_compile(tmp_path, citing_set):
    tex = tmp_path / "notes.tex"
    tex.write_text(render_notes(citing_set))
    pdf = compile_pdf(tex, tmp_path / "out")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    page = " ".join(next(p for p in text.split("\f") if "How the results depend on each other" in p).split())
    for words in ("Log x is at most", "Gibbs", "A result that uses", "A result on its own"):
        assert words in page
    assert "??" not in text
