"""Rules for finite products of any (complex, not necessarily positive) factors, and the exponential of a sum.

The normal form splits a product into products of single factors (``prod_mul_distrib``), takes integer powers
outside (``prod_pow``), evaluates products of constants (``prod_const``) and orders independent limits
(``prod_comm``, as ``sum_comm`` does): ∏ c·f = c^(b−a+1)·∏ f is these rules
one after the other. ``exp_sum`` is applied right to left: a product of exponentials becomes the exponential of
a sum, so that exp(Σ f) and ∏ exp(f) meet in one normal form. It cannot loop with ``exp_add`` (exp(x + y) =
exp(x)·exp(y)), which splits only an exponent that is an Add, never a Sum: exp(Σ (u + v)) and ∏ exp(u)·exp(v)
both end as exp(Σ u)·exp(Σ v).

As with sums, SymPy lists a Product's limits innermost first. Under SymPy's Karr convention a product over a range
that runs backwards is the reciprocal of a product over the complementary range; ``prod_const`` asks for a range
that does not run backwards, where that reading and the textbook one agree.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.facts import Env, integer, nonnegative, positive
from derive.engine.rules.base import Identity, Rewrite, Rule
from derive.engine.rules.patterns import a, b, c, f, g, i, k, m, n, x
from derive.engine.rules.sums import canonical_order


def _wrap(body: sp.Expr, limits) -> sp.Expr:
    return sp.Product(body, *limits) if limits else body


def _prod_mul_distrib(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.Product) and isinstance(e.function, sp.Mul):
        return Rewrite(sp.Mul(*(sp.Product(factor, *e.limits) for factor in e.function.args)))
    return None


def _prod_pow(e: sp.Basic, env: Env) -> Rewrite | None:
    """∏ f^n = (∏ f)^n for n free of the indices: an integer n, or any complex n when every f is positive (then
    f^n = exp(n·log f) and Σ log f = log ∏ f)."""
    if not (isinstance(e, sp.Product) and isinstance(e.function, sp.Pow)):
        return None
    base, exp = e.function.args
    if exp.free_symbols & {var for var, _, _ in e.limits}:
        return None
    inside = env.inside(e.limits)
    why = integer(exp, env)
    if why is None:
        why = positive(base, inside)
        if why is None:
            return None
    return Rewrite(sp.Product(base, *e.limits) ** exp, why)


def _prod_const(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.Product):
        (var, lo, hi), *outer = e.limits
        if var not in e.function.free_symbols and nonnegative(hi - lo + 1, env.inside(outer)):
            return Rewrite(_wrap(e.function ** (hi - lo + 1), outer), (f"{hi} ≥ {lo} - 1",))
    return None


def _prod_comm(e: sp.Basic, env: Env) -> Rewrite | None:
    """Independent limits of one Product in the canonical order ``sum_comm`` gives a Sum's."""
    if not isinstance(e, sp.Product) or len(e.limits) < 2:
        return None
    order = canonical_order(e.function, e.limits)
    if order is None or tuple(order) == tuple(e.limits):
        return None
    return Rewrite(sp.Product(e.function, *order))


def _exp_sum(e: sp.Basic, env: Env) -> Rewrite | None:
    """Applied right to left: ∏ exp(f) becomes exp(Σ f), which a derivative takes in one step (SymPy
    differentiates a product of t-dependent factors into a sum of products over split ranges)."""
    if isinstance(e, sp.Product) and isinstance(e.function, sp.exp):
        return Rewrite(sp.exp(sp.Sum(e.function.args[0], *e.limits)), reverse=True)
    return None


prod_mul_distrib = Rule(
    "prod_mul_distrib",
    _prod_mul_distrib,
    Identity(sp.Product(f[k] * g[k], (k, a, b)), sp.Product(f[k], (k, a, b)) * sp.Product(g[k], (k, a, b))),
    side_conditions="any complex factors",
)
prod_pow = Rule(
    "prod_pow",
    _prod_pow,
    Identity(sp.Product(f[k] ** x, (k, a, b)), sp.Product(f[k], (k, a, b)) ** x, (sp.Q.integer(x),)),
    side_conditions="x free of k; or, instead of an integer x, any complex x and every $f_k > 0$",
)
prod_const = Rule(
    "prod_const",
    _prod_const,
    Identity(sp.Product(c, (k, a, b)), c ** (b - a + 1), (b >= a - 1,)),
    side_conditions="c free of k; with prod_mul_distrib, $\\prod_k c f_k = c^{b-a+1} \\prod_k f_k$",
)
prod_comm = Rule(
    "prod_comm",
    _prod_comm,
    Identity(sp.Product(f[i, k], (k, m, n), (i, a, b)), sp.Product(f[i, k], (i, a, b), (k, m, n))),
    side_conditions="neither range depends on the other index; the limits go in the canonical order of sum_comm",
)
exp_sum = Rule(
    "exp_sum",
    _exp_sum,
    Identity(sp.exp(sp.Sum(f[k], (k, a, b))), sp.Product(sp.exp(f[k]), (k, a, b))),
    side_conditions="any complex $f_k$ (Mathlib's Real.exp_sum); applied right to left",
)

RULES = [prod_mul_distrib, prod_pow, prod_const, prod_comm, exp_sum]
