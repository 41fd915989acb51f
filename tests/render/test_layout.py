"""Layout: no line of any bundled write-up, the lecture notes or the slides runs more than 1 pt past its margin.

The bundled write-ups are compiled as ``derive build`` writes them (one build per session, :func:`bundled_build`)
and TeX's own logs are read for ``Overfull \\hbox``: the renderers estimate widths (:mod:`derive.render.layout`),
TeX measures them. Unit tests below break a very long right-hand side and wrap a very long justification, and the
estimate and the cuts are tested on their own.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from derive.core.model import Derivation
from derive.render.latex import render_document
from derive.render.layout import factors, opened, terms, width, wrap

#: Overfull boxes up to this much are TeX's rounding, invisible on the page.
TOLERANCE_PT = 1.0
#: The standalone write-ups compiled in this many tests, so that xdist spreads them over its workers.
SHARDS = 4

_OVERFULL = re.compile(r"^Overfull \\hbox \(([\d.]+)pt too wide\) (.*)$", re.M)
_PAGE = re.compile(r"\[(\d+)")


def compile_tex(tex: Path, out_dir: Path) -> str:
    """Run pdflatex on ``tex`` until its cross-references settle (at most three times); return the last log.

    Raises AssertionError with LaTeX's first error when it fails."""
    out_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, max_print_line="1000")  # one log line per message
    command = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"-output-directory={out_dir}", tex.name]
    for _ in range(3):
        done = subprocess.run(command, cwd=tex.parent, env=env, capture_output=True, text=True, errors="replace")
        log = (out_dir / f"{tex.stem}.log").read_text(errors="replace")
        assert done.returncode == 0, f"{tex.name}: LaTeX failed: " + next(
            (line for line in log.splitlines() if line.startswith("! ")), done.stdout[-500:]
        )
        if "Rerun to get" not in log and "may have changed" not in log:
            break
    return log


def overfull(log: str, name: str) -> list[str]:
    """Every ``Overfull \\hbox`` wider than :data:`TOLERANCE_PT` in ``log``: file, page, source lines, width."""
    out = []
    for m in _OVERFULL.finditer(log):
        if float(m.group(1)) > TOLERANCE_PT:
            pages = _PAGE.findall(log[: m.start()])  # pdfTeX logs "[n" as it ships out page n
            page = int(pages[-1]) + 1 if pages else 1
            out.append(f"{name}: page {page}, {m.group(2)}: {m.group(1)} pt too wide")
    return out


def _standalone(out: Path) -> list[Path]:
    combined = {"lecture-notes.tex", "slides.tex"}
    return sorted(p for p in out.glob("*.tex") if not p.name.endswith("-fragment.tex") and p.name not in combined)


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_overfull_line_in_the_bundled_write_ups(bundled_build, tmp_path, shard, require):
    require("pdflatex")
    out, _ = bundled_build
    documents = _standalone(out)
    assert len(documents) > 20  # every bundled derivation has its document
    found = []
    for tex in documents[shard::SHARDS]:
        found += overfull(compile_tex(tex, tmp_path), tex.name)
    assert not found, "lines past the margin:\n" + "\n".join(found)


@pytest.mark.parametrize("name", ["lecture-notes.tex", "slides.tex"])
def test_no_overfull_line_in_the_notes_and_slides(bundled_build, tmp_path, name, require):
    require("pdflatex")
    out, _ = bundled_build
    log = compile_tex(out / name, tmp_path)
    assert (tmp_path / name.replace(".tex", ".pdf")).is_file()
    found = overfull(log, name)
    assert not found, "lines past the margin:\n" + "\n".join(found)


def test_overfull_reports_file_page_line_and_width():
    log = "[1] [2\nOverfull \\hbox (12.5pt too wide) detected at line 41\nOverfull \\hbox (0.4pt too wide) in x\n"
    assert overfull(log, "x.tex") == ["x.tex: page 3, detected at line 41: 12.5 pt too wide"]


# -- a derivation made to overflow --------------------------------------------------------------------------------
LONG_BECAUSE = (
    "every term of the sum is expanded, the constants are collected on the left, the logarithms of the products "
    "are split into sums of logarithms, and what remains is rearranged so that the terms in sigma come first"
)


@pytest.fixture()
def long_derivation(derivation) -> Derivation:
    """The flagship with a step whose right side is 12 fractions long and whose justification is 200 characters,
    then a step whose right side is one fraction with a numerator of 11 terms."""
    from sympy import Rational, Symbol, log

    x = [Symbol(f"x_{n}", positive=True) for n in range(12)]
    long_rhs = sum(Rational(1, n + 2) * log(x[n]) / (1 + x[n]) for n in range(12))
    d = derivation
    d.step(long_rhs, LONG_BECAUSE, name="very-long")
    d.step(sum(n * x[n] ** 2 for n in range(1, 12)) / (1 + x[0]), "one fraction, too wide", name="wide-fraction")
    return d


def test_a_long_right_side_breaks_and_a_long_justification_wraps(long_derivation, proved, tmp_path, require):
    tex = render_document(long_derivation, proved(long_derivation))
    align = tex[tex.index(r"\begin{align}") : tex.index(r"\end{align}")]
    rows = align.splitlines()
    continued = [r for r in rows if r.startswith(r"&\quad {}+")]
    assert len(continued) >= 2  # the sum goes on over several rows
    assert all(width(r.split("&&")[0]) < 24 for r in rows if "very-long" in r or r in continued)
    (last,) = [r for r in rows if r"\label{iid-cross-entropy:very-long}" in r]  # numbered once, on its last row
    assert r"\parbox[t]{0.30\linewidth}{\small\raggedright every term of the sum" in last
    (fraction,) = [r for r in rows if r"\label{iid-cross-entropy:wide-fraction}" in r]
    assert r"\frac{\begin{aligned}&" in fraction  # the numerator stacks: a fraction cannot break across rows
    require("pdflatex")
    path = tmp_path / "long.tex"
    path.write_text(tex)
    found = overfull(compile_tex(path, tmp_path / "build"), path.name)
    assert not found, "\n".join(found)


# -- the estimate and the cuts ------------------------------------------------------------------------------------
def test_width_counts_what_is_seen():
    assert width("x") < width("x + y") < width("x + y + z")
    assert width(r"\frac{a + b + c}{2}") == pytest.approx(width("a + b + c") + 0.24, abs=0.01)  # not both rows
    assert width(r"\sum_{i=1}^{N} x_{i}") < width(r"\sum i = 1 N x i")  # limits stack, scripts are smaller
    assert width(r"\left( x \right)") > width("(x)")


def test_terms_cut_at_top_level_plus_and_minus_only():
    assert terms(r"- a + \frac{b - c}{2} - \left(d + e\right)") == [
        "- a",
        r"+ \frac{b - c}{2}",
        r"- \left(d + e\right)",
    ]
    assert terms(r"e^{- x} - y_{i - 1}") == [r"e^{- x}", r"- y_{i - 1}"]
    assert terms(r"\sigma(z) (1 - \sigma(z))") == [r"\sigma(z) (1 - \sigma(z))"]


def test_factors_and_groups_open_a_product():
    assert factors(r"\frac{1}{N} \sum_{n} y_{n} \log q_{n}") == [
        r"\frac{1}{N}",
        r"\times \sum_{n} y_{n}",
        r"\times \log q_{n}",
    ]
    assert opened(r"\mathbb{E}\left[a + b\right]") == [r"\mathbb{E}\bigl[ a", r"+ b \bigr]"]
    assert opened(r"\mathbb{E}\left[\frac{a}{2} + b\right]")[0].endswith(r"\biggl[ \frac{a}{2}")


def test_wrap_packs_terms_into_rows_that_fit():
    long = " + ".join(f"a_{{{n}}} b_{{{n}}}" for n in range(30))
    rows = wrap(long, 20, 19)
    assert len(rows) > 2 and all(width(r) <= 20 for r in rows)
    assert all(r.startswith("+ ") for r in rows[1:])
    assert " ".join(rows) == long  # nothing lost, nothing reordered
    assert wrap("x + y", 20, 19) == ["x + y"]


def test_tex_tests_fail_rather_than_skip_where_ci_is_true(monkeypatch, require):
    monkeypatch.setenv("PATH", "")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true but pdflatex is not on PATH"):
        require("pdflatex")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        require("pdflatex")
    assert shutil.which("pdflatex") is None


def test_a_wide_display_breaks_into_aligned_rows_and_verbatim_shrinks_to_its_longest_line():
    from derive.render.layout import display, verbatim

    assert display("f(x) = x + 1", 36) == r"\[ f(x) = x + 1 \]"
    long = "f(x) = " + " + ".join(rf"\frac{{x_{{{n}}}}}{{{n + 1}}}" for n in range(40))
    shown = display(long, 36)
    assert shown.startswith("\\[ \\begin{aligned}\nf(x) &= ") and shown.count(r"&\quad {}+") >= 2
    assert verbatim("def f():\n    return 1\n").startswith("{\\small\n\\begin{verbatim}")
    assert verbatim("x = " + "1" * 92 + "\n").startswith("{\\scriptsize")
