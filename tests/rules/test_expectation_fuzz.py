"""Fuzz of the expectation rules.

1. Wherever an expectation rule fires on a random instance (tests/rules/strategies_expectation.py), the value is
   unchanged at points inside the declarations (the machinery of tests/rules/test_fuzz.py).
2. Random polynomials p(x): E_{x∼N(μ, σ²)}[p(x)] claimed equal to its closed form or to a perturbed one, each
   labelled true or false by mpmath quadrature (30 digits) at two (μ, σ), independently of the rules; a false claim
   is never proved and a true one never refuted.
3. Each test can fail: a table entry made wrong, or a side condition switched off, turns it red.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import derive.engine.rules.expectation as expectation_rules
from derive.checks.steps import verify_claim
from derive.core.context import Context
from derive.core.evidence import Evidence
from derive.core.expectation import E, Normal
from derive.engine.rules import RULES
from tests.rules import strategies, strategies_expectation
from tests.rules.test_fuzz import FUZZ, MIN_FIRED, Tally, fuzz_case

CASES = strategies_expectation.cases(strategies.embedded)
NAMES = sorted(CASES)

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
POINTS = ((sp.Rational(1, 3), sp.Rational(3, 2)), (sp.Integer(-2), sp.Rational(1, 2)))


def run(name: str, *, fail: bool = True, examples: int | None = None) -> Tally:
    tally = Tally()
    rule = RULES[name]
    decorate = settings(FUZZ, max_examples=examples) if examples else FUZZ

    @decorate
    @given(case=CASES[name], seed=st.integers(0, 2**32 - 1))
    def fuzz(case, seed):
        if not fail and tally.differ:
            return
        fuzz_case(case, [rule], seed, tally, fail=fail)

    fuzz()
    return tally


def test_every_expectation_rule_has_a_strategy():
    assert set(NAMES) == {r.name for r in expectation_rules.RULES}


@pytest.mark.parametrize("name", NAMES)
def test_rule_preserves_value_wherever_it_fires(name):
    tally = run(name)
    total = sum(tally.fired.values())
    assert total >= MIN_FIRED, f"{name} fired in {total} of {tally.examples} instances: fix its strategy"
    assert tally.statuses["equal"] > 0, f"{name}: no rewrite was ever compared ({dict(tally.statuses)})"


def test_a_wrong_table_entry_is_caught(monkeypatch):
    wrong = expectation_rules.gaussian_moment_value
    monkeypatch.setattr(expectation_rules, "gaussian_moment_value", lambda n, m, s: wrong(n, m, s) + s ** (n - 1))
    assert run("gaussian_moment", fail=False).differ


def test_a_switched_off_side_condition_is_caught(monkeypatch):
    # E_q[c] = c for weights that do not sum to one changes the value
    monkeypatch.setattr(expectation_rules, "_sums_to_one", lambda e, env: ("assumed",))
    assert run("expectation_const", fail=False).differ


# -- claims: E[p(x)] = closed form, labelled by quadrature ------------------------------------------------------------
def quadrature(poly: sp.Expr, m: sp.Rational, s: sp.Rational):
    """E[poly(x)] for x ∼ N(m, s²) by mpmath quadrature of poly × density, at 40 digits."""
    f = sp.lambdify(x, poly.subs(mu, m), "mpmath")
    with mpmath.workdps(40):
        mm, ss = mpmath.mpf(m.p) / m.q, mpmath.mpf(s.p) / s.q
        return mpmath.quad(
            lambda t: f(t) * mpmath.exp(-((t - mm) ** 2) / (2 * ss**2)) / mpmath.sqrt(2 * mpmath.pi * ss**2),
            [-mpmath.inf, mm, mpmath.inf],
        )


def true_by_quadrature(poly: sp.Expr, claimed: sp.Expr) -> bool:
    for m, s in POINTS:
        value = claimed.subs({mu: m, sigma: s})
        quad = quadrature(poly, m, s)
        with mpmath.workdps(40):
            if abs(mpmath.mpf(value.p) / value.q - quad) > mpmath.mpf(10) ** -25 * max(1, abs(quad)):
                return False
    return True


@st.composite
def claims(draw):
    coefficients = draw(st.lists(st.integers(-3, 3), min_size=1, max_size=5))
    shift = draw(st.sampled_from([0, 1, mu, -2]))
    poly = sp.Add(*(c * (x - shift) ** n for n, c in enumerate(coefficients)))
    closed = sp.expand(
        sp.Add(*(c * expectation_rules.gaussian_moment_value(n, mu - shift, sigma) for n, c in enumerate(coefficients)))
    )
    perturb = draw(st.sampled_from([0, 0, 1, sigma**2, mu * sigma, sp.Rational(1, 7) * mu**2]))
    return poly, closed + perturb


@settings(max_examples=25, deadline=None)
@given(claim=claims())
def test_polynomial_expectations_are_never_misjudged(claim):
    poly, claimed = claim
    truth = true_by_quadrature(poly, claimed)
    result = verify_claim(E(poly, x, Normal(mu, sigma)), claimed, Context())
    if truth:
        assert result.evidence is not Evidence.REFUTED, (poly, claimed, result.detail)
        assert result.evidence is Evidence.PROVED, (poly, claimed, result.detail)  # polynomials: always settled
    else:
        assert result.evidence is not Evidence.PROVED, (poly, claimed, result.detail)
