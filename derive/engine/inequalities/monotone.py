"""Claim-level monotonicity (Mathlib's ``gcongr``): ``A ≤ B`` reduced to a comparison of matching parts.

``log A ≤ log B`` ⇐ 0 < A ≤ B (Real.log_le_log); ``log A ≤ B`` ⇐ A ≤ e^B, ``A ≤ log B`` ⇐ e^A ≤ B with B > 0;
``e^A ≤ e^B`` ⇐ A ≤ B (Real.exp_le_exp); ``A^n ≤ B^n`` ⇐ 0 ≤ A ≤ B, n ≥ 0 (pow_le_pow_left; any real A, B for an odd
integer n); ``Σ_i A_i ≤ Σ_i B_i`` over the same range ⇐ A_i ≤ B_i for every i in range (Finset.sum_le_sum);
``Π A_i ≤ Π B_i`` ⇐ 0 ≤ A_i ≤ B_i (Finset.prod_le_prod); ``c·A ≤ c·B`` ⇐ A ≤ B with c ≥ 0 (mul_le_mul_of_nonneg_left;
with c ≤ 0 the comparison flips). Strictness is kept only where the step keeps it (not through sums or products,
which may be empty or have a zero factor).
"""

from __future__ import annotations

import sympy as sp

from derive.core.evidence import TraceEntry
from derive.core.hygiene import canonical
from derive.engine.facts import Env, nonneg, positive, real
from derive.engine.inequalities.base import Lemma
from derive.engine.inequalities.lemmas import forward
from derive.engine.inequalities.polarity import nonneg_value
from derive.engine.inequalities.search import Search

MAX_NESTING = 3


def _none(*_args) -> list:
    return []


#: The monotonicity steps, for the documentation table and ``by=``.
MONOTONE = (
    Lemma("log_le_log", r"$\log a \le \log b$", "$0 < a \\le b$", _none),
    Lemma("exp_le_exp", r"$e^{a} \le e^{b}$", "$a \\le b$", _none),
    Lemma(
        "pow_le_pow_left", r"$a^{n} \le b^{n}$", "$0 \\le a \\le b$, $n \\ge 0$ (any real $a \\le b$, $n$ odd)", _none
    ),
    Lemma("sum_le_sum", r"$\sum_i a_i \le \sum_i b_i$", "$a_i \\le b_i$ for every $i$ in range", _none),
    Lemma("prod_le_prod", r"$\prod_i a_i \le \prod_i b_i$", "$0 \\le a_i \\le b_i$ for every $i$ in range", _none),
    Lemma("mul_le_mul_of_nonneg_left", r"$c a \le c b$", "$a \\le b$, $c \\ge 0$", _none),
    Lemma("abs_le_of_sq_le_sq", r"$\lvert a\rvert \le b$", "$a^2 \\le b^2$, $b \\ge 0$, $a$ real", _none),
)


def prove_le(search: Search, a: sp.Expr, b: sp.Expr, env: Env, strict: bool, depth: int, nest: int = 0):
    """Trace entries proving ``a ≤ b`` (``a < b`` when strict) at ``env`` (the enclosing sums' ranges), or None."""
    if search.out_of_time():
        return None
    found = search.prove(canonical(b - a), strict, depth, env)
    if found is not None:
        return found
    if nest >= MAX_NESTING:
        return None
    for name, parts, why in _congruences(a, b, env, strict):
        if strict and not all(keep for *_, keep in parts):
            continue  # a non-strict comparison of the parts proves no strict claim (an empty sum, a zero factor)
        proofs = []
        for x, y, inner, keep in parts:
            sub = prove_le(search, x, y, inner, keep, depth, nest + 1)
            if sub is None:
                break
            proofs.extend(sub)
        else:
            target = sp.srepr(sp.Tuple(a, b))
            return [*proofs, TraceEntry(rule=name, side="both", assumptions=why, target=target)]
    return None


def _congruences(a: sp.Expr, b: sp.Expr, env: Env, strict: bool):
    """``(step, [(x, y, env, strict), …], facts)``: ways to reduce ``a ≤ b`` to ``x ≤ y`` comparisons."""
    if isinstance(a, sp.log) and isinstance(b, sp.log):
        why = positive(a.args[0], env)
        if why is not None:
            yield "log_le_log", [(a.args[0], b.args[0], env, strict)], why
    elif isinstance(a, sp.log) and real(b, env) is not None and positive(a.args[0], env) is not None:
        yield "log_le_log", [(a.args[0], sp.exp(b), env, strict)], (f"log(exp({b})) = {b}",)
    elif isinstance(b, sp.log) and real(a, env) is not None and positive(b.args[0], env) is not None:
        yield "log_le_log", [(sp.exp(a), b.args[0], env, strict)], (f"log(exp({a})) = {a}",)
    exps = isinstance(a, sp.exp) and isinstance(b, sp.exp)
    if exps and real(a.args[0], env) is not None and real(b.args[0], env) is not None:
        yield "exp_le_exp", [(a.args[0], b.args[0], env, strict)], ()
    if isinstance(a, sp.Pow) and isinstance(b, sp.Pow) and a.exp == b.exp:
        e = a.exp
        if e.is_Integer and e > 0 and e.is_odd and real(a.base, env) is not None and real(b.base, env) is not None:
            yield "pow_le_pow_left", [(a.base, b.base, env, strict)], ()
        elif (up := (positive if strict else nonneg)(e, env)) is not None and (low := nonneg(a.base, env)) is not None:
            yield "pow_le_pow_left", [(a.base, b.base, env, strict)], low + up
    if isinstance(a, sp.Abs) and (why := nonneg_value(b, env)) is not None and real(a.args[0], env) is not None:
        yield "abs_le_of_sq_le_sq", [(a.args[0] ** 2, b**2, env, strict)], why
    if isinstance(a, (sp.Sum, sp.Product)) and type(a) is type(b):
        a, b = canonical(a), canonical(b)  # one name for the index of both (freshen gave each its own)
    same = isinstance(a, (sp.Sum, sp.Product)) and type(a) is type(b) and a.limits == b.limits
    if same and forward(a.limits, env):
        inner = env.inside(a.limits)
        if isinstance(a, sp.Sum):
            yield "sum_le_sum", [(a.function, b.function, inner, False)], ()
        elif (why := nonneg(a.function, inner)) is not None:
            yield "prod_le_prod", [(a.function, b.function, inner, False)], why
    if isinstance(a, sp.Mul) and isinstance(b, sp.Mul):
        common = [f for f in a.args if f in b.args and not f.is_number]
        if common:
            c = sp.Mul(*common)
            x, y = a / c, b / c
            why = positive(c, env) if strict else nonneg(c, env)
            if why is not None:
                yield "mul_le_mul_of_nonneg_left", [(x, y, env, strict)], why
            elif (why := (positive if strict else nonneg)(-c, env)) is not None:
                yield "mul_le_mul_of_nonneg_left", [(y, x, env, strict)], why
