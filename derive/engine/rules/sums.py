"""Rules for finite sums: linearity, constants, exchange of order, and Kronecker-delta summation.

SymPy flattens ``Sum(Sum(f, (i, ...)), (k, ...))`` into one ``Sum(f, (i, ...), (k, ...))`` whose first limit is
the innermost, so every rule here reads a Sum as its innermost limit inside the remaining ones. All rules hold
under SymPy's Karr convention (reversed bounds) except delta summation, whose side conditions require the
contracted value to lie in the range.
"""

from __future__ import annotations

import sympy as sp

from derive.core.hygiene import freshen, substitute
from derive.engine.facts import Env, in_range, integer, nonnegative
from derive.engine.rules.base import Identity, Rewrite, Rule
from derive.engine.rules.patterns import a, b, c, f, g, i, k, m, n, v, x, y, z


def _wrap(body: sp.Expr, limits) -> sp.Expr:
    return sp.Sum(body, *limits) if limits else body


def _factors(e: sp.Expr) -> tuple[sp.Expr, ...]:
    return e.args if isinstance(e, sp.Mul) else (e,)


def _sum_add(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.Sum) and isinstance(e.function, sp.Add):
        return Rewrite(sp.Add(*(sp.Sum(t, *e.limits) for t in e.function.args)))
    return None


def _mul_add(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.Mul) and any(isinstance(a, sp.Add) for a in e.args):
        out = sp.expand_mul(e, deep=False)
        return Rewrite(out) if out != e else None
    return None


def _delta_split(body: sp.Expr, var: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """``body = δ(var, v)·g`` with ``v`` free of ``var``: return ``(v, g)``."""
    factors = _factors(body)
    for pos, factor in enumerate(factors):
        if isinstance(factor, sp.KroneckerDelta):
            a, b = factor.args
            other = b if a == var else a if b == var else None
            if other is not None and var not in other.free_symbols:
                return other, sp.Mul(*(factors[:pos] + factors[pos + 1 :]))
    return None


def _contraction(body: sp.Expr, limit, outer, env: Env):
    """Side conditions of Σ_{i=a}^{b} δ(i, v)·g(i) = g(v): ``v`` an integer with a ≤ v ≤ b."""
    var, lo, hi = limit
    split = _delta_split(body, var)
    if split is None:
        return None
    value, rest = split
    scope = env.inside(outer)
    is_int, bounded = integer(value, scope), in_range(value, lo, hi, scope)
    if is_int is None or bounded is None:
        return None
    return value, rest, tuple(dict.fromkeys(is_int + bounded))


def _sum_kronecker_delta(e: sp.Basic, env: Env) -> Rewrite | None:
    if not isinstance(e, sp.Sum):
        return None
    first, *outer = e.limits
    found = _contraction(e.function, first, outer, env)
    if found is None:
        return None
    value, rest, why = found
    return Rewrite(_wrap(substitute(rest, {first[0]: value}), outer), why)


def _independent(a, b) -> bool:
    """Limits ``a`` and ``b`` may be exchanged: distinct indices, and neither's bounds mention the other's index."""
    return (
        a[0] != b[0]
        and a[0] not in (b[1].free_symbols | b[2].free_symbols)
        and b[0] not in (a[1].free_symbols | a[2].free_symbols)
    )


def _sum_comm(e: sp.Basic, env: Env) -> Rewrite | None:
    """Move an outer index innermost, past independent limits, when its delta then contracts (a strategy guard:
    declining is always sound)."""
    if not isinstance(e, sp.Sum) or len(e.limits) < 2:
        return None
    limits = list(e.limits)
    for j in range(1, len(limits)):
        if not all(_independent(limits[j], limits[m]) for m in range(j)):
            continue
        order = [limits[j]] + limits[:j] + limits[j + 1 :]
        if _contraction(e.function, order[0], order[1:], env) is not None:
            return Rewrite(sp.Sum(e.function, *order))
    return None


def _mul_sum(e: sp.Basic, env: Env) -> Rewrite | None:
    """c·Σ_k f_k = Σ_k c·f_k. Right to left: pull the factors free of the innermost index out of the sum.
    Left to right only when that puts a Kronecker delta of an outer index inside, ready for ``sum_comm``."""
    if not isinstance(e, sp.Sum):
        return None
    first, *outer = e.limits
    factors = _factors(e.function)
    for pos, inner in enumerate(factors):  # left to right: c · Σ_m h  →  Σ_m c·h
        if isinstance(inner, sp.Sum) and len(factors) > 1:
            inner = freshen(inner)  # its indices must not clash with anything in c
            c = sp.Mul(*(factors[:pos] + factors[pos + 1 :]))
            if any(not _independent(m, outer_limit) for m in inner.limits for outer_limit in e.limits):
                continue
            pushed = sp.Sum(c * inner.function, *inner.limits, *e.limits)
            if _sum_comm(pushed, env) is not None:
                return Rewrite(pushed, reverse=False)
    var = first[0]
    free = [a for a in factors if var not in a.free_symbols]
    bound = [a for a in factors if var in a.free_symbols]
    if free and bound:
        return Rewrite(_wrap(sp.Mul(*free) * sp.Sum(sp.Mul(*bound), first), outer), reverse=True)
    return None


def _sum_const(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.Sum):
        (var, lo, hi), *outer = e.limits
        # Only for a range that does not run backwards: there the Karr reading (b − a + 1 terms, possibly
        # negative) and the textbook one (an empty sum is 0) agree.
        if var not in e.function.free_symbols and nonnegative(hi - lo + 1, env.inside(outer)):
            return Rewrite(_wrap((hi - lo + 1) * e.function, outer), (f"{hi} ≥ {lo} - 1",))
    return None


sum_add = Rule(
    "sum_add", _sum_add, Identity(sp.Sum(f[k] + g[k], (k, a, b)), sp.Sum(f[k], (k, a, b)) + sp.Sum(g[k], (k, a, b)))
)
mul_add = Rule("mul_add", _mul_add, Identity(x * (y + z), x * y + x * z))
sum_kronecker_delta = Rule(
    "sum_kronecker_delta",
    _sum_kronecker_delta,
    Identity(sp.Sum(sp.KroneckerDelta(i, v) * f[i], (i, a, b)), f[v], (sp.Q.integer(v), a <= v, v <= b)),
)
sum_comm = Rule(
    "sum_comm",
    _sum_comm,
    Identity(sp.Sum(f[i, k], (i, a, b), (k, m, n)), sp.Sum(f[i, k], (k, m, n), (i, a, b))),
    side_conditions="neither range depends on the other index; applied when a delta then contracts",
)
mul_sum = Rule(
    "mul_sum",
    _mul_sum,
    Identity(c * sp.Sum(f[k], (k, a, b)), sp.Sum(c * f[k], (k, a, b))),
    side_conditions="c free of k; applied right to left, or left to right when a delta then contracts",
)
sum_const = Rule(
    "sum_const",
    _sum_const,
    Identity(sp.Sum(c, (k, a, b)), (b - a + 1) * c, (b >= a - 1,)),
    side_conditions="c free of k",
)

RULES = [sum_add, mul_add, sum_kronecker_delta, sum_comm, mul_sum, sum_const]
