"""The textbook forms of :mod:`derive.render.printer`, compared as exact strings (as SymPy's own tests do)."""

from __future__ import annotations

import pytest
import sympy as sp
from sympy.printing.latex import LatexPrinter

from derive.notation import (
    CrossEntropy,
    JointProbability,
    conditional,
    example_cross_entropy,
    quantity,
    softmax_of,
)
from derive.render.printer import DerivePrinter, to_latex

N = sp.Symbol("N", integer=True, positive=True)
K = sp.Symbol("K", integer=True, positive=True)
i, k = sp.Symbol("i", integer=True), sp.Symbol("k", integer=True)
theta = sp.Symbol("theta")
x = sp.IndexedBase("x", integer=True)
q = sp.IndexedBase("q", positive=True)
p = sp.IndexedBase("p", nonnegative=True)
n = sp.IndexedBase("n", integer=True, nonnegative=True)
L = sp.Function("L")(theta)
P = conditional("p", given=theta)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        # factors: numbers, symbols, brackets, functions, then sums
        (N * sp.Sum(p[i] * sp.log(q[i]), (i, 1, K)), r"N \sum_{i=1}^{K} p_{i} \log q_{i}"),
        (sp.Sum(sp.log(q[i]) * p[i], (i, 1, K)), r"\sum_{i=1}^{K} p_{i} \log q_{i}"),
        (sp.log(q[i]) * 2 * N * p[i], r"2 N p_{i} \log q_{i}"),
        (sp.Sum(q[i], (i, 1, K)) * sp.log(q[k]) * N, r"N \log\left(q_{k}\right) \sum_{i=1}^{K} q_{i}"),
        (N * (p[i] + q[i]) * sp.log(q[i]), r"N \left(p_{i} + q_{i}\right) \log q_{i}"),
        (2 * 3**N, r"2 \cdot 3^{N}"),
        # products print as written
        (sp.Product(q[i] ** (N * p[i]), (i, 1, K)), r"\prod_{i=1}^{K} q_{i}^{N p_{i}}"),
        (sp.Product(q[i] ** n[i], (i, 1, K)), r"\prod_{i=1}^{K} q_{i}^{n_{i}}"),
        # log without parentheses around a single symbol, indexed symbol, number or function application
        (sp.log(q[i]), r"\log q_{i}"),
        (sp.log(N), r"\log N"),
        (sp.log(2), r"\log 2"),
        (sp.log(sp.Rational(2, 9)), r"\log \frac{2}{9}"),
        (sp.log(L), r"\log L(\theta)"),
        (sp.log(N + 1), r"\log\left(N + 1\right)"),
        (sp.log(N * q[i]), r"\log\left(N q_{i}\right)"),
        (sp.log(sp.exp(N * q[i]), evaluate=False), r"\log\left(e^{N q_{i}}\right)"),
        (sp.log(q[i]) ** 2, r"\log^{2} q_{i}"),
        # log(x, b) kept as written (evaluate=False) keeps its base
        (sp.log(sp.Rational(1, 4), 2, evaluate=False), r"\log_{2} \frac{1}{4}"),
        (sp.log(N + 1, 2, evaluate=False), r"\log_{2}\left(N + 1\right)"),
        # fractions keep functions and sums out of the numerator
        (sp.log(L) / N, r"\frac{1}{N} \log L(\theta)"),
        (-sp.log(L) / N, r"- \frac{1}{N} \log L(\theta)"),
        (sp.Sum(p[i], (i, 1, K)) / N, r"\frac{1}{N} \sum_{i=1}^{K} p_{i}"),
        (2 * N * sp.log(L) / (3 * K), r"\frac{2 N}{3 K} \log L(\theta)"),
        (n[i] / N, r"\frac{n_{i}}{N}"),
        (sp.exp(q[i]) / sp.Sum(sp.exp(q[k]), (k, 1, K)), r"\frac{e^{q_{i}}}{\sum_{k=1}^{K} e^{q_{k}}}"),
        ((n[i] + 1) / N, r"\frac{n_{i} + 1}{N}"),
        # indexed symbols and Iverson brackets
        (q[i], "q_{i}"),
        (q[x[k]], "q_{x_{k}}"),
        (sp.KroneckerDelta(i, x[k]), "[x_{k} = i]"),
        (sp.KroneckerDelta(x[k], i), "[x_{k} = i]"),
        (sp.Sum(sp.KroneckerDelta(i, x[k]), (k, 1, N)), r"\sum_{k=1}^{N} [x_{k} = i]"),
        # notation
        (-CrossEntropy(p, q), "- H(p, q)"),
        (sp.Product(P(x[k]), (k, 1, N)), r"\prod_{k=1}^{N} p(x_{k} \mid \theta)"),
        (JointProbability(x, N, theta), r"p(x_{1}, \ldots, x_{N} \mid \theta)"),
        (P(2) ** 2, r"p(2 \mid \theta)^{2}"),
        (L, r"L(\theta)"),
        (L**2, r"L(\theta)^{2}"),
        (sp.Sum(example_cross_entropy(p, q)(i), (i, 1, N)), r"\sum_{i=1}^{N} H(p^{(i)}, q^{(i)})"),
        (softmax_of(q)(k) ** 2, r"\sigma(q)_{k}^{2}"),
        (quantity("mean_length", r"\bar{\ell}"), r"\bar{\ell}"),
        (2 * quantity("mean_length", r"\bar{\ell}") ** 2, r"2 \bar{\ell}^{2}"),
    ],
)
def test_textbook_form(expr, expected):
    assert to_latex(expr) == expected


def test_bound_dummy_prints_its_plain_name():
    d = sp.Dummy("i", integer=True)
    assert to_latex(sp.Sum(q[d] * sp.log(q[d]), (d, 1, K))) == r"\sum_{i=1}^{K} q_{i} \log q_{i}"


def test_settings_are_sympys():
    assert to_latex(sp.log(q[i]), ln_notation=True) == r"\ln q_{i}"
    assert to_latex(2 * N * p[i], mul_symbol="dot") == r"2 \cdot N \cdot p_{i}"


def test_unknown_setting_raises_type_error():
    with pytest.raises(TypeError):
        to_latex(q[i], no_such_setting=True)


def test_non_commuting_factors_keep_their_order():
    a, b = sp.symbols("a b", commutative=False)
    assert to_latex(b * a * sp.log(N)) == r"\log N b a"  # SymPy moves commuting factors first; b a stays b a


def test_printer_is_a_sympy_latex_printer():
    assert isinstance(DerivePrinter(), LatexPrinter)


# -- expectations (derive.core.expectation) ------------------------------------------------------------------------
def test_expectations_print_as_lecture_notes_write_them():
    from derive.core.expectation import E, Normal

    y, mu = sp.Symbol("y", real=True), sp.Symbol("mu", real=True)
    sigma = sp.Symbol("sigma", positive=True)
    assert to_latex(E(y**2, y, Normal(mu, sigma))) == (
        r"\mathbb{E}_{y\sim \mathcal{N}\left(\mu, \sigma^{2}\right)}\left[y^{2}\right]"
    )
    assert to_latex(E(sp.log(q[i]), over=(i, 1, K), p=q[i])) == r"\mathbb{E}_{i\sim q}\left[\log q_{i}\right]"
    # weights other than the family member itself are written out
    assert to_latex(E(i, over=(i, 1, K), p=q[i] / 2)) == r"\mathbb{E}_{i\sim \frac{q_{i}}{2}}\left[i\right]"
    # in a product the expectation goes with the function applications, after the symbols
    assert to_latex(2 * mu * E(y, y, Normal(mu, sigma))) == (
        r"2 \mu \mathbb{E}_{y\sim \mathcal{N}\left(\mu, \sigma^{2}\right)}\left[y\right]"
    )
    # every LaTeX printer shows the notation (the rule table uses SymPy's own), and text write-ups a readable form
    assert (
        LatexPrinter().doprint(E(y, y, Normal(0, 1)))
        == r"\mathbb{E}_{y\sim \mathcal{N}\left(0, 1\right)}\left[y\right]"
    )
    assert sp.sstr(E(y, y, Normal(mu, sigma))) == "E[y; y ~ N(mu, sigma**2)]"
    assert sp.sstr(E(i, over=(i, 1, K), p=q[i])) == "E[i; i ~ q[i], i = 1..K]"


def test_a_justification_that_writes_an_expectation_typesets_it():
    from derive.render.text import math_from_text

    assert math_from_text("E[y] = μ") == r"\mathbb{E}\left[y\right] = \mu"
    assert math_from_text("E_p[f_i]") == r"\mathbb{E}_{p}\left[f_{i}\right]"
    assert math_from_text("x[1] = 2") == "x_{1} = 2"  # SymPy's spelling of a family member is unchanged


# -- as_written: display forms (derive.run.display), built with evaluation off ----------------------------------
def _typed(build):
    """What ``build()`` gives with SymPy's evaluation off: the tree the author typed."""
    with sp.core.parameters.evaluate(False):
        return build()


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        # a sum's body with a factor 1 before it (SymPy's, under evaluate(False)) keeps the body's brackets
        (lambda: sp.Sum(q[i] + p[i], (i, 1, K)), r"\sum_{i=1}^{K} \left(q_{i} + p_{i}\right)"),
        # a product of 1 and a sum, inside a product, keeps its brackets when the 1 goes
        (lambda: N * sp.Mul(1, q[i] + p[i]), r"N \left(q_{i} + p_{i}\right)"),
        # (a + b) + c is one sum; a - (b + c) needs its brackets
        (lambda: (q[i] + p[i]) + N, r"q_{i} + p_{i} + N"),
        (lambda: N - (q[i] + p[i]), r"N - \left(q_{i} + p_{i}\right)"),
        # a reciprocal alone, and two fractions side by side as typed
        (lambda: 1 / (1 + q[i]), r"\frac{1}{1 + q_{i}}"),
        (lambda: sp.Mul(q[i] / p[i], p[i] / N), r"\frac{q_{i}}{p_{i}} \frac{p_{i}}{N}"),
        # (-y)/x and -(y/x) both read - y/x; x * (-y) keeps its brackets
        (lambda: (-q[i]) / N, r"- \frac{q_{i}}{N}"),
        (lambda: p[i] * (-q[i]), r"p_{i} \left(- q_{i}\right)"),
        # the textbook forms stay: log without brackets, 1/N before a function, e^{x} in a numerator
        (lambda: sp.log(L) / N, r"\frac{1}{N} \log L(\theta)"),
        (lambda: sp.exp(q[i]) / N, r"\frac{e^{q_{i}}}{N}"),
        (lambda: sp.KroneckerDelta(i, x[k]) * sp.log(q[i]), r"[x_{k} = i] \log q_{i}"),
    ],
)
def test_as_written_prints_the_tree_as_typed(build, expected):
    assert to_latex(_typed(build), as_written=True) == expected


def test_as_written_is_off_by_default_and_an_unknown_setting_is_refused():
    typed = _typed(lambda: p[i] * q[i] - N)
    assert to_latex(typed) != to_latex(typed, as_written=True) == r"p_{i} q_{i} - N"
    with pytest.raises(TypeError):
        to_latex(typed, as_writen=True)


_a, _b, _c, _t = sp.symbols("a b c t")
_f, _g = sp.Function("f"), sp.Function("g")


@pytest.mark.parametrize(
    ("build", "written", "checked"),
    [
        # a Mod in a sum keeps its brackets (SymPy's _needs_add_brackets), first, last or after a minus sign
        (lambda: sp.Mod(_a, _b) + _c, r"\left(a \bmod b\right) + c", r"c + \left(a \bmod b\right)"),
        (lambda: _c + sp.Mod(_a, _b), r"c + \left(a \bmod b\right)", r"c + \left(a \bmod b\right)"),
        (lambda: _c - sp.Mod(_a, _b), r"c - \left(a \bmod b\right)", r"c - \left(a \bmod b\right)"),
        (lambda: -sp.Mod(_a, _b), r"- \left(a \bmod b\right)", r"- \left(a \bmod b\right)"),
        # a derivative, a limit, an integral times a factor never reads as the operator applied to the product
        (
            lambda: sp.Derivative(_f(_t), _t) * _t,
            r"\left(\frac{d}{d t} f(t)\right) t",
            r"t \frac{d}{d t} f(t)",
        ),
        (
            lambda: sp.Derivative(_f(_t) * _t, _t),
            r"\frac{d}{d t}\left(f(t) t\right)",
            r"\frac{d}{d t}\left(t f(t)\right)",
        ),
        (
            lambda: sp.Derivative(_f(_t), _t) * _g(_t),
            r"\left(\frac{d}{d t} f(t)\right) g(t)",
            r"g(t) \frac{d}{d t} f(t)",
        ),
        (
            lambda: sp.Limit(_f(_t), _t, 0) * _g(_t),
            r"\left(\lim_{t \to 0^+} f(t)\right) g(t)",
            r"g(t) \lim_{t \to 0^+} f(t)",
        ),
        (
            lambda: _a - sp.Derivative(_f(_t), _t) * _b,
            r"a - \left(\frac{d}{d t} f(t)\right) b",
            r"a - b \frac{d}{d t} f(t)",
        ),
    ],
)
def test_brackets_keep_the_reading_of_the_tree(build, written, checked):
    assert to_latex(_typed(build), as_written=True) == written
    assert to_latex(build()) == checked


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("log(x)*b", r"\log\left(x\right) b"),  # \log x b reads as the log of x b
        ("log(2)*x", r"\log\left(2\right) x"),
        ("a - log(x)*b", r"a - \log\left(x\right) b"),
        ("log(x)**2*y", r"\log^{2}\left(x\right) y"),
        ("b*log(x)", r"b \log x"),  # last in the product: nothing to misread
    ],
)
def test_a_log_followed_by_another_factor_keeps_its_parentheses(typed, expected):
    """Found by review: as written, ``log(x)*b`` printed ``\\log x b``, which SymPy's own LaTeX parser reads as
    log(x b)."""
    from sympy.core.parameters import evaluate

    names = {n: sp.Symbol(n) for n in ("x", "b", "a", "y")}
    with evaluate(False):
        expr = eval(typed, {"log": sp.log, **names})  # noqa: S307 - the test's own literals
    assert DerivePrinter({"as_written": True}).doprint(expr) == expected
