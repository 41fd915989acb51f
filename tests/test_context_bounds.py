"""Declaring signs and bounds of a family: ``ctx.nonnegative``, ``lower=``/``upper=`` on ``ctx.real`` and ``upper=``
on ``ctx.positive``; the errors that tell an author what to write instead; and soundness: a claim true only under a
bound is never refuted when the bound is declared, and is refuted inside the declarations when it is dropped."""

from __future__ import annotations

import pytest
import sympy as sp

from derive import Context, Derivation
from derive.checks.domain import violation
from derive.checks.relations import verify_inequality
from derive.core.errors import ModelError
from derive.core.evidence import Evidence
from derive.core.model import Relation
from derive.render.base import assumptions

m, a, b = sp.symbols("m a b", real=True)
k = sp.Symbol("k", integer=True)


def test_a_nonnegative_family_allows_zero_and_says_so_in_its_flags_and_spec():
    ctx = Context()
    K = ctx.size("K")
    w = ctx.nonnegative("w", (1, K), upper=K)
    spec = ctx.families[w]
    assert (spec.nonnegative, spec.real_valued, spec.lower, spec.upper) == (True, True, None, K)
    assert w[1].is_nonnegative and w[1].is_positive is None  # 0 is allowed: never taken for positive
    assert violation({K: 2, w[1]: 0}, ctx) == ""
    assert "nonnegative" in violation({K: 2, w[1]: -1}, ctx)


def test_bounds_on_real_and_positive_families_are_kept_as_given():
    ctx = Context()
    K = ctx.size("K")
    z = ctx.real("z", (1, K), lower=a, upper=b)
    q = ctx.positive("q", (1, K), upper=sp.Rational(1, 2))
    assert (ctx.families[z].lower, ctx.families[z].upper) == (a, b)
    assert ctx.families[q].upper == sp.Rational(1, 2) and not ctx.families[q].real_valued
    assert ctx.families[ctx.real("d", (1, K), upper=0.25)].upper == sp.Rational(1, 4)  # the decimal typed


def test_at_sizes_reads_a_size_in_a_bound_as_its_number():
    ctx = Context()
    K = ctx.size("K")
    z = ctx.real("z", (1, K), lower=-K, upper=m + K)
    fixed = ctx.at_sizes({K: 3}).families[z]
    assert (fixed.lower, fixed.upper, fixed.ranges) == (-3, m + 3, ((1, 3),))


@pytest.mark.parametrize(
    ("declare", "says"),
    [
        (lambda ctx, K, z: ctx.real("y", (1, K), upper="m"), "is text"),
        (lambda ctx, K, z: ctx.real("y", (1, K), upper=z[1]), "between a family and a scalar"),
        (lambda ctx, K, z: ctx.real("y", (1, K), upper=sp.Symbol("z", real=True)), "mentions the family z"),
        (lambda ctx, K, z: ctx.real("y", (1, K), upper=k), "cannot mention one"),
        (lambda ctx, K, z: ctx.real("y", (1, K), lower=sp.Symbol("c")), "declare it real"),
        (lambda ctx, K, z: ctx.real("y", (1, K), upper=sp.oo), "finite real"),
        (lambda ctx, K, z: ctx.real("y", (1, K), upper=sp.I), "finite real"),
        (lambda ctx, K, z: ctx.real("y", (1, K), lower=2, upper=1), "no value satisfies"),
        (lambda ctx, K, z: ctx.positive("y", (1, K), upper=0), "no value satisfies"),
        (lambda ctx, K, z: ctx.nonnegative("y", (1, K), upper=-1), "no value satisfies"),
        (lambda ctx, K, z: ctx.nonnegative("y", (1, K), lower=1), "lower bound 0 already"),
        (lambda ctx, K, z: ctx.positive("y", (1, K), sums_to_one=True, upper=1), "sums_to_one"),
    ],
)
def test_a_bound_that_is_not_a_declaration_is_refused_with_what_to_do(declare, says):
    ctx = Context()
    K = ctx.size("K")
    z = ctx.real("z", (1, K))
    with pytest.raises(ModelError, match=says):
        declare(ctx, K, z)
    assert sp.IndexedBase("y") not in ctx.families and len(ctx.families) == 1  # nothing half-declared


def test_a_bound_may_mention_sizes_values_probabilities_and_real_scalars():
    ctx = Context()
    K = ctx.size("K")
    c, y = ctx.value("c", (1, K)), ctx.probability("y")
    z = ctx.real("z", (1, K), lower=-K * y, upper=c + m)
    assert ctx.families[z].upper == c + m


def test_the_write_up_states_signs_and_bounds():
    ctx = Context()
    K = ctx.size("K")
    w, z = ctx.nonnegative("w", (1, K)), ctx.real("z", (1, K), upper=m)
    y, u = ctx.real("y", (1, K), lower=a, upper=b), ctx.nonnegative("u", (1, K), upper=2)
    d = Derivation("bounds", ctx, start=sp.Sum(w[k] + z[k] + y[k] + u[k], (k, 1, K)))
    text = " ".join(assumptions(d))
    for shown in (r"w_{k} \ge 0", r"z_{k} \le m", r"a \le y_{k} \le b", r"0 \le u_{k} \le 2"):
        assert shown in text, (shown, text)


def test_a_step_that_writes_the_bound_scalar_without_its_flags_is_a_model_error():
    ctx = Context()
    K = ctx.size("K")
    z = ctx.real("z", (1, K), upper=m)
    d = Derivation("bound scalar", ctx, start=sp.Sum(z[k], (k, 1, K)))
    with pytest.raises(ModelError, match="in a bound of z"):
        d.step(sp.Sum(z[k], (k, 1, K)) + sp.Symbol("m") - sp.Symbol("m", real=True), "m typed without real=True")


# -- soundness: true only under the bound --------------------------------------------------------------------------
def exp_below(declared: bool):
    ctx = Context()
    K = ctx.size("K")
    z = ctx.real("z", (1, K), upper=m) if declared else ctx.real("z", (1, K))
    return ctx, z, ctx.value("i", (1, K))


def weighted_squares(declared: bool):
    ctx = Context()
    K = ctx.size("K")
    w = ctx.nonnegative("w", (1, K)) if declared else ctx.real("w", (1, K))
    x = ctx.real("x", (1, K))
    return ctx, sp.Sum(w[k] * x[k] ** 2, (k, 1, K))


def test_a_claim_true_only_under_a_bound_is_not_refuted_when_the_bound_is_declared():
    ctx, z, i = exp_below(True)
    assert verify_inequality(sp.exp(z[i]), sp.exp(m), Relation.LE, ctx).evidence is not Evidence.REFUTED
    assert verify_inequality(m - z[i], sp.Integer(0), Relation.GE, ctx).evidence is Evidence.PROVED
    ctx, total = weighted_squares(True)
    assert verify_inequality(total, sp.Integer(0), Relation.GE, ctx).evidence is Evidence.PROVED


def test_the_same_claim_is_refuted_inside_the_declarations_when_the_bound_is_dropped():
    ctx, z, i = exp_below(False)
    result = verify_inequality(sp.exp(z[i]), sp.exp(m), Relation.LE, ctx)
    assert result.evidence is Evidence.REFUTED
    values = result.counterexample.values
    assert sp.Rational(values["z"].strip("(,)").split(",")[0]) > sp.Rational(values["m"])
    ctx, total = weighted_squares(False)
    result = verify_inequality(total, sp.Integer(0), Relation.GE, ctx)
    assert result.evidence is Evidence.REFUTED
    assert any(sp.Rational(v) < 0 for v in result.counterexample.values["w"].strip("()").split(","))


def test_a_strict_claim_fails_at_the_edge_the_bound_allows():
    # z_i ≤ m allows z_i = m, so z_i < m is false there; and w_i ≥ 0 allows w_i = 0
    ctx, z, i = exp_below(True)
    result = verify_inequality(z[i], m, Relation.LT, ctx)
    assert result.evidence is Evidence.REFUTED
    assert result.counterexample.values["z"].strip("(,)") == result.counterexample.values["m"]
    ctx, total = weighted_squares(True)
    assert verify_inequality(total, sp.Integer(0), Relation.GT, ctx).evidence is Evidence.REFUTED
