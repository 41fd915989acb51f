"""Signs from a declared integer value (derive.engine.value_facts): ``k`` declared in ``1..N − 1`` makes ``k`` and
``N − k`` positive; a range that allows 0 does not; a summation index that shadows the value uses its own range."""

from __future__ import annotations

import sympy as sp
from sympy import Sum

from derive import Context
from derive.checks.relations import verify_inequality
from derive.core.evidence import Evidence
from derive.core.model import Relation
from derive.engine.facts import Env, nonneg, positive


def _value(lo, hi_shift):
    ctx = Context()
    N = ctx.size("N", minimum=2)
    return ctx, N, ctx.value("k", (lo, N + hi_shift))


def test_a_value_between_one_and_n_minus_one_makes_k_and_n_minus_k_positive():
    ctx, N, k = _value(1, -1)
    env = Env(ctx)
    assert positive(k, env) is not None
    why = positive(N - k, env)
    assert why is not None and "k ≤ N - 1" in why
    assert positive(2 * N - 2 * k - 1, env) is not None  # 2(N − k) − 1 ≥ 1
    theta = ctx.probability("theta")
    curvature = -k / theta**2 - (N - k) / (1 - theta) ** 2
    assert verify_inequality(curvature, sp.Integer(0), Relation.LT, ctx).evidence is Evidence.PROVED


def test_a_range_that_allows_zero_gives_at_least_zero_only():
    ctx, N, k = _value(0, 0)  # 0 ≤ k ≤ N
    env = Env(ctx)
    assert positive(k, env) is None and nonneg(k, env) is not None
    assert positive(N - k, env) is None and nonneg(N - k, env) is not None
    assert positive(k - 1, env) is None and nonneg(k - 1, env) is None
    assert verify_inequality(N - k, sp.Integer(0), Relation.GT, ctx).evidence is Evidence.REFUTED  # k = N
    assert verify_inequality(k, sp.Integer(0), Relation.GT, ctx).evidence is Evidence.REFUTED  # k = 0


def test_a_summation_index_of_the_same_name_uses_the_sum_s_range():
    ctx, N, k = _value(1, -1)
    env = Env(ctx).inside(((k, sp.Integer(0), N),))  # k = 0 .. N inside the sum: k − 1 may be negative there
    assert positive(k, env) is None and positive(N - k, env) is None
    assert positive(Sum(k, (k, 0, N)), Env(ctx)) is None
