"""Beamer slides (derive.render.slides): the chain revealed one line per overlay, split into frames that fit."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess

import pytest

from derive.core.evidence import Evidence, StepResult
from derive.render.chain import build
from derive.render.pdf import compile_pdf, tex_available
from derive.render.slides import FRAME_ROWS, derivation_frames, render_slides, split, weight
from derive.run.loader import load

needs_tex = pytest.mark.skipif(not tex_available(), reason="pdflatex is not installed, so no PDF can be made")
needs_pdfinfo = pytest.mark.skipif(
    shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) is not installed, so pages cannot be counted"
)


def bundled_checked() -> list[tuple]:
    """Every bundled derivation with every step marked proved (the renderer alone is under test here)."""
    return [(d, [StepResult(Evidence.PROVED, "") for _ in d.steps]) for item in load(None) for d in item.derivations]


def page_count(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


OVERLAY = re.compile(r"\\uncover<(\d+)->")


def frames(tex: str) -> list[str]:
    return re.findall(r"\\begin\{frame\}\n(.*?)\\end\{frame\}", tex, re.S)


def overlays(frame: str) -> int:
    """The slides beamer makes of a frame: the highest overlay number it uses, or 1."""
    return max((int(n) for n in OVERLAY.findall(frame)), default=1)


def rows(frame: str) -> list[str]:
    """The rows of the frame's align*, split at every ``\\\\`` (an example's evaluated line is a row of its own)."""
    m = re.search(r"\\begin\{align\*\}\n(.*?)\n\\end\{align\*\}", frame, re.S)
    return re.split(r"\\\\\*?", m.group(1)) if m else []


def test_same_bytes_twice(derivation, results):
    tex = render_slides([(derivation, results)])
    assert render_slides([(derivation, results)]) == tex
    assert r"\today" not in tex and "aspectratio=169" in tex


def test_one_overlay_per_line(derivation, results):
    shown = build(derivation, results).lines
    chain = [f for f in derivation_frames(derivation, results, 1) if r"\begin{align*}" in f]
    per_frame = [overlays(f) for f in chain]
    assert sum(per_frame) == len(shown)
    for frame in chain:  # in each frame the overlays are 1, 2, … with no gap
        assert sorted(set(map(int, OVERLAY.findall(frame)))) == list(range(1, overlays(frame) + 1))


def test_justification_mark_and_number_on_the_row_of_their_line(derivation, results):
    shown = {f"1.{line.number}": line for line in build(derivation, results).lines}
    seen = []
    for frame in derivation_frames(derivation, results, 1):
        for row in rows(frame):
            tag = re.search(r"\\tag\*\{\\uncover<(\d+)->\{\((1\.\d+)\)\}\}", row)
            if not tag:
                continue
            line = shown[tag.group(2)]
            n = tag.group(1)
            assert rf"\uncover<{n}->{{\makebox[2em][l]{{${line.mark}$}}" in row
            assert r"\parbox[t]{\derivejust}{\scriptsize" in row
            assert f"\\uncover<{n}->{{{{}}{line.relation} {line.rhs}}}" in row  # the step on the same row
            seen.append(tag.group(2))
    assert seen == list(shown)


def test_examples_and_assumptions_as_in_the_article(derivation, results):
    tex = "\n".join(derivation_frames(derivation, results, 1))
    assert r"\emph{assumption:} the examples are" in tex
    assert "For example, for the training set" in tex
    assert r"\makebox[0pt][l]{$\displaystyle \left." in tex


def test_a_long_chain_is_split_with_continued_frames(derivation, results):
    long = dataclasses.replace(derivation, steps=derivation.steps * 3)
    shown = list(build(long, results * 3).lines)
    groups = split(shown, extra=1.0)
    assert len(groups) >= 3 and sum(map(len, groups)) == len(shown)
    assert all(sum(map(weight, g)) <= FRAME_ROWS or len(g) == 1 for g in groups)
    titles = [re.search(r"\\frametitle\{(.*)\}", f).group(1) for f in derivation_frames(long, results * 3, 1)]
    assert sum("(continued)" in t for t in titles) == len(groups) - 1
    # a continued frame repeats the chain's left side rather than starting with "= ..."
    continued = [f for f in derivation_frames(long, results * 3, 1) if "(continued)" in f]
    assert continued and all(r"\uncover<1->{} &" not in rows(f)[0] for f in continued)


def test_closing_remark_gets_a_frame(derivation, results):
    last = derivation_frames(derivation, results, 1)[-1]
    assert derivation.closing.split()[0] in last and r"\begin{align*}" not in last


def expected_pages(tex: str) -> int:
    return sum(overlays(f) for f in frames(tex))


@needs_tex
@needs_pdfinfo
def test_bundled_slides_compile_with_one_page_per_overlay(tmp_path):
    checked = bundled_checked()
    tex = render_slides(checked)
    lines = sum(len(build(d, r).lines) for d, r in checked)
    chain_frames = [f for f in frames(tex) if r"\begin{align*}" in f]
    # each chain frame's first overlay shows its first line, each further overlay one more
    assert sum(overlays(f) for f in chain_frames) == lines
    path = tmp_path / "slides.tex"
    path.write_text(tex)
    pdf = compile_pdf(path, tmp_path / "out")
    assert page_count(pdf) == expected_pages(tex)


def test_notation_reaches_every_line(derivation, results):
    from derive.render.style import Notation

    plain, renamed = (
        render_slides([(derivation, results)]),
        render_slides([(derivation, results)], notation=Notation(log="ln")),
    )
    assert r"\log" in plain and r"\ln" not in plain
    assert r"\ln" in renamed and renamed.count(r"\ln") >= plain.count(r"\log") // 2
