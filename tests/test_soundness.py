"""Regression tests from a red-team review: each claim below is false (or its proof would need more than is
declared), and once came out ``proved`` or ``numeric``. None may reach a verified level again."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.checks.steps import Options, verify_claim
from derive.core.context import Context
from derive.core.errors import ModelError
from derive.core.evidence import Evidence
from derive.core.model import Derivation
from derive.run.cache import Cache, step_key
from derive.run.check import check_derivations

VERIFIED = (Evidence.PROVED, Evidence.PROVED_FOR_SIZES, Evidence.NUMERIC)
i, j, k, m = sp.symbols("i j k m", integer=True)
g = sp.Function("g")


def flagship_context(values=None):
    ctx = Context()
    N, K = ctx.size("N"), ctx.size("K")
    x = ctx.data("x", index=(1, N), values=values or (1, K))
    q = ctx.positive("q", index=(1, K), sums_to_one=True)
    return ctx, N, K, x, q


def assert_not_verified(lhs, rhs, ctx):
    result = verify_claim(lhs, rhs, ctx)
    assert result.evidence not in VERIFIED, (result.evidence, result.detail, [t.label() for t in result.trace])
    return result


def test_limits_binding_the_same_index_are_not_exchanged():  # F01
    ctx, N, K, x, q = flagship_context()
    assert_not_verified(sp.Sum(sp.KroneckerDelta(i, x[1]) * g(i), (i, 1, 2), (i, 1, K)), 2 * g(x[1]), ctx)


def test_a_shadowed_enclosing_range_is_not_used():  # F02
    ctx, N, K, x, q = flagship_context()
    lhs = sp.Sum(sp.KroneckerDelta(j, k) * q[j], (j, 1, K), (k, K + 1, 2 * K), (k, 1, K))
    assert_not_verified(lhs, sp.Sum(q[k], (k, K + 1, 2 * K), (k, 1, K)), ctx)


def test_triangular_sums_keep_their_bindings_when_a_definition_unfolds():  # F03
    ctx = Context()
    K = ctx.size("K")
    q = ctx.positive("q", index=(1, K), sums_to_one=True)
    S = sp.Function("S")
    ctx.define(S(m), sp.Sum(q[j], (j, 1, k), (k, 1, m)))
    result = assert_not_verified(
        sp.Sum(q[k] * S(K), (k, 1, K)), sp.Sum(q[k] * sp.Sum(q[j], (j, 1, k), (i, 1, K)), (k, 1, K)), ctx
    )
    assert result.evidence is Evidence.REFUTED  # 4/3 against 14/9 at K = 2, q = (1/3, 2/3)


def test_different_triangular_sums_do_not_canonicalise_alike():  # F04
    ctx, N, K, x, q = flagship_context()
    lhs = sp.Sum(q[j] ** k, (j, 1, k), (k, 1, K), (m, 1, 2))
    rhs = sp.Sum(q[j] ** m, (j, 1, k), (m, 1, K), (k, 1, 2))
    assert_not_verified(lhs, rhs, ctx)


def test_canonical_names_cannot_clash_with_a_users_symbol():  # F05
    ctx, N, K, x, q = flagship_context()
    b = sp.Symbol("_b0", integer=True)

    def P(v):  # noqa: N802 - vanishes at every small value the sampler tries
        return sp.Mul(*[(v - c) for c in (0, 1, -1, 2, -2, 3, 4)])

    assert_not_verified(sp.Sum((k + 1) ** P(b), (k, 1, N)), sp.Sum((k + 1) ** P(k), (k, 1, N)), ctx)


def test_non_integer_and_infinite_bounds_are_outside_the_fragment():  # F06, F10
    ctx, N, K, x, q = flagship_context()
    t = sp.Symbol("t")
    half = sp.Rational(1, 2)
    cases = [
        (sp.Sum((-1) ** (2 * t), (t, half, 5 * half)), sp.Sum((-1) ** (4 * t), (t, half, 5 * half))),
        (sp.Sum(sp.KroneckerDelta(t, x[1]) * q[t], (t, half, K + half)), q[x[1]]),
        (sp.Sum(sp.KroneckerDelta(x[1], 2), (k, 1, sp.oo)), sp.oo * sp.KroneckerDelta(x[1], 2)),
    ]
    for lhs, rhs in cases:
        result = assert_not_verified(lhs, rhs, ctx)
        assert "outside what derive checks" in result.detail


def test_data_and_families_at_undeclared_indices():  # F07
    ctx, N, K, x, q = flagship_context()
    assert_not_verified(sp.Sum(sp.KroneckerDelta(i, x[0]), (i, 1, K)), sp.Integer(1), ctx)
    assert_not_verified(sp.Sum(sp.KroneckerDelta(i, x[N + 1]) * q[i], (i, 1, K)), q[x[N + 1]], ctx)


def test_definitions_need_symbol_parameters():  # F08
    ctx = Context()
    with pytest.raises(ModelError, match="distinct symbols"):
        ctx.define(g(0), sp.Integer(7))
    with pytest.raises(ModelError, match="distinct symbols"):
        ctx.define(sp.IndexedBase("G")[2 * i], g(i))


def test_a_definitions_free_symbol_is_not_captured_by_a_bound_index():  # F09
    ctx, N, K, x, q = flagship_context()
    c, t = sp.Function("c"), sp.Symbol("t", integer=True)
    ctx.define(c(i), q[t])
    assert_not_verified(sp.Sum(c(1), (t, 1, K)), sp.Integer(1), ctx)


def test_partly_expandable_sums_are_expanded_correctly():  # F11, F11b
    ctx, N, K, x, q = flagship_context(values=(1, 1))
    assert_not_verified(
        sp.Sum(q[j] ** k, (j, 1, 2), (k, 1, x[1])),
        sp.Sum(q[1] ** k + q[2] ** k, (j, x[1], x[1] + 1), (k, 1, x[1])),
        ctx,
    )
    ctx, N, K, x, q = flagship_context()
    d = Derivation("example", ctx, start=sp.Sum(j, (j, 1, 2), (k, 1, x[1])))
    d.example({N: 1, K: 1, x[1]: 1}, sp.Integer(6), "at x_1 = 1")
    (report,) = check_derivations([(d, "")], Options(budget=20))
    assert report.results[0].evidence is Evidence.REFUTED  # the truth is 3


def test_undefined_functions_give_no_numeric_evidence():  # F12
    ctx, N, K, x, q = flagship_context()
    assert_not_verified(sp.log(sp.Product(g(k), (k, 1, N))), sp.Sum(sp.log(g(k)), (k, 1, N)), ctx)


def test_tiny_differences_are_differences():  # F13
    ctx, N, K, x, q = flagship_context()
    assert verify_claim(q[1], q[1] + sp.Rational(1, 10**30), ctx).evidence is Evidence.REFUTED
    assert verify_claim(sp.sqrt(10**200 + 1), sp.Integer(10) ** 100, Context()).evidence is Evidence.REFUTED


@pytest.mark.parametrize(
    ("assumption", "lhs", "rhs"),
    [
        ({"noninteger": True, "real": True}, lambda t: sp.floor(t) - sp.ceiling(t), lambda t: -1),
        ({"nonpositive": True}, lambda t: sp.sign(t) * (sp.sign(t) + 1), lambda t: 0),
        ({"odd": True}, lambda t: 2 * sp.floor(t / 2) + 1, lambda t: t),
        ({"zero": True}, lambda t: t, lambda t: 0),
    ],
)
def test_true_claims_are_never_refuted_by_values_outside_their_assumptions(assumption, lhs, rhs):  # F14
    t = sp.Symbol("t", **assumption)
    result = verify_claim(sp.sympify(lhs(t)), sp.sympify(rhs(t)), Context())
    assert result.evidence is not Evidence.REFUTED, result.counterexample


def test_cancelling_a_possibly_zero_factor_is_not_a_proof():  # F15
    a = sp.Symbol("a", real=True)
    assert verify_claim((a**2 - a) / (a - 1), a, Context()).evidence is not Evidence.PROVED


def test_sum_const_needs_a_forward_range():  # F16
    ctx = Context()
    N = ctx.size("N")
    assert verify_claim(sp.Sum(1, (k, 1, N - 2)), N - 2, ctx).evidence is not Evidence.PROVED


def test_cache_keys_see_function_assumptions(tmp_path):  # F17
    f_pos, f_plain = sp.Function("f", positive=True), sp.Function("f")
    keys = []
    for f in (f_pos, f_plain):
        d = Derivation("t", Context(), start=sp.log(f(1) * f(2)))
        d.step(sp.log(f(1)) + sp.log(f(2)), "log of a product")
        keys.append(step_key(d.context, d.steps[0], 0))
        (report,) = check_derivations([(d, "")], Options(budget=20), cache=Cache(tmp_path))
        keys.append(report.results[0].evidence)
    assert keys[0] != keys[2]
    assert keys[1] is Evidence.PROVED and keys[3] is not Evidence.PROVED


def test_symbols_printed_alike_are_refused():  # F20
    ctx, N, K, x, q = flagship_context()
    kk = sp.Symbol("k")
    result = assert_not_verified(sp.Sum(kk * q[k], (k, 1, K)), kk, ctx)
    assert "both named k" in result.detail


def test_example_values_must_lie_inside_the_declarations():  # F21
    ctx = Context()
    N = ctx.size("N")
    d = Derivation("t", ctx, start=sp.Sum(k, (k, 1, N)))
    with pytest.raises(ModelError, match="declared an integer ≥ 1"):
        d.example({N: -2}, sp.Integer(1), "at N = -2")
    with pytest.raises(ModelError, match="neither a size"):
        d.example({N: 3, k: 1}, sp.Integer(1), "with a bound index")


def test_complex_symbols_are_sampled_off_the_real_line():  # F22
    z = sp.Symbol("z")
    assert verify_claim(sp.log(sp.exp(z)), z, Context()).evidence is Evidence.REFUTED


def test_ranges_must_use_declared_sizes():  # F18g
    ctx = Context()
    with pytest.raises(ModelError, match="declared sizes"):
        ctx.data("x", index=(1, 3), values=(1, sp.Symbol("M", integer=True)))


def test_a_self_referring_definition_is_undecided_not_a_crash():  # F18c
    ctx = Context()
    f = sp.Function("f")
    ctx.define(f(i), f(i - 1) + 1)
    assert verify_claim(f(3), f(2) + 1, ctx).evidence is Evidence.UNDECIDED


def test_a_derivative_does_not_see_through_an_unfolded_definition_as_a_constant():
    # SymPy differentiates H(g, f_θ) to 0 because θ is hidden in the definition; diff must unfold first.
    from derive.notation import CrossEntropy

    ctx = Context()
    K = ctx.size("K")
    g = ctx.positive("g", index=(1, K), sums_to_one=True)
    theta, f_theta = sp.Symbol("theta", real=True), sp.Symbol("f_theta")
    f = sp.Function("f", positive=True)
    ctx.define(CrossEntropy(g, f_theta), -sp.Sum(g[i] * sp.log(f(i, theta)), (i, 1, K)))
    result = verify_claim(sp.Derivative(CrossEntropy(g, f_theta), theta), sp.Integer(0), ctx)
    assert result.evidence is not Evidence.PROVED
