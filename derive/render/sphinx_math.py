r"""A derivation's chain as one display for a Sphinx page: MathJax for HTML, an ``align`` for Sphinx's LaTeX builder.

The Sphinx extension (:mod:`derive.entry.sphinx_directive`) shows the chain as ONE aligned block whose every line
can be the target of a link. What differs between the outputs is only how a line carries its anchor:

- MathJax (HTML): ``\[\begin{aligned} ... \end{aligned}\]``, the rows of :class:`~derive.render.mathjax.MathJaxChain`
  (``lhs &= rhs && mark\ (n) \quad justification``), with the line number wrapped in ``\cssId{<label>}{(n)}`` so
  the typeset number is an element with the line's stable label as its id (MathJax 3 and 4 autoload ``\cssId``
  from their ``html`` extension). :func:`mathjax_display` with ``ids=False`` leaves the ids out, for a renderer
  that has no ``\cssId`` (imgmath, KaTeX).
- LaTeX: the rows of :class:`~derive.render.latex.LatexChain` (mark and justification in a ragged box, long
  lines broken) in an ``align``, each line ``\tag{n}`` (the same numbers as in HTML) and ``\label{...}`` with the
  label the caller gives (Sphinx's ``\detokenize{<docname>:<id>}``), so hyperref anchors every line.

The legend (:func:`legend`) lists the marks the chain uses, as the Markdown write-up does.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from derive.core.evidence import Evidence, StepResult
from derive.core.model import Derivation
from derive.render import base, chain
from derive.render.latex import LatexChain
from derive.render.mathjax import MathJaxChain, mathjax_words
from derive.render.style import Notation, for_derivation, using


def mathjax_display(
    derivation: Derivation, results: list[StepResult], *, ids: bool = True, notation: Notation | None = None
) -> str:
    r"""``\[\begin{aligned} rows \end{aligned}\]``, each numbered line's ``(n)`` in ``\cssId{<label>}{...}``
    when ``ids``; the delimiters are included because Sphinx writes a ``nowrap`` block as it is."""
    with using(for_derivation(notation, derivation)):
        shown = chain.build(derivation, results)
        renderer = _MathJaxRows(shown, ids)
        rows = [renderer.render(line, first=n == 0) for n, line in enumerate(shown)]
    return "\\[\n\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}\n\\]"


def latex_align(
    derivation: Derivation,
    results: list[StepResult],
    label: Callable[[str], str] | None,
    *,
    notation: Notation | None = None,
) -> str:
    r"""``\begin{align} rows \end{align}``, each numbered line ending in ``\tag{n}\label{<label(line label)>}``
    (``\tag{n}`` alone when ``label`` is None: a copy shown without its labels, ``:no-index:``)."""
    with using(for_derivation(notation, derivation)):
        shown = chain.build(derivation, results)
        return _LatexRows(shown, label).align()


def legend(evidences: list[Evidence]) -> list[tuple[str, str]]:
    """``(Unicode mark, meaning)`` for each evidence level in ``evidences``, in the order of :data:`base.MARKS`;
    a meaning may hold ``:math:`...``` roles."""
    return [(mark.symbol, mark.meaning) for mark in base.used_marks(evidences)]


def evidences(derivation: Derivation, results: list[StepResult]) -> list[Evidence]:
    """The evidence levels the chain of ``derivation`` shows (for :func:`legend`)."""
    return chain.build(derivation, results).evidences


#: About how many characters of justification stand beside a line before the rest goes on rows below it: MathJax
#: has no paragraph box, and a wider chain than the page's text column scrolls sideways.
WRAP = 40


class _MathJaxRows(MathJaxChain):
    """MathJaxChain's rows, with the line number as the element that carries the line's id, and a long
    justification continued on rows of its own under where it starts."""

    def __init__(self, shown: chain.Chain, ids: bool):
        super().__init__(shown)
        self.ids = ids

    def text(self, plain: str) -> str:
        return mathjax_words(plain)

    def assumed(self, justification: str) -> str:
        return mathjax_words(f"{chain.ASSUMPTION} {justification}")

    def _render_Line(self, line: chain.Line, first: bool) -> str:
        # NOTE: MathJaxChain's row, with the number wrapped: the display opens with the chain's left side
        lhs = line.lhs or (line.resume if first else "")
        mark = line.mark + r"\ " if self.chain.checked else ""
        number = rf"\cssId{{{line.label}}}{{({line.number})}}" if self.ids else f"({line.number})"
        said, *more = wrapped(self.justification(line), WRAP)
        row = rf"{lhs} &{line.relation} {line.rhs} && {mark}{number} \quad {said}"
        indent = rf"\phantom{{{mark}({line.number})}} \quad "
        return "".join([row, *(" \\\\\n & && " + indent + piece for piece in more)])


def wrapped(latex: str, width: int) -> list[str]:
    r"""``latex`` (a justification: ``\text{...}`` pieces and formulas joined by ``\ ``) in rows of about ``width``
    visible characters, broken only at a ``\ `` outside braces; a piece longer than ``width`` stands alone."""
    pieces, depth, start = [], 0, 0
    for n, c in enumerate(latex):
        depth += {"{": 1, "}": -1}.get(c, 0) if latex[n - 1 : n] != "\\" else 0
        if depth == 0 and latex.startswith("\\ ", n) and latex[n - 1 : n] != "\\":
            pieces.append(latex[start : n + 2])
            start = n + 2
    pieces.append(latex[start:])
    rows, size = [""], 0
    for piece in filter(None, pieces):
        seen = len(re.sub(r"\\[A-Za-z]+|\\ |[{}^_]", "", piece))
        if rows[-1] and size + seen > width:
            rows.append("")
            size = 0
        rows[-1] += piece
        size += seen
    return [row.removesuffix("\\ ") for row in rows]


class _LatexRows(LatexChain):
    """LatexChain's rows with Sphinx's labels, the HTML's line numbers as tags, and citations as titles (a Sphinx
    document has no ``\\derivecite``)."""

    def __init__(self, shown: chain.Chain, label: Callable[[str], str] | None):
        super().__init__(shown)
        self.label = label

    def end(self, line: chain.Line) -> str:
        tag = rf"&& {self.beside(line)} \tag{{{line.number}}}"
        return tag + rf"\label{{{self.label(line.label)}}}" if self.label else tag

    def cites(self, cited, first: bool = False) -> str:
        return chain.ChainRenderer.cites(self, cited, first)
