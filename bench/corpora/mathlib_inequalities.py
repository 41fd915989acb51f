"""Classical inequalities, translated from Mathlib (leanprover-community/mathlib4).

Sources: ``Mathlib/Analysis/SpecialFunctions/Log/Basic.lean`` (``Real.one_sub_inv_le_log_of_pos``,
``Real.log_le_log``), ``Mathlib/Analysis/SpecialFunctions/Exp.lean`` and ``Mathlib/Analysis/Complex/Exponential.lean``
(``Real.add_one_lt_exp``, ``Real.exp_le_exp``), ``Mathlib/Algebra/Order/BigOperators/Group/Finset.lean``
(``Finset.sum_nonneg``, ``Finset.single_le_sum``, ``Finset.sum_le_card_nsmul``, ``Finset.card_nsmul_le_sum``,
``Finset.sum_le_sum``), ``Mathlib/Algebra/Order/BigOperators/Ring/Finset.lean`` (``Finset.prod_nonneg``,
``Finset.prod_le_one``, ``Finset.prod_le_pow_card``, ``sq_sum_le_card_mul_sum_sq``,
``Finset.inner_mul_le_norm_mul_norm``), ``Mathlib/Analysis/MeanInequalities.lean``
(``Real.geom_mean_le_arith_mean_weighted``, ``Real.geom_mean_le_arith_mean2_weighted``),
``Mathlib/Analysis/Convex/Jensen.lean`` (``ConvexOn.map_sum_le``, ``ConcaveOn.le_map_sum``),
``Mathlib/Algebra/Order/Group/Abs.lean`` (``abs_add``, ``abs_sub_abs_le_abs_sub``),
``Mathlib/Algebra/Order/Ring/Lemmas`` and ``Mathlib/Algebra/GroupPower/Order.lean`` (``two_mul_le_add_sq``,
``add_sq_le_sq_add_sq``, ``pow_le_pow_left``).

Translation, beyond ``mathlib_finset``'s (``Finset.range n`` is ``i = 0 .. n - 1``, ``f : ℕ → ℝ`` a real family):
- a hypothesis ``∀ i ∈ s, 0 ≤ f i`` is ``ctx.nonnegative("f", ...)``; ``∀ i ∈ s, f i ≤ c`` (and ``c ≤ f i``) is
  ``upper=c`` (``lower=c``) on the family, ``c`` a real scalar;
- a hypothesis ``x ≤ y`` between two scalars is ``y = x + d`` with ``d ≥ 0`` (SymPy's assumptions cannot relate two
  symbols), and ``∀ i, f i ≤ g i`` likewise ``g = f + d`` with ``d`` a nonnegative family;
- the weights of ``Real.geom_mean_le_arith_mean_weighted`` and of Jensen (``0 ≤ w i``, ``Σ w = 1``) are a positive
  family summing to one (0 strengthened to > 0, since ``0 ^ 0`` is where SymPy and Lean's ``rpow`` disagree); the
  two-point form's ``w₁ + w₂ = 1`` is ``w, 1 - w`` with ``w`` a probability (0 < w < 1).
- the convex (concave) function of Jensen's inequality is ``exp`` and ``x²`` (``log`` on positive reals).
False variants drop a hypothesis, reverse the inequality, or make it strict where equality is attained.
"""

from __future__ import annotations

from sympy import Abs, Product, Sum, Symbol, exp, log, sqrt

from derive import Context

from .statement import Statement, false, true

LOG = "Mathlib/Analysis/SpecialFunctions/Log/Basic.lean"
EXP = "Mathlib/Analysis/SpecialFunctions/Exp.lean"
GROUP = "Mathlib/Algebra/Order/BigOperators/Group/Finset.lean"
RING = "Mathlib/Algebra/Order/BigOperators/Ring/Finset.lean"
MEAN = "Mathlib/Analysis/MeanInequalities.lean"
JENSEN = "Mathlib/Analysis/Convex/Jensen.lean"
ABS = "Mathlib/Algebra/Order/Group/Abs.lean"
SQ = "Mathlib/Algebra/Order/Ring/Lemmas.lean"

i = Symbol("i", integer=True)


def _family(kind: str = "real", **bounds):
    """A context with a size ``n`` and a family ``f`` on ``0 .. n - 1`` of the given kind and bounds."""
    ctx = Context()
    n = ctx.size("n")
    declare = {"real": ctx.real, "nonnegative": ctx.nonnegative, "positive": ctx.positive}[kind]
    return ctx, n, declare("f", index=(0, n - 1), **bounds)


def _sum(body, n):
    return Sum(body, (i, 0, n - 1))


def statements() -> list[Statement]:
    out: list[Statement] = []
    c = Context
    xr = Symbol("x", real=True)
    xp = Symbol("x", positive=True)
    xn = Symbol("x", real=True, nonzero=True)
    d = Symbol("d", nonnegative=True)
    dr = Symbol("d", real=True)
    a, b = Symbol("a", real=True), Symbol("b", real=True)
    an = Symbol("a", nonnegative=True)
    m = Symbol("m", integer=True, nonnegative=True)
    # -- exp and log ----------------------------------------------------------------------------------------
    out.append(true("Real.add_one_lt_exp", EXP, c(), xn + 1, exp(xn), relation="<", note="x ≠ 0"))
    out.append(false("Real.add_one_lt_exp", EXP, c(), xr + 1, exp(xr), "x ≠ 0 dropped (equality at 0)", relation="<"))
    out.append(true("Real.one_sub_inv_le_log_of_pos", LOG, c(), 1 - 1 / xp, log(xp), relation="<="))
    out.append(false("Real.one_sub_inv_le_log_of_pos", LOG, c(), log(xp), 1 - 1 / xp, "reversed", relation="<="))
    out.append(true("Real.exp_le_exp", EXP, c(), exp(xr), exp(xr + d), relation="<=", note="x ≤ y as y = x + d, d ≥ 0"))
    out.append(false("Real.exp_le_exp", EXP, c(), exp(xr), exp(xr + dr), "x ≤ y dropped: d any real", relation="<="))
    out.append(true("Real.log_le_log", LOG, c(), log(xp), log(xp + d), relation="<=", note="0 < x ≤ y as y = x + d"))
    out.append(false("Real.log_le_log", LOG, c(), log(xp + d), log(xp), "reversed", relation="<="))
    # -- squares and the triangle inequality ----------------------------------------------------------------
    out.append(true("two_mul_le_add_sq", SQ, c(), 2 * a * b, a**2 + b**2, relation="<="))
    out.append(false("two_mul_le_add_sq", SQ, c(), 2 * a * b, a**2 + b**2, "strict: equality at a = b", relation="<"))
    out.append(true("add_sq_le_sq_add_sq", SQ, c(), (a + b) ** 2, 2 * (a**2 + b**2), relation="<="))
    out.append(false("add_sq_le_sq_add_sq", SQ, c(), (a + b) ** 2, a**2 + b**2, "factor 2 dropped", relation="<="))
    out.append(true("abs_add", ABS, c(), Abs(a + b), Abs(a) + Abs(b), relation="<="))
    out.append(false("abs_add", ABS, c(), Abs(a) + Abs(b), Abs(a + b), "reversed", relation="<="))
    out.append(true("abs_sub_abs_le_abs_sub", ABS, c(), Abs(a) - Abs(b), Abs(a - b), relation="<="))
    out.append(true("pow_le_pow_left", SQ, c(), an**m, (an + d) ** m, relation="<=", note="0 ≤ a ≤ b as b = a + d"))
    out.append(false("pow_le_pow_left", SQ, c(), a**m, (a + d) ** m, "0 ≤ a dropped", relation="<="))
    # -- sums and products of bounded families --------------------------------------------------------------
    ctx, n, f = _family("nonnegative")
    out.append(true("Finset.sum_nonneg", GROUP, ctx, 0, _sum(f[i], n), relation="<="))
    out.append(true("Finset.prod_nonneg", RING, ctx, 0, Product(f[i], (i, 0, n - 1)), relation="<="))
    j = ctx.value("j", (0, n - 1))
    out.append(true("Finset.single_le_sum", GROUP, ctx, f[j], _sum(f[i], n), relation="<="))
    ctx, n, f = _family("real")
    j = ctx.value("j", (0, n - 1))
    out.append(false("Finset.single_le_sum", GROUP, ctx, f[j], _sum(f[i], n), "0 ≤ f dropped", relation="<="))
    out.append(false("Finset.sum_nonneg", GROUP, ctx, 0, _sum(f[i], n), "0 ≤ f dropped", relation="<="))
    cr = Symbol("c", real=True)
    ctx, n, f = _family("real", upper=cr)
    out.append(true("Finset.sum_le_card_nsmul", GROUP, ctx, _sum(f[i], n), n * cr, relation="<=", note="f i ≤ c"))
    out.append(
        true(
            "Finset.sum_le_card_nsmul",
            GROUP,
            ctx,
            _sum(exp(f[i]), n),
            n * exp(cr),
            relation="<=",
            note="applied to exp ∘ f with exp monotone",
            tag="exp",
        )
    )
    out.append(
        true(
            "Finset.sum_le_card_nsmul",
            GROUP,
            ctx,
            log(_sum(exp(f[i]), n)),
            cr + log(n),
            relation="<=",
            note="the log-sum-exp bound, log monotone",
            tag="log-sum-exp",
        )
    )
    ctx, n, f = _family("real")
    out.append(false("Finset.sum_le_card_nsmul", GROUP, ctx, _sum(f[i], n), n * cr, "f i ≤ c dropped", relation="<="))
    ctx, n, f = _family("real", lower=cr)
    out.append(true("Finset.card_nsmul_le_sum", GROUP, ctx, n * cr, _sum(f[i], n), relation="<=", note="c ≤ f i"))
    ctx, n, f = _family("nonnegative", upper=1)
    out.append(true("Finset.prod_le_one", RING, ctx, Product(f[i], (i, 0, n - 1)), 1, relation="<="))
    ctx, n, f = _family("nonnegative")
    out.append(
        false("Finset.prod_le_one", RING, ctx, Product(f[i], (i, 0, n - 1)), 1, "f i ≤ 1 dropped", relation="<=")
    )
    cn = Symbol("c", nonnegative=True)
    ctx, n, f = _family("nonnegative", upper=cn)
    out.append(true("Finset.prod_le_pow_card", RING, ctx, Product(f[i], (i, 0, n - 1)), cn**n, relation="<="))
    ctx = Context()
    n = ctx.size("n")
    f, g = ctx.real("f", index=(0, n - 1)), ctx.nonnegative("g", index=(0, n - 1))
    out.append(
        true("Finset.sum_le_sum", GROUP, ctx, _sum(f[i], n), _sum(f[i] + g[i], n), relation="<=", note="g as f + d")
    )
    # -- Cauchy–Schwarz and the mean of squares -------------------------------------------------------------
    ctx, n, f = _family("real")
    g = ctx.real("g", index=(0, n - 1))
    out.append(true("sq_sum_le_card_mul_sum_sq", RING, ctx, _sum(f[i], n) ** 2, n * _sum(f[i] ** 2, n), relation="<="))
    out.append(
        false("sq_sum_le_card_mul_sum_sq", RING, ctx, _sum(f[i], n) ** 2, _sum(f[i] ** 2, n), "factor n dropped", "<=")
    )
    out.append(
        true(
            "Finset.inner_mul_le_norm_mul_norm",
            RING,
            ctx,
            Abs(_sum(f[i] * g[i], n)),
            sqrt(_sum(f[i] ** 2, n)) * sqrt(_sum(g[i] ** 2, n)),
            relation="<=",
        )
    )
    out.append(
        false(
            "Finset.inner_mul_le_norm_mul_norm",
            RING,
            ctx,
            _sum(f[i] * g[i], n) ** 2,
            _sum(f[i] ** 2, n) + _sum(g[i] ** 2, n),
            "product of the norms replaced by their sum",
            relation="<=",
        )
    )
    # -- means and Jensen -------------------------------------------------------------------------------------
    ctx = Context()
    n = ctx.size("n")
    w = ctx.positive("w", index=(0, n - 1), sums_to_one=True)
    z = ctx.nonnegative("z", index=(0, n - 1))
    out.append(
        true(
            "Real.geom_mean_le_arith_mean_weighted",
            MEAN,
            ctx,
            Product(z[i] ** w[i], (i, 0, n - 1)),
            _sum(w[i] * z[i], n),
            relation="<=",
            note="0 ≤ w i strengthened to 0 < w i",
        )
    )
    ctx = Context()
    n = ctx.size("n")
    w = ctx.positive("w", index=(0, n - 1))
    z = ctx.nonnegative("z", index=(0, n - 1))
    out.append(
        false(
            "Real.geom_mean_le_arith_mean_weighted",
            MEAN,
            ctx,
            Product(z[i] ** w[i], (i, 0, n - 1)),
            _sum(w[i] * z[i], n),
            "Σ w = 1 dropped",
            relation="<=",
        )
    )
    ctx = Context()
    wp = ctx.probability("w")
    p1, p2 = Symbol("p", nonnegative=True), Symbol("q", nonnegative=True)
    out.append(
        true(
            "Real.geom_mean_le_arith_mean2_weighted",
            MEAN,
            ctx,
            p1**wp * p2 ** (1 - wp),
            wp * p1 + (1 - wp) * p2,
            relation="<=",
            note="w₁ = w, w₂ = 1 - w, 0 < w < 1",
        )
    )
    out.append(
        true(
            "Real.geom_mean_le_arith_mean2_weighted",
            MEAN,
            c(),
            sqrt(p1 * p2),
            (p1 + p2) / 2,
            relation="<=",
            tag="w = 1/2",
        )
    )
    ctx = Context()
    n = ctx.size("n")
    w = ctx.positive("w", index=(0, n - 1), sums_to_one=True)
    x = ctx.real("x", index=(0, n - 1))
    out.append(
        true("ConvexOn.map_sum_le", JENSEN, ctx, exp(_sum(w[i] * x[i], n)), _sum(w[i] * exp(x[i]), n), relation="<=")
    )
    out.append(
        true(
            "ConvexOn.map_sum_le",
            JENSEN,
            ctx,
            _sum(w[i] * x[i], n) ** 2,
            _sum(w[i] * x[i] ** 2, n),
            relation="<=",
            tag="x²",
        )
    )
    out.append(
        false(
            "ConvexOn.map_sum_le",
            JENSEN,
            ctx,
            _sum(w[i] * exp(x[i]), n),
            exp(_sum(w[i] * x[i], n)),
            "reversed (exp is convex, not concave)",
            relation="<=",
        )
    )
    ctx = Context()
    n = ctx.size("n")
    w = ctx.positive("w", index=(0, n - 1), sums_to_one=True)
    x = ctx.positive("x", index=(0, n - 1))
    out.append(
        true("ConcaveOn.le_map_sum", JENSEN, ctx, _sum(w[i] * log(x[i]), n), log(_sum(w[i] * x[i], n)), relation="<=")
    )
    ctx = Context()
    n = ctx.size("n")
    w = ctx.positive("w", index=(0, n - 1))
    x = ctx.real("x", index=(0, n - 1))
    out.append(
        false(
            "ConvexOn.map_sum_le",
            JENSEN,
            ctx,
            exp(_sum(w[i] * x[i], n)),
            _sum(w[i] * exp(x[i]), n),
            "Σ w = 1 dropped",
            relation="<=",
        )
    )
    return out
