"""Logarithm and exponential rules. SymPy's ``log`` is complex, so every log rule needs positivity (never
``force=True``); ``exp_add`` holds for every complex exponent and needs none."""

from __future__ import annotations

import sympy as sp

from derive.engine.facts import Env, all_positive, positive, real, sign
from derive.engine.rules.base import Identity, Rewrite, Rule
from derive.engine.rules.patterns import a, b, f, k, x, y


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

RULES = [log_prod, log_mul, log_pow, exp_add]
