"""derive.checks.code soundness: a correct reference is never refuted because the symbolic method failed, and a
reference whose path depends on the values is never proved by the one path the symbolic run follows.

The functions under test are defined at module level because the checker reads their source.
"""

from __future__ import annotations

import math
import sys
import textwrap
from math import log1p as l1p

import mpmath
import pytest
import sympy as sp
from sympy import Abs, Sum, Symbol, log

from derive import Context, Derivation, Evidence
from derive.checks.code import Reference, _edge_points, _Runs, check_reference, path_dependence, symbolic
from derive.checks.domain import point_violation
from derive.checks.sampling import Instances, Point, Space
from derive.checks.steps import Options


# -- correct references that use math beyond log/exp/sqrt ------------------------------------------------------
def bce_log1p(y, y_hat):
    return -(y * math.log(y_hat) + (1 - y) * math.log1p(-y_hat))


def bce_log1p_imported_by_another_name(y, y_hat):
    return -(y * math.log(y_hat) + (1 - y) * l1p(-y_hat))


def bce_bits(y, y_hat):
    return -(y * math.log2(y_hat) + (1 - y) * math.log2(1 - y_hat))


def bce_bits_float_base(y, y_hat):  # log(2.0) is not evaluated to a decimal that can no longer equal log(2)
    return -(y * math.log(y_hat, 2.0) + (1 - y) * math.log(1 - y_hat, 2.0))


def bce_digits(y, y_hat):
    return -(y * math.log10(y_hat) + (1 - y) * math.log10(1 - y_hat))


def bce_tau(y, y_hat):
    return -(y * math.log(y_hat) + (1 - y) * math.log(1 - y_hat)) * math.tau / (2 * math.pi)


def bce_pow(y, y_hat):
    return -math.log(math.pow(y_hat, y) * math.pow(1 - y_hat, 1 - y))


def bce_fabs(y, y_hat):
    return math.fabs(y * math.log(y_hat) + (1 - y) * math.log(1 - y_hat))


def nll_of_product(q, x):
    return -math.log(math.prod(q[x[n]] for n in range(len(x)))) / len(x)


def bce_copysign(y, y_hat):  # copysign has no SymPy meaning: the symbolic run fails, the code is still right
    return -(y * math.log(math.copysign(y_hat, 1.0)) + (1 - y) * math.log(1 - y_hat))


def _bce(scale=1, absolute=False):
    ctx = Context()
    y, yhat = ctx.probability("y"), ctx.probability("yhat")
    formula = -(y * log(yhat) + (1 - y) * log(1 - yhat))
    return ctx, (y, yhat), Abs(formula) if absolute else formula / scale


def _data():
    ctx = Context()
    N, K = ctx.size("N"), ctx.size("K")
    x = ctx.data("x", index=(1, N), values=(1, K))
    q = ctx.positive("q", index=(1, K), sums_to_one=True)
    k = Symbol("k", integer=True)
    return ctx, (q, x), -Sum(log(q[x[k]]), (k, 1, N)) / N


def _distributions():
    ctx = Context()
    K = ctx.size("K")
    p = ctx.positive("p", index=(1, K), sums_to_one=True)
    q = ctx.positive("q", index=(1, K), sums_to_one=True)
    k = Symbol("k", integer=True)
    return ctx, (p, q), -Sum(p[k] * log(q[k]), (k, 1, K))


@pytest.mark.parametrize(
    ("function", "setting", "level"),
    [
        (bce_log1p, _bce(), Evidence.PROVED),
        (bce_log1p_imported_by_another_name, _bce(), Evidence.PROVED),
        (bce_bits, _bce(log(2)), Evidence.PROVED),
        (bce_bits_float_base, _bce(log(2)), Evidence.PROVED),
        (bce_digits, _bce(log(10)), Evidence.PROVED),
        (bce_tau, _bce(), Evidence.PROVED),
        (bce_pow, _bce(), Evidence.PROVED),
        (bce_fabs, _bce(absolute=True), Evidence.PROVED),
        (nll_of_product, _data(), Evidence.PROVED),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_every_math_function_with_a_sympy_meaning_runs_on_symbols(function, setting, level):
    ctx, args, formula = setting
    assert check_reference(Reference(function, args), formula, ctx).evidence is level


def test_an_error_on_symbols_is_the_methods_failure_not_a_counterexample():
    ctx, args, formula = _bce()
    result = check_reference(Reference(bce_copysign, args), formula, ctx)
    assert result.evidence is Evidence.NUMERIC
    assert result.detail.startswith("the code cannot run on symbols (TypeError: ")
    assert "in floating point it agrees to 1e-09 at 20 random inputs" in result.detail


def bce_fmod(y, y_hat):  # fmod has no mpmath meaning: Python computes it in floats at any working precision
    return -(y * math.log(math.fmod(y_hat, 2.0)) + (1 - y) * math.log(1 - y_hat))


def test_the_high_precision_run_never_vouches_for_a_value_computed_in_floats():
    ctx, (y, yhat), formula = _bce()
    point = Point(scalars=((y, sp.Rational(1, 2)), (yhat, sp.Rational(1, 3))))

    def precise(function):
        return _Runs(Reference(function, (y, yhat)), symbolic(function), ctx, Instances(formula, formula, ctx), "")

    assert precise(bce_fmod).precise(point) is None
    value = precise(bce_log1p).precise(point)  # mpmath's log1p: the same at 40 and 80 digits
    with mpmath.workdps(60):
        exact = mpmath.mpf(str(sp.N(formula.subs({y: sp.Rational(1, 2), yhat: sp.Rational(1, 3)}), 60)))
        assert abs(value - exact) < mpmath.mpf(10) ** -35


# -- references whose path depends on the values -----------------------------------------------------------
def bce_wrong_above(y, y_hat):
    if y_hat > 0.99:
        return -y * math.log(y_hat)
    return -(y * math.log(y_hat) + (1 - y) * math.log(1 - y_hat))


def bce_wrong_where_max_is_the_prediction(y, y_hat):
    if max(y_hat, 0.99) == y_hat:  # on symbols, Max(yhat, 0.99) == yhat is structurally False
        return 0.0
    return -(y * math.log(y_hat) + (1 - y) * math.log(1 - y_hat))


def bce_wrong_conditional(y, y_hat):
    return 0.0 if y_hat > 0.99 else -(y * math.log(y_hat) + (1 - y) * math.log(1 - y_hat))


def bce_wrong_times_a_test(y, y_hat):
    return -(y * math.log(y_hat) + (1 - y) * math.log(1 - y_hat)) * (max(y_hat, 0.99) == 0.99)


def ce_merges_equal_probabilities(p, q):  # no branch in sight, but set() merges q_i that are equal
    return -sum(p[i] * math.log(q[i]) for i in range(len(p))) * len(set(q)) / len(q)


@pytest.mark.parametrize(
    ("function", "setting"),
    [
        (bce_wrong_above, _bce()),
        (bce_wrong_where_max_is_the_prediction, _bce()),
        (bce_wrong_conditional, _bce()),
        (bce_wrong_times_a_test, _bce()),
        (ce_merges_equal_probabilities, _distributions()),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_a_branch_taken_only_near_the_edge_is_refuted_with_the_codes_value_there(function, setting):
    ctx, args, formula = setting
    result = check_reference(Reference(function, args), formula, ctx)
    assert result.evidence is Evidence.REFUTED
    cex = result.counterexample
    assert not cex.lhs_value.startswith("raises")  # the code's value at a point, not the symbolic run's error
    assert cex.lhs_approx != cex.rhs_approx
    assert _inside(cex.values, ctx) == ""


def bce_right_but_branching(y, y_hat):  # right everywhere, but the symbolic run only ever sees the second path
    if y_hat == 0.5:
        return -math.log(0.5)
    return -(y * math.log(y_hat) + (1 - y) * math.log(1 - y_hat))


def test_a_right_reference_that_branches_is_numeric_never_proved():
    ctx, args, formula = _bce()
    result = check_reference(Reference(bce_right_but_branching, args), formula, ctx)
    assert result.evidence is Evidence.NUMERIC
    assert "bce_right_but_branching (line" in result.detail and "has an if statement" in result.detail


def sq(v):
    return v * v


def norm_by_loop(z):
    total = 0
    for i in range(len(z)):
        total += sq(z[i])
    return total


def norm_with_sorted(z):
    return sum(v * v for v in sorted(z))


def norm_with_a_filter(z):
    return sum(v * v for v in z if v)


def norm_or_zero(z):
    return sum(v * v for v in z) or 0


_CALLS: list = []
_TOTAL = 0


def norm_counting_calls(z):  # right for its first 999 calls (every symbolic run), then off by one
    _CALLS.append(1)
    return sum(v * v for v in z) + len(_CALLS) // 1000


def norm_kept_globally(z):
    global _TOTAL
    _TOTAL = sum(v * v for v in z)
    return _TOTAL


@pytest.mark.parametrize(
    ("function", "reason"),
    [
        (norm_by_loop, ""),
        (norm_counting_calls, "norm_counting_calls uses .append of the global _CALLS, whose state can change"),
        (norm_kept_globally, "has a global statement (state kept between calls)"),
        (norm_with_sorted, "norm_with_sorted uses sorted, which can compare, merge or test the values"),
        (norm_with_a_filter, "filters a comprehension with if"),
        (norm_or_zero, "has and/or"),
    ],
    ids=lambda v: getattr(v, "__name__", "reason"),
)
def test_path_dependence_reads_the_code_and_what_it_calls(function, reason):
    found = path_dependence(function)
    assert (reason in found) if reason else found == ""


def test_a_branch_in_a_helper_module_is_read_and_a_right_helper_is_proved(tmp_path, monkeypatch):
    (tmp_path / "ref_helpers.py").write_text(
        textwrap.dedent(
            """
            import math

            def nlog(v):
                return -math.log(v)

            def nlog_cut(v):
                return -math.log(v) if v > 0.001 else 0.0
            """
        )
    )
    (tmp_path / "ref_users.py").write_text(
        textwrap.dedent(
            """
            import ref_helpers
            from ref_helpers import nlog_cut

            def bce(y, y_hat):
                return y * ref_helpers.nlog(y_hat) + (1 - y) * ref_helpers.nlog(1 - y_hat)

            def bce_cut(y, y_hat):
                return y * nlog_cut(y_hat) + (1 - y) * nlog_cut(1 - y_hat)
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    try:
        import ref_users

        ctx, args, formula = _bce()
        assert check_reference(Reference(ref_users.bce, args), formula, ctx).evidence is Evidence.PROVED
        assert "nlog_cut (line" in path_dependence(ref_users.bce_cut)
        result = check_reference(Reference(ref_users.bce_cut, args), formula, ctx)
        assert result.evidence is Evidence.REFUTED  # at ŷ or 1 − ŷ = 1/1000 the helper returns 0
        assert result.counterexample.values["yhat"] in ("1/1000", "999/1000")
    finally:
        sys.modules.pop("ref_users", None)
        sys.modules.pop("ref_helpers", None)


# -- the points near the edges -----------------------------------------------------------------------------
def _inside(values: dict, ctx: Context) -> str:
    """'' when the printed point ``values`` satisfies every declaration of ``ctx`` (else what it breaks)."""
    sizes = {str(s): int(values[str(s)]) for s in ctx.sizes if str(s) in values}
    for base, spec in ctx.families.items():
        if str(base) not in values:
            continue
        entries = [sp.Rational(v) for v in values[str(base)].strip("()").replace(";", ",").split(",") if v.strip()]
        if not spec.real_valued and not all(v > 0 for v in entries):
            return f"{base} not positive"
        if spec.below_one and not all(v < 1 for v in entries):
            return f"{base} not below one"
        if spec.sums_to_one and sum(entries) != 1:
            return f"{base} does not sum to 1"
    for s in ctx.unit_scalars:
        if str(s) in values and not 0 < sp.Rational(values[str(s)]) < 1:
            return f"{s} not a probability"
    for s, minimum in ctx.sizes.items():
        if str(s) in sizes and sizes[str(s)] < minimum:
            return f"{s} below its minimum"
    return ""


def test_the_edge_points_lie_inside_the_declarations_and_reach_the_edges():
    ctx = Context()
    K, M = ctx.size("K"), ctx.size("M", minimum=2)
    p = ctx.positive("p", index=(1, K), sums_to_one=True)
    r = ctx.positive("r", index=(1, M), sums_to_one=True, below_one=True)
    w = ctx.positive("w", index=(1, K), below_one=True)
    v = ctx.positive("v", index=(1, K))
    z = ctx.real("z", index=(1, K))
    y = ctx.probability("y")
    c = ctx.value("c", values=(1, K))
    k = Symbol("k", integer=True)
    formula = Sum(p[k] + w[k] + v[k] + z[k], (k, 1, K)) + Sum(r[k], (k, 1, M)) + y + c
    points = _edge_points(Space.of([formula], ctx), ctx)
    assert points
    seen: dict[str, set] = {}
    for point in points:
        described = point.describe()
        assert _inside(described, ctx) == "", described
        assert point_violation(point, ctx) == ""  # and by derive.checks.domain's reading of the declarations
        for name, value in described.items():
            seen.setdefault(name, set()).add(value)
    assert {"1/1000", "999/1000"} <= seen["y"]
    assert "(999/1000, 1/1000)" in seen["p"] and "(1/1000, 999/1000)" in seen["p"]
    assert "(1/1000, 1/1000)" in seen["w"] and "(999/1000, 999/1000)" in seen["w"]
    assert "(100, 100)" in seen["v"] and "(1/1000, 1/1000)" in seen["v"]
    assert "(-30, -30)" in seen["z"] and "(0, 0)" in seen["z"]
    assert {"1", "2"} <= seen["c"]  # both ends of 1..K at K = 2


def _sum_squares_dividing_by_zero(q):
    total = 0
    for v in q:
        total = total + v * v
    return total + 0 * (1 / (4 * q[0] - 1))  # 0 on symbols (SymPy folds 0·x), ZeroDivisionError at q_1 = 1/4


def test_code_that_sympy_simplified_on_symbols_is_still_run_at_the_readable_points():
    """Found by the adversarial review: on symbols SymPy folds 0·1/(4q − 1) to 0 and x/x to 1, so the symbolic
    run cannot see the division by zero at q = (1/4, 3/4), a point inside the declarations."""
    from derive.run.check import check_derivations

    ctx = Context()
    K = ctx.size("K", 2)
    q = ctx.positive("q", (1, K), sums_to_one=True)
    k = sp.Symbol("k", integer=True)
    d = Derivation("sum of squares", ctx, start=sp.Sum(q[k] ** 2, (k, 1, K)))
    d.reference(_sum_squares_dividing_by_zero, args=(q,))
    (report,) = check_derivations([(d, "")], Options(budget=60))
    result = report.results[0]
    assert result.evidence is Evidence.REFUTED, (result.evidence, result.detail)
    assert "ZeroDivisionError" in result.counterexample.lhs_value and "1/4" in result.counterexample.point


def _cross_entropy_of_two(y, y_hat):
    return -(y * math.log(y_hat) + (1 - y) * math.log(1 - y_hat))


def test_a_formula_undefined_as_written_is_not_what_finite_code_computes():
    """The formula with ŷ dropped has log(1 − 1) in it: no input gives it a value, while the code returns one."""
    ctx = Context()
    y, y_hat = ctx.probability("y"), ctx.probability("y_hat")
    broken = -(y * sp.log(y_hat) + (1 - y) * sp.log(1 - 1))
    result = check_reference(Reference(_cross_entropy_of_two, (y, y_hat)), broken, ctx)
    assert result.evidence is Evidence.REFUTED, (result.evidence, result.detail)
    assert check_reference(
        Reference(_cross_entropy_of_two, (y, y_hat)), -(y * sp.log(y_hat) + (1 - y) * sp.log(1 - y_hat)), ctx
    ).evidence is (Evidence.PROVED)
