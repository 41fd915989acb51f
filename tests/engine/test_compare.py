"""The exact comparison: exponentials as powers of one atom, and denominators a rule multiplied out."""

from __future__ import annotations

import sympy as sp

from derive.core.context import Context
from derive.engine.compare import exactly_equal

z = sp.Symbol("z", real=True)
w = sp.Symbol("w")  # complex: the exponential identities below hold for every complex w


def test_negative_exponent_meets_reciprocal():
    assert exactly_equal(1 / (1 + sp.exp(-z)), sp.exp(z) / (1 + sp.exp(z)), Context())


def test_exponentials_with_rational_coefficients_share_one_atom():
    assert exactly_equal(sp.exp(w / 2) ** 2, sp.exp(w))
    assert exactly_equal(sp.exp(-w) * sp.exp(w), sp.Integer(1))
    assert exactly_equal(sp.exp(3 * w / 2), sp.exp(w) * sp.exp(w / 2))


def test_different_exponentials_stay_different():
    assert not exactly_equal(sp.exp(w / 2), sp.exp(w))
    assert not exactly_equal(sp.exp(2 * w), sp.exp(w))
    assert not exactly_equal(sp.exp(w), sp.exp(sp.conjugate(w)))


def test_a_multiplied_out_denominator_is_still_shown_nonzero():
    ctx = Context()
    q = ctx.probability("q")  # 0 < q < 1, so q - q**2 = q (1 - q) is not 0
    assert exactly_equal(1 / (q - q**2), 1 / q + 1 / (1 - q), ctx)


def test_a_denominator_that_may_vanish_is_not_cancelled():
    a = sp.Symbol("a", real=True)
    assert not exactly_equal((a**2 - a) / (a - a**2), -sp.Integer(1), Context())
    assert not exactly_equal(1 / (a - a**2), 1 / a + 1 / (1 - a), Context())
