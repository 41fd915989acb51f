"""A proof is offered only for a claim whose denominators are shown nonzero (derive.engine.defined): SymPy's own
cancellation (x·x⁻¹ is 1 as soon as it is built) must not prove a claim whose side has no value somewhere."""

from __future__ import annotations

import sympy as sp

from derive.checks.steps import verify_claim
from derive.core.context import Context
from derive.core.evidence import Evidence
from derive.engine.defined import undefined_denominator
from derive.engine.facts import Env

k = sp.Symbol("k", integer=True)


def test_a_cancelled_symbol_does_not_prove_a_claim_undefined_at_zero():
    x = sp.Symbol("x", real=True)
    assert verify_claim((x**2 - x) / x, x - 1, Context()).evidence is not Evidence.PROVED
    y = sp.Symbol("y", positive=True)
    assert verify_claim((y**2 - y) / y, y - 1, Context()).evidence is Evidence.PROVED


def test_a_split_off_term_undefined_at_zero_is_not_proved():
    ctx = Context()
    n = ctx.size("N")
    x = sp.Symbol("x", real=True)
    body = x ** (k - 1) * (k + 1)  # x^(-2)·0 at k = -1
    claim = sp.Sum(body, (k, -1, n - 2)), sp.Sum(body, (k, 0, n - 2))
    assert verify_claim(*claim, ctx).evidence is not Evidence.PROVED


def test_a_product_through_a_pole_is_not_proved_by_induction():
    ctx = Context()
    n = ctx.size("N")
    assert verify_claim(sp.Product(k / (k - 2), (k, 0, n)), sp.Integer(0), ctx).evidence is not Evidence.PROVED


def test_denominators_inside_sums_use_the_index_range():
    ctx = Context()
    n = ctx.size("N")
    env = Env(ctx)
    assert undefined_denominator(sp.Sum(1 / (k + 5), (k, 0, n)), env) is None
    assert undefined_denominator(sp.Sum(1 / k, (k, 1, n)), env) is None
    assert undefined_denominator(sp.Sum(1 / k, (k, 0, n)), env) == k
    assert undefined_denominator(sp.Sum(1 / (k - n), (k, 1, n)), env) is not None


def test_sides_undefined_at_the_same_points_are_still_proved():
    t = sp.Symbol("t", real=True)
    assert verify_claim(sp.Derivative(sp.log(t**2), t), 2 / t, Context()).evidence is Evidence.PROVED
    assert verify_claim((t**2 - t) / t + 1 / t, t - 1 + 1 / t, Context()).evidence is Evidence.PROVED
    # the right side has a value at t = 1 and the left does not: not proved
    assert verify_claim((t**2 - 1) / (t - 1), t + 1, Context()).evidence is not Evidence.PROVED


def test_a_definition_that_divides_by_zero_somewhere_gives_no_proof():
    x = sp.Symbol("x", real=True)
    f = sp.Function("f")
    ctx = Context()
    ctx.define(f(x), 1 / x)  # x·f(x) is 1 as soon as SymPy builds it unfolded; at x = 0 it has no value
    assert verify_claim(x * f(x), sp.Integer(1), ctx).evidence is not Evidence.PROVED


def test_no_proof_at_sizes_either():
    ctx = Context()
    n = ctx.size("N")
    x = sp.Symbol("x", real=True)
    result = verify_claim(sp.Sum(x * x ** (k - 1), (k, 0, n)), sp.Sum(x**k, (k, 0, n)), ctx)
    assert result.evidence not in (Evidence.PROVED, Evidence.PROVED_FOR_SIZES)
    logs = verify_claim(sp.Sum(sp.log(k) + 1, (k, 0, n)), sp.Sum(sp.log(k), (k, 0, n)) + n + 1, ctx)
    assert logs.evidence not in (Evidence.PROVED, Evidence.PROVED_FOR_SIZES)
