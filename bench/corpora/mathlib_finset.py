"""Finite sums and products over ``Finset.range``, translated from Mathlib: splitting off a term, reflection,
distributing over + and ·, constants (exchanges, intervals, telescoping and absolute values: ``mathlib_intervals``).

Sources (leanprover-community/mathlib4): ``Mathlib/Algebra/BigOperators/Group/Finset/Basic.lean`` (the range
lemmas, ``sum_comm``, ``prod_mul_distrib``, ``prod_pow``, ``prod_const``, ``sum_const``, ``card_range``),
``Mathlib/Algebra/BigOperators/Intervals.lean`` (``sum_range_reflect``, ``sum_range_id_mul_two``,
``sum_Ico_Ico_comm``, ``prod_range_add_one_eq_factorial``, ``sum_Ico_consecutive``, ``sum_Ico_succ_top``),
``Mathlib/Algebra/BigOperators/Ring/Finset.lean`` (``mul_sum``, ``sum_mul``, ``sum_div``, ``sum_mul_sum``),
``Mathlib/Algebra/Order/BigOperators/...`` (``abs_prod``, ``abs_sum_le_sum_abs``, ``sum_mul_sq_le_sq_mul_sq``).

Translation: Lean's ``Finset.range n`` is ``k = 0 .. n - 1`` and ``Finset.Ico a b`` is ``k = a .. b - 1``; a
function ``f : ℕ → ℝ`` is a real family declared over the indices the statement reads (``ctx.real``); ``n : ℕ`` is a
size (derive's sizes start at 1, so the empty range is not covered); an order hypothesis ``a ≤ b`` is a value
declared in ``(0, b)`` (``ctx.value``). A lemma stated in a commutative group (``prod_range_div``) is translated
for positive reals, the group of units that derive can declare.
"""

from __future__ import annotations

from sympy import Product, Sum, Symbol

from derive import Context

from .statement import Statement, false, true

BASIC = "Mathlib/Algebra/BigOperators/Group/Finset/Basic.lean"
INTERVALS = "Mathlib/Algebra/BigOperators/Intervals.lean"
RING = "Mathlib/Algebra/BigOperators/Ring/Finset.lean"
ORDER = "Mathlib/Algebra/Order/BigOperators/Group/Finset.lean"
ORDER_RING = "Mathlib/Algebra/Order/BigOperators/Ring/Finset.lean"

i, j, k, x = (Symbol(s, integer=True) for s in "ijkx")


def _range(top: int = 0, positive: bool = False):
    """A context with a size ``n`` and families ``f, g : ℕ → ℝ`` declared on ``0 .. n + top``."""
    ctx = Context()
    n = ctx.size("n")
    family = ctx.positive if positive else ctx.real
    return ctx, n, family("f", index=(0, n + top)), family("g", index=(0, n + top))


def _grid():
    """A context with sizes ``n, m`` and a real family ``f i j`` for ``i < n``, ``j < m``."""
    ctx = Context()
    n, m = ctx.size("n"), ctx.size("m")
    return ctx, n, m, ctx.real("f", index=[(0, n - 1), (0, m - 1)])


def _square():
    """A context with a size ``n`` and a real family ``f i j`` for ``i, j < n`` (triangular sums)."""
    ctx = Context()
    n = ctx.size("n")
    return ctx, n, ctx.real("f", index=[(0, n - 1), (0, n - 1)])


def statements() -> list[Statement]:
    out: list[Statement] = []
    # -- splitting off a term, reflection --------------------------------------------------------------------
    ctx, n, f, _ = _range()
    out.append(true("Finset.sum_range_succ", BASIC, ctx, Sum(f[k], (k, 0, n)), Sum(f[k], (k, 0, n - 1)) + f[n]))
    out.append(
        false(
            "Finset.sum_range_succ",
            BASIC,
            ctx,
            Sum(f[k], (k, 0, n)),
            Sum(f[k], (k, 0, n - 1)) + f[n - 1],
            "adds f (n - 1) instead of f n",
        )
    )
    ctx, n, f, _ = _range()
    out.append(
        true("Finset.prod_range_succ", BASIC, ctx, Product(f[k], (k, 0, n)), Product(f[k], (k, 0, n - 1)) * f[n])
    )
    ctx, n, f, _ = _range()
    out.append(true("Finset.sum_range_succ_comm", BASIC, ctx, Sum(f[k], (k, 0, n)), f[n] + Sum(f[k], (k, 0, n - 1))))
    ctx, n, f, _ = _range()
    out.append(true("Finset.sum_range_succ'", BASIC, ctx, Sum(f[k], (k, 0, n)), Sum(f[k + 1], (k, 0, n - 1)) + f[0]))
    out.append(
        false(
            "Finset.sum_range_succ'",
            BASIC,
            ctx,
            Sum(f[k], (k, 0, n)),
            Sum(f[k + 1], (k, 0, n - 1)) + f[1],
            "adds f 1 instead of f 0",
        )
    )
    ctx, n, f, _ = _range()
    out.append(
        true("Finset.prod_range_succ'", BASIC, ctx, Product(f[k], (k, 0, n)), Product(f[k + 1], (k, 0, n - 1)) * f[0])
    )
    ctx, n, f, _ = _range(-1)
    out.append(
        true("Finset.sum_range_reflect", INTERVALS, ctx, Sum(f[n - 1 - j], (j, 0, n - 1)), Sum(f[j], (j, 0, n - 1)))
    )
    ctx, n, f, _ = _range()
    out.append(
        false(
            "Finset.sum_range_reflect",
            INTERVALS,
            ctx,
            Sum(f[n - j], (j, 0, n - 1)),
            Sum(f[j], (j, 0, n - 1)),
            "reflects with n - j instead of n - 1 - j",
        )
    )
    ctx, n, f, _ = _range(-1)
    out.append(
        true(
            "Finset.prod_range_reflect",
            INTERVALS,
            ctx,
            Product(f[n - 1 - j], (j, 0, n - 1)),
            Product(f[j], (j, 0, n - 1)),
        )
    )
    ctx, n, f, _ = _range()
    out.append(true("Finset.sum_range_succ_sub_top", BASIC, ctx, Sum(f[i], (i, 0, n)) - f[n], Sum(f[i], (i, 0, n - 1))))
    ctx, n, f, _ = _range(positive=True)
    out.append(
        true(
            "Finset.prod_range_succ_div_top",
            BASIC,
            ctx,
            Product(f[i], (i, 0, n)) / f[n],
            Product(f[i], (i, 0, n - 1)),
            note="CommGroup: positive reals",
        )
    )
    # -- distributing over + and ·, constants --------------------------------------------------------------
    ctx, n, f, g = _range(-1)
    out.append(
        true(
            "Finset.sum_add_distrib",
            BASIC,
            ctx,
            Sum(f[i] + g[i], (i, 0, n - 1)),
            Sum(f[i], (i, 0, n - 1)) + Sum(g[i], (i, 0, n - 1)),
        )
    )
    ctx, n, f, g = _range(-1)
    out.append(
        true(
            "Finset.sum_sub_distrib",
            BASIC,
            ctx,
            Sum(f[i] - g[i], (i, 0, n - 1)),
            Sum(f[i], (i, 0, n - 1)) - Sum(g[i], (i, 0, n - 1)),
        )
    )
    ctx, n, f, g = _range(-1)
    out.append(
        true(
            "Finset.prod_mul_distrib",
            BASIC,
            ctx,
            Product(f[i] * g[i], (i, 0, n - 1)),
            Product(f[i], (i, 0, n - 1)) * Product(g[i], (i, 0, n - 1)),
        )
    )
    out.append(
        false(
            "Finset.prod_mul_distrib",
            BASIC,
            ctx,
            Product(f[i] + g[i], (i, 0, n - 1)),
            Product(f[i], (i, 0, n - 1)) + Product(g[i], (i, 0, n - 1)),
            "a product of sums split as a sum",
        )
    )
    ctx, n, f, _ = _range(-1)
    m = Symbol("m", integer=True, nonnegative=True)
    out.append(
        true("Finset.prod_pow", BASIC, ctx, Product(f[i] ** m, (i, 0, n - 1)), Product(f[i], (i, 0, n - 1)) ** m)
    )
    out.append(
        false(
            "Finset.prod_pow",
            BASIC,
            ctx,
            Product(f[i] ** m, (i, 0, n - 1)),
            Product(f[i], (i, 0, n - 1)) ** (m * n),
            "exponent m * n instead of m",
        )
    )
    ctx = Context()
    n, b = ctx.size("n"), Symbol("b", real=True)
    out.append(true("Finset.prod_const", BASIC, ctx, Product(b, (k, 0, n - 1)), b**n, note="with Finset.card_range"))
    out.append(false("Finset.prod_const", BASIC, ctx, Product(b, (k, 0, n - 1)), b ** (n + 1), "exponent n + 1"))
    c = Symbol("c", real=True)
    out.append(true("Finset.sum_const", BASIC, ctx, Sum(c, (k, 0, n - 1)), n * c, note="card_range, nsmul_eq_mul"))
    out.append(false("Finset.sum_const", BASIC, ctx, Sum(c, (k, 0, n - 1)), (n - 1) * c, "n - 1 terms"))
    out.append(true("Finset.card_range", BASIC, ctx, Sum(1, (k, 0, n - 1)), n, note="card as Finset.card_eq_sum_ones"))
    ctx, n, f, _ = _range(-1)
    b = Symbol("b", real=True)
    out.append(true("Finset.mul_sum", RING, ctx, b * Sum(f[i], (i, 0, n - 1)), Sum(b * f[i], (i, 0, n - 1))))
    out.append(true("Finset.sum_mul", RING, ctx, Sum(f[i], (i, 0, n - 1)) * b, Sum(f[i] * b, (i, 0, n - 1))))
    ctx, n, f, _ = _range()
    out.append(
        false(
            "Finset.mul_sum",
            RING,
            ctx,
            b * Sum(f[i], (i, 0, n - 1)),
            Sum(b * f[i], (i, 0, n)),
            "the right side runs to n",
        )
    )
    ctx, n, f, _ = _range(-1)
    a = Symbol("a", real=True, nonzero=True)
    out.append(
        true(
            "Finset.sum_div",
            RING,
            ctx,
            Sum(f[i], (i, 0, n - 1)) / a,
            Sum(f[i] / a, (i, 0, n - 1)),
            note="a ≠ 0 declared (Lean's x / 0 = 0 has no SymPy counterpart)",
        )
    )
    ctx, n, f, g = _range(-1)
    out.append(
        true(
            "Finset.sum_mul_sum",
            RING,
            ctx,
            Sum(f[i], (i, 0, n - 1)) * Sum(g[j], (j, 0, n - 1)),
            Sum(Sum(f[i] * g[j], (j, 0, n - 1)), (i, 0, n - 1)),
        )
    )
    ctx, n, f, g = _range(-1)
    out.append(
        true(
            "add_sq under Finset.sum_add_distrib, Finset.mul_sum",
            RING,
            ctx,
            Sum((f[i] + g[i]) ** 2, (i, 0, n - 1)),
            Sum(f[i] ** 2, (i, 0, n - 1)) + 2 * Sum(f[i] * g[i], (i, 0, n - 1)) + Sum(g[i] ** 2, (i, 0, n - 1)),
        )
    )
    return out
