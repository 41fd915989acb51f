"""Exchanging sums over rectangles and triangles, intervals, telescoping, Gauss' sum, factorials, absolute values.

Translated from Mathlib (leanprover-community/mathlib4) as in ``mathlib_finset`` (whose docstring gives the
translation of ranges, families and order hypotheses): ``Finset.sum_comm``/``prod_comm`` and the telescoping lemmas
from ``Mathlib/Algebra/BigOperators/Group/Finset/Basic.lean``; ``sum_Ico_Ico_comm``, ``sum_Ico_consecutive``,
``sum_Ico_succ_top``, ``sum_range_id_mul_two`` and the factorials from ``Mathlib/Algebra/BigOperators/Intervals.lean``;
``abs_prod``, ``abs_sum_le_sum_abs`` and ``sum_mul_sq_le_sq_mul_sq`` from ``Mathlib/Algebra/Order/BigOperators/``.
"""

from __future__ import annotations

from sympy import Abs, Product, Sum, Symbol, factorial

from derive import Context

from .mathlib_finset import BASIC, INTERVALS, ORDER, ORDER_RING, _grid, _range, _square
from .statement import Statement, false, true

i, j, k, x = (Symbol(s, integer=True) for s in "ijkx")


def statements() -> list[Statement]:
    out: list[Statement] = []
    # -- exchanging sums: rectangles and triangles --------------------------------------------------------
    ctx, n, m, f = _grid()
    out.append(
        true(
            "Finset.sum_comm",
            BASIC,
            ctx,
            Sum(Sum(f[i, j], (j, 0, m - 1)), (i, 0, n - 1)),
            Sum(Sum(f[i, j], (i, 0, n - 1)), (j, 0, m - 1)),
        )
    )
    ctx, n, m, f = _grid()
    out.append(
        true(
            "Finset.prod_comm",
            BASIC,
            ctx,
            Product(Product(f[i, j], (j, 0, m - 1)), (i, 0, n - 1)),
            Product(Product(f[i, j], (i, 0, n - 1)), (j, 0, m - 1)),
        )
    )
    ctx, n, f = _square()
    out.append(
        true(
            "Finset.sum_Ico_Ico_comm",
            INTERVALS,
            ctx,
            Sum(Sum(f[i, j], (j, i, n - 1)), (i, 0, n - 1)),
            Sum(Sum(f[i, j], (i, 0, j)), (j, 0, n - 1)),
            note="a = 0, b = n",
        )
    )
    out.append(
        false(
            "Finset.sum_Ico_Ico_comm",
            INTERVALS,
            ctx,
            Sum(Sum(f[i, j], (j, i, n - 1)), (i, 0, n - 1)),
            Sum(Sum(f[i, j], (i, 0, j - 1)), (j, 0, n - 1)),
            "the exchanged sum drops the diagonal i = j",
        )
    )
    ctx, n, f = _square()
    out.append(
        true(
            "Finset.sum_Ico_Ico_comm'",
            INTERVALS,
            ctx,
            Sum(Sum(f[i, j], (j, i + 1, n - 1)), (i, 0, n - 1)),
            Sum(Sum(f[i, j], (i, 0, j - 1)), (j, 0, n - 1)),
            note="a = 0, b = n",
        )
    )
    # -- intervals ------------------------------------------------------------------------------------------
    ctx = Context()
    b = ctx.size("b")
    a = ctx.value("a", (0, b))
    f = ctx.real("f", index=(0, b))
    out.append(
        true(
            "Finset.sum_Ico_succ_top",
            INTERVALS,
            ctx,
            Sum(f[k], (k, a, b)),
            Sum(f[k], (k, a, b - 1)) + f[b],
            note="a ≤ b declared as a value in (0, b)",
        )
    )
    ctx = Context()
    b = ctx.size("b")
    a = ctx.value("a", (0, b))
    f = ctx.real("f", index=(0, b))
    out.append(
        true("Finset.prod_Ico_succ_top", INTERVALS, ctx, Product(f[k], (k, a, b)), Product(f[k], (k, a, b - 1)) * f[b])
    )
    ctx = Context()
    b = ctx.size("b")
    a = ctx.value("a", (0, b - 1))
    f = ctx.real("f", index=(0, b))
    out.append(
        true(
            "Finset.sum_eq_sum_Ico_succ_bot",
            INTERVALS,
            ctx,
            Sum(f[k], (k, a, b - 1)),
            f[a] + Sum(f[k], (k, a + 1, b - 1)),
            note="a < b declared as a value in (0, b - 1)",
        )
    )
    ctx = Context()
    nn, pp = ctx.size("N"), ctx.size("P")
    mm = ctx.value("M", (0, nn))
    kk = nn + pp
    f = ctx.real("f", index=(0, kk))
    out.append(
        true(
            "Finset.sum_Ico_consecutive",
            INTERVALS,
            ctx,
            Sum(f[i], (i, mm, nn - 1)) + Sum(f[i], (i, nn, kk - 1)),
            Sum(f[i], (i, mm, kk - 1)),
            note="m ≤ n ≤ k as M a value in (0, N) and k = N + P for a size P (so n < k)",
        )
    )
    out.append(
        false(
            "Finset.sum_Ico_consecutive",
            INTERVALS,
            ctx,
            Sum(f[i], (i, mm, nn - 1)) + Sum(f[i], (i, nn + 1, kk - 1)),
            Sum(f[i], (i, mm, kk - 1)),
            "the second range starts at n + 1",
        )
    )
    ctx = Context()
    nn = ctx.size("N")
    mm = ctx.value("M", (0, nn))
    f = ctx.real("f", index=(0, nn))
    out.append(
        true(
            "Finset.sum_Ico_eq_sum_range",
            INTERVALS,
            ctx,
            Sum(f[k], (k, mm, nn - 1)),
            Sum(f[mm + k], (k, 0, nn - mm - 1)),
        )
    )
    # -- telescoping, Gauss, factorials ---------------------------------------------------------------------
    ctx, n, f, _ = _range()
    out.append(true("Finset.sum_range_sub", BASIC, ctx, Sum(f[i + 1] - f[i], (i, 0, n - 1)), f[n] - f[0]))
    out.append(
        false("Finset.sum_range_sub", BASIC, ctx, Sum(f[i + 1] - f[i], (i, 0, n - 1)), f[0] - f[n], "swapped sign")
    )
    ctx, n, f, _ = _range()
    out.append(true("Finset.sum_range_sub'", BASIC, ctx, Sum(f[i] - f[i + 1], (i, 0, n - 1)), f[0] - f[n]))
    ctx, n, f, _ = _range(positive=True)
    out.append(
        true(
            "Finset.prod_range_div",
            BASIC,
            ctx,
            Product(f[i + 1] / f[i], (i, 0, n - 1)),
            f[n] / f[0],
            note="CommGroup: positive reals",
        )
    )
    ctx, n, f, _ = _range(1, positive=True)
    out.append(
        false(
            "Finset.prod_range_div",
            BASIC,
            ctx,
            Product(f[i + 1] / f[i], (i, 0, n - 1)),
            f[n + 1] / f[0],
            "f (n + 1) instead of f n",
        )
    )
    ctx = Context()
    n = ctx.size("n")
    out.append(true("Finset.sum_range_id_mul_two", INTERVALS, ctx, Sum(i, (i, 0, n - 1)) * 2, n * (n - 1)))
    out.append(
        false(
            "Finset.sum_range_id_mul_two",
            INTERVALS,
            ctx,
            Sum(i, (i, 0, n - 1)) * 2,
            n * (n + 1),
            "n (n + 1), the sum up to n",
        )
    )
    out.append(true("Finset.sum_range_id", INTERVALS, ctx, Sum(i, (i, 0, n - 1)), n * (n - 1) / 2))
    out.append(
        false(
            "Finset.sum_range_id",
            INTERVALS,
            ctx,
            Sum(i, (i, 0, n - 1)),
            n * (n - 1) / 2 + (n - 1) * (n - 2) * (n - 3),
            "a closed form that agrees for n <= 3 only",
        )
    )
    out.append(
        true("Finset.prod_range_add_one_eq_factorial", INTERVALS, ctx, Product(x + 1, (x, 0, n - 1)), factorial(n))
    )
    out.append(
        false(
            "Finset.prod_range_add_one_eq_factorial",
            INTERVALS,
            ctx,
            Product(x + 1, (x, 0, n)),
            factorial(n),
            "range (n + 1)",
        )
    )
    out.append(true("Finset.prod_Ico_id_eq_factorial", INTERVALS, ctx, Product(x, (x, 1, n)), factorial(n)))
    # -- absolute values and inequalities -------------------------------------------------------------------
    ctx, n, f, g = _range(-1)
    out.append(
        true("Finset.abs_prod", ORDER_RING, ctx, Abs(Product(f[i], (i, 0, n - 1))), Product(Abs(f[i]), (i, 0, n - 1)))
    )
    out.append(
        true(
            "Finset.abs_sum_le_sum_abs",
            ORDER,
            ctx,
            Abs(Sum(f[i], (i, 0, n - 1))),
            Sum(Abs(f[i]), (i, 0, n - 1)),
            relation="<=",
        )
    )
    out.append(
        false(
            "Finset.abs_sum_le_sum_abs",
            ORDER,
            ctx,
            Abs(Sum(f[i], (i, 0, n - 1))),
            Sum(Abs(f[i]), (i, 0, n - 1)),
            "equality instead of ≤",
        )
    )
    out.append(
        true(
            "Finset.sum_mul_sq_le_sq_mul_sq",
            ORDER_RING,
            ctx,
            Sum(f[i] * g[i], (i, 0, n - 1)) ** 2,
            Sum(f[i] ** 2, (i, 0, n - 1)) * Sum(g[i] ** 2, (i, 0, n - 1)),
            relation="<=",
        )
    )
    return out
