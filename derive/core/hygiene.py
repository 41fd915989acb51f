"""Capture-free substitution and canonical bound indices (SYMPY_PITFALLS.md, item 5).

SymPy's ``subs`` and ``change_index`` capture variables: ``Sum(k*N, (k, 1, N)).subs(N, k)`` gives
``Sum(k**2, (k, 1, k))``. Every substitution the engine makes goes through :func:`substitute`, which first
renames each bound index to a fresh ``Dummy``, so nothing substituted in can be captured.

A multi-limit ``Sum(f, l1, …, ln)`` binds ``l1`` innermost: the body sees ``v1``, the bounds of ``l1`` may mention
``v2…vn``, and a repeated index is shadowed by the inner one. Renaming therefore goes from the inside out, each
new name replacing the old one in the body and in the bounds of the limits inside it.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

BOUND = (sp.Sum, sp.Product)


def _rename_limits(expr: sp.Basic, new_name: Callable[[sp.Symbol, int], sp.Symbol]):
    body = expr.function
    limits: list[tuple] = []
    for position, (var, lo, hi) in enumerate(expr.limits):
        new = new_name(var, position)
        body = body.xreplace({var: new})
        # inner limits' bounds may mention this (outer) index; this limit's own bounds may not.
        limits = [(v, a.xreplace({var: new}), b.xreplace({var: new})) for v, a, b in limits]
        limits.append((new, lo, hi))
    return body, limits


def freshen(expr: sp.Basic) -> sp.Basic:
    """``expr`` with every bound index of a Sum/Product renamed to a fresh Dummy (same assumptions)."""
    if isinstance(expr, BOUND):
        body, limits = _rename_limits(expr, lambda v, _: sp.Dummy(v.name, **v.assumptions0))
        return expr.func(freshen(body), *[(v, freshen(a), freshen(b)) for v, a, b in limits])
    if not expr.args:
        return expr
    return expr.func(*(freshen(a) for a in expr.args))


def substitute(expr: sp.Basic, mapping: dict) -> sp.Basic:
    """Replace free occurrences per ``mapping`` without capturing anything under a Sum/Product."""
    return freshen(expr).xreplace(mapping)


def canonical(expr: sp.Basic, prefix: str | None = None) -> sp.Basic:
    """Rename bound indices by nesting depth so that alpha-equivalent sums compare equal.

    The new names (``<prefix>0``, ``<prefix>1``…) keep each index's assumptions and use a prefix that no symbol of
    ``expr`` starts with; compare two expressions with the same ``prefix`` (see :func:`fresh_prefix`).
    """
    prefix = prefix or fresh_prefix(expr)
    return _canonical(expr, prefix, 0)


def _canonical(expr: sp.Basic, prefix: str, depth: int) -> sp.Basic:
    if isinstance(expr, BOUND):
        n = len(expr.limits)
        # the innermost limit gets the deepest name: depth + n - 1 … the outermost gets depth
        body, limits = _rename_limits(
            expr, lambda v, pos: sp.Symbol(f"{prefix}{depth + n - 1 - pos}", **v.assumptions0)
        )
        limits = [(v, _canonical(a, prefix, depth), _canonical(b, prefix, depth)) for v, a, b in limits]
        return expr.func(_canonical(body, prefix, depth + n), *limits)
    if not expr.args:
        return expr
    return expr.func(*(_canonical(a, prefix, depth) for a in expr.args))


def fresh_prefix(*exprs: sp.Basic) -> str:
    """A name prefix that no symbol in ``exprs`` starts with."""
    names = {s.name for e in exprs for s in e.atoms(sp.Symbol)}
    prefix = "_b"
    while any(name.startswith(prefix) for name in names):
        prefix += "_"
    return prefix


def alpha_equal(a: sp.Basic, b: sp.Basic) -> bool:
    """``a`` and ``b`` are the same up to the names of bound indices."""
    prefix = fresh_prefix(a, b)
    return canonical(a, prefix) == canonical(b, prefix)


def exact_decimals(expr: sp.Basic) -> sp.Basic:
    """Every floating-point number in ``expr`` as exactly the number the author wrote: ``0.1`` is 1/10 and
    ``1e-20`` is 10⁻²⁰, never a binary neighbour nor a number rounded away (a claim ``y + 1e-25 = y`` is false,
    and stays false).

    A SymPy ``Float`` made from a Python float has 53 bits. When its shortest round-trip text (``repr``) has at
    most 15 significant digits, that text is what was typed (``0.1``, ``2.5e-3``); a longer one (``2**-60``
    is 8.673617379884035e-19) was computed, and its exact binary value is what the author's Python held. A
    ``Float`` that is no double (``Float('1e-400')``, ``Float('0.1', 30)``) is read from its own digits.
    Infinite or undefined floats have no value: ``ValueError`` with the fix."""
    floats = expr.atoms(sp.Float) if isinstance(expr, sp.Basic) else set()
    if not floats:
        return expr
    return expr.xreplace({f: _exact(f) for f in floats})


def _exact(f: sp.Float) -> sp.Rational:
    if not f.is_finite:
        raise ValueError(f"the number {f} is not finite; write sympy.oo or leave it out")
    if f._prec == 53 and float(f) == f and (f == 0 or float(f) != 0):  # a double, as Python holds it
        text = repr(float(f))
        digits = text.split("e")[0].replace("-", "").replace(".", "").strip("0")
        return sp.Rational(text) if len(digits) <= 15 else sp.Rational(*float(f).as_integer_ratio())
    return sp.Rational(str(f))
