"""derive.render.code: the code section of the write-ups (latexify-py output and what we do to it)."""

from __future__ import annotations

import dataclasses

import pytest

from derive.core.evidence import Counterexample, Evidence, StepResult
from derive.core.model import Kind
from derive.render.code import code_latex, convention, references, source_without_docstring
from derive.render.latex import render_fragment
from derive.render.markdown import render_markdown

DETAIL = "the code equals the formula exactly for 1 ≤ K ≤ 3, 1 ≤ N ≤ 3 (every data vector); in floating point it agrees"


@pytest.fixture()
def checked(derivation, results):
    """The flagship's results with its reference implementation proved for sizes, as the checker reports it."""
    (index,) = [n for n, s in enumerate(derivation.steps) if s.kind is Kind.REFERENCE]
    out = list(results)
    out[index] = StepResult(Evidence.PROVED_FOR_SIZES, DETAIL + " to 1e-09 at 20 random inputs (seed 0)")
    return out


def test_latexify_output_shows_len_as_the_size_and_sums_from_zero(derivation):
    (step,) = [s for s in derivation.steps if s.kind is Kind.REFERENCE]
    assert code_latex(step.reference, derivation.context) == (
        r"\mathrm{average\_nll}(q, x) = \frac{-\sum_{n = 0}^{N - 1} \mathopen{}\left({\log q_{x_{n}}}"
        r"\mathclose{}\right)}{N}"
    )


def test_a_hat_in_a_parameter_name_becomes_a_hat():
    from derive.run.loader import bundled_proofs, load_module

    (module,) = [load_module(bundled_proofs() / "bernoulli_likelihood.py")]
    bce = next(d for d in module.derivations if d.name == "binary-cross-entropy")
    (step,) = [s for s in bce.steps if s.kind is Kind.REFERENCE]
    latex = code_latex(step.reference, bce.context)
    assert r"\mathrm{binary\_cross\_entropy}(y, \hat{y}) = " in latex
    assert r"\log \hat{y}" in latex and "y\\_hat" not in latex


def test_max_is_the_operator_and_an_assignment_is_a_line_of_its_own():
    from derive.run.loader import bundled_proofs, load_module

    module = load_module(bundled_proofs() / "softmax_one_hot.py")
    positive = next(d for d in module.derivations if d.name == "softmax-positive")
    (step,) = [s for s in positive.steps if s.kind is Kind.REFERENCE]
    latex = code_latex(step.reference, positive.context)
    assert latex.startswith(r"\begin{aligned} &m = \max \mathopen{}\left( z \mathclose{}\right) \\ &\mathrm{softmax}")
    assert latex.endswith(r"\end{aligned}")
    assert r"\sum_{k = 0}^{M - 1}" in latex and r"\mathrm{max}" not in latex


def test_the_index_convention_is_said_in_the_formulas_notation(derivation):
    (step,) = [s for s in derivation.steps if s.kind is Kind.REFERENCE]
    assert convention(step.reference, derivation.context) == (
        r"Python counts from 0: in the code, :math:`\mathtt{q[i]}` is :math:`q_{i + 1}`; "
        r":math:`\mathtt{x[n]}` is :math:`x_{n + 1} - 1`."
    )


def test_an_index_argument_is_said_to_be_the_formulas_index_minus_one():
    from derive.run.loader import bundled_proofs, load

    (module,) = load([bundled_proofs() / "softmax_one_hot.py"])
    positive = next(d for d in module.derivations if d.name == "softmax-positive")
    (step,) = [s for s in positive.steps if s.kind is Kind.REFERENCE]
    assert convention(step.reference, positive.context) == (
        r"Python counts from 0: in the code, :math:`\mathtt{z[i]}` is :math:`z_{i + 1}`; "
        r":math:`\mathtt{j}` is the formula's :math:`j - 1`."
    )


def test_the_source_is_shown_without_its_docstring():
    from derive.losses import softmax

    assert source_without_docstring(softmax) == (
        "def softmax(z, j):\n    m = max(z)\n"
        "    return math.exp(z[j] - m) / sum(math.exp(z[k] - m) for k in range(len(z)))\n"
    )


def test_long_lines_of_code_break_inside_brackets_and_still_parse():
    import ast

    from derive.losses import bernoulli_log_likelihood

    source = source_without_docstring(bernoulli_log_likelihood)
    assert source.splitlines()[1:] == [
        "    return sum(y[i] * math.log(y_hat[i]) + (1 - y[i]) * math.log(1 - y_hat[i])",
        "            for i in range(len(y)))",
    ]
    ast.parse(source)


def test_the_code_is_not_a_line_of_the_chain_but_sits_beside_its_formula_in_latex(derivation, checked):
    tex = render_fragment(derivation, checked)
    chain = tex.split(r"\end{align}")[0]
    assert "average\\_nll" not in chain and "code-average" not in chain
    section = tex.split(r"\paragraph{The code, and the formula it computes.}")[1]
    assert r"\[ \mathrm{average\_nll}(q, x) = " in section
    assert r"\[ H(p, q) = - \sum_{i=1}^{K} p_{i} \log q_{i} \]" in section
    assert r"$\checkmark_{\le 3}$ \emph{proved for sizes}" in section
    assert "\\begin{verbatim}\ndef average_nll(q, x):\n" in section
    assert section.index("average") < section.index(r"\paragraph{Marks.}")
    assert r"$\checkmark_{\le s}$~proved exactly, but only for sizes up to $s$" in tex  # in the legend


def test_the_code_and_its_formula_in_markdown(derivation, checked):
    md = render_markdown(derivation, checked)
    section = md.split("**The code, and the formula it computes.**")[1]
    assert "```python\ndef average_nll(q, x):\n" in section
    assert "$$\n\\mathrm{average\\_nll}(q, x) = " in section
    assert "$$\nH(p, q) = - \\sum_{i=1}^{K} p_{i} \\log q_{i}\n$$" in section
    assert "**proved for sizes** ✓≤3" in section  # the 20 random inputs are not a size


def test_a_refuted_implementation_shows_code_and_formula_values(derivation, checked):
    (index,) = [n for n, s in enumerate(derivation.steps) if s.kind is Kind.REFERENCE]
    cex = Counterexample({"K": "2"}, "log(2)/2", "log(2)", "0.35", "0.69", sides=("code", "formula"))
    broken = list(checked)
    broken[index] = dataclasses.replace(checked[index], evidence=Evidence.REFUTED, counterexample=cex)
    assert "  code    = log(2)/2  ≈ 0.35" in render_markdown(derivation, broken)
    assert r"\mbox{}\ \ code\ \ \ \ =" in render_fragment(derivation, broken)
    assert len(references(derivation, broken)) == 1
