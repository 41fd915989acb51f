"""Where the sides of a claim have a value: a proof is only offered for a claim whose every denominator is shown
nonzero at every point and size the declarations allow.

A rule or SymPy's own evaluation can cancel a factor against its inverse (``x·x⁻¹`` is ``1`` as soon as it is
built), so ``(x² − x)/x = x − 1`` would otherwise be proved although its left side has no value at ``x = 0``; so
would a split-off term ``x⁻²·0`` or a product ``∏ k/(k − 2)`` whose last factor is 0. The prover therefore first
asks, of the sides as written, that every power with a possibly negative exponent has a base shown nonzero (with
the ranges of the enclosing sums: ``1/k`` is fine for ``k`` from 1). A claim that fails it is not proved; the
ladder goes on to look for a counterexample or a numeric check where both sides are defined.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.facts import Env, nonnegative, positive, sign


def undefined_denominator(expr: sp.Basic, env: Env) -> sp.Expr | None:
    """A base ``b`` of a power ``b**e`` in ``expr`` with ``e`` possibly negative and ``b`` not shown nonzero, or
    None when every denominator is shown nonzero."""
    if isinstance(expr, (sp.Sum, sp.Product)):
        for _, lo, hi in expr.limits:
            for end in (lo, hi):
                found = undefined_denominator(end, env)
                if found is not None:
                    return found
        return undefined_denominator(expr.function, env.inside(expr.limits))
    if isinstance(expr, sp.Pow) and not shown_nonnegative(expr.exp, env) and not nonzero(expr.base, env):
        return expr.base
    for arg in expr.args:
        found = undefined_denominator(arg, env)
        if found is not None:
            return found
    return None


def nonzero(e: sp.Expr, env: Env) -> bool:
    """``e ≠ 0`` at every point the declarations allow (a sign shown, an exponential, or a factor form with one)."""
    if e.is_nonzero or isinstance(e, sp.exp):  # an exponential of a finite value is never 0
        return True
    if sign(e, env) is not None:
        return True
    if _shown_positive(e, env) or _shown_positive(-e, env):  # k + 5 for k from 0
        return True
    if isinstance(e, sp.Add):  # q − q² is q(1 − q)
        factored = sp.factor(e)
        return factored != e and sign(factored, env) is not None
    return False


def shown_nonnegative(e: sp.Expr, env: Env) -> bool:
    """``e ≥ 0`` from SymPy's assumptions and the size minimums, or, for ``e`` linear with numeric coefficients in
    declared integer values (``ctx.value("a", (0, b))``) and enclosing indices, at the end of each one's range
    where ``e`` is smallest."""
    if e.is_nonnegative or nonnegative(e, env):
        return True
    worst = _smallest(e, env)
    return worst is not None and nonnegative(worst, env)


def _shown_positive(e: sp.Expr, env: Env) -> bool:
    worst = _smallest(e, env)
    return worst is not None and (worst.is_positive is True or positive(worst, env) is not None)


def _smallest(e: sp.Expr, env: Env) -> sp.Expr | None:
    """The smallest value of ``e`` over the ranges of the values and indices it is linear in, or None."""
    try:
        return _at_worst_end(sp.expand(e), env)
    except (sp.PolynomialError, TypeError, ValueError):  # floor, Min, … of a value: not linear, not shown
        return None


def _at_worst_end(e: sp.Expr, env: Env) -> sp.Expr | None:
    ranges = dict(env.ctx.integer_values)
    for var, lo, hi in env.bounds:  # an index ranges over lo..hi where that range does not run backwards
        if nonnegative(hi - lo + 1, env):
            ranges[var] = (lo, hi)
    varying = [v for v in ranges if v in e.free_symbols]
    if not varying:
        return None
    worst = e
    for v in varying:
        c = e.coeff(v)
        if not c.is_Number or sp.degree(e, v) != 1:
            return None
        lo, hi = ranges[v]
        worst = worst.subs(v, lo if c > 0 else hi)
    return None if worst.free_symbols & set(varying) else worst
