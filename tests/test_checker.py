"""A wrong step at each position of the seed derivation is refuted with a counterexample, and fails the derivation."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from derive.checks.steps import Options, verify_claim
from derive.core.evidence import Evidence
from derive.core.model import Kind
from derive.notation import CrossEntropy
from derive.run.check import check_derivation


def _symbols(d):
    ctx = d.context
    N, K = sorted(ctx.sizes, key=str)[::-1]  # (N, K)
    (x,) = ctx.datasets
    (q,) = ctx.families
    n, p = (defn.lhs.base for defn in ctx.definitions if isinstance(defn.lhs, sp.Indexed))
    i = sp.Symbol("i", integer=True)
    return N, K, x, q, n, p, i


def mutants(d):
    N, K, x, q, n, p, i = _symbols(d)
    k = sp.Symbol("k", integer=True)
    return {
        "name-q": ("index changed", sp.Product(q[k], (k, 1, N))),
        "group-by-counts": ("exponent changed", sp.Product(q[i] ** (n[i] + 1), (i, 1, K))),
        "counts-to-frequencies": ("1/N dropped", sp.Product(q[i] ** p[i], (i, 1, K))),
        "take-logs": ("p and q swapped", N * sp.Sum(q[i] * sp.log(p[i]), (i, 1, K))),
        "divide-by-n": ("1/N dropped", N * sp.Sum(p[i] * sp.log(q[i]), (i, 1, K))),
        "cross-entropy": ("sign flipped", -_step(d, "cross-entropy").expr),
        "average-nll": ("p and q swapped", CrossEntropy(q, p)),
        # the exponent only: subs(2, 3) would also make p(2 | θ) into p(3 | θ), which at the example's K = 2 is
        # no declared outcome (undecided, not refuted, since the example fixes K)
        "worked-example": (
            "exponent changed",
            d.steps[1].expr.replace(lambda e: e.is_Pow and e.exp == 2, lambda e: e.base**3),
        ),
    }


def _step(d, name):
    return next(s for s in d.steps if s.name == name)


def with_step_replaced(d, name, expr):
    steps = [dataclasses.replace(s, expr=expr) if s.name == name else s for s in d.steps]
    return dataclasses.replace(d, steps=steps)


@pytest.mark.parametrize(
    "name",
    [
        "worked-example",
        "name-q",
        "group-by-counts",
        "counts-to-frequencies",
        "take-logs",
        "divide-by-n",
        "cross-entropy",
        "average-nll",
    ],
)
def test_a_wrong_step_is_refuted_with_a_counterexample(flagship, name):
    why, wrong = mutants(flagship)[name]
    report = check_derivation(with_step_replaced(flagship, name, wrong), Options(budget=20))
    (result,) = [r for s, r in zip(report.derivation.steps, report.results) if s.name == name]
    assert result.evidence is Evidence.REFUTED, (why, result.detail)
    cex = result.counterexample
    assert cex is not None and cex.values and cex.lhs_value != cex.rhs_value
    assert not report.passed
    others = [r.evidence for s, r in zip(report.derivation.steps, report.results) if s.name != name]
    assert Evidence.REFUTED not in others


def test_counterexamples_lie_inside_the_assumptions(flagship):
    _, wrong = mutants(flagship)["take-logs"]
    step = next(s for s in flagship.steps if s.name == "take-logs")
    result = verify_claim(step.claim_lhs, wrong, flagship.context)
    values = result.counterexample.values
    n_, k_ = int(values["N"]), int(values["K"])
    xs = [int(v) for v in values["x"].strip("(,)").split(",")]
    qs = [sp.Rational(v) for v in values["q"].strip("(,)").split(",")]
    assert n_ >= 1 and k_ >= 1 and len(xs) == n_ and all(1 <= v <= k_ for v in xs)
    assert len(qs) == k_ and all(v > 0 for v in qs) and sum(qs) == 1
    # Both sides' values are reported exactly and they differ.
    assert sp.N(sp.sympify(result.counterexample.lhs_value) - sp.sympify(result.counterexample.rhs_value)) != 0


def test_the_counterexample_is_the_smallest_readable_one(flagship):
    _, wrong = mutants(flagship)["take-logs"]
    step = next(s for s in flagship.steps if s.name == "take-logs")
    cex = verify_claim(step.claim_lhs, wrong, flagship.context).counterexample
    assert cex.values == {"K": "2", "N": "2", "x": "(1, 2)", "q": "(1/3, 2/3)"}


def test_assumption_steps_are_never_proved(flagship):
    report = check_derivation(flagship)
    kinds = {s.kind: r.evidence for s, r in zip(flagship.steps, report.results)}
    assert kinds[Kind.ASSUME] is Evidence.ASSUMED


def test_a_step_that_reaches_only_a_weaker_level_fails_unless_allowed(flagship):
    x = sp.Symbol("x", positive=True)
    weak = verify_claim(sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1), flagship.context)
    assert weak.evidence is Evidence.NUMERIC
    assert not weak.evidence.satisfies(Evidence.PROVED)
    assert weak.evidence.satisfies(Evidence.NUMERIC)
