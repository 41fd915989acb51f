"""Each log rule applies when its positivity is declared and refuses otherwise."""

from __future__ import annotations

import sympy as sp

from derive.core.context import Context
from derive.engine.facts import Env
from derive.engine.rules import RULES

ENV = Env(Context())
pos_a, pos_b = sp.symbols("a b", positive=True)
real_a, real_b = sp.symbols("a b", real=True)


def apply(rule, expr):
    return RULES[rule].apply(expr, ENV)


def test_log_mul_splits_a_product_of_positives():
    rw = apply("log_mul", sp.log(pos_a * pos_b))
    assert rw.result == sp.log(pos_a) + sp.log(pos_b)
    assert rw.assumptions == ("a > 0", "b > 0")


def test_log_mul_refuses_merely_real_factors():
    assert apply("log_mul", sp.log(real_a * real_b)) is None


def test_log_mul_refuses_a_negative_coefficient():
    assert apply("log_mul", sp.log(-2 * pos_a)) is None


def test_log_pow_needs_a_positive_base_and_real_exponent():
    assert apply("log_pow", sp.log(pos_a**real_b)).result == real_b * sp.log(pos_a)
    assert apply("log_pow", sp.log(real_a**2)) is None  # log(a²) ≠ 2 log a at a = -1
    assert apply("log_pow", sp.log(pos_a**sp.I)) is None


def test_log_prod_needs_positive_factors():
    k, n = sp.symbols("k n", integer=True)
    q = sp.IndexedBase("q", positive=True)
    r = sp.IndexedBase("r", real=True)
    assert apply("log_prod", sp.log(sp.Product(q[k], (k, 1, n)))).result == sp.Sum(sp.log(q[k]), (k, 1, n))
    assert apply("log_prod", sp.log(sp.Product(r[k], (k, 1, n)))) is None


def test_exp_add_splits_any_sum_in_the_exponent_and_leaves_a_product_alone():
    z = sp.Symbol("z")  # complex: exp(a + b) = exp(a)·exp(b) needs no assumption
    rw = apply("exp_add", sp.exp(z - sp.Max(real_a, real_b)))
    assert rw.result == sp.exp(z) * sp.exp(-sp.Max(real_a, real_b))
    assert rw.assumptions == ()
    assert apply("exp_add", sp.exp(2 * z)) is None


def test_log_mul_knows_sympys_constants_are_positive():
    """π and e are SymPy's NumberSymbols: a lecturer writes sp.pi, not a positive symbol of their own (issue 13)."""
    rw = apply("log_mul", sp.log(2 * sp.pi * pos_a))
    assert rw.result == sp.log(2) + sp.log(sp.pi) + sp.log(pos_a)
    assert "pi > 0" in rw.assumptions
    assert apply("log_mul", sp.log(sp.E * pos_a)).result == 1 + sp.log(pos_a)


def test_log_mul_refuses_a_negative_constant_factor():
    assert apply("log_mul", sp.log((sp.pi - 4) * pos_a)) is None
    assert apply("log_mul", sp.log(-sp.pi * real_a)) is None


def test_log_together_lets_the_logit_invert_the_sigmoid():
    from derive.checks.steps import verify_claim
    from derive.core.context import Context
    from derive.core.evidence import Evidence

    z = sp.Symbol("z", real=True)
    sigma = 1 / (1 + sp.exp(-z))
    result = verify_claim(sp.log(sigma / (1 - sigma)), z, Context())
    assert result.evidence is Evidence.PROVED
    assert "log_together" in [entry.rule for entry in result.trace]
    for softplus in (-sp.log(1 + sp.exp(z)), -z - sp.log(1 + sp.exp(-z))):  # both ways a lecturer writes it
        result = verify_claim(sp.log(1 - sigma), softplus, Context())
        assert result.evidence is Evidence.PROVED
    assert verify_claim(sp.log(1 + sp.exp(-z)), sp.log(1 + sp.exp(z)), Context()).evidence is Evidence.REFUTED


def test_log_together_splits_nothing_it_cannot_show_positive():
    from derive.checks.steps import verify_claim
    from derive.core.context import Context
    from derive.core.evidence import Evidence

    x = sp.Symbol("x", real=True)  # 1 - 1/x = (x - 1)/x: the quotient's parts may be negative
    result = verify_claim(sp.log(1 - 1 / x), sp.log(x - 1) - sp.log(x), Context())
    assert result.evidence is not Evidence.PROVED


def test_tanh_eq_writes_the_tanh_of_a_real_number_in_exponentials():
    rw = apply("tanh_eq", sp.tanh(real_a / 2))
    half = real_a / 2
    assert rw.result == (sp.exp(half) - sp.exp(-half)) / (sp.exp(half) + sp.exp(-half))


def test_tanh_eq_refuses_a_complex_argument():
    assert apply("tanh_eq", sp.tanh(sp.Symbol("w"))) is None  # e^w + e^{-w} vanishes at w = iπ/2
