"""A derivation as one MathJax display, for a notebook: the chain, its marks and its counterexamples.

It is not the LaTeX fragment of :mod:`derive.render.latex`: MathJax has no ``\\intertext``, ``\\label``,
``\\parbox`` or ``\\makebox``. It is one ``$$\\begin{gathered} ... \\end{gathered}$$`` display: the chain in
``aligned``, each line numbered, its justification in ``\\text{...}`` with the characters that ``\\text`` treats
differently in MathJax, KaTeX and LaTeX (``_ & % # $ { } \\``) set as math outside it. Without results (a
derivation not checked yet) the lines carry their numbers and justifications but no marks.
"""

from __future__ import annotations

import re

from derive.core.evidence import StepResult
from derive.core.model import Derivation
from derive.render import chain
from derive.render.text import segments


def render_mathjax(derivation: Derivation, results: list[StepResult] | None, note: str, heading: bool = True) -> str:
    """``$$\\begin{gathered} title \\\\ note \\\\ \\begin{aligned} chain \\end{aligned} \\\\ counterexamples
    \\end{gathered}$$``; the title only with ``heading``, the note only when not empty ("" when nothing is shown).

    Raises:
        ValueError: if ``results`` is given without exactly one ``StepResult`` per step.
    """
    shown = chain.build(derivation, results)
    rows = [MathJaxChain(shown).render(line, first=n == 0) for n, line in enumerate(shown)]
    blocks = [_bold(derivation.title)] if heading else []
    if note:
        blocks.append(mathjax_text(note))
    if rows:
        blocks.append("\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}")
    for n, (step, result) in enumerate(zip(derivation.steps, results or []), start=1):
        if result.counterexample is not None:
            said = [_literal(f"Step {n} ({step.name}) is refuted:", "text")]
            said += [_literal(t.strip(), "texttt") for t in result.counterexample.describe().splitlines()]
            cells = " \\\\\n".join(said)
            blocks.append("\\begin{array}{l}\n" + cells + "\n\\end{array}")
    if not blocks:
        return ""
    return "$$\n\\begin{gathered}\n" + " \\\\[1ex]\n".join(blocks) + "\n\\end{gathered}\n$$"


class MathJaxChain(chain.ChainRenderer):
    """The chain as the rows of one ``aligned``: ``lhs &= rhs && mark\\ (n) \\quad justification``."""

    def text(self, plain: str) -> str:
        return mathjax_text(plain)

    def assumed(self, justification: str) -> str:
        # NOTE: one \text{assumption: ...} piece, as the display has always set it
        return mathjax_text(f"{chain.ASSUMPTION} {justification}")

    def _render_Opening(self, line: chain.Line, first: bool) -> str:
        return f"{line.lhs} &= {line.rhs}"

    def _render_Line(self, line: chain.Line, first: bool) -> str:
        lhs = line.lhs or (line.resume if first else "")  # the display opens with the chain's left side
        mark = line.mark + r"\ " if self.chain.checked else ""
        return rf"{lhs} &{line.relation} {line.rhs} && {mark}({line.number}) \quad {self.justification(line)}"


# -- text inside math ---------------------------------------------------------------------------------------------
#: Characters that \text{...} treats differently in MathJax (without its textmacros extension), KaTeX and LaTeX;
#: set as math between \text pieces instead.
_TEXT_SPECIALS = {
    "\\": r"\backslash",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\hat{}",
    "~": r"\sim",
}
_SPECIAL = re.compile("([" + re.escape("".join(_TEXT_SPECIALS)) + "])")


def mathjax_text(text: str) -> str:
    r"""Plain text (with formulas such as ``q_i`` or ``p(i | θ)``) as math-mode LaTeX that MathJax, KaTeX and LaTeX
    all read alike: ``\text{write}\ q_{i}\ \text{for}\ p(i \mid \theta)``."""
    return _mathjax(text, "text")


def mathjax_words(text: str) -> str:
    r""":func:`mathjax_text` with each word its own ``\text{...}`` piece, so that the result can be broken into
    rows at any space between pieces (a display has no paragraph box to wrap text in)."""
    return "".join(
        _spaced(c, c.strip()) if is_math else "".join(_literal(w, "text") for w in re.split(r"(?<= )(?=\S)", c))
        for is_math, c in segments(text)
    )


def _bold(text: str) -> str:
    """The title in bold: its words in ``\\textbf{...}`` pieces, its formulas (``D_KL(p ‖ q)``, ``$\\sigma$``) in
    ``\\boldsymbol{...}``, so a title keeps its math and its specials as the author wrote them."""
    return "".join(
        _spaced(c, rf"\boldsymbol{{{c.strip()}}}") if is_math else _literal(c, "textbf")
        for is_math, c in segments(text)
    )


def _mathjax(text: str, command: str) -> str:
    return "".join(_spaced(c, c.strip()) if is_math else _literal(c, command) for is_math, c in segments(text))


def _literal(text: str, command: str) -> str:
    """``text`` as it is, in ``\\text{...}`` or ``\\texttt{...}`` pieces around the specials."""
    out = []
    for n, piece in enumerate(_SPECIAL.split(text)):
        if n % 2:
            out.append(_TEXT_SPECIALS[piece])
        elif piece.strip():
            out.append(_spaced(piece, rf"\{command}{{{piece.strip()}}}"))
        elif piece:
            out.append(r"\ ")
    return "".join(out)


def _spaced(original: str, latex: str) -> str:
    """``latex`` with ``\\ `` where ``original`` began or ended with a space (MathJax trims spaces in \\text)."""
    lead = r"\ " if original[:1].isspace() else ""
    trail = r"\ " if original[-1:].isspace() else ""
    return lead + latex + trail
