"""Logarithm and exponential rules. SymPy's ``log`` is complex, so every log rule that splits needs positivity
(never ``force=True``); ``exp_add`` holds for every complex exponent and needs none; ``tanh_eq`` writes the
hyperbolic tangent of a real number in exponentials.

``log_together`` writes a sum of fractions under a log as one fraction (over the product of its terms'
denominators), so that ``log(1 − 1/(1 + e^{−z}))``, where a lecturer's sigmoid and logit algebra stops, becomes a
quotient ``log_mul`` and ``log_pow`` can split. It is the same value wherever the sum is defined (every denominator
brought over is one of the sum's own, so nonzero there) and needs no side condition."""

from __future__ import annotations

import sympy as sp

from derive.engine.facts import Env, all_positive, positive, real, sign
from derive.engine.rules.base import Identity, Rewrite, Rule
from derive.engine.rules.patterns import a, b, f, k, x, y, z


def _log_prod(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.log) and isinstance(e.args[0], sp.Product):
        prod = e.args[0]
        why = positive(prod.function, env.inside(prod.limits))
        if why is not None:
            return Rewrite(sp.Sum(sp.log(prod.function), *prod.limits), why)
    return None


def _log_mul(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.log) and isinstance(e.args[0], sp.Mul):
        factors = _pair_signs(e.args[0].args, env)
        why = all_positive(factors, env)
        if why is not None:
            return Rewrite(sp.Add(*(sp.log(f) for f in factors)), why)
    return None


def _log_pow(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.log) and isinstance(e.args[0], sp.Pow):
        base, exp = e.args[0].args
        pos, rl = positive(base, env), real(exp, env)
        if pos is not None and rl is not None:
            return Rewrite(exp * sp.log(base), pos + tuple(r for r in rl if r not in pos))
    return None


def _exp_add(e: sp.Basic, env: Env) -> Rewrite | None:
    # NOTE: SymPy keeps exp(a)·exp(b) apart (it merges only equal exponents, exp(a)² = exp(2a)), so this cannot
    # loop against Mul's own simplification.
    if isinstance(e, sp.exp) and isinstance(e.args[0], sp.Add):
        return Rewrite(sp.Mul(*(sp.exp(t) for t in e.args[0].args)))
    return None


def _tanh_eq(e: sp.Basic, env: Env) -> Rewrite | None:
    """tanh x = (e^x − e^{−x})/(e^x + e^{−x}): the hyperbolic tangent written in exponentials, for a real x (where
    the denominator is positive), so that (1 + tanh(z/2))/2, the overflow-free form of the sigmoid, meets
    1/(1 + e^{−z}) in the exact comparison."""
    if isinstance(e, sp.tanh):
        why = real(e.args[0], env)
        if why is not None:
            u = e.args[0]
            return Rewrite((sp.exp(u) - sp.exp(-u)) / (sp.exp(u) + sp.exp(-u)), why)
    return None


def _has_fraction(e: sp.Expr) -> bool:
    """``e`` is, or has as a factor (or the base of an integer power), a sum with a fraction among its terms."""
    if isinstance(e, sp.Add):
        return any(isinstance(f, sp.Pow) and f.exp.is_negative for t in e.args for f in sp.Mul.make_args(t))
    if isinstance(e, sp.Mul):
        return any(_has_fraction(f) for f in e.args)
    if isinstance(e, sp.Pow) and e.exp.is_integer:
        return _has_fraction(e.base)
    return False


def over_one_denominator(e: sp.Expr) -> sp.Expr:
    """``e`` with each sum in its multiplicative structure written as one fraction over the product of its terms'
    denominators (powers with a negative integer exponent). Written here rather than with SymPy's ``together``,
    which also reads e^{−z} as 1/e^{z} and turns e^{−z}/(1 + e^{−z}) into 1/(e^{z} + 1), a form the other side
    of a lecturer's step rarely has."""
    if isinstance(e, sp.Add):
        powers: dict = {}
        for term in e.args:
            for f in sp.Mul.make_args(term):
                if isinstance(f, sp.Pow) and f.exp.is_Integer and f.exp < 0:
                    powers[f.base] = max(powers.get(f.base, 0), -int(f.exp))
        if not powers:
            return e
        denominator = sp.Mul(*(base**n for base, n in powers.items()))
        return sp.Add(*(term * denominator for term in e.args)) / denominator
    if isinstance(e, sp.Mul):
        return sp.Mul(*(over_one_denominator(f) for f in e.args))
    if isinstance(e, sp.Pow) and e.exp.is_integer:
        return over_one_denominator(e.base) ** e.exp
    return e


def _log_together(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.log) and _has_fraction(e.args[0]):
        one = over_one_denominator(e.args[0])
        if not _has_fraction(one) and one != e.args[0]:
            return Rewrite(sp.log(one))
    return None


def negative_exponent(a: sp.Expr) -> sp.Expr | None:
    """The one argument ``−u`` of the exponentials with a minus sign among the terms of ``a``, or None."""
    found = {
        f.args[0]
        for term in sp.Add.make_args(a)
        for f in sp.Mul.make_args(term)
        if isinstance(f, sp.exp) and f.args[0].could_extract_minus_sign()
    }
    return found.pop() if len(found) == 1 else None


def _log_exp_neg(e: sp.Basic, env: Env) -> Rewrite | None:
    """log(1 + e^{−u}) = log(e^{−u}(e^{u} + 1)): a sum under a log takes its negative exponential out, so that the
    two ways of writing the softplus, log(1 + e^{−z}) and log(1 + e^{z}) − z, meet once log_mul splits it."""
    if not (isinstance(e, sp.log) and isinstance(e.args[0], sp.Add)):
        return None
    neg = negative_exponent(e.args[0])
    if neg is None:
        return None
    rest = sp.expand(e.args[0] * sp.exp(-neg))
    if negative_exponent(rest) is not None or rest.has(sp.exp(neg)):
        return None
    return Rewrite(sp.log(sp.exp(neg) * rest))


def _pair_signs(factors, env: Env) -> tuple:
    """SymPy writes ŷ(1 − ŷ) as −ŷ(ŷ − 1): fold a factor −1 into the one factor that is negative."""
    if factors[0] != -1:
        return factors
    negatives = [f for f in factors[1:] if (found := sign(f, env)) is not None and found[0] < 0]
    if len(negatives) != 1:
        return factors
    return tuple(sp.expand(-f) if f is negatives[0] else f for f in factors[1:])


log_prod = Rule(
    "log_prod",
    _log_prod,
    Identity(sp.log(sp.Product(f[k], (k, a, b))), sp.Sum(sp.log(f[k]), (k, a, b)), (f[k] > 0,)),
)
log_mul = Rule("log_mul", _log_mul, Identity(sp.log(x * y), sp.log(x) + sp.log(y), (x > 0, y > 0)))
log_pow = Rule("log_pow", _log_pow, Identity(sp.log(x**y), y * sp.log(x), (x > 0, sp.Q.real(y))))
exp_add = Rule("exp_add", _exp_add, Identity(sp.exp(x + y), sp.exp(x) * sp.exp(y)), side_conditions="any complex x, y")

log_together = Rule(
    "log_together",
    _log_together,
    Identity(sp.log(x + y / z), sp.log((x * z + y) / z), (sp.Ne(z, 0),)),
    side_conditions="the terms brought over a common denominator (no factor cancelled)",
)
log_exp_neg = Rule(
    "log_exp_neg",
    _log_exp_neg,
    Identity(sp.log(x + y * sp.exp(-z)), sp.log(sp.exp(-z) * (x * sp.exp(z) + y))),
    side_conditions="the one exponential with a minus sign taken out of the sum (log_mul then splits it)",
)

tanh_eq = Rule(
    "tanh_eq",
    _tanh_eq,
    Identity(sp.tanh(x), (sp.exp(x) - sp.exp(-x)) / (sp.exp(x) + sp.exp(-x)), (sp.Q.real(x),)),
)

RULES = [log_prod, log_mul, log_pow, log_together, log_exp_neg, exp_add, tanh_eq]
