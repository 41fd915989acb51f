"""Rules for finite sums: linearity, constants, exchange of order, and Kronecker-delta summation.

SymPy flattens ``Sum(Sum(f, (i, ...)), (k, ...))`` into one ``Sum(f, (i, ...), (k, ...))`` whose first limit is
the innermost, so every rule here reads a Sum as its innermost limit inside the remaining ones. All rules hold
under SymPy's Karr convention (reversed bounds) except delta summation, whose side conditions require the
contracted value to lie in the range.
"""

from __future__ import annotations

import sympy as sp

from derive.core.hygiene import canonical, freshen, substitute
from derive.engine.facts import Env, in_range, integer, nonnegative
from derive.engine.rules.base import Identity, Rewrite, Rule
from derive.engine.rules.patterns import a, b, c, f, g, i, k, m, n, v, x, y, z

MAX_POWER = 4  # add_pow multiplies out powers up to this one (a fourth power of three terms has 15)


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


def _delta_move(e: sp.Basic, env: Env) -> Rewrite | None:
    """Move an outer index innermost, past independent limits, when its delta then contracts."""
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


_SLOT, _OTHER = sp.Symbol("_slot"), sp.Symbol("_other")


def _key(limit, limits, body: sp.Expr) -> tuple[str, str, str]:
    """A key for a limit that does not depend on how the indices are named: its bounds, then the body with this
    index as one placeholder and the other indices of the Sum as another (Σ_i Σ_k A_{ik}: i is A's first index)."""
    var, lo, hi = limit
    placed = body.xreplace({var: _SLOT, **{v: _OTHER for v, _, _ in limits if v != var}})
    return sp.srepr(lo), sp.srepr(hi), sp.srepr(canonical(placed, "_key"))


def canonical_order(body: sp.Expr, limits) -> list | None:
    """The limits of one Sum in a canonical order, innermost first: among the limits no remaining one depends on,
    the one of least :func:`_key` goes innermost. None when the limits are not a proper nest (a repeated index, or
    a bound that mentions an index bound inside it, which is then a free symbol of that name)."""
    limits = list(limits)
    names = [v for v, _, _ in limits]
    if len(set(names)) != len(names):
        return None
    for pos, (_, lo, hi) in enumerate(limits):
        if set(names[: pos + 1]) & (lo.free_symbols | hi.free_symbols):
            return None
    remaining, out = limits[:], []
    while remaining:
        ready = [m for m in remaining if not any(m[0] in (o[1].free_symbols | o[2].free_symbols) for o in remaining)]
        chosen = min(ready, key=lambda m: _key(m, limits, body))
        out.append(chosen)
        remaining.remove(chosen)
    return out


def _unnested(e: sp.Sum, env: Env) -> Rewrite | None:
    """Σ_k c_k·Σ_i f_{ik} (the shape ``mul_sum`` leaves) as one Sum in canonical order, when that order puts an
    index other than i innermost; otherwise ``mul_sum`` would pull c_k out again. A delta that would contract is
    left to ``mul_sum``, which pushes c_k inside for it."""
    factors = _factors(e.function)
    nested = [pos for pos, factor in enumerate(factors) if isinstance(factor, sp.Sum)]
    if len(nested) != 1:
        return None
    inner = freshen(factors[nested[0]])  # its indices must not clash with anything in c
    c = sp.Mul(*(factors[: nested[0]] + factors[nested[0] + 1 :]))
    body = c * inner.function
    if _delta_move(sp.Sum(body, *inner.limits, *e.limits), env) is not None:
        return None
    order = canonical_order(body, (*inner.limits, *e.limits))
    if order is None or order[0] in inner.limits:
        return None
    return Rewrite(sp.Sum(body, *order))


def _sum_comm(e: sp.Basic, env: Env) -> Rewrite | None:
    """Exchange the order of summation. A delta that contracts once its index is innermost goes there (and stays:
    such a Sum is left to ``sum_kronecker_delta``). Otherwise, once ``mul_sum`` has pulled out every factor free of
    the innermost index, the limits take their canonical order (a nest that ``mul_sum`` left is joined first), so
    that Σ_i Σ_k f and Σ_k Σ_i f reach the same normal form."""
    if not isinstance(e, sp.Sum):
        return None
    moved = _delta_move(e, env)
    if moved is not None:
        return moved
    first, *outer = e.limits
    if _contraction(e.function, first, outer, env) is not None:
        return None
    if any(first[0] not in factor.free_symbols for factor in _factors(e.function)):
        return None  # mul_sum (or sum_const) comes first, and a body that separates needs no order
    order = canonical_order(e.function, e.limits)
    if order is not None and tuple(order) != tuple(e.limits):
        return Rewrite(sp.Sum(e.function, *order))
    return _unnested(e, env)


def _triangle(body: sp.Expr, limits, env: Env) -> Rewrite | None:
    """Σ_{j=a}^{b} Σ_{i=j+d}^{b} f = Σ_{i=a}^{b} Σ_{j=a}^{i-d} f (d = 0 or 1) at the first adjacent pair of limits
    that matches. Larger d would make a range run backwards at the ends (Karr's reading then differs)."""
    for pos in range(len(limits) - 1):
        (iv, ilo, ihi), (ov, olo, ohi) = limits[pos], limits[pos + 1]
        d = sp.expand(ilo - ov)
        if d not in (0, 1) or ihi != ohi or iv in (olo.free_symbols | ohi.free_symbols) or ov in ohi.free_symbols:
            continue
        scope = env.inside(limits[pos + 2 :])
        if not nonnegative(ohi - olo + 1, scope):
            continue
        swapped = [*limits[:pos], (ov, olo, iv - d), (iv, olo, ohi), *limits[pos + 2 :]]
        return Rewrite(sp.Sum(body, *swapped), (f"{ohi} ≥ {olo} - 1",))
    return None


def _sum_comm_triangle(e: sp.Basic, env: Env) -> Rewrite | None:
    if not isinstance(e, sp.Sum):
        return None
    found = _triangle(e.function, e.limits, env)
    if found is not None or len(e.limits) != 1:
        return found
    factors = _factors(e.function)  # Σ_j c_j·Σ_{i=j}^{b} f_{ij}, the shape mul_sum leaves
    nested = [pos for pos, factor in enumerate(factors) if isinstance(factor, sp.Sum)]
    if len(nested) != 1:
        return None
    inner = freshen(factors[nested[0]])
    c = sp.Mul(*(factors[: nested[0]] + factors[nested[0] + 1 :]))
    limits = (*inner.limits, *e.limits)
    found = _triangle(c * inner.function, limits, env)
    return found if found is not None and found.result.limits[-1][0] != limits[-1][0] else None


def _add_pow(e: sp.Basic, env: Env) -> Rewrite | None:
    """Multiply out (x + y)^n, 2 ≤ n ≤ MAX_POWER, inside a sum whose index it involves: the sum is an opaque atom
    to the final comparison, so Σ (y − f)² and Σ (f − y)² meet only once their bodies are multiplied out."""
    if not (isinstance(e, sp.Pow) and isinstance(e.base, sp.Add) and e.exp.is_Integer):
        return None
    if not 2 <= e.exp <= MAX_POWER or not e.base.free_symbols & {var for var, _, _ in env.bounds}:
        return None
    out = sp.expand_multinomial(e, deep=False)
    return Rewrite(out) if out != e else None


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
            if _delta_move(pushed, env) is not None:
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
    Identity(sp.Sum(f[i, k], (k, m, n), (i, a, b)), sp.Sum(f[i, k], (i, a, b), (k, m, n))),
    side_conditions=(
        "neither range depends on the other index; the limits go in a canonical order, except that an index whose "
        "Kronecker delta then contracts goes innermost"
    ),
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

sum_comm_triangle = Rule(
    "sum_comm_triangle",
    _sum_comm_triangle,
    Identity(sp.Sum(f[i, k], (i, k, b), (k, a, b)), sp.Sum(f[i, k], (k, a, i), (i, a, b)), (b >= a - 1,)),
    side_conditions=(
        "also $\\sum_{k=a}^{b} \\sum_{i=k+1}^{b} f_{i,k} = \\sum_{i=a}^{b} \\sum_{k=a}^{i-1} f_{i,k}$ (Mathlib's "
        "Finset.sum_comm' on a triangle); applied in this direction only"
    ),
)
add_pow = Rule(
    "add_pow",
    _add_pow,
    Identity((x + y) ** 2, x**2 + 2 * x * y + y**2, instance=True),
    statement=r"$(x + y)^{n} = \sum_{j=0}^{n} \binom{n}{j} x^{j} y^{n-j}$ (also for more terms)",
    side_conditions=f"n an integer, 2 ≤ n ≤ {MAX_POWER}; only inside a sum whose index the power involves",
)

RULES = [sum_add, mul_add, sum_kronecker_delta, sum_comm, sum_comm_triangle, mul_sum, sum_const, add_pow]
