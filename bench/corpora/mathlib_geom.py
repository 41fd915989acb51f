"""Geometric sums, translated from ``Mathlib/Algebra/GeomSum.lean`` (leanprover-community/mathlib4).

``x : α`` in a (semi)ring or field is a real ``x``; ``n : ℕ`` is a size (from 1). The hypothesis ``x ≠ 1`` of
``geom_sum_eq`` and ``geom_sum_Ico`` cannot be declared as such (SymPy has no "≠ 1" assumption), so it is
strengthened to ``0 < x < 1`` (``ctx.probability``): the statement stays true, on a smaller set.
"""

from __future__ import annotations

from sympy import Sum, Symbol

from derive import Context

from .statement import Statement, false, true

GEOM = "Mathlib/Algebra/GeomSum.lean"
i = Symbol("i", integer=True)


def _real():
    ctx = Context()
    return ctx, ctx.size("n"), Symbol("x", real=True)


def _unit():
    ctx = Context()
    return ctx, ctx.size("n"), ctx.probability("x")


def statements() -> list[Statement]:
    out: list[Statement] = []
    ctx, n, x = _unit()
    geom = Sum(x**i, (i, 0, n - 1))
    out.append(true("geom_sum_eq", GEOM, ctx, geom, (x**n - 1) / (x - 1), note="x ≠ 1 strengthened to 0 < x < 1"))
    out.append(false("geom_sum_eq", GEOM, ctx, geom, (x ** (n + 1) - 1) / (x - 1), "exponent n + 1"))
    out.append(false("geom_sum_eq", GEOM, ctx, geom, (x**n - 1) / (1 - x), "denominator 1 - x (sign swapped)"))
    ctx, n, x = _real()
    geom = Sum(x**i, (i, 0, n - 1))
    out.append(true("geom_sum_mul", GEOM, ctx, geom * (x - 1), x**n - 1))
    out.append(false("geom_sum_mul", GEOM, ctx, geom * (x - 1), x ** (n + 1) - 1, "x ^ (n + 1) - 1"))
    out.append(true("mul_geom_sum", GEOM, ctx, (x - 1) * geom, x**n - 1))
    out.append(
        false(
            "mul_geom_sum",
            GEOM,
            ctx,
            (x - 1) * geom,
            x**n - 1 + (n - 1) * (n - 2) * (n - 3) * x,
            "agrees for n <= 3 only",
        )
    )
    out.append(true("geom_sum_mul_neg", GEOM, ctx, geom * (1 - x), 1 - x**n))
    out.append(true("mul_neg_geom_sum", GEOM, ctx, (1 - x) * geom, 1 - x**n))
    out.append(true("geom_sum_succ", GEOM, ctx, Sum(x**i, (i, 0, n)), x * geom + 1))
    out.append(false("geom_sum_succ", GEOM, ctx, Sum(x**i, (i, 0, n)), x * geom, "drops the + 1"))
    out.append(true("geom_sum_two", GEOM, ctx, Sum(x**i, (i, 0, 1)), x + 1))
    ctx, n, x = _real()
    y = Symbol("y", real=True)
    out.append(true("geom_sum₂_mul", GEOM, ctx, Sum(x**i * y ** (n - 1 - i), (i, 0, n - 1)) * (x - y), x**n - y**n))
    out.append(
        false(
            "geom_sum₂_mul",
            GEOM,
            ctx,
            Sum(x**i * y ** (n - i), (i, 0, n - 1)) * (x - y),
            x**n - y**n,
            "y ^ (n - i) instead of y ^ (n - 1 - i)",
        )
    )
    ctx = Context()
    n = ctx.size("n")
    m = ctx.value("m", (0, n))
    x = ctx.probability("x")
    out.append(
        true(
            "geom_sum_Ico",
            GEOM,
            ctx,
            Sum(x**i, (i, m, n - 1)),
            (x**n - x**m) / (x - 1),
            note="x ≠ 1 strengthened to 0 < x < 1; m ≤ n as a value in (0, n)",
        )
    )
    ctx = Context()
    n = ctx.size("n")
    m = ctx.value("m", (0, n))
    x = Symbol("x", real=True)
    out.append(true("geom_sum_Ico_mul", GEOM, ctx, Sum(x**i, (i, m, n - 1)) * (x - 1), x**n - x**m))
    return out
