"""Where the translated code is defined: each division's divisor shown nonzero, each ``math.log`` argument shown
positive, each ``math.sqrt`` argument shown nonnegative, from the declarations, before the translation is built.

SymPy simplifies as it builds (``x/x`` is 1, ``log`` of a negative number is complex), so a translation can have
a value at a point where the code raises ``ZeroDivisionError`` or ``ValueError``: a proof of the translation is
then no proof of the code. The translator asks here at each operation and refuses what is not shown.
"""

from __future__ import annotations

import sympy as sp

from derive.checks.code.indices import IndexRanges
from derive.core.context import Context
from derive.engine import facts

#: What each ``math`` function needs of its arguments: (which argument, the condition, what is tested).
MATH_DOMAINS = {
    "log": ((0, "positive", lambda x: x), (1, "positive", lambda b: b), (1, "nonzero", lambda b: b - 1)),
    "log2": ((0, "positive", lambda x: x),),
    "log10": ((0, "positive", lambda x: x),),
    "log1p": ((0, "positive", lambda x: 1 + x),),
    "sqrt": ((0, "nonnegative", lambda x: x),),
}


def shown(condition: str, expr: sp.Expr, ctx: Context, ranges: IndexRanges) -> bool:
    """``expr`` is ``positive``, ``nonnegative`` or ``nonzero`` at every point the declarations allow, with the
    loop indices in their ranges. A member whose index is computed (``q[i + 1]``) is read as a member at an
    index ranging over that index's extent (each such index on its own: weaker, so still sound)."""
    expr = sp.sympify(expr)
    bounds = [(i, lo, hi) for i, (lo, hi) in ranges.bounds.items()]
    swap = {}
    for member in sorted(expr.atoms(sp.Indexed), key=sp.default_sort_key):
        if len(member.indices) != 1 or member.indices[0].is_Integer:
            continue
        low, high = ranges.extent(sp.expand(member.indices[0]))
        if low is not None:
            index = sp.Dummy("t", integer=True)
            swap[member] = member.base[index]
            bounds.append((index, low, high))
    expr = expr.xreplace(swap)
    env = facts.Env(ctx, tuple(bounds))
    if condition == "positive":
        return bool(expr.is_positive) or facts.positive(expr, env) is not None
    if condition == "nonnegative":
        return bool(expr.is_nonnegative) or facts.nonneg(expr, env) is not None
    return bool(expr.is_nonzero) or facts.sign(expr, env) is not None


def math_conditions(name: str, values: list) -> list[tuple[str, sp.Expr]]:
    """The conditions ``math.<name>(*values)`` needs to be defined (not raise ValueError)."""
    out = [(c, test(values[n])) for n, c, test in MATH_DOMAINS.get(name, ()) if n < len(values)]
    if name == "pow" and len(values) == 2:
        out += power_conditions(*values, real_pow=True)
    return out


def power_conditions(base: sp.Expr, exponent: sp.Expr, real_pow: bool = False) -> list[tuple[str, sp.Expr]]:
    """``base ** exponent`` raises ZeroDivisionError at base 0 with a negative exponent; ``math.pow`` raises
    ValueError for a negative base and an exponent that is not an integer."""
    out = []
    if not exponent.is_nonnegative:
        out.append(("nonzero", base))
    if real_pow and not exponent.is_integer:
        out.append(("nonnegative", base))
    return out
