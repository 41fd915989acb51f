"""Load-time checks of the names a derivation uses (derive.core.names): each raises a ModelError when the step is built.

Every test first builds the correct version (which must load) and then the mistake (which must not), so each
fails on a model without the check.
"""

from __future__ import annotations

import re

import pytest
import sympy as sp

from derive.checks.wellformed import index_assumptions, not_implied
from derive.core.context import Context
from derive.core.errors import ModelError
from derive.core.model import Derivation
from derive.core.names import claims_only_integer, skeleton

i = sp.Symbol("i", integer=True)
HERE = re.escape(__file__)


def located(step: str) -> str:
    """A message that starts with this file, a line, and ``step``."""
    return rf"^{HERE}:\d+: {re.escape(step)}: "


def context():
    ctx = Context()
    M = ctx.size("M")
    c = ctx.value("c", values=(1, M))
    y = ctx.probability("y")
    q = ctx.positive("q", index=(1, M), sums_to_one=True)
    return ctx, M, c, y, q


# -- 1. a namesake of a declared symbol, with other assumptions ---------------------------------------------------
def test_a_plain_symbol_named_like_a_declared_value_is_refused():
    ctx, M, c, y, q = context()
    Derivation("t", ctx, start=q[c]).step(q[c], "the declared c")
    d = Derivation("t", ctx, start=q[c])
    with pytest.raises(ModelError, match=located("step 1")) as info:
        d.step(q[sp.Symbol("c")], "a plain c")
    message = str(info.value)
    assert "c here is Symbol('c') but the context declares c as an integer in 1..M (ctx.value)" in message
    assert "Symbol('c', integer=True)" in message and "use the declared one" in message


def test_a_plain_symbol_named_like_a_declared_probability_or_size_is_refused():
    ctx, M, c, y, q = context()
    Derivation("t", ctx, start=y * M).step(M * y, "commute")
    d = Derivation("t", ctx, start=y * M)
    with pytest.raises(ModelError, match=r"y here is Symbol\('y'\) but the context declares y as a probability"):
        d.step(sp.Symbol("y") * M, "a plain y")
    with pytest.raises(ModelError, match=located("the start") + r"M here is Symbol\('M'\) .* a size"):
        Derivation("t", ctx, start=sp.Symbol("M") + 1)
    with pytest.raises(ModelError, match=located("the subject") + "M here is"):
        Derivation("t", ctx, start=M, subject=sp.Function("L")(sp.Symbol("M")))


def test_a_plain_indexed_base_named_like_a_declared_family_is_refused():
    ctx, M, c, y, q = context()
    d = Derivation("t", ctx, start=sp.Sum(q[i], (i, 1, M)))
    d.step(sp.Integer(1), "q sums to one")
    with pytest.raises(ModelError, match=r"q here is IndexedBase\('q'\) but the context declares q as positive"):
        d.step(sp.Sum(sp.IndexedBase("q")[i], (i, 1, M)), "a plain q")


def test_namesakes_are_found_in_transformed_sides_witnesses_and_definitions():
    ctx, M, c, y, q = context()
    d = Derivation("t", ctx, start=q[1])
    d.apply(lambda e: e / M, q[1] / M, "divide by M")
    with pytest.raises(ModelError, match=located("step 2") + "M here is Symbol"):
        d.apply(lambda e: e * sp.Symbol("M"), q[1], "multiply by a plain M")
    d.step(q[1] ** 2 / M, "square", relation="≠", witness={M: 2, q[1]: sp.Rational(1, 2)})
    with pytest.raises(ModelError, match=located("step 3") + "c here is Symbol"):
        d.step(q[c] / M, "another", relation="≠", witness={M: 2, sp.Symbol("c"): 1})
    n = sp.IndexedBase("n", integer=True)
    ctx.define(n[i], c * i)
    with pytest.raises(ModelError, match=located("the definition of m[i]") + "c here is Symbol"):
        ctx.define(sp.IndexedBase("m")[i], sp.Symbol("c") * i)
    plain_n = r"n here is IndexedBase\('n'\) but the context declares n in the definition n_def"
    with pytest.raises(ModelError, match=plain_n):
        d.step(sp.IndexedBase("n")[1], "a plain n", relation="≠", witness={M: 2})


# -- 2. different symbols that print alike ----------------------------------------------------------------------
def test_a_symbol_printed_like_an_indexed_entry_is_refused():
    ctx, M, c, y, q = context()
    Derivation("t", ctx, start=q[1]).step(sp.Symbol("q_2"), "q_2 is another symbol", relation="≠", witness={M: 2})
    d = Derivation("t", ctx, start=q[1])
    with pytest.raises(ModelError, match=located("step 1") + r"two different symbols print alike in LaTeX \(q_1\)"):
        d.step(sp.Symbol("q_1"), "a symbol called q_1", relation="≠", witness={M: 2})
    x = sp.IndexedBase("x")
    with pytest.raises(ModelError, match=r"print alike in LaTeX \(x_1\).*x\[1\].*Symbol\('x1'\)"):
        Derivation("t", Context(), start=sp.Symbol("x1") + x[1])


@pytest.mark.parametrize(
    ("latin", "lookalike", "letter"),
    [("a", "а", "U+0430 CYRILLIC SMALL LETTER A"), ("o", "ο", "U+03BF GREEK SMALL LETTER OMICRON")],
)
def test_look_alike_letters_are_refused(latin, lookalike, letter):
    d = Derivation("t", Context(), start=sp.Symbol(latin) + sp.Symbol("b"))
    d.step(sp.Symbol("b") + sp.Symbol(latin), "commute")
    with pytest.raises(ModelError, match=located("step 2") + "two different symbols print alike") as info:
        d.step(sp.Symbol("b") + sp.Symbol(lookalike), "a look-alike letter")
    assert letter in str(info.value)


def test_namesakes_with_different_assumptions_and_bound_indices_are_refused():
    a, b = sp.Symbol("a"), sp.Symbol("b")
    d = Derivation("t", Context(), start=a * b)
    d.step(b * a, "commute")
    both = r"print alike .*Symbol\('a', positive=True\) here, and Symbol\('a'\) in the start"
    with pytest.raises(ModelError, match=both):
        d.step(sp.Symbol("a", positive=True) * b, "a positive a")
    ctx, M, c, y, q = context()
    d = Derivation("t", ctx, start=sp.Sum(q[i], (i, 1, M)))  # a bound i counts too
    with pytest.raises(ModelError, match=r"print alike .*Symbol\('i'\) here, and Symbol\('i', integer=True\)"):
        d.step(sp.Sum(q[i], (i, 1, M)) + sp.Symbol("i"), "a free plain i", relation="≠", witness={M: 1})
    f, g = sp.Function("f", positive=True), sp.Function("f")
    with pytest.raises(ModelError, match=r"print alike .*f\(1\) \(an application of f\)"):
        Derivation("t", Context(), start=f(1) + g(1))


def test_greek_commands_and_letters_print_alike():
    assert skeleton(sp.latex(sp.Symbol("alpha"))) == skeleton(sp.latex(sp.Symbol("α")))
    assert skeleton("{q}_{1}") == skeleton("q_{1}") == "q_1"
    assert skeleton("\\rho") != skeleton("p") and skeleton("ν") != "v"  # similar, but not the same letter
    with pytest.raises(ModelError, match="print alike"):
        Derivation("t", Context(), start=sp.Symbol("alpha") + sp.Symbol("α"))


# -- 3. a summation index claiming more than its range --------------------------------------------------------------
def test_a_positive_index_over_a_range_reaching_below_one_is_refused():
    ctx, M, c, y, q = context()
    k = sp.Symbol("k", integer=True, positive=True)
    d = Derivation("t", ctx, start=sp.Sum(k, (k, 1, M)))  # positive over 1..M is implied: fine
    pattern = located("step 1") + r"the summation index k is declared positive=True, which its range -M - 2\.\.1"
    with pytest.raises(ModelError, match=pattern):
        d.step(sp.Sum(k, (k, 1, M)) + sp.Sum(sp.Abs(k), (k, -M - 2, 1)), "a positive index over -M-2..1")
    with pytest.raises(ModelError, match=located("the start") + "the summation index k"):
        Derivation("t", ctx, start=sp.Product(q[k], (k, 0, M)))


@pytest.mark.parametrize("index", [sp.Symbol("k"), sp.Symbol("k", integer=True)])
@pytest.mark.parametrize("bounds", [(1, "N"), (-3, 3), ("-N - 2", 1), (0, "N - 1"), ("N", 1)])
def test_the_shortcut_for_plain_indices_agrees_with_index_assumptions(index, bounds):
    ctx = Context()
    N = ctx.size("N")
    lo, hi = (sp.sympify(b, locals={"N": N}) for b in bounds)
    # the shortcut answers without the closure; the closure must agree with it
    assert claims_only_integer(index) and not_implied(index, lo, hi, ctx) == index_assumptions(index, lo, hi, ctx) == ""
    assert not claims_only_integer(sp.Symbol("k", integer=True, nonnegative=True))
