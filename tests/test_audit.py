"""Regression tests from the second soundness audit (issue 11): one or more cases per class of hole. Each once came
out ``proved`` although false, or ``refuted`` although true; none may again."""

from __future__ import annotations

import sympy as sp

from derive.checks.relations import verify_inequality, verify_witness
from derive.checks.steps import Options, verify_claim
from derive.core.context import Context
from derive.core.evidence import Evidence, StepResult, TraceEntry
from derive.core.model import Derivation, Relation
from derive.notation import conditional, quantity
from derive.run.check import check_derivations

VERIFIED = (Evidence.PROVED, Evidence.PROVED_FOR_SIZES, Evidence.NUMERIC)
k = sp.Symbol("k", integer=True)


def not_verified(result: StepResult) -> StepResult:
    assert result.evidence not in VERIFIED, (result.evidence, result.detail, [t.label() for t in result.trace])
    return result


# -- 1. differentiation through opaque notation and non-smooth functions ---------------------------------------
def test_a_parameter_outside_the_arguments_is_not_differentiated_away():
    ctx = Context()
    N = ctx.size("N")
    x = ctx.data("x", index=(1, N), values=(1, 3))
    theta = sp.Symbol("theta", real=True)
    P = conditional("p", given=theta)
    not_verified(verify_claim(sp.Derivative(sp.log(sp.Product(P(x[k]), (k, 1, N))), theta), sp.Integer(0), ctx))


def test_non_smooth_functions_are_not_differentiated_branch_by_branch():
    ctx, t = Context(), sp.Symbol("t", real=True)
    cases = [
        (sp.Derivative(sp.Abs(t), t), sp.sign(t)),
        (sp.Derivative(sp.Max(t, 0), t), sp.Heaviside(t)),
        (sp.Derivative(sp.Piecewise((t, t < 0), (t + 1, True)), t), sp.Integer(1)),
    ]
    for lhs, rhs in cases:
        not_verified(verify_claim(lhs, rhs, ctx))


def test_smooth_derivatives_are_still_proved():
    ctx, t = Context(), sp.Symbol("t", real=True)
    assert verify_claim(sp.Derivative(t**3 * sp.exp(t), t), 3 * t**2 * sp.exp(t) + t**3 * sp.exp(t), ctx).evidence is (
        Evidence.PROVED
    )


# -- 2. points outside the declarations ------------------------------------------------------------------------
def test_a_witness_outside_the_declarations_proves_no_inequality():
    ctx = Context()
    M = ctx.size("M")
    a, b = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True)
    not_verified(verify_witness(sp.log(a * b), sp.log(a) + sp.log(b) + 1, {a: -1, b: -1}, ctx))
    c = ctx.value("c", (1, M))
    not_verified(verify_witness(c, sp.Integer(5), {M: 3, c: 5}, ctx))
    y = ctx.probability("y")
    not_verified(verify_witness(y, sp.Integer(3), {y: 2}, ctx))
    N = ctx.size("N")
    x = ctx.data("x", index=(1, N), values=(1, 2))
    not_verified(verify_witness(x[1], sp.Integer(0), {N: 1, x[1]: 7}, ctx))
    not_verified(verify_witness(x[1], sp.Integer(0), {N: 1, x[1]: sp.Rational(3, 2)}, ctx))


def test_an_example_outside_the_declarations_is_not_accepted():
    ctx = Context()
    a, b = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True)
    d = Derivation("example outside", ctx, start=sp.log(a * b))
    d.example({a: -1, b: -1}, sp.log(-1) + sp.log(-1), "at a = b = −1")
    (report,) = check_derivations([(d, "")], Options(budget=20))
    result = not_verified(report.results[0])
    assert "outside the declarations" in result.detail


# -- 3. a summation index's own flags -------------------------------------------------------------------------
def test_a_positive_index_over_a_range_crossing_zero_is_not_trusted():
    ctx = Context()
    N = ctx.size("N")
    kp = sp.Symbol("k", integer=True, positive=True)
    not_verified(verify_inequality(sp.Integer(0), sp.Sum(kp, (kp, -N - 2, 1)), Relation.LT, ctx))
    half = sp.Rational(1, 2)
    lhs = sp.Sum(sp.log((kp + half) ** 2), (kp, 5 - N, 5))
    result = not_verified(verify_claim(lhs, sp.Sum(2 * sp.log(kp + half), (kp, 5 - N, 5)), ctx))
    assert "range" in result.detail


# -- 4. floating-point constants -------------------------------------------------------------------------------
def test_floats_are_the_decimals_typed():
    ctx = Context()
    N = ctx.size("N")
    y = sp.Symbol("y", positive=True)
    assert verify_claim(sp.Sum(1 / N, (k, 1, N)) + 1e-20, sp.Integer(1), ctx).evidence is Evidence.REFUTED
    assert verify_claim(y + 1e-25, y, ctx).evidence is Evidence.REFUTED
    assert verify_claim(0.1 * y, y / 10, ctx).evidence is Evidence.PROVED


# -- 5. definitions that contradict a declared sign ------------------------------------------------------------
def test_a_definition_contradicting_a_declared_sign_is_refused():
    ctx = Context()
    ell = quantity("ell", r"\ell")
    ctx.define(ell, sp.Integer(-1))
    result = not_verified(verify_inequality(sp.Integer(0), ell, Relation.LT, ctx))
    assert "ell is declared positive" in result.detail
    ctx = Context()
    K = ctx.size("K")
    w = ctx.positive("w", index=(1, K))
    i = sp.Symbol("i", integer=True)
    ctx.define(w[i], -i)
    result = not_verified(verify_inequality(sp.Integer(0), sp.Sum(w[k], (k, 1, K)), Relation.LT, ctx))
    assert "w is declared positive" in result.detail
    # a positive function of a free parameter has no values to try its definition at: the guard catches it
    ctx = Context()
    N = ctx.size("N")
    f, n = sp.Function("f", positive=True), sp.Symbol("n", integer=True)
    ctx.define(f(n), -n)
    assert not_verified(verify_inequality(sp.Integer(0), f(N), Relation.LT, ctx)).inconsistent


# -- the guard itself: a wrong proof is caught, for every relation ------------------------------------------------
def _fake_proof(monkeypatch):
    """Every '=' claim 'proved' by a rule that does not exist: what a broken rule would do."""
    fake = [TraceEntry(rule="broken_rule", side="both")]
    monkeypatch.setattr("derive.checks.steps.prove_equal", lambda *a, **k: fake)


def test_the_guard_catches_a_wrong_equality_proof(monkeypatch):
    _fake_proof(monkeypatch)
    ctx = Context()
    N = ctx.size("N")
    result = not_verified(verify_claim(sp.Sum(k, (k, 1, N)), N**2, ctx))
    assert result.inconsistent and result.counterexample is not None
    assert "broken_rule" in result.detail


def test_the_guard_differentiates_numerically(monkeypatch):
    _fake_proof(monkeypatch)
    ctx, t = Context(), sp.Symbol("t", real=True)
    result = not_verified(verify_claim(sp.Derivative(sp.exp(t**2), t), t * sp.exp(t**2), ctx))
    assert result.inconsistent and "mpmath" in result.detail


def test_the_guard_tries_sizes_where_a_shifted_bound_crosses_zero(monkeypatch):
    """k and k + k(k − 1)…(k − 8) agree on 0..8, so their sums over 8 − N..8 agree for N ≤ 8 (every size the
    readable and random points try) and differ from N = 9 on, where the range reaches k = −1."""
    _fake_proof(monkeypatch)
    ctx = Context()
    N = ctx.size("N")
    vanishes = sp.Mul(*(k - j for j in range(9)))
    result = not_verified(verify_claim(sp.Sum(k, (k, 8 - N, 8)), sp.Sum(k + vanishes, (k, 8 - N, 8)), ctx))
    assert result.inconsistent and "N = 9" in result.counterexample.point


def test_the_guard_catches_a_wrong_inequality_proof(monkeypatch):
    monkeypatch.setattr("derive.checks.relations.positive", lambda *a, **k: ("broken",))
    monkeypatch.setattr("derive.checks.relations.nonneg", lambda *a, **k: ("broken",))  # ≤ and ≥ ask this one
    ctx = Context()
    N = ctx.size("N")
    for relation in (Relation.LT, Relation.LE, Relation.GT, Relation.GE):
        lhs, rhs = (N, N - 1) if relation in (Relation.LT, Relation.LE) else (N - 1, N)
        result = not_verified(verify_inequality(lhs, rhs, relation, ctx))
        assert result.inconsistent, relation


def test_an_inconsistency_exits_3(monkeypatch, tmp_path, capsys):
    from derive.entry.cli import ExitCode, main

    module = tmp_path / "wrong.py"
    module.write_text(
        "import sympy as sp\n"
        "from derive import Context, Derivation\n"
        "ctx = Context()\n"
        "N = ctx.size('N')\n"
        "k = sp.Symbol('k', integer=True)\n"
        "d = Derivation('wrong', ctx, start=sp.Sum(k, (k, 1, N)))\n"
        "d.step(N**2, 'a broken rule says so')\n"
    )
    _fake_proof(monkeypatch)
    monkeypatch.setenv("DERIVE_NO_FORK", "1")
    assert main(["check", str(module), "--no-cache"]) == ExitCode.INTERNAL
    assert "engine inconsistency" in capsys.readouterr().out


# -- 6. infinity is undecided, never refuted ----------------------------------------------------------------------
def test_claims_with_infinity_are_not_refuted():
    ctx = Context()
    x = sp.Symbol("x", real=True)
    cases = [
        (sp.Integral(sp.exp(-(x**2)), (x, -sp.oo, sp.oo)), sp.sqrt(sp.pi)),
        (sp.Sum(sp.Rational(1, 2) ** k, (k, 0, sp.oo)), sp.Integer(2)),
        (sp.Limit(sp.exp(-x), x, sp.oo), sp.Integer(0)),
        (sp.Integral(x, (x, 0, 1)), sp.Rational(1, 2)),
    ]
    # the integral over the whole real line is a Gaussian one: proved by gaussian_integral since issue 14
    assert verify_claim(*cases[0], ctx).evidence is Evidence.PROVED
    for lhs, rhs in cases[1:]:
        assert verify_claim(lhs, rhs, ctx).evidence is Evidence.UNDECIDED


# -- 7. the sampler stays inside the declarations --------------------------------------------------------------
def test_softmax_outputs_are_sampled_as_distributions_below_one():
    ctx = Context()
    K = ctx.size("K", minimum=2)
    yhat = ctx.positive("yhat", index=(1, K), sums_to_one=True, below_one=True)
    i = sp.Symbol("i", integer=True)
    result = verify_claim(sp.Sum(yhat[i], (i, 1, K)), sp.Integer(1), ctx)
    assert result.evidence is Evidence.PROVED and not result.inconsistent


def test_a_zero_difference_that_only_cancels_in_real_and_imaginary_parts_is_no_counterexample():
    """Found by the rule fuzz test: exp(1/8 + 3i) − exp(1/8)·exp(3i) has real and imaginary parts 0 and 0, once
    taken apart; that was read as 'an exact nonzero difference', refuting a true exp_add step."""
    t = sp.Symbol("t")  # complex
    result = verify_claim(sp.exp(t + 3 * sp.I) + sp.I * sp.pi, sp.exp(t) * sp.exp(3 * sp.I) + sp.I * sp.pi, Context())
    assert result.evidence is Evidence.PROVED
    from derive.checks.sampling import Instances, Point

    a = sp.exp(sp.Rational(1, 8) + 3 * sp.I)
    assert Instances(a, sp.exp(sp.Rational(1, 8)) * sp.exp(3 * sp.I), Context()).compare(Point()).status == "equal"


# -- 11. an assumption false at every point -------------------------------------------------------------------
def test_an_assumption_false_wherever_it_can_be_evaluated_fails_the_check():
    ctx = Context()
    K = ctx.size("K")
    q = ctx.positive("q", index=(1, K), sums_to_one=True)
    d = Derivation("a slip assumed", ctx, start=sp.Sum(q[k], (k, 1, K)))
    d.assume(1 + sp.Sum(q[k], (k, 1, K)), "assumed, wrongly")
    d.step(sp.Integer(2), "Σ q = 1")
    (report,) = check_derivations([(d, "")], Options(budget=20))
    assert report.results[0].evidence is Evidence.REFUTED and not report.passed
    assert "K = 1" in report.results[0].detail


# -- found by the adversarial review of this change -----------------------------------------------------------
def test_definitions_are_held_to_the_same_fragment_as_claims():
    ctx = Context()
    N = ctx.size("N")
    g, h = sp.Function("g"), sp.Function("h")
    n, j = sp.Symbol("n", integer=True), sp.Symbol("j", integer=True)
    kp = sp.Symbol("k", integer=True, positive=True)
    ctx.define(h(n), sp.Sum(sp.Sum(1, (j, 1, kp)), (kp, -2, 0)))
    assert "range" in not_verified(verify_claim(h(N) * g(N), -3 * g(N), ctx)).detail
    ctx = Context()
    N = ctx.size("N")
    ctx.define(h(n), sp.Sum(1, (j, 1, n / 2)))
    assert "not a finite integer" in not_verified(verify_claim(h(N) * g(N), N / 2 * g(N), ctx)).detail


def test_floats_in_definitions_are_the_decimals_typed():
    ctx = Context()
    N = ctx.size("N")
    P, n = sp.Function("P"), sp.Symbol("n", integer=True)
    ctx.define(P(n), 0.5 * n)
    assert verify_claim(P(N), N / 2 + sp.Rational(1, 10**17), ctx).evidence is Evidence.REFUTED
    assert verify_claim(P(N), N / 2, ctx).evidence is Evidence.PROVED


def test_a_jump_at_an_exact_irrational_zero_is_not_evaluated_by_evalf():
    """sign(atan q + atan(1/q) − π/2) is sign(0) = 0 for q > 0, but evalf(strict=True) says ±1."""
    ctx = Context()
    K = ctx.size("K")
    q = ctx.positive("q", (1, K))
    zero = sp.sign(sp.atan(q[1]) + sp.atan(1 / q[1]) - sp.pi / 2)
    assert verify_claim(zero, sp.Integer(0), ctx).evidence is not Evidence.REFUTED
    assert verify_inequality(zero, sp.Rational(1, 2), Relation.LT, ctx).evidence is not Evidence.REFUTED
    assert verify_witness(zero, sp.Integer(0), {K: 1, q[1]: sp.Rational(1, 2)}, ctx).evidence is not Evidence.PROVED


def test_only_functions_known_to_be_smooth_are_differentiated():
    t, w = sp.Symbol("t", real=True), sp.Symbol("w")
    for lhs, rhs in [
        (sp.Derivative(sp.atan2(t, -1), t), -1 / (1 + t**2)),
        (sp.Derivative(sp.acot(t), t), -1 / (1 + t**2)),
        (sp.Derivative(sp.acoth(t), t), 1 / (1 - t**2)),
        (sp.Derivative(sp.log(w**2), w), 2 / w),  # a complex w crosses log's branch cut at w = i
    ]:
        not_verified(verify_claim(lhs, rhs, Context()))
    assert verify_claim(sp.Derivative(sp.log(t**2), t), 2 / t, Context()).evidence is Evidence.PROVED


def test_non_commutative_symbols_are_outside_the_fragment():
    ctx = Context()
    N = ctx.size("N")
    A, B = sp.symbols("A B", commutative=False)
    C = sp.IndexedBase("C", commutative=False)
    result = not_verified(verify_claim(sp.Sum(A * C[k] * B, (k, 1, N)), A * B * sp.Sum(C[k], (k, 1, N)), ctx))
    assert "non-commutative" in result.detail


def test_a_witness_naming_a_summation_index_does_not_crash():
    ctx = Context()
    N = ctx.size("N")
    result = verify_witness(sp.Sum(k**2, (k, 1, N)), sp.Integer(0), {N: 2, k: 3}, ctx)
    assert result.evidence is Evidence.PROVED  # 1 + 4 ≠ 0; k is bound, so its value is beside the point


def test_the_guard_reads_undefined_functions_as_concrete_ones(monkeypatch):
    """Without a reading of g and p(· | θ) the guard has nothing to evaluate, and any wrong rule stands."""
    _fake_proof(monkeypatch)
    ctx = Context()
    N = ctx.size("N")
    g = sp.Function("g")
    result = not_verified(verify_claim(sp.Sum(g(k), (k, 1, N)), N * g(1), ctx))
    assert result.inconsistent and "g(a0) read as" in result.detail
    x = ctx.data("x", index=(1, N), values=(1, 3))
    theta = sp.Symbol("theta", real=True)
    P = conditional("p", given=theta)
    result = not_verified(verify_claim(sp.Derivative(sp.log(P(x[1])), theta), sp.Integer(0), ctx))
    assert result.inconsistent and "theta" in result.detail


def test_a_definition_contradicting_a_declared_sign_is_reported_as_such():
    ctx = Context()
    N = ctx.size("N")
    ell, g = quantity("ell", r"\ell"), sp.Function("g")
    ctx.define(ell, sp.Integer(-1))
    result = not_verified(verify_claim(sp.log(ell**2) * g(N), 2 * sp.log(ell) * g(N), ctx))
    assert "ell is declared positive" in result.detail


def test_an_example_at_a_size_is_checked_at_that_size():
    """The example fixes N = 2; q, declared over 1..N, must then be sampled with two entries, not three."""
    ctx = Context()
    N = ctx.size("N")
    q = ctx.positive("q", (1, N), sums_to_one=True)
    d = Derivation("example at a size", ctx, start=sp.Sum(q[k], (k, 1, N)))
    d.example({N: 2}, sp.Integer(1), "at N = 2 the sum is q_1 + q_2 = 1")
    d.example({N: 2}, sp.Integer(2), "a slip")
    (report,) = check_derivations([(d, "")], Options(budget=20))
    assert report.results[0].evidence is not Evidence.REFUTED
    assert report.results[1].evidence is Evidence.REFUTED


def test_an_empty_product_is_one_when_the_sampler_evaluates_it():
    """SymPy 1.14 calls Product(2, (m, 1, 0)) nonpositive while it rebuilds log(…) around it, so substituting K = 1
    first and expanding after made log ∏_{m=1}^{K−1} 2 come out iπ + … (found by the rule fuzz test); values are
    now put in from the leaves up, each sum or product expanded before what contains it is rebuilt."""
    from derive.checks.sampling import Instances, Point

    ctx = Context()
    K = ctx.size("K")
    m = sp.Symbol("m", integer=True)
    sides = Instances(sp.log(sp.Product(2, (m, 1, K - 1))), (K - 1) * sp.log(2), ctx)
    for size in (1, 2, 3):
        assert sides.compare(Point(sizes=((K, size),))).status == "equal"
    assert verify_claim(sp.log(sp.Product(2, (m, 1, K - 1))), (K - 1) * sp.log(2), ctx).evidence is not (
        Evidence.REFUTED
    )


def test_a_side_undefined_as_written_is_refuted_but_an_infinity_in_a_bound_is_not():
    """log(1 − 1) is zoo at every point, also inside a sum over a nonempty range: such a side is refuted against a
    finite one. An infinity as a bound, a limit point or a branch is something else (undecided, above)."""
    ctx = Context()
    N = ctx.size("N")
    y = ctx.data("y", (1, N), (0, 1))
    yhat = ctx.positive("yhat", (1, N), below_one=True)
    i = sp.Symbol("i", integer=True)
    good = sp.Sum(y[i] * sp.log(yhat[i]) + (1 - y[i]) * sp.log(1 - yhat[i]), (i, 1, N))
    dropped = sp.Sum(y[i] * sp.log(yhat[i]) + (1 - y[i]) * sp.log(1 - 1), (i, 1, N))  # zoo in every term
    assert verify_claim(good, dropped, ctx).evidence is Evidence.REFUTED
    assert not_verified(verify_claim(sp.Piecewise((1, y[1] > 0), (sp.oo, True)), sp.Integer(1), ctx))


# -- found by the second adversarial review -------------------------------------------------------------------
W_ZERO = sp.sqrt(3 + 2 * sp.sqrt(2)) - 1 - sp.sqrt(2)  # exactly 0, which SymPy cannot show


def test_a_point_on_a_branch_cut_is_neither_agreement_nor_a_counterexample():
    ctx = Context()
    y = ctx.probability("y")
    for lhs, rhs in [
        (sp.sqrt(-1 + sp.I * y * W_ZERO), -sp.I),  # was numeric: evalf's exhausted precision counted as agreement
        (sp.log(-1 + sp.I * W_ZERO), -sp.I * sp.pi),
        (sp.asin(2 + sp.I * W_ZERO), sp.asin(2)),  # was refuted: the wrong side of asin's cut (a true claim)
        (sp.acos(2 + sp.I * y * W_ZERO), sp.acos(2)),
    ]:
        result = verify_claim(lhs, rhs, ctx)
        assert result.evidence not in (Evidence.NUMERIC, Evidence.REFUTED), (lhs, result.evidence, result.detail)


def test_floats_outside_the_double_range_or_computed_are_read_exactly():
    ctx = Context()
    y = ctx.probability("y")
    assert verify_claim(y + sp.Float("1e-400"), y, ctx).evidence is Evidence.REFUTED  # was proved (read as 0)
    assert verify_inequality(y, y + sp.Float("1e-400"), Relation.LT, ctx).evidence is Evidence.PROVED
    assert verify_claim(y * 2**-60, y / sp.Integer(2) ** 60, ctx).evidence is Evidence.PROVED  # was refuted
    assert verify_claim(y * 2.0**60, y * 2**60, ctx).evidence is Evidence.PROVED


def test_a_positive_definition_is_tried_where_its_value_crosses_zero():
    ctx = Context()
    N = ctx.size("N")
    ell = quantity("L", r"\\ell")
    ctx.define(ell, 10 - N)  # positive up to N = 9 only
    assert "N = 10" in not_verified(verify_inequality(ell, sp.Integer(0), Relation.GT, ctx)).detail
    ctx = Context()
    K = ctx.size("K")
    q = ctx.positive("q", (1, K))
    i = sp.Symbol("i", integer=True)
    ctx.define(q[i], 5 - i)
    not_verified(verify_claim(sp.Sum(sp.log(q[k] ** 2), (k, 1, K)), 2 * sp.Sum(sp.log(q[k]), (k, 1, K)), ctx))


def test_the_guards_reading_of_a_positive_function_stays_positive_at_complex_arguments():
    """θ = 4i is among the readable values of a complex θ; exp(… + θ) is then no positive number, and a correct
    log_prod proof was reported as an engine inconsistency."""
    ctx = Context()
    N = ctx.size("N")
    x = ctx.data("x", (1, N), (1, 3))
    P = conditional("p", sp.Symbol("theta"))
    result = verify_claim(sp.log(sp.Product(P(x[k]), (k, 1, N))), sp.Sum(sp.log(P(x[k])), (k, 1, N)), ctx)
    assert result.evidence is Evidence.PROVED and not result.inconsistent
    f, s = sp.Function("f", positive=True), sp.Symbol("s")
    result = verify_claim(sp.log(f(s) ** 2), 2 * sp.log(f(s)), Context())
    assert result.evidence is Evidence.PROVED and not result.inconsistent


def test_a_distribution_over_an_empty_range_is_no_point():
    ctx = Context()
    N = ctx.size("N")
    q = ctx.positive("q", (2, N), sums_to_one=True)
    result = verify_claim(sp.Sum(q[k], (k, 2, N)), sp.Integer(1), ctx)
    assert result.evidence is Evidence.PROVED and not result.inconsistent


def test_a_positive_definition_that_crosses_zero_without_being_linear_is_refused():
    """Found by a third review: (7 − N)³ is −1 at N = 8, which no linear reading predicts."""
    for value in (lambda N: (7 - N) ** 3, lambda N: 100 - N**2, lambda N: 10 - sp.sqrt(2) * N, lambda N: sp.log(8 - N)):
        ctx = Context()
        N = ctx.size("N")
        c = quantity("c", "c")
        ctx.define(c, value(N))
        assert "c is declared positive" in not_verified(verify_inequality(c, sp.Integer(0), Relation.GT, ctx)).detail
        not_verified(verify_claim(c, sp.Abs(c), ctx))
