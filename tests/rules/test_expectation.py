"""The expectation rules (derive.engine.rules.expectation): each proves its identity and refuses a false variant or
a missing side condition; the Gaussian table is validated by mpmath quadrature at 30 digits, independently of the
rules; and a claim holding an expectation is checked end to end (proved, refuted at a point, or undecided)."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from derive.checks.sampling.evaluation import normal_moments
from derive.checks.steps import verify_claim
from derive.core.context import Context
from derive.core.evidence import Evidence
from derive.core.expectation import E, FiniteExpectation, GaussianExpectation, Normal, normal_pdf
from derive.engine.prove import prove_equal
from derive.engine.rules import RULES
from derive.engine.rules.expectation import gaussian_moment_value

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
s_real = sp.Symbol("s", real=True)  # a standard deviation not declared positive
i = sp.Symbol("i", integer=True)
LINE = (x, -sp.oo, sp.oo)


def rules_of(lhs, rhs, ctx=None, hints=()):
    trace = prove_equal(sp.sympify(lhs), sp.sympify(rhs), ctx or Context(), hints)
    return None if trace is None else [e.rule for e in trace]


def gauss(body, m=mu, s=sigma):
    return E(body, x, Normal(m, s))


# -- the Gaussian table: proved, a false variant not, σ not declared positive not ----------------------------------
TABLE = [
    ("gaussian_mean", x, mu),
    ("gaussian_second_moment", x**2, mu**2 + sigma**2),
    ("gaussian_variance", (x - mu) ** 2, sigma**2),
    ("gaussian_moment", x**4, mu**4 + 6 * mu**2 * sigma**2 + 3 * sigma**4),
]


@pytest.mark.parametrize(("rule", "body", "value"), TABLE)
def test_each_table_entry_proves_its_identity(rule, body, value):
    assert rules_of(gauss(body), value, hints=(rule,)) == [rule, "ring_nf"]


@pytest.mark.parametrize(("rule", "body", "value"), TABLE)
def test_a_false_variant_is_not_proved(rule, body, value):
    assert rules_of(gauss(body), value + sigma) is None
    assert rules_of(gauss(body), value.subs({mu: 2 * mu, sigma: 2 * sigma})) is None


@pytest.mark.parametrize(("rule", "body", "value"), TABLE)
def test_sigma_not_declared_positive_is_refused(rule, body, value):
    assert RULES[rule].apply(gauss(body.subs(sigma, s_real), s=s_real), _env()) is None
    assert rules_of(gauss(body, s=s_real), value.subs(sigma, s_real)) is None


def _env():
    from derive.engine.facts import Env

    return Env(Context())


@pytest.mark.parametrize("n", range(0, 9))
@pytest.mark.parametrize(("m", "s"), [(0, 1), (sp.Rational(1, 2), 3), (-2, sp.Rational(1, 3)), (sp.Rational(7, 3), 2)])
def test_the_moments_agree_with_quadrature_at_30_digits(n, m, s):
    """E[x^n] by the table's closed form and by the sampler's (moment generating function), against mpmath
    quadrature of x^n N(x; μ, σ²) over the real line, computed here from the density alone."""
    m, s = sp.Rational(m), sp.Rational(s)
    closed_forms = (gaussian_moment_value(n, m, s), normal_moments(x**n, x, m, s))
    with mpmath.workdps(40):
        mm, ss = mpmath.mpf(m.p) / m.q, mpmath.mpf(s.p) / s.q
        density = lambda t: mpmath.exp(-((t - mm) ** 2) / (2 * ss**2)) / mpmath.sqrt(2 * mpmath.pi * ss**2)  # noqa: E731
        quad = mpmath.quad(lambda t: t**n * density(t), [-mpmath.inf, mm, mpmath.inf])
        for closed in closed_forms:
            exact = mpmath.mpf(closed.p) / closed.q
            assert abs(exact - quad) < mpmath.mpf(10) ** -30 * max(1, abs(quad))


@pytest.mark.parametrize(("m", "s"), [(0, 1), (sp.Rational(1, 2), 3), (-2, sp.Rational(1, 3))])
def test_normalisation_and_variance_agree_with_quadrature(m, s):
    with mpmath.workdps(40):
        f = sp.lambdify(x, normal_pdf(x, m, s), "mpmath")
        one = mpmath.quad(f, [-mpmath.inf, m, mpmath.inf])
        var = mpmath.quad(lambda t: (t - m) ** 2 * f(t), [-mpmath.inf, m, mpmath.inf])
        variance = mpmath.mpf(sp.Rational(s).p) ** 2 / sp.Rational(s).q ** 2
        assert abs(one - 1) < mpmath.mpf(10) ** -30
        assert abs(var - variance) < mpmath.mpf(10) ** -30


def test_evalf_of_a_gaussian_expectation_is_quadrature():
    e = gauss(sp.exp(x), m=1, s=2)
    assert abs(sp.N(e, 30) - sp.exp(3).evalf(30)) < 1e-28
    assert sp.N(gauss(x**2), 15).has(GaussianExpectation)  # symbolic parameters: left standing


# -- linearity ---------------------------------------------------------------------------------------------------
def test_a_polynomial_expectation_by_linearity():
    body = 3 * x**2 - 2 * x + 5
    assert "expectation_add" in rules_of(gauss(body), 3 * (mu**2 + sigma**2) - 2 * mu + 5)
    assert rules_of(gauss((x - 1) ** 3), sp.expand(gaussian_moment_value(3, mu - 1, sigma))) is not None
    assert rules_of(gauss(body), 3 * (mu**2 + sigma**2) - 2 * mu + 4) is None


def test_linearity_needs_a_polynomial_body():
    assert rules_of(gauss(sp.exp(x) + x), gauss(sp.exp(x)) + mu) is None
    assert rules_of(gauss(2 * sp.exp(x)), 2 * gauss(sp.exp(x))) is None


def test_expectation_smul_takes_out_what_is_free_of_x():
    assert rules_of(gauss(mu * x**2), mu * gauss(x**2), hints=("expectation_smul",)) == ["expectation_smul", "ring_nf"]


def test_expectation_const_of_a_gaussian_and_of_a_distribution():
    ctx = Context()
    K = ctx.size("K")
    p = ctx.positive("p", (1, K), sums_to_one=True)
    q = ctx.positive("q", (1, K))
    assert rules_of(gauss(mu + 3), mu + 3) is not None
    assert rules_of(E(mu, over=(i, 1, K), p=p[i]), mu, ctx) == ["expectation_const", "ring_nf"]
    # not a distribution, or not over its declared range: E is Σ q_i·c, not c
    assert rules_of(E(mu, over=(i, 1, K), p=q[i]), mu, ctx) is None
    assert rules_of(E(mu, over=(i, 1, K - 1), p=p[i]), mu, ctx) is None


def test_finite_expectation_is_its_sum_for_nonnegative_weights():
    ctx = Context()
    K = ctx.size("K")
    p = ctx.positive("p", (1, K), sums_to_one=True)
    z = ctx.real("z", (1, K))
    lhs = E(sp.log(p[i]), over=(i, 1, K), p=p[i])
    assert rules_of(lhs, sp.Sum(p[i] * sp.log(p[i]), (i, 1, K)), ctx) == ["expectation_finite", "ring_nf"]
    assert rules_of(E(i, over=(i, 1, K), p=z[i]), sp.Sum(z[i] * i, (i, 1, K)), ctx) is None  # z may be negative
    assert rules_of(2 * E(2 * i + 1, over=(i, 1, K), p=p[i]), 4 * E(i, over=(i, 1, K), p=p[i]) + 2, ctx) is not None


# -- integrals over the real line ---------------------------------------------------------------------------------
def test_gaussian_integral_and_its_variants():
    assert rules_of(sp.Integral(normal_pdf(x, mu, sigma), LINE), 1) == ["gaussian_integral", "ring_nf"]
    density = sp.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sp.sqrt(2 * sp.pi) * sigma)
    assert rules_of(sp.Integral(density, LINE), 1) is not None
    assert rules_of(sp.Integral(sp.exp(-(x**2)), LINE), sp.sqrt(sp.pi)) is not None
    assert rules_of(sp.Integral(sp.exp(-(x**2)), LINE), sp.pi) is None
    assert rules_of(sp.Integral(normal_pdf(x, mu, s_real), LINE), 1) is None  # σ not declared positive
    assert rules_of(sp.Integral(sp.exp(x**2), LINE), sp.sqrt(sp.pi)) is None  # diverges
    assert rules_of(sp.Integral(normal_pdf(x, mu, sigma), (x, 0, sp.oo)), sp.Rational(1, 2)) is None


def test_integral_of_a_polynomial_times_the_density_is_an_expectation():
    lhs = sp.Integral((x**2 + x) * normal_pdf(x, mu, sigma), LINE)
    assert rules_of(lhs, mu**2 + sigma**2 + mu) is not None
    assert rules_of(sp.Integral(x**2 * normal_pdf(x, mu, sigma), LINE), gauss(x**2), hints=("integral_gaussian",))
    assert rules_of(lhs, mu**2 + sigma**2) is None
    split = sp.Integral(x * normal_pdf(x, mu, sigma) + x**2 * normal_pdf(x, 0, 1), LINE)
    assert "integral_add" in rules_of(split, mu + 1)


# -- end to end: the guard and the sampler evaluate expectations ---------------------------------------------------
def test_a_true_claim_is_proved_and_a_false_one_refuted():
    ctx = Context()
    assert verify_claim(gauss((x - mu) ** 2), sigma**2, ctx).evidence is Evidence.PROVED
    wrong = verify_claim(gauss((x - mu) ** 2), sigma**2 + mu, ctx)
    assert wrong.evidence is Evidence.REFUTED and wrong.counterexample is not None


def test_what_no_rule_settles_stays_undecided_never_refuted():
    ctx = Context()
    # E[e^x] = e^{μ + σ²/2} is true, but no rule gives it and no exact value is certified: undecided
    assert verify_claim(gauss(sp.exp(x)), sp.exp(mu + sigma**2 / 2), ctx).evidence is Evidence.UNDECIDED
    assert verify_claim(gauss(sp.exp(x)), sp.exp(mu + sigma**2), ctx).evidence is Evidence.UNDECIDED


def test_a_finite_expectation_is_evaluated_term_by_term():
    ctx = Context()
    K = ctx.size("K")
    p = ctx.positive("p", (1, K), sums_to_one=True)
    lhs = E(2 * i + 1, over=(i, 1, K), p=p[i])
    assert verify_claim(lhs, 2 * sp.Sum(p[i] * i, (i, 1, K)) + 1, ctx).evidence is Evidence.PROVED
    assert verify_claim(lhs, 2 * sp.Sum(p[i] * i, (i, 1, K)), ctx).evidence is Evidence.REFUTED


def test_construction_and_binding():
    e = gauss(x**2)
    assert x not in e.free_symbols and e.free_symbols == {mu, sigma}
    f = E(i**2, over=(i, 1, 3), p=sp.IndexedBase("p")[i])
    assert isinstance(f, FiniteExpectation) and i not in f.free_symbols
    with pytest.raises(TypeError):
        E(x, over=(i, 1, 3))
    with pytest.raises(TypeError):
        E(x, x, (mu, sigma))


def test_a_normal_may_not_depend_on_its_own_variable():
    with pytest.raises(ValueError, match="may not depend on its variable"):
        E(x, x, Normal(x, sigma))


def test_a_definition_through_an_expectation_unfolds_and_proves():
    ctx = Context()
    K = ctx.size("K")
    p = ctx.positive("p", (1, K), sums_to_one=True)
    q = ctx.positive("q", (1, K), sums_to_one=True)
    H = sp.Function("H")
    P, Q = sp.IndexedBase("P"), sp.IndexedBase("Q")
    ctx.define(H(P, Q), -E(sp.log(Q[i]), over=(i, 1, K), p=P[i]))
    result = verify_claim(H(p, q), -sp.Sum(p[i] * sp.log(q[i]), (i, 1, K)), ctx)
    assert result.evidence is Evidence.PROVED
    assert verify_claim(H(p, q), sp.Sum(p[i] * sp.log(q[i]), (i, 1, K)), ctx).evidence is Evidence.REFUTED


def test_an_integral_over_the_real_line_is_checked_and_any_other_is_outside():
    """∫_{−∞}^{∞} x² N(x; μ, σ²) dx = μ² + σ² is proved and a wrong moment refuted; ∫_0^∞ stays outside."""

    x, mu, s = sp.Symbol("x", real=True), sp.Symbol("mu", real=True), sp.Symbol("s", positive=True)
    line = (x, -sp.oo, sp.oo)
    second = sp.Integral(x**2 * normal_pdf(x, mu, s), line)
    assert verify_claim(second, mu**2 + s**2, Context()).evidence is Evidence.PROVED
    assert verify_claim(second, mu**2 + 2 * s**2, Context()).evidence is Evidence.REFUTED
    assert verify_claim(sp.Integral(sp.exp(-(x**2)), line), sp.sqrt(sp.pi), Context()).evidence is Evidence.PROVED
    half = verify_claim(sp.Integral(sp.exp(-(x**2)), (x, 0, sp.oo)), sp.sqrt(sp.pi) / 2, Context())
    assert half.evidence is Evidence.UNDECIDED and "outside" in half.detail


def test_the_variable_averaged_over_is_bound_when_the_same_symbol_is_free_beside_it():
    """Review finding: E_{x~N(mu, s^2)}[x^2] >= x^2 crashed the guard, which put x = 2 into the expectation too."""
    from derive.checks.relations import verify_inequality
    from derive.core.model import Relation

    x, mu, s = sp.Symbol("x", real=True), sp.Symbol("mu", real=True), sp.Symbol("s", positive=True)
    second = E(x**2, x, Normal(mu, s))
    assert second.xreplace({x: 2}) == second and second.subs(x, 2) == second
    assert verify_inequality(second, x**2, Relation.GE, Context()).evidence is Evidence.REFUTED


def test_an_expectation_of_real_values_is_real_so_an_order_may_compare_it():
    """Review finding: with the reality check on the sides of an inequality, E[x²] ≥ μ² was only numeric because an
    expectation did not say it is real; one whose body is not real stays unknown."""
    from derive.checks.relations import verify_inequality
    from derive.core.model import Relation

    x, mu, s = sp.Symbol("x", real=True), sp.Symbol("mu", real=True), sp.Symbol("s", positive=True)
    assert E(x**2, x, Normal(mu, s)).is_extended_real is True
    assert E(sp.log(x), x, Normal(mu, s)).is_extended_real is None
    assert verify_inequality(E(x**2, x, Normal(mu, s)), mu**2, Relation.GE, Context()).evidence is Evidence.PROVED
    variance = E((x - mu) ** 2, x, Normal(mu, s))
    assert verify_inequality(variance, s**2, Relation.GE, Context()).evidence is Evidence.PROVED
    assert verify_inequality(variance, 2 * s**2, Relation.GE, Context()).evidence is Evidence.REFUTED
