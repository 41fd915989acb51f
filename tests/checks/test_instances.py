"""Comparing a claim's sides at a point: an exact zero made of logarithms is seen without evalf's slow path, and
a difference is never taken for one."""

from __future__ import annotations

import sympy as sp

from derive.checks.sampling import Instances, Point
from derive.checks.sampling.instances import _exactly_zero
from derive.core.context import Context

e3, e5 = sp.exp(sp.Rational(3, 2)), sp.exp(sp.Rational(5, 2))


def test_logs_of_products_of_positive_numbers_cancel_exactly():
    total = e3 + e5
    assert _exactly_zero(-sp.log(e3 / total) - (sp.log(total) - sp.Rational(3, 2)))
    gauss = sp.log(1 / sp.sqrt(2 * sp.pi * sp.Rational(9, 4)) * sp.exp(-sp.Rational(1, 8)))
    assert _exactly_zero(gauss - (-sp.log(2 * sp.pi * sp.Rational(9, 4)) / 2 - sp.Rational(1, 8)))
    assert _exactly_zero(sp.log(sp.Rational(2, 9)) - sp.log(2) + 2 * sp.log(3))


def test_a_difference_is_not_an_exact_zero():
    total = e3 + e5
    assert not _exactly_zero(-sp.log(e3 / total) - (sp.log(total) - sp.Rational(5, 2)))
    # log((-2)(-3)) is log 6, not log(-2) + log(-3) (= log 6 + 2πi): negative factors are never split
    assert not _exactly_zero(sp.log(sp.Mul(-2, -3, evaluate=False)) - sp.log(-2) - sp.log(-3))
    assert not _exactly_zero(sp.log(sp.exp(1 + 2 * sp.I)) - (1 + 2 * sp.I))


def test_a_log_near_one_is_neither_a_counterexample_nor_agreement():
    # SymPy 1.14 evaluates log(1 + u) as exactly 0 for tiny u (sympy#28280): no refutation of a true claim, and
    # no agreement with a false one, can rest on that
    from derive.checks.steps import verify_claim
    from derive.core.context import Context
    from derive.core.evidence import Evidence

    u = sp.exp(-100)
    true = verify_claim(sp.log(1 + u), 2 * sp.atanh(u / (2 + u)), Context())
    assert true.evidence is not Evidence.REFUTED
    false = verify_claim(sp.log(1 + u), sp.Integer(0), Context())
    assert false.evidence not in (Evidence.PROVED, Evidence.NUMERIC, Evidence.PROVED_FOR_SIZES)
    z = sp.Symbol("z", real=True)
    softplus = verify_claim(
        sp.log(1 + sp.exp(-(z**2))), 2 * sp.atanh(sp.exp(-(z**2)) / (2 + sp.exp(-(z**2)))), Context()
    )
    assert softplus.evidence is not Evidence.REFUTED


def test_the_sigmoid_forms_cancel_exactly_at_a_point():
    z = sp.Rational(7, 3)
    sigma = 1 / (1 + sp.exp(-z))
    assert _exactly_zero(sp.log(1 - sigma) - (-z - sp.log(1 + sp.exp(-z))))
    assert _exactly_zero(sp.log(1 + sp.exp(-z)) - (sp.log(1 + sp.exp(z)) - z))
    assert not _exactly_zero(sp.log(1 + sp.exp(-z)) - sp.log(1 + sp.exp(z)))


def test_an_index_picks_its_member_before_the_members_get_values():
    """Review finding: ∂/∂z_i Π_k z_k = Π_k z_k / z_i was refuted at K = 1, z_1 = 0, i = 1 because the product became 0
    before i picked z_1, and 0 · z_i⁻¹ collapsed to 0; with i put in first, z_1 / z_1 meets itself."""
    ctx = Context()
    K = ctx.size("K")
    z = ctx.real("z", (1, K))
    i, k = sp.Symbol("i", integer=True), sp.Symbol("k", integer=True)
    sides = Instances(sp.Product(z[k], (k, 1, K)) / z[i], sp.Integer(1), ctx)
    point = Point(sizes=((K, 1),), families=((z, (((1,), sp.Integer(0)),)),), scalars=((i, sp.Integer(1)),))
    a, _ = sides.instantiate(point)
    assert a != 0
