"""Jensen's inequality for finite sums (Mathlib's ConvexOn.map_sum_le and ConcaveOn.le_map_sum):
f(Σ w_i x_i) ≤ Σ w_i f(x_i) for f convex, the other way for f concave, with w_i ≥ 0 and Σ w_i = 1 declared.

Convexity is proved, not assumed: f'' ≥ 0 (concavity: f'' ≤ 0) by sign facts at u = x_i, for every value the
declarations allow x_i. That covers the convex hull of the points because the values of x_i form an interval:
x_i is continuous (:func:`continuous`) in one declared family member (a family's values form an interval) and
real scalars. The weights must be a family declared to sum to one over exactly the sum's range.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.facts import Env, nonneg, positive
from derive.engine.inequalities.base import LOWER, UPPER, Attempts, Bound, Lemma
from derive.engine.inequalities.lemmas import _weights
from derive.engine.smoothness import why_not_differentiable

NAME = "jensen"


def continuous(x: sp.Expr, env: Env) -> bool:
    """``x`` is continuous on the declared domain: numbers, real scalars and family members combined by +, ×,
    powers with a nonnegative integer exponent or a positive base, exp, and log of a positive argument."""
    if x.is_Number or isinstance(x, sp.Indexed):
        return x.is_Number or x.base in env.ctx.families
    if isinstance(x, sp.Symbol):
        return bool(x.is_real) and not x.is_integer
    if isinstance(x, (sp.Add, sp.Mul)):
        return all(continuous(a, env) for a in x.args)
    if isinstance(x, sp.Pow):
        integral = x.exp.is_Integer and x.exp >= 0
        return continuous(x.base, env) and x.exp.is_number and (integral or positive(x.base, env) is not None)
    if isinstance(x, sp.exp):
        return continuous(x.args[0], env)
    if isinstance(x, sp.log):
        return continuous(x.args[0], env) and positive(x.args[0], env) is not None
    return False


def _points(x: sp.Expr, index: sp.Symbol, env: Env) -> bool:
    """The points x_i: continuous, in exactly one family member, at the sum's own index."""
    members = x.atoms(sp.Indexed)
    if len(members) != 1 or not continuous(x, env):
        return False
    (member,) = members
    return member.indices == (index,)


def _named(f: sp.Lambda) -> str:
    """f's body with its variable printed ``u`` (a Dummy prints as ``_u`` in the trace)."""
    return sp.sstr(f.expr.xreplace({f.variables[0]: sp.Symbol("u", real=True)}))


def curvature(f: sp.Lambda, x: sp.Expr, env: Env) -> tuple[int, tuple[str, ...]] | None:
    """``(+1, reasons)`` if f'' ≥ 0 at every value of ``x`` (convex there), ``(-1, reasons)`` if f'' ≤ 0, else None."""
    (u,) = f.variables
    if why_not_differentiable(f.expr, {u}):
        return None  # a jump or a kink (Piecewise, Abs, arg): SymPy's f'' drops it and would call a clip convex
    second = sp.diff(f.expr, u, 2).xreplace({u: x})
    if second.has(sp.Derivative, sp.Subs):
        return None
    why = nonneg(second, env)
    if why is not None:
        return 1, why + (f"f''(u) ≥ 0 for f(u) = {_named(f)}",)
    why = nonneg(sp.expand(-second), env) or nonneg(-second, env)
    if why is not None:
        return -1, why + (f"f''(u) ≤ 0 for f(u) = {_named(f)}",)
    return None


def _sum_parts(s: sp.Sum, env: Env) -> tuple[sp.Expr, sp.Expr, tuple[str, ...]] | None:
    """``(w_i, rest, reasons)`` when the summand of ``s`` is a declared weight times ``rest``."""
    if len(s.limits) != 1 or not isinstance(s.function, sp.Mul):
        return None
    for w in s.function.args:
        why = _weights(w, s.limits, env)
        if why is not None:
            return w, s.function / w, why
    return None


def _convex_in(body, hole, x, i, env: Env, notes: Attempts, t):
    """``(f, curvature(f, x))`` for f(u) = ``body`` with ``hole`` replaced by u, or None (f still depends on the
    index, or its curvature has no sign where the points ``x`` lie: noted against ``t``)."""
    u = sp.Dummy("u", real=True)
    f = sp.Lambda(u, body.xreplace({hole: u}))
    if i in f.expr.free_symbols:
        return None
    found = curvature(f, x, env)
    if found is None:
        notes.note(NAME, t, f"f'' of f(u) = {_named(f)} of one sign where x_i = {x} lies")
        return None
    return f, found


def _of_sum(t: sp.Expr, env: Env, notes: Attempts) -> list[Bound]:
    """t = f(Σ w_i x_i): convex f gives t ≤ Σ w_i f(x_i), concave f gives t ≥ it."""
    out = []
    for s in sorted(t.atoms(sp.Sum), key=sp.count_ops)[:3]:
        parts = _sum_parts(s, env)
        if parts is None or s == t or not s.free_symbols <= t.free_symbols:
            continue
        w, x, reasons = parts
        (i, _, _), inner = s.limits[0], env.inside(s.limits)
        shaped = _convex_in(t, s, x, i, inner, notes, t) if _points(x, i, inner) else None
        if shaped is None:
            continue
        f, found = shaped
        kind = UPPER if found[0] > 0 else LOWER
        out.append(Bound(NAME, kind, t, sp.Sum(w * f(x), *s.limits), reasons + found[1]))
    return out


def _candidates(rest: sp.Expr, i: sp.Symbol) -> list[sp.Expr]:
    """Subterms of f(x_i) that may be the points x_i: those with the index, largest first."""
    found = [a for a in sp.preorder_traversal(rest) if isinstance(a, sp.Expr) and i in a.free_symbols and a != rest]
    return list(dict.fromkeys(found))[:4]


def _of_terms(t: sp.Expr, env: Env, notes: Attempts) -> list[Bound]:
    """t = Σ w_i f(x_i): convex f gives t ≥ f(Σ w_i x_i), concave f gives t ≤ it."""
    if not isinstance(t, sp.Sum):
        return []
    parts = _sum_parts(t, env)
    if parts is None:
        return []
    w, rest, reasons = parts
    (i, _, _), inner = t.limits[0], env.inside(t.limits)
    out = []
    for x in _candidates(rest, i):
        shaped = _convex_in(rest, x, x, i, inner, notes, t) if _points(x, i, inner) else None
        if shaped is None:
            continue
        f, found = shaped
        kind = LOWER if found[0] > 0 else UPPER
        out.append(Bound(NAME, kind, t, f(sp.Sum(w * x, *t.limits)), reasons + found[1]))
    return out


def _offer(t: sp.Expr, env: Env, goal: sp.Expr, notes: Attempts) -> list[Bound]:
    return _of_terms(t, env, notes) + _of_sum(t, env, notes)


JENSEN = Lemma(
    NAME,
    r"$f\left(\sum_i w_i x_i\right) \le \sum_i w_i f(x_i)$ ($f$ convex; $\ge$ for $f$ concave)",
    r"$w_i \ge 0$, $\sum_i w_i = 1$ (declared); $f'' \ge 0$ (concave: $\le 0$) shown where the $x_i$ lie",
    _offer,
)
