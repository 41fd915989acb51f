"""Logarithm and exponential rules. SymPy's ``log`` is complex, so every log rule that splits needs positivity
(never ``force=True``); ``exp_add`` holds for every complex exponent and needs none.

``log_together`` writes a sum of fractions under a log as one fraction (SymPy's ``together``: a common
denominator), so that ``log(1 − 1/(1 + e^{−z}))``, where a lecturer's sigmoid and logit algebra stops, becomes a
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


def _has_fraction(e: sp.Expr) -> bool:
    """``e`` is, or has as a factor (or the base of an integer power), a sum with a fraction among its terms."""
    if isinstance(e, sp.Add):
        return any(isinstance(f, sp.Pow) and f.exp.is_negative for t in e.args for f in sp.Mul.make_args(t))
    if isinstance(e, sp.Mul):
        return any(_has_fraction(f) for f in e.args)
    if isinstance(e, sp.Pow) and e.exp.is_integer:
        return _has_fraction(e.base)
    return False


def _log_together(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.log) and _has_fraction(e.args[0]):
        one = sp.together(e.args[0])
        if not _has_fraction(one) and one != e.args[0]:
            return Rewrite(sp.log(one))
    return None


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

RULES = [log_prod, log_mul, log_pow, log_together, exp_add]
