"""Where a goal ``G ≥ 0`` is monotone in a subterm: the positions (sites) whose POLARITY is known.

A site's polarity is +1 when G does not decrease as the subterm grows, −1 when it does not increase. It is known
through + (each term), × (the product of the other factors shown ≥ 0, or ≤ 0, which flips it), Σ over a range that
runs forwards, Π of factors shown ≥ 0, exp, log of a positive argument, an odd power, a power with an exponent shown
≥ 0 of a base ≥ 0 (≤ 0: of a positive base, flipped). Each step is justified by sign facts, never assumed; the
replacement must stay where the monotonicity holds (real; > 0 under log and for a power with an exponent ≤ 0;
≥ 0 in a product or under a power), which :func:`Site.rebuild` checks before it builds the new goal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sympy as sp

from derive.engine.facts import Env, nonneg, positive, real, sign
from derive.engine.inequalities.lemmas import forward

Rebuild = Callable[[sp.Expr], "tuple[sp.Expr, tuple[str, ...]] | None"]


def real_value(expr: sp.Expr, env: Env) -> tuple[str, ...] | None:
    """Reasons that ``expr`` is real (and finite): :func:`facts.real`, or a sum or product of real values, or a
    power of a base of known sign (1/(1 − q) with q below one)."""
    why = real(expr, env)
    if why is not None:
        return why
    if isinstance(expr, (sp.Add, sp.Mul)):
        parts = [real_value(a, env) for a in expr.args]
        return None if any(p is None for p in parts) else tuple(r for p in parts for r in p)
    if isinstance(expr, sp.Pow) and real(expr.exp, env) is not None:
        base = positive(expr.base, env)
        if base is None and expr.exp.is_integer:
            found = sign(expr.base, env)
            base = None if found is None else found[1]
        return base
    return None


_NEEDS = {"real": real_value, "positive": positive, "nonneg": nonneg}
MAX_SITES = 60


@dataclass(frozen=True)
class Site:
    """``term`` sits in the goal at a position of known ``polarity``; ``rebuild(new)`` is the goal with that one
    occurrence replaced by ``new`` and the facts that license it, or None when ``new`` leaves the monotone range."""

    term: sp.Expr
    env: Env
    polarity: int
    reasons: tuple[str, ...]
    rebuild: Rebuild


def _root(new: sp.Expr) -> tuple[sp.Expr, tuple[str, ...]]:
    return new, ()


def _child(expr: sp.Expr, k: int, parent: Rebuild, env: Env, need: str) -> Rebuild:
    """Rebuild ``expr`` with its ``k``-th argument replaced, once the replacement is shown ``need``."""

    def rebuild(new: sp.Expr):
        why = _NEEDS[need](new, env)
        if why is None:
            return None
        args = list(expr.args)
        args[k] = new
        up = parent(expr.func(*args))
        return None if up is None else (up[0], why + up[1])

    return rebuild


def sites(goal: sp.Expr, env: Env) -> list[Site]:
    """The sites of ``goal``, outermost first (the goal itself first), at most :data:`MAX_SITES`."""
    out: list[Site] = []
    for site in _walk(goal, env, 1, (), _root):
        out.append(site)
        if len(out) >= MAX_SITES:
            break
    return out


def _walk(expr: sp.Expr, env: Env, pol: int, reasons: tuple[str, ...], rebuild: Rebuild) -> Iterator[Site]:
    yield Site(expr, env, pol, reasons, rebuild)
    if isinstance(expr, sp.Add):
        if real(expr, env) is None:
            return
        for k, a in enumerate(expr.args):
            if not a.is_number:
                yield from _walk(a, env, pol, reasons, _child(expr, k, rebuild, env, "real"))
    elif isinstance(expr, sp.Mul):
        for k, a in enumerate(expr.args):
            if a.is_number:
                continue
            other = sp.Mul(*(b for n, b in enumerate(expr.args) if n != k))
            why, sign = nonneg(other, env), 1
            if why is None:
                why, sign = nonneg(-other, env), -1
            if why is None or real(a, env) is None:
                continue
            yield from _walk(a, env, pol * sign, reasons + why, _child(expr, k, rebuild, env, "real"))
    elif isinstance(expr, sp.Pow):
        yield from _power(expr, env, pol, reasons, rebuild)
    elif isinstance(expr, sp.exp):
        if real(expr.args[0], env) is not None:
            yield from _walk(expr.args[0], env, pol, reasons, _child(expr, 0, rebuild, env, "real"))
    elif isinstance(expr, sp.log):
        why = positive(expr.args[0], env)
        if why is not None:
            yield from _walk(expr.args[0], env, pol, reasons + why, _child(expr, 0, rebuild, env, "positive"))
    elif isinstance(expr, (sp.Sum, sp.Product)) and forward(expr.limits, env):
        inner = env.inside(expr.limits)
        need = "real" if isinstance(expr, sp.Sum) else "nonneg"
        why = _NEEDS[need](expr.function, inner)
        if why is not None:
            yield from _walk(expr.function, inner, pol, reasons + why, _child(expr, 0, rebuild, inner, need))


def _power(expr: sp.Pow, env: Env, pol: int, reasons: tuple[str, ...], rebuild: Rebuild) -> Iterator[Site]:
    base, e = expr.args
    if e.is_Integer and e > 0 and e.is_odd:
        if real(base, env) is not None:
            yield from _walk(base, env, pol, reasons, _child(expr, 0, rebuild, env, "real"))
        return
    if real(e, env) is None:
        return
    up = nonneg(e, env)
    if up is not None:
        why = nonneg(base, env)
        if why is not None:
            yield from _walk(base, env, pol, reasons + up + why, _child(expr, 0, rebuild, env, "nonneg"))
        return
    down = nonneg(-e, env)
    why = positive(base, env)
    if down is not None and why is not None:
        yield from _walk(base, env, -pol, reasons + down + why, _child(expr, 0, rebuild, env, "positive"))
