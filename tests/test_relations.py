"""Relations beyond '=': inequalities by positivity, '≠' by a checked witness; and the calculus rules."""

from __future__ import annotations

import pytest
import sympy as sp

from derive import Context, Derivation
from derive.checks.relations import verify_inequality, verify_witness
from derive.checks.steps import Options, verify_claim
from derive.core.errors import ModelError
from derive.core.evidence import Evidence
from derive.core.model import Relation
from derive.run.check import check_derivations

i = sp.Symbol("i", integer=True)


def probabilities():
    ctx = Context()
    n = ctx.size("n")
    yhat = ctx.positive("yhat", index=(1, n), below_one=True)
    y = ctx.positive("y", index=(1, n), below_one=True)
    return ctx, yhat, y


def test_a_negative_second_derivative_is_proved_by_positivity():
    ctx, yhat, y = probabilities()
    ll = y[1] * sp.log(yhat[1]) + (1 - y[1]) * sp.log(1 - yhat[1])
    result = verify_inequality(sp.diff(ll, yhat[1], 2), sp.Integer(0), Relation.LT, ctx)
    assert result.evidence is Evidence.PROVED
    assert "yhat_i < 1" in result.trace[-1].assumptions


def test_a_false_inequality_is_refuted_inside_the_assumptions():
    ctx, yhat, y = probabilities()
    result = verify_inequality(yhat[1], 1 - yhat[1], Relation.LT, ctx)  # false at ŷ = 1/2 (equal) and above
    assert result.evidence is Evidence.REFUTED
    value = sp.Rational(result.counterexample.values["yhat"].strip("(,)"))
    assert 0 < value < 1 and value >= sp.Rational(1, 2)


def test_one_minus_a_probability_is_positive_only_when_declared_below_one():
    ctx = Context()
    n = ctx.size("n")
    q = ctx.positive("q", index=(1, n))  # positive, but not declared below one
    assert verify_claim(sp.log(q[1] * (1 - q[1])), sp.log(q[1]) + sp.log(1 - q[1]), ctx).evidence is not (
        Evidence.PROVED
    )
    ctx, yhat, y = probabilities()
    assert verify_claim(sp.log(yhat[1] * (1 - yhat[1])), sp.log(yhat[1]) + sp.log(1 - yhat[1]), ctx).evidence is (
        Evidence.PROVED
    )


def cross_entropy_context():
    ctx = Context()
    K = ctx.size("K")
    p = ctx.positive("p", index=(1, K), sums_to_one=True)
    q = ctx.positive("q", index=(1, K), sums_to_one=True)

    def H(a, b):  # noqa: N802
        return -sp.Sum(a[i] * sp.log(b[i]), (i, 1, K))

    return ctx, K, p, q, H


def test_not_equal_is_proved_by_an_exact_witness():
    ctx, K, p, q, H = cross_entropy_context()
    half, quarter = sp.Rational(1, 2), sp.Rational(1, 4)
    witness = {K: 2, p[1]: half, p[2]: half, q[1]: quarter, q[2]: 3 * quarter}
    result = verify_witness(H(p, q), H(q, p), witness, ctx)
    assert result.evidence is Evidence.PROVED
    # both sides' values, as plain numbers the write-ups typeset cleanly (H(p, q) = log(16/3)/2, H(q, p) = log 2)
    assert "left side ≈ 0.836988216786, right side ≈ 0.693147180560" in result.detail


def test_a_witness_that_does_not_separate_or_breaks_the_declarations_proves_nothing():
    ctx, K, p, q, H = cross_entropy_context()
    half = sp.Rational(1, 2)
    same = {K: 2, p[1]: half, p[2]: half, q[1]: half, q[2]: half}
    assert verify_witness(H(p, q), H(q, p), same, ctx).evidence is Evidence.UNDECIDED
    not_a_distribution = {K: 2, p[1]: half, p[2]: half, q[1]: half, q[2]: 1}
    result = verify_witness(H(p, q), H(q, p), not_a_distribution, ctx)
    assert result.evidence is Evidence.UNDECIDED and "sum to 1" in result.detail


def test_a_not_equal_step_needs_a_witness_and_is_checked_in_a_derivation():
    ctx, K, p, q, H = cross_entropy_context()
    d = Derivation("order matters", ctx, start=H(p, q))
    with pytest.raises(ModelError, match="needs witness"):
        d.step(H(q, p), "swapped", relation="≠")
    third = sp.Rational(1, 3)
    d.step(H(q, p), "swapped", relation="≠", witness={K: 2, p[1]: third, p[2]: 2 * third, q[1]: 2 * third, q[2]: third})
    (report,) = check_derivations([(d, "")], Options(budget=20))
    assert report.results[0].evidence is Evidence.UNDECIDED  # H(p,q) = H(q,p) when q reverses p: no witness


def test_diff_and_log_rational_rules():
    theta = sp.Symbol("theta", real=True)
    f = sp.Function("f", positive=True)
    ctx = Context()
    K = ctx.size("K")
    lhs = sp.Derivative(sp.Sum(sp.log(f(i, theta)), (i, 1, K)), theta)
    rhs = sp.Sum(sp.Derivative(f(i, theta), theta) / f(i, theta), (i, 1, K))
    result = verify_claim(lhs, rhs, ctx)
    assert result.evidence is Evidence.PROVED and "diff" in [t.rule for t in result.trace]
    bits = -sum(v * sp.log(v, 2) for v in (sp.Rational(1, 2), sp.Rational(1, 4), sp.Rational(1, 4)))
    assert verify_claim(bits, sp.Rational(3, 2), Context()).evidence is Evidence.PROVED
    assert verify_claim(bits, sp.Rational(5, 4), Context()).evidence is Evidence.REFUTED


def test_a_single_integer_in_a_range_is_a_declared_value():
    ctx = Context()
    M = ctx.size("M")
    c = ctx.value("c", values=(1, M))
    q = ctx.positive("q", index=(1, M))
    assert verify_claim(sp.Sum(sp.KroneckerDelta(i, c) * q[i], (i, 1, M)), q[c], ctx).evidence is Evidence.PROVED
    d = sp.Symbol("d", integer=True)  # an integer with no declared range: the delta may miss
    assert verify_claim(sp.Sum(sp.KroneckerDelta(i, d), (i, 1, M)), 1, ctx).evidence is not Evidence.PROVED
    # used as the index of q_d, it ranges over q's range (the textbook reading of an undeclared index, issue 14)
    assert verify_claim(sp.Sum(sp.KroneckerDelta(i, d) * q[i], (i, 1, M)), q[d], ctx).evidence is Evidence.PROVED


def test_a_relation_typed_in_ascii_or_as_a_sympy_class_is_that_relation(tmp_path):
    """What a lecturer types first (issue 13): ">=", "<=", "!=", "==" and sp.Ge mean ≥, ≤, ≠, =; anything else
    is a ModelError naming the file, the line and the accepted spellings."""
    import pytest

    from derive import Context, Derivation, Relation
    from derive.core.errors import ModelError

    assert [Relation(s) for s in ("==", "<=", ">=", "!=")] == [Relation.EQ, Relation.LE, Relation.GE, Relation.NE]
    assert Relation(sp.Ge) is Relation.GE and Relation(sp.Lt) is Relation.LT
    x = sp.Symbol("x", positive=True)
    d = Derivation("typed", Context(), start=x**2 + 1)
    assert d.step(x**2, "dropping the 1", relation=">=").relation is Relation.GE
    ne = Derivation("differ", Context(), start=x + 1)
    assert ne.step(x, "they differ", relation="!=", witness={x: 1}).relation is Relation.NE
    with pytest.raises(ModelError, match=r"test_relations.py:\d+: step 2: relation '=>' is not one of .*>=, !="):
        d.step(x, "a slip", relation="=>")


def test_non_strict_inequalities_from_squares_absolute_values_and_sums_of_them():
    from derive.checks.relations import verify_inequality
    from derive.core.evidence import Evidence
    from derive.core.model import Relation

    a, w, x = sp.Symbol("a", real=True), sp.Symbol("w"), sp.Symbol("x", real=True)
    ctx = Context()
    n = ctx.size("n")
    y = ctx.real("y", index=(1, n))
    i = sp.Symbol("i", integer=True)
    proved = [
        (a**2, 0, Relation.GE),
        (a**2 + 1, 0, Relation.GT),
        (sp.Abs(w), 0, Relation.GE),
        (sp.Sum((y[i] - a) ** 2, (i, 1, n)), 0, Relation.GE),
        # a sum on both sides cancels although the two copies got different bound indices
        (sp.Sum(y[i] ** 2, (i, 1, n)) + sp.Sum(y[i], (i, 1, n)), sp.Sum(y[i], (i, 1, n)), Relation.GE),
    ]
    for lhs, rhs, relation in proved:
        assert verify_inequality(sp.sympify(lhs), sp.sympify(rhs), relation, ctx).evidence is Evidence.PROVED
    # a complex square, an odd power and a strict bound on a square are not at least 0 / positive everywhere
    for lhs, rhs, relation in [(w**2, 0, Relation.GE), (x**3, 0, Relation.GE), (a**2, 0, Relation.GT)]:
        assert verify_inequality(sp.sympify(lhs), sp.sympify(rhs), relation, ctx).evidence is Evidence.REFUTED


def test_an_inequality_step_cites_a_named_lemma_with_by_and_records_it():
    from derive import Derivation

    ctx = Context()
    x = sp.Symbol("x", positive=True)
    d = Derivation("log x <= x - 1", ctx, start=sp.log(x), name="tangent")
    d.step(x - 1, "the tangent of the concave log", relation="<=", by="log_le_sub_one_of_pos")
    report = d.check(cache=False)
    (step,) = report.steps if hasattr(report, "steps") else report.results
    assert step.evidence is Evidence.PROVED
    assert "log_le_sub_one_of_pos" in [e.rule for e in step.trace]


def test_hints_reach_the_inequality_prover(monkeypatch):
    from derive.checks import relations

    seen = []
    real = relations.prove_inequality

    def spy(lhs, rhs, strict, ctx, hints=(), deadline=None):
        seen.append(hints)
        return real(lhs, rhs, strict, ctx, hints, deadline)

    monkeypatch.setattr(relations, "prove_inequality", spy)
    x = sp.Symbol("x", positive=True)
    result = verify_inequality(sp.log(x), x - 1, Relation.LE, Context(), hints=("jensen",))
    assert result.evidence is Evidence.PROVED and seen == [("jensen",)]


def test_the_gibbs_inequality_is_proved_and_its_false_twin_refuted():
    ctx = Context()
    K = ctx.size("K")
    p, q = ctx.positive("p", (1, K), sums_to_one=True), ctx.positive("q", (1, K), sums_to_one=True)
    i = sp.Symbol("i", integer=True)
    kl = sp.Sum(p[i] * sp.log(p[i] / q[i]), (i, 1, K))
    result = verify_inequality(kl, sp.Integer(0), Relation.GE, ctx)
    assert result.evidence is Evidence.PROVED and result.trace[0].rule in ("log_le_sub_one_of_pos", "sum_add")
    assert verify_inequality(kl, sp.Integer(0), Relation.GT, ctx).evidence is Evidence.REFUTED  # 0 at q = p
