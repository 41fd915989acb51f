"""The named inequalities (derive.engine.inequalities): each proves its statement and a typical use, and declines a
false variant and the same claim with a side condition missing from the declarations."""

from __future__ import annotations

import pytest
import sympy as sp
from sympy import Abs, Product, Sum, exp, log, sqrt

from derive import Context
from derive.checks.relations import verify_inequality
from derive.core.evidence import Evidence
from derive.core.model import Relation
from derive.engine.inequalities import LEMMAS, prove_inequality

i, k = sp.Symbol("i", integer=True), sp.Symbol("k", integer=True)
x = sp.Symbol("x", positive=True)
xr = sp.Symbol("x", real=True)
xc = sp.Symbol("x")  # no assumption: complex
a, b = sp.Symbol("a", real=True), sp.Symbol("b", real=True)


def _dist():
    ctx = Context()
    K = ctx.size("K")
    return ctx, K, ctx.positive("p", (1, K), sums_to_one=True), ctx.positive("q", (1, K), sums_to_one=True)


def _reals(kind="real", **bounds):
    ctx = Context()
    n = ctx.size("n")
    declare = {"real": ctx.real, "positive": ctx.positive, "nonnegative": ctx.nonnegative}[kind]
    return ctx, n, declare("f", (1, n), **bounds), ctx.real("g", (1, n))


def _cases():
    """``(lemma, ctx, lhs, rhs, strict)`` claims ``lhs ≤ rhs`` (``<``) that lemma proves."""
    c = Context()
    ctx, K, p, q = _dist()
    rc, n, f, g = _reals()
    m = sp.Symbol("m", real=True)
    bc, bn, bf, _ = _reals(upper=m)
    yield "log_le_sub_one_of_pos", c, log(x), x - 1, False
    yield "log_le_sub_one_of_pos", c, 1 - 1 / x, log(x), False
    yield "log_le_sub_one_of_pos", ctx, Sum(p[i] * log(q[i] / p[i]), (i, 1, K)), 0, False  # Gibbs
    yield "add_one_le_exp", c, xr + 1, exp(xr), False
    yield "add_one_le_exp", c, 1 - xr, exp(-xr), False
    yield (
        "add_one_le_exp",
        c,
        1 + sp.Symbol("y", real=True, nonzero=True),
        exp(sp.Symbol("y", real=True, nonzero=True)),
        True,
    )
    yield "abs_add", c, Abs(a + b), Abs(a) + Abs(b), False
    yield "abs_add", c, Abs(a) - Abs(b), Abs(a - b), False
    yield "abs_sum_le_sum_abs", rc, Abs(Sum(f[i], (i, 1, n))), Sum(Abs(f[i]), (i, 1, n)), False
    cs = Sum(f[i] ** 2, (i, 1, n)) * Sum(g[i] ** 2, (i, 1, n))
    yield "sum_mul_sq_le_sq_mul_sq", rc, Sum(f[i] * g[i], (i, 1, n)) ** 2, cs, False
    yield "sum_mul_sq_le_sq_mul_sq", rc, Sum(f[i], (i, 1, n)) ** 2 / n, Sum(f[i] ** 2, (i, 1, n)), False
    zc = Context()
    Z = zc.size("K")
    z, j = zc.real("z", (1, Z)), zc.value("j", (1, Z))
    yield "single_le_sum", zc, z[j], log(Sum(exp(z[k]), (k, 1, Z))), False
    yield "single_le_sum", zc, exp(z[j]) / Sum(exp(z[k]), (k, 1, Z)), 1, False
    yield "geom_mean_le_arith_mean_weighted", ctx, Product(q[i] ** p[i], (i, 1, K)), Sum(p[i] * q[i], (i, 1, K)), False
    s, t = sp.symbols("s t", positive=True)
    yield "geom_mean_le_arith_mean_weighted", c, sqrt(s * t), (s + t) / 2, False
    yield "declared_bound", bc, log(Sum(exp(bf[i]), (i, 1, bn))), m + log(bn), False
    yield "declared_bound", bc, Sum(bf[i], (i, 1, bn)), bn * m, False
    yield "jensen", ctx, -Sum(p[i] * log(p[i]), (i, 1, K)), log(K), False
    yield "jensen", ctx, exp(Sum(p[i] * q[i], (i, 1, K))), Sum(p[i] * exp(q[i]), (i, 1, K)), False
    yield "jensen", ctx, Sum(p[i] * log(q[i]), (i, 1, K)), log(Sum(p[i] * q[i], (i, 1, K))), False


CASES = list(_cases())


@pytest.mark.parametrize("lemma, ctx, lhs, rhs, strict", CASES, ids=[f"{c[0]}-{n}" for n, c in enumerate(CASES)])
def test_each_lemma_proves_its_statement_and_a_typical_use(lemma, ctx, lhs, rhs, strict):
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    trace, _ = prove_inequality(lhs, rhs, strict, ctx)
    assert trace is not None, f"{lhs} ≤ {rhs} not proved"
    used = {e.rule for e in trace}
    assert lemma in used or (lemma == "add_one_le_exp" and "add_one_lt_exp" in used), used
    relation = Relation.LT if strict else Relation.LE
    result = verify_inequality(lhs, rhs, relation, ctx, budget=20.0)  # a generous budget: CI machines are loaded
    assert result.evidence is Evidence.PROVED, result.detail  # and the guard agrees


def _false():
    """Claims that are false somewhere inside the declarations: never proved."""
    c = Context()
    ctx, K, p, q = _dist()
    rc, n, f, g = _reals()
    yield c, x - 1, log(x), False
    yield c, log(x), 1 - 1 / x, False
    yield c, exp(xr), xr + 1, False
    yield c, xr + 1, exp(xr), True  # equality at 0
    yield c, Abs(a) + Abs(b), Abs(a + b), False
    yield rc, Sum(f[i] * g[i], (i, 1, n)) ** 2, Sum(f[i] ** 2, (i, 1, n)) + Sum(g[i] ** 2, (i, 1, n)), False
    yield rc, Sum(f[i], (i, 1, n)) ** 2, Sum(f[i] ** 2, (i, 1, n)), False  # the factor n dropped
    yield ctx, 0, Sum(p[i] * log(p[i] / q[i]), (i, 1, K)), True  # equality at q = p
    yield ctx, Sum(p[i] * exp(q[i]), (i, 1, K)), exp(Sum(p[i] * q[i], (i, 1, K))), False  # Jensen reversed
    yield ctx, log(K), -Sum(p[i] * log(p[i]), (i, 1, K)), False
    s, t = sp.symbols("s t", positive=True)
    yield c, (s + t) / 2, sqrt(s * t), False


@pytest.mark.parametrize("ctx, lhs, rhs, strict", list(_false()))
def test_a_false_variant_is_never_proved(ctx, lhs, rhs, strict):
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    trace, _ = prove_inequality(lhs, rhs, strict, ctx)
    assert trace is None
    relation = Relation.LT if strict else Relation.LE
    assert verify_inequality(lhs, rhs, relation, ctx).evidence is not Evidence.PROVED


def test_a_missing_side_condition_makes_the_lemma_decline():
    c = Context()
    # log x ≤ x − 1 with x any real: log of a negative number is not real; the lemma needs x > 0
    trace, attempts = prove_inequality(log(xr), xr - 1, False, c)
    assert trace is None
    # 1 + x ≤ eˣ for complex x means nothing; the lemma needs x real
    assert prove_inequality(xc + 1, exp(xc), False, c)[0] is None
    # a single term of a sum is below the sum only if every term is at least 0
    rc, n, f, _ = _reals()
    j = rc.value("j", (1, n))
    trace, attempts = prove_inequality(f[j], Sum(f[i], (i, 1, n)), False, rc)
    assert trace is None and any(lemma == "single_le_sum" for lemma, _, _ in attempts.declined)
    nc, nn, nf, _ = _reals("nonnegative")
    j = nc.value("j", (1, nn))
    assert prove_inequality(nf[j], Sum(nf[i], (i, 1, nn)), False, nc)[0] is not None  # declared ≥ 0: proved
    # Jensen needs weights declared to sum to one
    wc = Context()
    W = wc.size("K")
    w, y = wc.positive("w", (1, W)), wc.positive("y", (1, W))
    assert prove_inequality(exp(Sum(w[i] * y[i], (i, 1, W))), Sum(w[i] * exp(y[i]), (i, 1, W)), False, wc)[0] is None
    # a declared bound is used only for a member whose index is in the declared range
    m = sp.Symbol("m", real=True)
    bc, bn, bf, _ = _reals(upper=m)
    assert prove_inequality(bf[bn + 1], m, False, bc)[0] is None
    assert prove_inequality(bf[1], m, False, bc)[0] is not None


def test_monotonicity_steps_compare_matching_parts():
    c = Context()
    d = sp.Symbol("d", nonnegative=True)
    dr = sp.Symbol("d", real=True)
    assert prove_inequality(exp(xr), exp(xr + d), False, c)[0] is not None
    assert prove_inequality(exp(xr), exp(xr + dr), False, c)[0] is None
    assert prove_inequality(log(x), log(x + d), False, c)[0] is not None
    assert prove_inequality(log(1 + exp(xr)), xr, True, c)[0] is None  # reversed
    trace, _ = prove_inequality(xr, log(1 + exp(xr)), True, c)
    assert trace is not None and "log_le_log" in {e.rule for e in trace}
    an, m = sp.Symbol("a", nonnegative=True), sp.Symbol("m", integer=True, nonnegative=True)
    assert prove_inequality(an**m, (an + d) ** m, False, c)[0] is not None
    assert prove_inequality(a**m, (a + d) ** m, False, c)[0] is None  # 0 ≤ a dropped
    rc, n, f, g = _reals()
    inner = Abs(Sum(f[i] * g[i], (i, 1, n)))
    norms = sqrt(Sum(f[i] ** 2, (i, 1, n))) * sqrt(Sum(g[i] ** 2, (i, 1, n)))
    assert prove_inequality(inner, norms, False, rc)[0] is not None


def test_the_trace_records_the_lemma_its_conditions_and_the_bound():
    trace, _ = prove_inequality(log(x), x - 1, False, Context())
    first = trace[0]
    assert first.rule == "log_le_sub_one_of_pos" and "x > 0" in first.assumptions
    assert sp.sympify(first.target) == log(x) and sp.sympify(first.result) == x - 1


def test_by_names_a_lemma_and_every_name_is_registered():
    assert {"log_le_sub_one_of_pos", "add_one_le_exp", "jensen", "geom_mean_le_arith_mean_weighted"} <= set(LEMMAS)
    assert {"sum_mul_sq_le_sq_mul_sq", "abs_sum_le_sum_abs", "abs_add", "declared_bound"} <= set(LEMMAS)
    trace, _ = prove_inequality(log(x), x - 1, False, Context(), hints=("log_le_sub_one_of_pos",))
    assert trace is not None


def test_a_constant_difference_is_decided_by_certified_evaluation():
    half, third = sp.Rational(1, 2), sp.Rational(1, 3)
    entropy = lambda t: -t * log(t) - (1 - t) * log(1 - t)  # noqa: E731
    result = verify_inequality(entropy(half), entropy(third), Relation.GT, Context())
    assert result.evidence is Evidence.PROVED  # its certified value: by positivity of a number, else norm_num
    assert any("≈" in reason for entry in result.trace for reason in entry.assumptions)
    assert verify_inequality(entropy(third), entropy(half), Relation.GT, Context()).evidence is Evidence.REFUTED


def _jensen_of(f):
    ctx = Context()
    K = ctx.size("K")
    p, z = ctx.positive("p", (1, K), sums_to_one=True), ctx.real("z", (1, K))
    return ctx, f(Sum(p[i] * z[i], (i, 1, K))), Sum(p[i] * f(z[i]), (i, 1, K))


@pytest.mark.parametrize(
    "f",
    [
        lambda u: sp.Piecewise((u, u < 1000), (1000, True)),  # min(u, 1000): concave, SymPy's f'' is 0
        lambda u: sp.Piecewise((0, u < 1000), (1, True)),  # a step
        lambda u: sp.arg(u + 1000),  # a step from pi to 0
    ],
)
def test_jensen_refuses_a_function_whose_second_derivative_drops_a_jump_or_kink(f):
    """Review finding: SymPy differentiates a Piecewise piece by piece, so f'' = 0 called a clip convex and the
    guard, sampling far from the kink at 1000, let a false inequality pass."""
    ctx, lhs, rhs = _jensen_of(f)
    assert prove_inequality(lhs, rhs, False, ctx)[0] is None
    assert verify_inequality(lhs, rhs, Relation.LE, ctx).evidence is not Evidence.PROVED


def test_a_strict_claim_is_not_proved_by_comparing_sums_term_by_term():
    """Review finding: Σ f_i ≤ Σ (f_i + w_i) term by term, w_i ≥ 0, proves no strict inequality (w = 0)."""
    ctx = Context()
    n = ctx.size("n")
    f, w = ctx.real("f", (1, n)), ctx.nonnegative("w", (1, n))
    lhs, rhs = Sum(f[i], (i, 1, n)), Sum(f[i] + w[i], (i, 1, n))
    assert prove_inequality(lhs, rhs, False, ctx)[0] is not None
    assert prove_inequality(lhs, rhs, True, ctx)[0] is None
    assert verify_inequality(lhs, rhs, Relation.LT, ctx).evidence is Evidence.REFUTED


def test_an_order_between_sides_not_shown_real_is_not_proved():
    """Review finding: log(-t) <= log(-t) + t has a positive difference, but its sides are not real numbers."""
    t, m = sp.Symbol("t", positive=True), sp.Symbol("m", real=True)
    c = Context()
    assert verify_inequality(log(-t), log(-t) + t, Relation.LE, c).evidence is not Evidence.PROVED
    assert verify_inequality(log(m * t), m * t - 1, Relation.LE, c).evidence is not Evidence.PROVED
    assert verify_inequality(log(t), log(t) + t, Relation.LE, c).evidence is Evidence.PROVED
