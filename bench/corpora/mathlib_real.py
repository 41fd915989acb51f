"""``Real.log``, ``Real.exp`` and absolute values, translated from Mathlib (leanprover-community/mathlib4).

Sources: ``Mathlib/Analysis/SpecialFunctions/Log/Basic.lean`` (``Real.log_mul``, ``log_div``, ``log_inv``,
``log_exp``, ``exp_log``, ``log_prod``, ``log_pow``, ``log_sqrt``, ``log_le_sub_one_of_pos``,
``exp_log_eq_abs``), ``Mathlib/Analysis/SpecialFunctions/Pow/Real.lean`` (``Real.log_rpow``,
``Real.rpow_def_of_pos``, ``Real.rpow_sum_of_pos``), ``Mathlib/Analysis/Complex/Exponential.lean`` /
``Mathlib/Analysis/SpecialFunctions/Exp.lean`` (``Real.exp_sum``, ``exp_add``, ``exp_sub``, ``exp_neg``,
``exp_nat_mul``, ``add_one_le_exp``, ``exp_pos``), ``Mathlib/Algebra/Order/AbsoluteValue`` and
``Mathlib/Algebra/Order/Field/Basic.lean`` (``abs_mul``, ``abs_div``, ``abs_pow``, ``abs_sub_comm``, ``sq_abs``).

Translation: Mathlib's ``Real.log x`` is ``log |x|`` (and 0 at 0), SymPy's ``log`` is the complex logarithm; they
agree for ``x > 0``. A lemma whose hypothesis is ``x ≠ 0`` is therefore given twice where it matters: for positive
reals with SymPy's ``log`` (the form a lecturer writes), and for nonzero reals with ``log(Abs(x))`` (Real.log's
own meaning, tagged "Real.log = log|x|"). Dropping the hypothesis, ``log(x*y) = log x + log y`` for nonzero reals
with SymPy's complex ``log``, is a false variant (``x = y = -1``).
"""

from __future__ import annotations

from sympy import Abs, Product, Sum, Symbol, exp, log, sqrt

from derive import Context

from .statement import Statement, false, true

LOG = "Mathlib/Analysis/SpecialFunctions/Log/Basic.lean"
POW = "Mathlib/Analysis/SpecialFunctions/Pow/Real.lean"
EXP = "Mathlib/Analysis/Complex/Exponential.lean"
ABS = "Mathlib/Algebra/Order/Field/Basic.lean"
ABS_GROUP = "Mathlib/Algebra/Order/Group/Abs.lean"

i = Symbol("i", integer=True)
POS = "x > 0, y > 0 (Mathlib: x ≠ 0, y ≠ 0 for Real.log = log|x|)"
ABS_LOG = "Real.log = log|x|"


def statements() -> list[Statement]:
    out: list[Statement] = []
    xp, yp = Symbol("x", positive=True), Symbol("y", positive=True)
    xr, yr = Symbol("x", real=True), Symbol("y", real=True)
    xn, yn = Symbol("x", real=True, nonzero=True), Symbol("y", real=True, nonzero=True)
    nat = Symbol("n", integer=True, nonnegative=True)
    c = Context
    # -- log of products, quotients, powers -----------------------------------------------------------------
    out.append(true("Real.log_mul", LOG, c(), log(xp * yp), log(xp) + log(yp), note=POS))
    out.append(true("Real.log_mul", LOG, c(), log(Abs(xn * yn)), log(Abs(xn)) + log(Abs(yn)), tag=ABS_LOG))
    out.append(
        false(
            "Real.log_mul",
            LOG,
            c(),
            log(xn * yn),
            log(xn) + log(yn),
            "hypotheses dropped: x, y nonzero reals with the complex log",
        )
    )
    out.append(true("Real.log_div", LOG, c(), log(xp / yp), log(xp) - log(yp), note=POS))
    out.append(true("Real.log_div", LOG, c(), log(Abs(xn / yn)), log(Abs(xn)) - log(Abs(yn)), tag=ABS_LOG))
    out.append(
        false(
            "Real.log_div",
            LOG,
            c(),
            log(xn / yn),
            log(xn) - log(yn),
            "hypotheses dropped: x, y nonzero reals with the complex log",
        )
    )
    out.append(true("Real.log_inv", LOG, c(), log(1 / xp), -log(xp)))
    out.append(true("Real.log_inv", LOG, c(), log(Abs(1 / xn)), -log(Abs(xn)), tag=ABS_LOG))
    out.append(true("Real.log_rpow", POW, c(), log(xp**yr), yr * log(xp)))
    out.append(false("Real.log_rpow", POW, c(), log(xr**yr), yr * log(xr), "0 < x dropped: x any real"))
    out.append(true("Real.log_pow", LOG, c(), log(xp**nat), nat * log(xp)))
    out.append(true("Real.log_pow", LOG, c(), log(Abs(xn**nat)), nat * log(Abs(xn)), tag=ABS_LOG))
    out.append(false("Real.log_pow", LOG, c(), log(xp**nat), (nat - 1) * log(xp), "factor n - 1"))
    out.append(true("Real.log_sqrt", LOG, c(), log(sqrt(xp)), log(xp) / 2, note="0 ≤ x strengthened to 0 < x"))
    out.append(false("Real.log_sqrt", LOG, c(), log(sqrt(xp)), 2 * log(xp), "2 log x instead of log x / 2"))
    ctx = Context()
    n = ctx.size("n")
    f = ctx.positive("f", index=(0, n - 1))
    out.append(
        true(
            "Real.log_prod",
            LOG,
            ctx,
            log(Product(f[i], (i, 0, n - 1))),
            Sum(log(f[i]), (i, 0, n - 1)),
            note="f i ≠ 0 strengthened to f i > 0",
        )
    )
    ctx = Context()
    n = ctx.size("n")
    f = ctx.real("f", index=(0, n - 1))
    out.append(
        false(
            "Real.log_prod",
            LOG,
            ctx,
            log(Product(f[i], (i, 0, n - 1))),
            Sum(log(f[i]), (i, 0, n - 1)),
            "hypothesis dropped: f any real family",
        )
    )
    # -- exp --------------------------------------------------------------------------------------------------
    out.append(true("Real.log_exp", LOG, c(), log(exp(xr)), xr))
    out.append(true("Real.exp_log", LOG, c(), exp(log(xp)), xp))
    out.append(true("Real.exp_log_eq_abs", LOG, c(), exp(log(Abs(xn))), Abs(xn), tag=ABS_LOG))
    out.append(true("Real.exp_neg", EXP, c(), exp(-xr), 1 / exp(xr)))
    out.append(false("Real.exp_neg", EXP, c(), exp(-xr), -1 / exp(xr), "swapped sign"))
    out.append(true("Real.exp_add", EXP, c(), exp(xr + yr), exp(xr) * exp(yr)))
    out.append(true("Real.exp_sub", EXP, c(), exp(xr - yr), exp(xr) / exp(yr)))
    out.append(true("Real.exp_nat_mul", EXP, c(), exp(nat * xr), exp(xr) ** nat))
    out.append(true("Real.rpow_def_of_pos", POW, c(), xp**yr, exp(log(xp) * yr)))
    ctx = Context()
    n = ctx.size("n")
    f = ctx.real("f", index=(0, n - 1))
    out.append(true("Real.exp_sum", EXP, ctx, exp(Sum(f[i], (i, 0, n - 1))), Product(exp(f[i]), (i, 0, n - 1))))
    out.append(
        false(
            "Real.exp_sum",
            EXP,
            ctx,
            exp(Sum(f[i], (i, 0, n - 1))),
            Sum(exp(f[i]), (i, 0, n - 1)),
            "a sum of exps instead of a product",
        )
    )
    ctx = Context()
    n = ctx.size("n")
    f = ctx.real("f", index=(0, n - 1))
    a = Symbol("a", positive=True)
    out.append(true("Real.rpow_sum_of_pos", POW, ctx, a ** Sum(f[i], (i, 0, n - 1)), Product(a ** f[i], (i, 0, n - 1))))
    # -- inequalities ---------------------------------------------------------------------------------------
    out.append(true("Real.add_one_le_exp", EXP, c(), xr + 1, exp(xr), relation="<="))
    out.append(false("Real.add_one_le_exp", EXP, c(), exp(xr), xr + 1, "reversed: exp x ≤ x + 1", relation="<="))
    out.append(true("Real.log_le_sub_one_of_pos", LOG, c(), log(xp), xp - 1, relation="<="))
    out.append(false("Real.log_le_sub_one_of_pos", LOG, c(), log(xp), xp - 1, "reversed: log x ≥ x - 1", relation=">="))
    out.append(true("Real.exp_pos", EXP, c(), 0, exp(xr), relation="<"))
    # -- absolute values -------------------------------------------------------------------------------------
    a, b = Symbol("a", real=True), Symbol("b", real=True)
    bn = Symbol("b", real=True, nonzero=True)
    out.append(true("abs_mul", ABS_GROUP, c(), Abs(a * b), Abs(a) * Abs(b)))
    out.append(true("abs_div", ABS, c(), Abs(a / bn), Abs(a) / Abs(bn), note="b ≠ 0 declared (Lean: a / 0 = 0)"))
    out.append(false("abs_div", ABS, c(), Abs(a / bn), Abs(a) * Abs(bn), "|a| |b| instead of |a| / |b|"))
    out.append(true("abs_pow", ABS_GROUP, c(), Abs(a**nat), Abs(a) ** nat))
    out.append(true("abs_sub_comm", ABS_GROUP, c(), Abs(a - b), Abs(b - a)))
    out.append(true("sq_abs", ABS_GROUP, c(), Abs(a) ** 2, a**2))
    out.append(true("abs_mul_abs_self", ABS_GROUP, c(), Abs(a) * Abs(a), a * a))
    return out
