"""Capture-free substitution and canonical bound indices (SYMPY_PITFALLS.md, item 5).

SymPy's ``subs`` and ``change_index`` capture variables: ``Sum(k*N, (k, 1, N)).subs(N, k)`` gives
``Sum(k**2, (k, 1, k))``. Every substitution the engine makes goes through :func:`substitute`, which first
renames each bound index to a fresh ``Dummy``, so nothing substituted in can be captured.
"""

from __future__ import annotations

import sympy as sp

BOUND = (sp.Sum, sp.Product)


def freshen(expr: sp.Basic) -> sp.Basic:
    """``expr`` with every bound index of a Sum/Product renamed to a fresh Dummy (same assumptions)."""
    if isinstance(expr, BOUND):
        body = freshen(expr.function)
        limits = []
        for var, lo, hi in expr.limits:
            new = sp.Dummy(var.name, **var.assumptions0)
            body = body.xreplace({var: new})
            limits.append((new, freshen(lo), freshen(hi)))
        return expr.func(body, *limits)
    if not expr.args:
        return expr
    return expr.func(*(freshen(a) for a in expr.args))


def substitute(expr: sp.Basic, mapping: dict) -> sp.Basic:
    """Replace free occurrences per ``mapping`` without capturing anything under a Sum/Product."""
    return freshen(expr).xreplace(mapping)


def canonical(expr: sp.Basic, depth: int = 0) -> sp.Basic:
    """Rename bound indices by nesting depth (``_b0``, ``_b1``…) so alpha-equivalent sums compare equal."""
    if isinstance(expr, BOUND):
        body = expr.function
        limits = []
        for offset, (var, lo, hi) in enumerate(expr.limits):
            new = sp.Symbol(f"_b{depth + offset}", integer=True)
            body = body.xreplace({var: new})
            limits.append((new, canonical(lo, depth), canonical(hi, depth)))
        return expr.func(canonical(body, depth + len(limits)), *limits)
    if not expr.args:
        return expr
    return expr.func(*(canonical(a, depth) for a in expr.args))
