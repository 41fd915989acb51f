"""Sum rules: linearity, exchange, and delta summation with its integrality and range conditions."""

from __future__ import annotations

import sympy as sp

from derive.core.context import Context
from derive.engine.facts import Env
from derive.engine.rules import RULES

i, k = sp.symbols("i k", integer=True)


def context():
    ctx = Context()
    N, K = ctx.size("N"), ctx.size("K")
    x = ctx.data("x", index=(1, N), values=(1, K))
    return ctx, N, K, x


def test_sum_kronecker_delta_contracts_an_integer_in_range():
    ctx, N, K, x = context()
    f = sp.IndexedBase("f")
    rw = RULES["sum_kronecker_delta"].apply(sp.Sum(sp.KroneckerDelta(i, x[k]) * f[i], (i, 1, K), (k, 1, N)), Env(ctx))
    assert rw.result == sp.Sum(f[x[k]], (k, 1, N))
    assert rw.assumptions == ("x_k integer", "1 ≤ x_k ≤ K")


def test_sum_kronecker_delta_refuses_data_at_an_undeclared_index():
    ctx, N, K, x = context()
    f = sp.IndexedBase("f")
    for index in (k, 0, N + 1):  # a free k, x_0 and x_{N+1} are not declared to lie in 1..K
        assert (
            RULES["sum_kronecker_delta"].apply(sp.Sum(sp.KroneckerDelta(i, x[index]) * f[i], (i, 1, K)), Env(ctx))
            is None
        )


def test_sum_kronecker_delta_refuses_a_value_that_may_not_be_an_integer():
    ctx, N, K, _ = context()
    y = sp.Symbol("y", real=True)  # pitfall 1: SymPy contracts this and is wrong at y = 3/2
    assert RULES["sum_kronecker_delta"].apply(sp.Sum(sp.KroneckerDelta(i, y), (i, 1, K)), Env(ctx)) is None


def test_sum_kronecker_delta_refuses_a_value_possibly_out_of_range():
    ctx, N, K, x = context()
    # x_k ≤ K is declared, but the sum stops at K - 1.
    assert RULES["sum_kronecker_delta"].apply(sp.Sum(sp.KroneckerDelta(i, x[k]), (i, 1, K - 1)), Env(ctx)) is None
    # 2k = j has no integer solution k for odd j (pitfall 1): δ(2k, j) is not of the form δ(k, v).
    j = sp.Symbol("j", integer=True)
    assert RULES["sum_kronecker_delta"].apply(sp.Sum(sp.KroneckerDelta(2 * k, j), (k, 1, N)), Env(ctx)) is None


def test_sum_comm_moves_the_delta_index_innermost_and_leaves_a_separable_body_to_mul_sum():
    ctx, N, K, x = context()
    g = sp.IndexedBase("g")
    body = sp.KroneckerDelta(i, x[k]) * g[i]
    swapped = RULES["sum_comm"].apply(sp.Sum(body, (k, 1, N), (i, 1, K)), Env(ctx))
    assert swapped.result == sp.Sum(body, (i, 1, K), (k, 1, N))
    assert RULES["sum_comm"].apply(sp.Sum(g[i] * g[k], (k, 1, N), (i, 1, K)), Env(ctx)) is None


def test_sum_comm_refuses_dependent_bounds():
    ctx, N, K, x = context()
    body = sp.KroneckerDelta(i, x[k])
    assert RULES["sum_comm"].apply(sp.Sum(body, (k, 1, i), (i, 1, K)), Env(ctx)) is None


def test_mul_sum_pulls_out_constant_factors_and_reports_the_direction():
    ctx, N, K, x = context()
    c, f = sp.Symbol("c"), sp.IndexedBase("f")
    rw = RULES["mul_sum"].apply(sp.Sum(c * f[k], (k, 1, N)), Env(ctx))
    assert rw.result == c * sp.Sum(f[k], (k, 1, N)) and rw.reverse
    assert RULES["mul_sum"].apply(sp.Sum(f[k] * f[k + 1], (k, 1, N)), Env(ctx)) is None


def test_sum_add_and_sum_const():
    ctx, N, K, x = context()
    f, g = sp.IndexedBase("f"), sp.IndexedBase("g")
    assert RULES["sum_add"].apply(sp.Sum(f[k] + g[k], (k, 1, N)), Env(ctx)).result == sp.Sum(f[k], (k, 1, N)) + sp.Sum(
        g[k], (k, 1, N)
    )
    c = sp.Symbol("c")
    assert RULES["sum_const"].apply(sp.Sum(c, (k, 2, N)), Env(ctx)).result == (N - 1) * c


def test_sum_expand_writes_out_small_bounds_and_names_the_index_as_written():
    ctx, *_ = context()
    f = sp.IndexedBase("f")
    j = sp.Dummy("j", integer=True)  # the canonical form renames bound indices to dummies
    rw = RULES["sum_expand"].apply(sp.Sum(f[j], (j, 1, 2)), Env(ctx))
    assert rw.result == f[1] + f[2]
    assert rw.assumptions == ("1 ≤ j ≤ 2",)
    assert RULES["sum_expand"].apply(sp.Sum(f[j], (j, 1, ctx.size("M"))), Env(ctx)) is None
