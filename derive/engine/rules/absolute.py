"""Absolute values: of products, quotients, powers and finite products, and of numbers whose sign is declared.

SymPy's ``Abs`` splits off only the factors whose sign it knows (|2x| = 2|x|, |p·x| = p·|x| for a positive p) and
keeps |x·y| whole; these rules split it into |x|·|y|, the normal form, so that |x·y| and |x|·|y| compare equal
(the comparison treats ``Abs`` as an opaque atom). |x/y| = |x|/|y| needs no y ≠ 0: where y = 0 neither side has a
value (SymPy writes 1/0 as ``zoo``). A sign the declarations show removes the bars (``abs_of_pos``,
``abs_of_neg``), as SymPy already does for a symbol declared positive.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.facts import Env, positive, real, sign
from derive.engine.rules.base import Identity, Rewrite, Rule
from derive.engine.rules.patterns import a, b, f, k, x, y


def _denominator(factor: sp.Expr) -> bool:
    """A factor SymPy writes for a division: y**(-n)."""
    return isinstance(factor, sp.Pow) and factor.exp.is_negative is True


def _abs_mul(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.Abs) and isinstance(e.args[0], sp.Mul):
        factors = e.args[0].args
        if not any(_denominator(factor) for factor in factors):
            return Rewrite(sp.Mul(*(sp.Abs(factor) for factor in factors)))
    return None


def _abs_div(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.Abs) and isinstance(e.args[0], sp.Mul):
        factors = e.args[0].args
        if any(_denominator(factor) for factor in factors):
            numerator = sp.Mul(*(factor for factor in factors if not _denominator(factor)))
            denominator = sp.Mul(*(factor.base ** (-factor.exp) for factor in factors if _denominator(factor)))
            return Rewrite(sp.Abs(numerator) / sp.Abs(denominator))
    return None


def _abs_pow(e: sp.Basic, env: Env) -> Rewrite | None:
    """|x^y| = |x|^y for a real y: x^y = exp(y·Log x) and |exp(w)| = exp(Re w), with Re Log x = log |x|."""
    if isinstance(e, sp.Abs) and isinstance(e.args[0], sp.Pow):
        base, exp = e.args[0].args
        why = real(exp, env)
        if why is not None:
            return Rewrite(sp.Abs(base) ** exp, why)
    return None


def _abs_prod(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.Abs) and isinstance(e.args[0], sp.Product):
        prod = e.args[0]
        return Rewrite(sp.Product(sp.Abs(prod.function), *prod.limits))
    return None


def _abs_of_pos(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.Abs):
        found = sign(e.args[0], env)
        if found is not None and found[0] > 0:
            return Rewrite(e.args[0], found[1])
    return None


def _abs_of_neg(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.Abs):
        found = sign(e.args[0], env)
        why = found[1] if found is not None and found[0] < 0 else positive(sp.expand(-e.args[0]), env)
        if why is None and e.args[0].is_extended_negative:  # what SymPy knows of a symbol declared negative
            why = (f"{e.args[0]} < 0",)
        if why is not None:
            return Rewrite(-e.args[0], why)
    return None


abs_mul = Rule("abs_mul", _abs_mul, Identity(sp.Abs(x * y), sp.Abs(x) * sp.Abs(y)), side_conditions="any complex x, y")
abs_div = Rule(
    "abs_div",
    _abs_div,
    Identity(sp.Abs(x / y), sp.Abs(x) / sp.Abs(y)),
    side_conditions="any complex x, y (neither side has a value at y = 0)",
)
abs_pow = Rule(
    "abs_pow",
    _abs_pow,
    Identity(sp.Abs(x**y), sp.Abs(x) ** y, (sp.Q.real(y),)),
    side_conditions="any complex x (at x = 0 with y < 0 neither side has a value)",
)
abs_prod = Rule(
    "abs_prod",
    _abs_prod,
    Identity(sp.Abs(sp.Product(f[k], (k, a, b))), sp.Product(sp.Abs(f[k]), (k, a, b))),
    side_conditions="any complex $f_k$",
)
abs_of_pos = Rule("abs_of_pos", _abs_of_pos, Identity(sp.Abs(x), x, (x > 0,)))
abs_of_neg = Rule("abs_of_neg", _abs_of_neg, Identity(sp.Abs(x), -x, (x < 0,)))

RULES = [abs_of_pos, abs_of_neg, abs_prod, abs_div, abs_mul, abs_pow]
