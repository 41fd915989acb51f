"""Logarithm and exponential rules. SymPy's ``log`` is complex, so every log rule needs positivity (never
``force=True``); ``exp_add`` holds for every complex exponent and needs none."""

from __future__ import annotations

import sympy as sp

from derive.engine.facts import Env, all_positive, positive, real, sign
from derive.engine.rules import Rewrite, Rule


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


RULES = [
    Rule("log_prod", "log ∏_k f_k = Σ_k log f_k", "every f_k > 0", _log_prod),
    Rule("log_mul", "log(a·b) = log a + log b", "a > 0 and b > 0", _log_mul),
    Rule("log_pow", "log(a^b) = b·log a", "a > 0 and b real", _log_pow),
    Rule("exp_add", "exp(a + b) = exp(a)·exp(b)", "none", _exp_add),
]
