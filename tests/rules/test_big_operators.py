"""Exchange of sums (rectangular and triangular), products of any factors, exp of a sum, absolute values and
squares under a sum: each proved through derive.verify, and refused when false or when its side condition is
missing."""

from __future__ import annotations

import sympy as sp

from derive import verify
from derive.core.context import Context
from derive.engine.facts import Env
from derive.engine.rules import RULES

i, j, k, n = sp.symbols("i j k n", integer=True)


def world():
    ctx = Context()
    N, M = ctx.size("N"), ctx.size("M")
    return ctx, N, M, ctx.real("A", [(1, N), (1, N)]), ctx.real("z", (1, N)), ctx.real("w", (1, N))


def proved(lhs, rhs, ctx, by=()):
    result = verify(lhs, rhs, ctx, by=by, budget=30)
    return result.evidence.value == "proved", [e.rule for e in result.trace]


def test_sum_comm_exchanges_independent_sums_whatever_the_names():
    ctx, N, M, A, z, w = world()
    B = ctx.real("B", [(1, N), (1, M)])
    lhs = sp.Sum(B[i, k], (i, 1, N), (k, 1, M))
    assert proved(lhs, sp.Sum(B[i, k], (k, 1, M), (i, 1, N)), ctx, by="sum_comm") == (True, ["sum_comm", "ring_nf"])
    assert proved(lhs, sp.Sum(B[j, n], (n, 1, M), (j, 1, N)), ctx)[0]
    # the nest mul_sum leaves: Σ_i z_i Σ_k A_ik w_k = Σ_k w_k Σ_i A_ik z_i
    left = sp.Sum(z[i] * sp.Sum(A[i, k] * w[k], (k, 1, N)), (i, 1, N))
    assert proved(left, sp.Sum(w[k] * sp.Sum(A[i, k] * z[i], (i, 1, N)), (k, 1, N)), ctx)[0]
    assert not proved(left, sp.Sum(w[k] * sp.Sum(A[k, i] * z[i], (i, 1, N)), (k, 1, N)), ctx)[0]


def test_sum_comm_keeps_dependent_ranges_and_leaves_a_contracting_delta_innermost():
    ctx, N, M, A, z, w = world()
    assert RULES["sum_comm"].apply(sp.Sum(A[i, k], (k, 1, i), (i, 1, N)), Env(ctx)) is None
    x = ctx.data("x", (1, N), (1, N))
    ready = sp.Sum(sp.KroneckerDelta(i, x[k]) * z[i], (i, 1, N), (k, 1, N))
    assert RULES["sum_comm"].apply(ready, Env(ctx)) is None


def test_sum_comm_triangle_both_forms_and_refusals():
    ctx, N, M, A, z, w = world()
    lower = sp.Sum(A[i, j], (j, 1, i), (i, 1, N))
    assert proved(lower, sp.Sum(A[i, j], (i, j, N), (j, 1, N)), ctx) == (True, ["sum_comm_triangle", "ring_nf"])
    strict = sp.Sum(A[i, j], (j, 1, i - 1), (i, 1, N))
    assert proved(strict, sp.Sum(A[i, j], (i, j + 1, N), (j, 1, N)), ctx)[0]
    assert not proved(lower, sp.Sum(A[i, j], (i, j + 1, N), (j, 1, N)), ctx)[0]  # the diagonal is missing
    # a range that may run backwards (b = M − 3 < a − 1 at M = 1): Karr's reading differs, decline
    backwards = sp.Sum(A[i, j], (i, j, M - 3), (j, 1, M - 3))
    assert RULES["sum_comm_triangle"].apply(backwards, Env(ctx)) is None
    # i ≥ j + 2 would leave ranges running backwards at the ends
    assert RULES["sum_comm_triangle"].apply(sp.Sum(A[i, j], (i, j + 2, N), (j, 1, N)), Env(ctx)) is None


def test_products_of_real_factors():
    ctx, N, M, A, z, w = world()
    c = sp.Symbol("c", real=True)
    prod = sp.Product(z[k], (k, 1, N))
    assert proved(sp.Product(z[k] * w[k], (k, 1, N)), prod * sp.Product(w[k], (k, 1, N)), ctx) == (
        True,
        ["prod_mul_distrib", "ring_nf"],
    )
    assert proved(sp.Product(z[k] ** 3, (k, 1, N)), prod**3, ctx)[0]
    assert proved(sp.Product(c * z[k], (k, 1, N)), c**N * prod, ctx)[0]
    assert proved(sp.Product(c, (k, 2, N)), c ** (N - 1), ctx)[0]
    assert not proved(sp.Product(c * z[k], (k, 1, N)), c * prod, ctx)[0]
    assert not proved(sp.Product(c, (k, 1, N)), c ** (N + 1), ctx)[0]


def test_prod_pow_needs_an_integer_exponent_or_positive_factors():
    ctx, N, M, A, z, w = world()
    q = ctx.positive("q", (1, N))
    half = sp.Rational(1, 2)
    assert proved(sp.Product(q[k] ** half, (k, 1, N)), sp.sqrt(sp.Product(q[k], (k, 1, N))), ctx)[0]
    assert RULES["prod_pow"].apply(sp.Product(z[k] ** half, (k, 1, N)), Env(ctx)) is None
    assert not proved(sp.Product(z[k] ** half, (k, 1, N)), sp.sqrt(sp.Product(z[k], (k, 1, N))), ctx)[0]
    # a range that may run backwards: prod_const declines
    assert RULES["prod_const"].apply(sp.Product(sp.Symbol("c"), (k, 3, N)), Env(ctx)) is None


def test_exp_of_a_sum_is_a_product_of_exps():
    ctx, N, M, A, z, w = world()
    u = sp.IndexedBase("u")  # any complex numbers
    assert proved(sp.exp(sp.Sum(u[k], (k, 1, N))), sp.Product(sp.exp(u[k]), (k, 1, N)), ctx)[0]
    both = sp.exp(sp.Sum(z[k] + w[k], (k, 1, N)))
    assert proved(both, sp.Product(sp.exp(z[k]), (k, 1, N)) * sp.exp(sp.Sum(w[k], (k, 1, N))), ctx)[0]
    assert not proved(sp.exp(sp.Sum(z[k], (k, 1, N))), sp.Sum(sp.exp(z[k]), (k, 1, N)), ctx)[0]


def test_absolute_values():
    ctx, N, M, A, z, w = world()
    x, y = sp.symbols("x y", real=True)
    u, v = sp.symbols("u v")
    assert proved(sp.Abs(u * v), sp.Abs(u) * sp.Abs(v), ctx) == (True, ["abs_mul", "ring_nf"])
    w_ = sp.Symbol("w", nonzero=True)  # a claim that divides by what may be 0 is not offered a proof (engine.defined)
    assert proved(sp.Abs(u / w_), sp.Abs(u) / sp.Abs(w_), ctx) == (True, ["abs_div", "ring_nf"])
    assert proved(sp.Abs(sp.Product(z[k], (k, 1, N))), sp.Product(sp.Abs(z[k]), (k, 1, N)), ctx)[0]
    assert proved(sp.Abs(u**3), sp.Abs(u) ** 3, ctx)[0]
    assert not proved(sp.Abs(x + y), sp.Abs(x) + sp.Abs(y), ctx)[0]
    p = ctx.probability("p")
    assert proved(sp.Abs(p - 1), 1 - p, ctx) == (True, ["abs_of_neg", "ring_nf"])
    assert proved(sp.Abs(p * (1 - p)), p - p**2, ctx)[0]


def test_abs_sign_rules_refuse_an_unknown_sign():
    ctx, *_ = world()
    x = sp.Symbol("x", real=True)
    assert RULES["abs_of_pos"].apply(sp.Abs(x), Env(ctx)) is None
    assert RULES["abs_of_neg"].apply(sp.Abs(x - 1), Env(ctx)) is None
    assert RULES["abs_pow"].apply(sp.Abs(sp.Symbol("u") ** sp.I), Env(ctx)) is None  # a complex exponent
    assert not proved(sp.Abs(x), x, ctx)[0]


def test_squares_under_a_sum_are_multiplied_out():
    ctx, N, M, A, z, w = world()
    r = sp.Symbol("r", real=True)
    rss = sp.Sum((w[n] - r * z[n]) ** 2, (n, 1, N))
    assert proved(rss, sp.Sum((r * z[n] - w[n]) ** 2, (n, 1, N)), ctx)[0]
    split = sp.Sum(w[n] ** 2, (n, 1, N)) - 2 * r * sp.Sum(w[n] * z[n], (n, 1, N)) + r**2 * sp.Sum(z[n] ** 2, (n, 1, N))
    assert proved(rss, split, ctx)[0]
    assert not proved(rss, sp.Sum(w[n] ** 2, (n, 1, N)) + r**2 * sp.Sum(z[n] ** 2, (n, 1, N)), ctx)[0]
    # outside a sum, or a power free of the index, or too large: left to the final comparison
    env = Env(ctx)
    assert RULES["add_pow"].apply((r + 1) ** 2, env) is None
    assert RULES["add_pow"].apply((z[n] + 1) ** 5, env.inside([(n, 1, N)])) is None
    assert RULES["add_pow"].apply((r + 1) ** 2, env.inside([(n, 1, N)])) is None


def test_prod_comm_exchanges_independent_products_only():
    ctx, N, M, A, z, w = world()
    B = ctx.real("B", [(1, N), (1, M)])
    lhs = sp.Product(B[i, k], (i, 1, N), (k, 1, M))
    assert proved(lhs, sp.Product(B[i, k], (k, 1, M), (i, 1, N)), ctx) == (True, ["prod_comm", "ring_nf"])
    assert RULES["prod_comm"].apply(sp.Product(A[i, k], (k, 1, i), (i, 1, N)), Env(ctx)) is None
    assert not proved(sp.Product(A[i, k], (k, 1, i), (i, 1, N)), sp.Product(A[i, k], (i, 1, k), (k, 1, N)), ctx)[0]
