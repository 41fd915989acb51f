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

from derive.engine.facts import Env, nonneg, positive, real
from derive.engine.facts import sign as sign_of
from derive.engine.inequalities.lemmas import forward

Rebuild = Callable[[sp.Expr], "tuple[sp.Expr, tuple[str, ...]] | None"]


def real_value(expr: sp.Expr, env: Env) -> tuple[str, ...] | None:
    """Reasons that ``expr`` is real (and finite): :func:`facts.real`, or a sum or product of real values, or a
    power of a base of known sign (1/(1 − q) with q below one), or of a base ≥ 0 to an exponent ≥ 0."""
    why = real(expr, env)
    if why is not None:
        return why
    if isinstance(expr, (sp.Add, sp.Mul)):
        parts = [real_value(a, env) for a in expr.args]
        return None if any(p is None for p in parts) else tuple(r for p in parts for r in p)
    if isinstance(expr, sp.Pow) and real(expr.exp, env) is not None:
        base = positive(expr.base, env)
        if base is None and nonneg(expr.exp, env) is not None:  # 0^w is 0 (w > 0) or 1 (w = 0)
            base = nonneg(expr.base, env)
        if base is None and expr.exp.is_integer:
            found = sign_of(expr.base, env)
            base = None if found is None else found[1]
        return base
    return None


def nonneg_value(expr: sp.Expr, env: Env) -> tuple[str, ...] | None:
    """Reasons that ``expr ≥ 0``: :func:`facts.nonneg`, or a power of a base ≥ 0 to a real exponent ≥ 0 (√S with
    S ≥ 0), or a product of such."""
    why = nonneg(expr, env)
    if why is not None:
        return why
    if isinstance(expr, sp.Mul):
        parts = [nonneg_value(a, env) for a in expr.args]
        return None if any(p is None for p in parts) else tuple(r for p in parts for r in p)
    if isinstance(expr, sp.Pow) and (up := nonneg(expr.exp, env)) is not None:
        base = nonneg_value(expr.base, env)
        return None if base is None else base + up
    return None


_NEEDS = {"real": real_value, "positive": positive, "nonneg": nonneg_value}
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
    strictly: bool = True  # the goal is strictly monotone in the term (a strict bound gives a strict gain)


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


def _scaled(coeff: sp.Expr, parent: Rebuild, env: Env) -> Rebuild:
    """Rebuild ``coeff · new`` once ``new`` is shown real."""

    def rebuild(new: sp.Expr):
        why = real_value(new, env)
        if why is None:
            return None
        up = parent(coeff * new)
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


def _walk(
    expr: sp.Expr, env: Env, pol: int, reasons: tuple[str, ...], rebuild: Rebuild, st: bool = True
) -> Iterator[Site]:
    yield Site(expr, env, pol, reasons, rebuild, st)
    if isinstance(expr, sp.Add):
        if real_value(expr, env) is None:
            return
        for k, a in enumerate(expr.args):
            if not a.is_number:
                yield from _walk(a, env, pol, reasons, _child(expr, k, rebuild, env, "real"), st)
    elif isinstance(expr, sp.Mul):
        coeff, rest = expr.as_coeff_Mul()
        if coeff != 1 and isinstance(rest, sp.Mul) and coeff.is_real and real_value(rest, env) is not None:
            # -√a·√b: the product of the factors other than the number is a subterm too (AM–GM reads it whole)
            sign = 1 if coeff > 0 else -1
            yield from _walk(rest, env, pol * sign, reasons, _scaled(coeff, rebuild, env), st)
        for k, a in enumerate(expr.args):
            if a.is_number:
                continue
            other = sp.Mul(*(b for n, b in enumerate(expr.args) if n != k))
            why, sign = nonneg(other, env), 1
            if why is None:
                why, sign = nonneg(-other, env), -1
            if why is None or real_value(a, env) is None:
                continue
            strictly = st and sign_of(other, env) is not None  # a factor ≥ 0 that may be 0 keeps only ≤
            yield from _walk(a, env, pol * sign, reasons + why, _child(expr, k, rebuild, env, "real"), strictly)
    elif isinstance(expr, sp.Pow):
        yield from _power(expr, env, pol, reasons, rebuild, st)
    elif isinstance(expr, sp.exp):
        if real_value(expr.args[0], env) is not None:
            yield from _walk(expr.args[0], env, pol, reasons, _child(expr, 0, rebuild, env, "real"), st)
    elif isinstance(expr, sp.log):
        why = positive(expr.args[0], env)
        if why is not None:
            yield from _walk(expr.args[0], env, pol, reasons + why, _child(expr, 0, rebuild, env, "positive"), st)
    elif isinstance(expr, (sp.Sum, sp.Product)) and forward(expr.limits, env):
        inner = env.inside(expr.limits)
        need = "real" if isinstance(expr, sp.Sum) else "nonneg"
        why = _NEEDS[need](expr.function, inner)
        if why is not None:
            yield from _walk(expr.function, inner, pol, reasons + why, _child(expr, 0, rebuild, inner, need), False)


def _power(expr: sp.Pow, env: Env, pol: int, reasons: tuple[str, ...], rebuild: Rebuild, st: bool) -> Iterator[Site]:
    base, e = expr.args
    if e.is_Integer and e > 0 and e.is_odd:
        if real_value(base, env) is not None:
            yield from _walk(base, env, pol, reasons, _child(expr, 0, rebuild, env, "real"), st)
        return
    if real_value(e, env) is None:
        return
    up = nonneg(e, env)
    if up is not None:
        why = nonneg(base, env)
        if why is not None:
            strictly = st and positive(e, env) is not None
            yield from _walk(base, env, pol, reasons + up + why, _child(expr, 0, rebuild, env, "nonneg"), strictly)
        return
    down = nonneg(-e, env)
    why = positive(base, env)
    if down is not None and why is not None:
        strictly = st and positive(-e, env) is not None
        yield from _walk(base, env, -pol, reasons + down + why, _child(expr, 0, rebuild, env, "positive"), strictly)
