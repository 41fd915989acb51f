"""A value at a point, f′(θ)|_{θ=a}: the sampler must not put a value for θ inside the Subs that binds it (it had
refuted the true ℓ′(k/N) = 0 of proofs/bernoulli_mle.py with "Subs(3/2, 1/3, 1/2)")."""

from __future__ import annotations

import sympy as sp
from sympy import Derivative, Function, Integer, Subs, log

from derive import Context, Derivation
from derive.checks.sampling.evaluation import put
from derive.core.evidence import Evidence


def _stationary(value):
    ctx = Context()
    N = ctx.size("N", minimum=2)
    k = ctx.value("k", (1, N - 1))
    theta = ctx.probability("theta")
    ell = Function("ell")
    ctx.define(ell(theta), k * log(theta) + (N - k) * log(1 - theta), text=r"\ell")
    d = Derivation("score at k/N", ctx, start=Subs(Derivative(ell(theta), theta), theta, k / N), name="at-k-over-n")
    d.step(value(k, N), "put θ = k/N in the score k/θ − (N − k)/(1 − θ)", name="plug")
    return d


def test_a_value_for_a_subs_variable_goes_into_its_point_only():
    x, a = sp.symbols("x a")
    at = put(Subs(x**2 + a, x, a + 1), {x: sp.Rational(1, 3), a: Integer(2)})
    assert at == 11  # (a + 1)² + a at a = 2, whatever value x was given


def test_the_score_at_its_stationary_point_is_never_refuted():
    result = _stationary(lambda k, N: k / (k / N) - (N - k) / (1 - k / N)).check(cache=False).results[0]
    assert result.evidence is not Evidence.REFUTED, result


def test_a_wrong_value_at_the_point_is_refuted_inside_the_declarations():
    result = _stationary(lambda k, N: k / (k / N) - (N - k) / (1 - k / N) + 1).check(cache=False).results[0]
    assert result.evidence is Evidence.REFUTED
    assert result.counterexample is not None


def test_the_variables_of_a_subs_take_their_point_all_at_once():
    ctx = Context()
    x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
    swapped = Derivation("swap", ctx, start=Subs(x - y, (x, y), (y, x)), name="swap")
    swapped.step(y - x, "x − y with x and y exchanged", name="exchanged")
    assert swapped.check(cache=False).results[0].evidence is not Evidence.REFUTED
    assert put(Subs(x - y, (x, y), (y, x)), {x: Integer(1), y: Integer(2)}) == 1
