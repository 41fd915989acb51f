"""derive.checks.code: a plain-Python function checked against the formula it claims to compute.

The functions under test are defined here, at module level, because latexify-py and the checker read their source.
"""

from __future__ import annotations

import math

import pytest
from sympy import Sum, Symbol, exp, log

from derive import Context, Derivation, Evidence
from derive.checks.code import Reference, check_reference
from derive.core.errors import ModelError
from derive.losses import average_nll, binary_cross_entropy, softmax
from derive.notation import CrossEntropy


def cross_entropy(p, q):
    return -sum(p[i] * math.log(q[i]) for i in range(len(p)))


def cross_entropy_skips_first(p, q):  # the off-by-one: range(1, len(p)) starts at the second term
    return -sum(p[i] * math.log(q[i]) for i in range(1, len(p)))


def cross_entropy_one_based(p, q):  # the formula's 1-based index copied into Python
    return -sum(p[i] * math.log(q[i]) for i in range(1, len(p) + 1))


def nll_one_based_outcomes(q, x):  # outcomes taken as 1..K: q[x - 1] wraps round to q[-1] for outcome 0
    return -sum(math.log(q[x[n] - 1]) for n in range(len(x))) / len(x)


def bce_swapped(y, y_hat):
    return -(y * math.log(1 - y_hat) + (1 - y) * math.log(y_hat))


def cross_entropy_branching(p, q):  # correct, but it branches on values: no symbolic run can take the branch
    return -sum(p[i] * math.log(q[i]) if p[i] < q[i] else math.log(q[i]) * p[i] for i in range(len(p)))


def softmax_shift_forgotten_below(z, j):  # the stable softmax with the denominator left unshifted
    m = max(z)
    return math.exp(z[j] - m) / sum(math.exp(z[k]) for k in range(len(z)))


def _distributions():
    ctx = Context()
    K = ctx.size("K")
    p = ctx.positive("p", index=(1, K), sums_to_one=True)
    q = ctx.positive("q", index=(1, K), sums_to_one=True)
    k = Symbol("k", integer=True)
    ctx.define(CrossEntropy(p, q), -Sum(p[k] * log(q[k]), (k, 1, K)))
    return ctx, p, q, CrossEntropy(p, q)


def _data():
    ctx = Context()
    N, K = ctx.size("N"), ctx.size("K")
    x = ctx.data("x", index=(1, N), values=(1, K))
    q = ctx.positive("q", index=(1, K), sums_to_one=True)
    k = Symbol("k", integer=True)
    return ctx, q, x, -Sum(log(q[x[k]]), (k, 1, N)) / N


def _check(function, args, formula, ctx):
    return check_reference(Reference(function, args), formula, ctx)


def test_a_correct_implementation_is_proved_for_all_sizes_and_agrees_in_floats():
    ctx, p, q, formula = _distributions()
    result = _check(cross_entropy, (p, q), formula, ctx)
    assert result.evidence is Evidence.PROVED
    assert "translated as -Sum(log(q[i])*p[i], (i, 1, K)), equals the formula for all sizes" in result.detail
    # the exact run at small sizes still runs (a contradiction is an engine inconsistency, tests/checks/), but how
    # far it gets in its time share depends on the machine's load, so the detail, which write-ups print, omits it
    assert "exactly for" not in result.detail and "time share" not in result.detail
    assert "in floating point it agrees to 1e-09 at 20 random inputs" in result.detail


def test_an_off_by_one_range_is_refuted_with_both_values():
    ctx, p, q, formula = _distributions()
    result = _check(cross_entropy_skips_first, (p, q), formula, ctx)
    assert result.evidence is Evidence.REFUTED
    cex = result.counterexample
    assert cex.sides == ("code", "formula")
    assert cex.values == {"K": "2", "p": "(1/2, 1/2)", "q": "(1/2, 1/2)"}
    assert (cex.lhs_value, cex.rhs_value) == ("log(2)/2", "log(2)")
    assert "  code    = log(2)/2  ≈ 0.346573590280" in cex.describe()


def test_the_formulas_one_based_index_in_python_is_refuted_by_the_error_it_raises():
    ctx, p, q, formula = _distributions()
    result = _check(cross_entropy_one_based, (p, q), formula, ctx)
    assert result.evidence is Evidence.REFUTED
    assert result.counterexample.lhs_value == "raises IndexError: list index out of range"
    assert result.counterexample.values["K"] == "1"


def test_outcomes_arrive_counted_from_zero_so_a_one_based_lookup_is_refuted():
    ctx, q, x, formula = _data()
    assert _check(average_nll, (q, x), formula, ctx).evidence is Evidence.PROVED
    result = _check(nll_one_based_outcomes, (q, x), formula, ctx)
    assert result.evidence is Evidence.REFUTED  # q[0 - 1] is q[-1] in Python: no error, a wrong value
    assert set(result.counterexample.values) == {"K", "N", "x", "q"}


def test_a_size_with_too_many_data_vectors_is_named_as_left_out_never_claimed(monkeypatch):
    from derive.checks.code import verdict  # the module whose DATA_LIMIT check_reference reads

    ctx, q, x, formula = _data()
    # the fallback when there is no proof for all sizes (here, as if the code could not be translated)
    monkeypatch.setattr(verdict, "prove_for_all_sizes", lambda *args: "not translated: as this test says")
    monkeypatch.setattr(verdict, "DATA_LIMIT", 8)  # K = 3, N = 2 has 9 data vectors; K = 3, N = 3 has 27
    result = _check(average_nll, (q, x), formula, ctx)
    assert result.evidence is Evidence.PROVED_FOR_SIZES
    assert "except at K = 3, N = 2; K = 3, N = 3 (more than 8 data vectors)" in result.detail
    assert result.detail.endswith("; not proved for all sizes: not translated: as this test says")
    monkeypatch.setattr(verdict, "DATA_LIMIT", 0)
    result = _check(average_nll, (q, x), formula, ctx)
    assert result.evidence is Evidence.NUMERIC
    assert result.detail.startswith("every small size has more than 0 data vectors")


def test_with_no_size_one_symbolic_run_is_a_proof_and_a_swapped_log_is_refuted():
    ctx = Context()
    y, yhat = ctx.probability("y"), ctx.probability("yhat")
    formula = -(y * log(yhat) + (1 - y) * log(1 - yhat))
    assert _check(binary_cross_entropy, (y, yhat), formula, ctx).evidence is Evidence.PROVED
    result = _check(bce_swapped, (y, yhat), formula, ctx)
    assert result.evidence is Evidence.REFUTED
    assert set(result.counterexample.values) == {"y", "yhat"}


def _softmax():
    ctx = Context()
    M = ctx.size("M")
    z = ctx.real("z", index=(1, M))
    o = ctx.value("o", values=(1, M))
    k = Symbol("k", integer=True)
    return ctx, z, o, exp(z[o]) / Sum(exp(z[k]), (k, 1, M))


def test_the_max_shifted_softmax_is_proved_and_survives_scores_that_overflow_exp():
    ctx, z, o, formula = _softmax()
    assert _check(softmax, (z, o), formula, ctx).evidence is Evidence.PROVED
    assert softmax([1000.0, 1000.0], 0) == 0.5  # math.exp(1000.0) alone raises OverflowError
    result = _check(softmax_shift_forgotten_below, (z, o), formula, ctx)
    assert result.evidence is Evidence.REFUTED
    assert result.counterexample.values["M"] == "1"  # one score: exp(z_1 - z_1)/exp(z_1) is not 1


def test_code_that_branches_on_values_is_only_numeric_evidence():
    ctx, p, q, formula = _distributions()
    result = _check(cross_entropy_branching, (p, q), formula, ctx)
    assert result.evidence is Evidence.NUMERIC
    assert result.detail.startswith("the code cannot run on symbols at K = 1 (TypeError: cannot determine truth")


def test_the_step_is_named_for_the_function_and_fails_the_derivation_when_refuted():
    from derive.run.check import check_derivation

    ctx, p, q, formula = _distributions()
    K, k = list(ctx.sizes)[0], Symbol("k", integer=True)
    d = Derivation("H", ctx, start=formula)
    d.step(-Sum(p[k] * log(q[k]), (k, 1, K)), "the definition")
    d.reference(cross_entropy, args=(p, q))
    d.reference(cross_entropy_skips_first, args=(p, q))
    assert [s.name for s in d.steps][1:] == ["code-cross_entropy", "code-cross_entropy_skips_first"]
    assert d.steps[1].expr == d.steps[0].expr  # checked against the chain's last expression by default
    report = check_derivation(d)
    assert [r.evidence for r in report.results][1:] == [Evidence.PROVED, Evidence.REFUTED]
    assert not report.passed


@pytest.mark.parametrize(
    ("function", "args", "message"),
    [
        (cross_entropy, "p", "it takes 2 arguments (p, q) but args= gives 1"),
        (cross_entropy, "p,r", "r is not declared in the context"),
        (lambda p, q: 0, "p,q", "is not a function defined with def"),
    ],
)
def test_declaration_errors_name_the_file_and_line(function, args, message):
    ctx, p, q, formula = _distributions()
    named = {"p": p, "q": q, "r": Symbol("r")}
    d = Derivation("H", ctx, start=formula)
    with pytest.raises(ModelError, match="test_reference.py:[0-9]+") as info:
        d.reference(function, args=tuple(named[a] for a in args.split(",")))
    assert message in str(info.value)


def test_a_formula_input_the_code_is_not_given_is_an_error():
    ctx, p, q, formula = _distributions()
    d = Derivation("H", ctx, start=formula)
    with pytest.raises(ModelError, match="the formula depends on q, which args= does not pass"):
        d.reference(cross_entropy, args=(p, p))


def test_the_cache_key_follows_the_code_and_its_arguments():
    ctx, p, q, formula = _distributions()
    first = Reference(cross_entropy, (p, q))
    assert first.fingerprint() == Reference(cross_entropy, (p, q)).fingerprint()
    assert first.fingerprint() != Reference(cross_entropy, (q, p)).fingerprint()
    assert first.fingerprint() != Reference(cross_entropy_skips_first, (p, q)).fingerprint()
