"""Alignment of sums and products over one body (derive.engine.align): it applies, and it refuses without its
side conditions. Claims go through the whole ladder (verify_claim), so every ``proved`` is also re-checked by the
independent guard."""

from __future__ import annotations

import sympy as sp

from derive.checks.steps import verify_claim
from derive.core.context import Context
from derive.core.evidence import Evidence
from derive.engine.align import align
from derive.engine.facts import Env

k = sp.Symbol("k", integer=True)


def _ctx():
    ctx = Context()
    n = ctx.size("N")
    return ctx, n, ctx.real("a", index=(0, n + 1))


def rules_of(result):
    return [entry.rule for entry in result.trace]


def test_splitting_off_the_last_term():
    ctx, n, a = _ctx()
    result = verify_claim(sp.Sum(a[k], (k, 0, n + 1)), sp.Sum(a[k], (k, 0, n)) + a[n + 1], ctx)
    assert result.evidence is Evidence.PROVED
    assert "sum_split_last" in rules_of(result)


def test_splitting_off_the_first_term():
    ctx, n, a = _ctx()
    result = verify_claim(sp.Sum(a[k], (k, 0, n)), a[0] + sp.Sum(a[k], (k, 1, n)), ctx)
    assert result.evidence is Evidence.PROVED
    assert "sum_split_first" in rules_of(result)


def test_a_shifted_index():
    ctx, n, a = _ctx()
    result = verify_claim(sp.Sum(a[k + 1], (k, 0, n)), sp.Sum(a[k], (k, 1, n + 1)), ctx)
    assert result.evidence is Evidence.PROVED
    assert "sum_shift" in rules_of(result)


def test_a_telescoping_sum():
    ctx, n, a = _ctx()
    result = verify_claim(sp.Sum(a[k + 1] - a[k], (k, 0, n)), a[n + 1] - a[0], ctx)
    assert result.evidence is Evidence.PROVED


def test_a_reflected_index():
    ctx, n, a = _ctx()
    result = verify_claim(sp.Sum(a[n - k], (k, 0, n)), sp.Sum(a[k], (k, 0, n)), ctx)
    assert result.evidence is Evidence.PROVED
    assert "sum_reflect" in rules_of(result)


def test_a_reflection_that_misses_a_term_is_refuted():
    ctx, n, a = _ctx()
    result = verify_claim(sp.Sum(a[n - k], (k, 0, n - 1)), sp.Sum(a[k], (k, 0, n - 1)), ctx)
    assert result.evidence is Evidence.REFUTED


def test_an_off_by_one_split_is_refuted():
    ctx, n, a = _ctx()
    result = verify_claim(sp.Sum(a[k], (k, 0, n + 1)), sp.Sum(a[k], (k, 0, n)) + a[n], ctx)
    assert result.evidence is Evidence.REFUTED


def test_products_split_too():
    ctx = Context()
    n = ctx.size("N")
    q = ctx.positive("q", index=(1, n + 1))
    result = verify_claim(sp.Product(q[k], (k, 1, n + 1)), q[n + 1] * sp.Product(q[k], (k, 1, n)), ctx)
    assert result.evidence is Evidence.PROVED


def test_no_split_where_the_common_range_may_run_backwards():
    # Σ_{k=1}^{N-2} is empty at N = 1 in the textbook reading but -(0 + 1) in SymPy's Karr reading: the two
    # readings disagree there, so the split is refused and the claim is not proved.
    ctx = Context()
    n = ctx.size("N")
    claim = sp.Sum(k + 1, (k, 1, n)), sp.Sum(k + 1, (k, 1, n - 2)) + n + (n + 1)
    env = Env(ctx)
    assert align(*claim, env) is None
    assert verify_claim(*claim, ctx).evidence is not Evidence.PROVED


def test_powers_of_one_base_meet():
    ctx = Context()
    n = ctx.size("N")
    x = sp.Symbol("x")  # any complex x, 0 included: N - 1 >= 0 is what licenses x^N = x^(N-1) x
    result = verify_claim(x * x ** (n - 1), x**n, ctx)
    assert result.evidence is Evidence.PROVED
    assert "pow_succ" in rules_of(result)


def test_powers_are_not_split_below_zero():
    ctx = Context()
    n = ctx.size("N")
    x = sp.Symbol("x")
    assert align(x ** (n - 2) * x, x ** (n - 1), Env(ctx)) is None  # N - 2 may be -1, and 0^(-1) is undefined


def test_factorials_meet():
    ctx = Context()
    n = ctx.size("N")
    result = verify_claim(sp.factorial(n + 1), (n + 1) * sp.factorial(n), ctx)
    assert result.evidence is Evidence.PROVED
    assert "factorial_succ" in rules_of(result)


def test_a_range_bounded_by_a_declared_value():
    # Mathlib's Finset.sum_Ico_succ_top: a ≤ b, declared as a value in 0..b
    ctx = Context()
    b = ctx.size("b")
    a = ctx.value("a", (0, b))
    f = ctx.real("f", index=(0, b))
    result = verify_claim(sp.Sum(f[k], (k, a, b)), sp.Sum(f[k], (k, a, b - 1)) + f[b], ctx)
    assert result.evidence is Evidence.PROVED
    # a value that may exceed the upper end leaves the range possibly backwards: no split
    loose = Context()
    b = loose.size("b")
    a = loose.value("a", (0, b + 2))
    f = loose.real("f", index=(0, b))
    assert align(sp.Sum(f[k], (k, a, b)), sp.Sum(f[k], (k, a, b - 1)) + f[b], Env(loose)) is None


def test_adjacent_ranges_merge():
    # Mathlib's Finset.sum_Ico_consecutive: m ≤ n ≤ k
    ctx = Context()
    n, p = ctx.size("N"), ctx.size("P")
    m = ctx.value("M", (0, n))
    f = ctx.real("f", index=(0, n + p))
    claim = sp.Sum(f[k], (k, m, n - 1)) + sp.Sum(f[k], (k, n, n + p - 1)), sp.Sum(f[k], (k, m, n + p - 1))
    result = verify_claim(*claim, ctx)
    assert result.evidence is Evidence.PROVED
    assert "sum_range_merge" in rules_of(result)
    gap = sp.Sum(f[k], (k, m, n - 1)) + sp.Sum(f[k], (k, n + 1, n + p - 1)), claim[1]
    assert verify_claim(*gap, ctx).evidence is Evidence.REFUTED


def test_ranges_that_may_run_backwards_do_not_merge():
    ctx = Context()
    n = ctx.size("N")
    m = ctx.value("M", (0, n + 3))  # M may exceed N: Σ_{M}^{N-1} may run backwards
    f = ctx.real("f", index=(0, n + 4))
    claim = sp.Sum(f[k], (k, m, n - 1)) + sp.Sum(f[k], (k, n, n + 2)), sp.Sum(f[k], (k, m, n + 2))
    assert align(*claim, Env(ctx)) is None
