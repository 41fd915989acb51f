"""Text that must never break a write-up or change its meaning (the review of issue 16).

- A phrase derive *guesses* to be math (no ``$``) never carries a command or a special the author did not mark:
  ``p(\\input{/etc/hostname})`` stays text, ``p(90%)`` is ``p(90\\%)``.
- A literal ``\\(x\\)`` in plain text is shown as written in HTML (KaTeX's auto-render must not typeset it).
- A superscript without braces takes a number or one letter (``a^nb^n`` is never ``a^{nb}^n``).
- Math the author marked (``$...$``, ``:math:``) that would break the compile is shown as text, and
  :func:`derive.render.text.math_problems` names it.

The expected strings are written by hand.
"""

from __future__ import annotations

import re

import pytest
import sympy as sp

from derive.core.context import Context
from derive.core.evidence import Evidence, StepResult, TraceEntry
from derive.core.model import Derivation
from derive.render.latex import render_document
from derive.render.text import html_text, latex_problems, latex_text, markdown_text, math_problems, plain_text

#: guessed math: text → (LaTeX, Markdown, HTML)
GUESSED = {
    # a command in a phrase the author did not mark as math: text, escaped
    r"see p(\input{/etc/hostname})": (
        r"see p(\textbackslash{}input\{/etc/hostname\})",
        r"see p(\\input{/etc/hostname})",
        r"see p(\<span></span>input{/etc/hostname})",
    ),
    r"E[\input{x}] and x_{\input /etc/passwd}": (
        r"E[\textbackslash{}input\{x\}] and x\_\{\textbackslash{}input /etc/passwd\}",
        r"E[\\input{x}] and x\_{\\input /etc/passwd}",
        r"E[\<span></span>input{x}] and x_{\<span></span>input /etc/passwd}",
    ),
    # specials inside a formula: escaped in the math
    "right with p(90%) of the time": (
        r"right with $p(90\%)$ of the time",
        r"right with $p(90\%)$ of the time",
        r"right with \(p(90\%)\) of the time",
    ),
    "P(A & B) and p(#) and E[X%]": (
        r"$P(A \& B)$ and $p(\#)$ and $\mathbb{E}\left[X\%\right]$",
        r"$P(A \& B)$ and $p(\#)$ and $\mathbb{E}\left[X\%\right]$",
        r"\(P(A \&amp; B)\) and \(p(\#)\) and \(\mathbb{E}\left[X\%\right]\)",
    ),
    "p(x ~ y)": (r"$p(x \sim y)$", r"$p(x \sim y)$", r"\(p(x \sim y)\)"),
    # braces that are not a script's, a script with nothing to raise, a double subscript: text
    "p({x}) or p(x^) or p(a_b_c) or x^-1": (
        r"p(\{x\}) or p(x\^{}) or p(a\_b\_c) or x\^{}-1",
        r"p({x}) or p(x^) or p(a\_b\_c) or x^-1",
        r"p({x}) or p(x^) or p(a_b_c) or x^-1",
    ),
    # a superscript without braces: a number or one letter (TeX's rule), or the phrase stays text
    "a^nb^n and x^2y + 1": (r"a\^{}nb\^{}n and x\^{}2y + 1", "a^nb^n and x^2y + 1", "a^nb^n and x^2y + 1"),
    "x^10, x^2 and p(a^nb^n)": (
        r"$x^{10}$, $x^{2}$ and $p(a^{n}b^{n})$",
        r"$x^{10}$, $x^{2}$ and $p(a^{n}b^{n})$",
        r"\(x^{10}\), \(x^{2}\) and \(p(a^{n}b^{n})\)",
    ),
    # a literal \(x\) is text everywhere: in HTML an empty element after each backslash keeps KaTeX away
    r"a literal \(x\) and \[y\]": (
        r"a literal \textbackslash{}(x\textbackslash{}) and \textbackslash{}[y\textbackslash{}]",
        r"a literal \\(x\\) and \\[y\\]",
        r"a literal \<span></span>(x\<span></span>) and \<span></span>[y\<span></span>]",
    ),
}


@pytest.mark.parametrize("text", list(GUESSED))
def test_guessed_math_is_safe_in_every_target(text):
    latex, markdown, html = GUESSED[text]
    assert latex_text(text) == latex
    assert markdown_text(text) == markdown
    assert html_text(text) == html


def test_no_text_segment_in_html_holds_a_delimiter_katex_reads():
    for text, formulas in [(r"\(x\)", 0), (r"\[x\]", 0), ("\\", 0), (r"a \( b $x$ c \) d", 1), (r"$\sigma$ \) \(", 1)]:
        # what KaTeX's auto-render reads: the text nodes between elements, each on its own; only derive's own
        # delimiters around the author's formulas may be left
        nodes = re.split(r"<[^>]*>", html_text(text))
        assert [d for node in nodes for d in re.findall(r"\\[()\[\]]", node)] == [r"\(", r"\)"] * formulas, text


#: marked math that would break the compile: text → (LaTeX, the problem math_problems names)
INVALID = {
    "$x}$": (r"\$x\}\$", "its braces do not balance"),
    r"$\frac{1}{$": (r"\$\textbackslash{}frac\{1\}\{\$", "its braces do not balance"),
    "$x^$": (r"\$x\^{}\$", "a '^' has nothing to raise"),
    "$x_}$": (r"\$x\_\}\$", "its braces do not balance"),
    r"$\end{document}$": (r"\$\textbackslash{}end\{document\}\$", r"\end has no place in a formula"),
    r"$a \\ b$": (r"\$a \textbackslash{}\textbackslash{} b\$", r"\\ has no place in a formula"),
    "$a & b$": (r"\$a \& b\$", "an unescaped '&'"),
    "$p#1$": (r"\$p\#1\$", "an unescaped '#'"),
    r"$\input{/etc/passwd}$": (r"\$\textbackslash{}input\{/etc/passwd\}\$", r"\input has no place in a formula"),
    r"$\immediate\write18{ls}$": (
        r"\$\textbackslash{}immediate\textbackslash{}write18\{ls\}\$",
        r"\immediate has no place in a formula",
    ),
    "$a^{n}^{n}$": (r"\$a\^{}\{n\}\^{}\{n\}\$", "a double superscript"),
    "$x_i_j$": (r"\$x\_i\_j\$", "a double subscript"),
    r"$a\)b$": (r"\$a\textbackslash{})b\$", r"\) has no place in a formula"),
    ":math:`x}`": (r":math:`x\}`", "its braces do not balance"),
}


@pytest.mark.parametrize("text", list(INVALID))
def test_invalid_marked_math_is_text_and_named(text):
    latex, problem = INVALID[text]
    assert latex_text(f"see {text} here") == f"see {latex} here"
    assert "\\(" not in html_text(text)  # not math in HTML either
    assert markdown_text(text).startswith(("\\$", ":math:"))
    assert plain_text(text) == text  # the terminal shows it as written, markers and all
    [message] = math_problems(f"see {text} here")
    assert message.startswith(f"{text}: ") and problem in message


def test_valid_math_has_no_problems():
    for tex in [
        r"\sum_{i=1}^{n} x_i^2",
        r"x'^2",
        r"{x^2}^3",
        r"\{x\} \cup \{y\}",
        r"\frac{1}{2} \% \& \#",
        r"\left( \sum\limits_{i}^{n} a_{i} \right)^{2}",
        r"e^{x}_{i}",
    ]:
        assert latex_problems(tex) == [], tex
    assert math_problems(r"the spread $\sigma > 0$ of :math:`y_n`, and p(90%) guessed") == []


def test_a_double_script_after_a_group_argument_is_caught():
    assert latex_problems("x^{2}'") == ["a prime after a superscript is a double superscript"]
    assert latex_problems("x_{a}^{b}_{c}") == ["a double subscript (_ twice on one symbol)"]
    assert latex_problems("x_") == ["a '_' has nothing to lower"]


# -- the hostile texts through pdflatex ------------------------------------------------------------------------------
def test_a_document_of_hostile_texts_compiles_and_reads_no_file(tmp_path, require, pdflatex):
    require("pdflatex")
    texts = list(GUESSED) + list(INVALID)
    ctx = Context()
    x = sp.Symbol("x", positive=True)
    d = Derivation("p(90%) of $x}$ and P(A & B)", ctx, start=sp.log(x**2), name="hostile", intro="\n\n".join(texts))
    d.step(2 * sp.log(x), texts[0])
    d.step(sp.log(x) + sp.log(x), " ".join(texts[1:]), name="twice")
    proved = StepResult(Evidence.PROVED, "", trace=[TraceEntry(rule="log_pow", side="lhs", assumptions=("x > 0",))])
    (tmp_path / "hostile.tex").write_text(render_document(d, [proved, proved]), encoding="utf-8")
    returncode, log = pdflatex(tmp_path / "hostile.tex")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert returncode == 0 and not errors, "\n".join(errors) or log[-2000:]
    assert "/etc/hostname" not in log and "/etc/passwd" not in log  # no file was read
