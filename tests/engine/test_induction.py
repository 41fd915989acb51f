"""Induction on a size (derive.engine.induction): closed forms of sums and products are proved for every size,
the trace names the base and the step, and induction is refused where a declaration depends on the size."""

from __future__ import annotations

import sympy as sp

from derive.checks.steps import verify_claim
from derive.core.context import Context
from derive.core.evidence import Evidence
from derive.engine import induction

k = sp.Symbol("k", integer=True)


def _size(minimum: int = 1):
    ctx = Context()
    return ctx, ctx.size("N", minimum)


def proved_by_induction(lhs, rhs, ctx):
    result = verify_claim(lhs, rhs, ctx)
    rules = [entry.rule for entry in result.trace]
    return result.evidence is Evidence.PROVED and "induction_base" in rules and "induction_step" in rules


def test_arithmetic_series():
    ctx, n = _size()
    assert proved_by_induction(sp.Sum(k, (k, 0, n - 1)), n * (n - 1) / 2, ctx)


def test_sum_of_squares():
    ctx, n = _size()
    assert proved_by_induction(sp.Sum(k**2, (k, 1, n)), n * (n + 1) * (2 * n + 1) / 6, ctx)


def test_geometric_series_with_a_ratio_below_one():
    ctx, n = _size()
    x = ctx.probability("x")  # 0 < x < 1, so x - 1 is not 0
    assert proved_by_induction(sp.Sum(x**k, (k, 0, n - 1)), (x**n - 1) / (x - 1), ctx)


def test_geometric_series_times_the_ratio_minus_one_for_any_x():
    ctx, n = _size()
    x = sp.Symbol("x")
    assert proved_by_induction(sp.Sum(x**k, (k, 0, n - 1)) * (x - 1), x**n - 1, ctx)


def test_factorial_as_a_product():
    ctx, n = _size()
    assert proved_by_induction(sp.Product(k, (k, 1, n)), sp.factorial(n), ctx)


def test_a_size_with_a_larger_minimum_starts_there():
    ctx, n = _size(3)
    result = verify_claim(sp.Sum(k, (k, 3, n)), (n * (n + 1) / 2) - 3, ctx)
    assert result.evidence is Evidence.PROVED
    base = next(e for e in result.trace if e.rule == "induction_base")
    assert base.assumptions == ("N = 3",)


def test_wrong_closed_forms_are_refuted():
    ctx, n = _size()
    assert verify_claim(sp.Sum(k, (k, 0, n)), n * (n - 1) / 2, ctx).evidence is Evidence.REFUTED
    assert verify_claim(sp.Product(k, (k, 1, n)), n**2, ctx).evidence is Evidence.REFUTED
    x = sp.Symbol("x")
    assert verify_claim(sp.Sum(x**k, (k, 0, n)) * (x - 1), x**n - 1, ctx).evidence is Evidence.REFUTED


def test_a_closed_form_off_by_a_constant_is_not_proved():
    # the step holds (a constant cancels in R(N) - R(N - 1)); the base case fails, and so must the proof
    ctx, n = _size()
    assert verify_claim(sp.Sum(k, (k, 1, n)), n * (n + 1) / 2 + 1, ctx).evidence is Evidence.REFUTED
    empty_at_one = verify_claim(sp.Sum(2 * k - 1, (k, 2, n)), n**2 - 1, ctx)  # true: at N = 1 both sides are 0
    assert empty_at_one.evidence is Evidence.PROVED


def test_no_induction_on_a_size_a_definition_or_a_value_depends_on():
    ctx, n = _size()
    x = ctx.real("x", index=(1, n))
    mean = sp.Symbol("m")
    ctx.define(sp.Function("M")(x), sp.Sum(x[k], (k, 1, n)) / n, name="mean_def")
    assert induction.candidates(sp.Sum(x[k], (k, 1, n)), mean, ctx) == []
    other, m = _size()
    other.value("c", values=(1, m))
    assert induction.candidates(sp.Sum(k, (k, 1, m)), mean, other) == []


def test_sum_to_one_constraints_over_the_size_are_dropped_for_the_proof():
    ctx, n = _size()
    q = ctx.positive("q", index=(1, n), sums_to_one=True)
    r = ctx.positive("r", index=(1, 3), sums_to_one=True)
    bare = induction.without_constraints(ctx, n)
    assert not bare.families[q].sums_to_one
    assert bare.families[r].sums_to_one  # a distribution over 1..3 does not change with N
    assert ctx.families[q].sums_to_one  # the derivation's own context is untouched


def test_a_product_closed_form_whose_base_is_a_one_factor_product():
    ctx, n = _size()
    assert proved_by_induction(sp.Product(k + 1, (k, 0, n - 1)), sp.factorial(n), ctx)


def test_no_induction_when_a_declared_range_does_not_only_grow_with_the_size():
    # q declared below one on N..2N says nothing of q_1 at N = 2: what the step shows at N cannot be carried down
    j = sp.Symbol("j", integer=True)
    ctx, n = _size()
    q = ctx.positive("q", (n, 2 * n), below_one=True)
    lhs = sp.Sum(sp.Product(sp.Abs(1 - q[k]) + q[k], (k, j, j)), (j, 1, n))
    assert induction.candidates(lhs, n, ctx) == []
    assert verify_claim(lhs, n, ctx).evidence is not Evidence.PROVED
    grows, m = _size()
    grows.positive("r", (1, m + 1))
    assert induction.candidates(sp.Sum(k, (k, 1, m)), m, grows) == [m]


def test_no_induction_on_a_size_that_a_family_bound_mentions():
    """z_i ≤ N declares something else at N − 1 than at N: the induction hypothesis would not apply (issue 14)."""
    from derive.engine.induction import _hidden_dependence

    bounded = Context()
    N = bounded.size("N")
    bounded.real("z", (1, N), upper=N)
    assert _hidden_dependence(N, bounded)
    free = Context()
    M = free.size("N")
    free.real("z", (1, M), upper=sp.Symbol("m", real=True))
    assert not _hidden_dependence(M, free)
