"""Derivatives as ML courses state them: by a member of a family (∂z_j/∂z_i = δ_ij, with the range check of delta
summation), sums term by term (nested too), the chain rule through functions given by ``ctx.define`` (sigmoid,
softmax, log-sum-exp of a whole family), second derivatives, and an index nobody declared (∂L/∂z_i with a plain
integer ``i``, read as ranging over z's range). Each true gradient is proved; each slip a student makes (a factor
2, a sign, δ_ij read as 1, a dropped term) is refuted with a counterexample.
"""

from __future__ import annotations

import pytest
import sympy as sp
from sympy import Derivative, Function, KroneckerDelta, Sum, Symbol, exp, log

from derive import Context
from derive.checks.steps import verify_claim
from derive.checks.wellformed import implied_index_ranges, with_implied_indices
from derive.core.evidence import Evidence

ctx = Context()
K, N, D = ctx.size("K"), ctx.size("N"), ctx.size("D")
z = ctx.real("z", index=(1, K))
y = ctx.positive("y", index=(1, K), sums_to_one=True)
w = ctx.real("w", index=(1, D))
X = ctx.real("X", index=[(1, N), (1, D)])
t = ctx.real("t", index=(1, N))
b = ctx.data("b", (1, N), values=(0, 1))
i, j, k = ctx.value("i", (1, K)), ctx.value("j", (1, K)), ctx.value("k", (1, D))
m, n, d = (Symbol(s, integer=True) for s in "mnd")
u = Symbol("u", real=True)
sigma, lse = Function("sigma"), Function("lse")
ctx.define(sigma(u), 1 / (1 + exp(-u)), "sigmoid")
p = ctx.positive("p", index=(1, K))
ctx.define(p[i], exp(z[i]) / Sum(exp(z[m]), (m, 1, K)), "softmax")
ctx.define(lse(z), log(Sum(exp(z[m]), (m, 1, K))), "log-sum-exp")

Z = Sum(exp(z[m]), (m, 1, K))
pred = Sum(w[d] * X[n, d], (d, 1, D))
squares = Sum((t[n] - pred) ** 2, (n, 1, N))
nll = -Sum(b[n] * log(sigma(pred)) + (1 - b[n]) * log(1 - sigma(pred)), (n, 1, N))
mu, s = Symbol("mu", real=True), Symbol("s", positive=True)
gauss = Sum(-log(s) - (t[n] - mu) ** 2 / (2 * s**2), (n, 1, N))

# (name, lhs, right gradient, wrong gradients)
CASES = [
    ("member", Derivative(z[j], z[i]), KroneckerDelta(i, j), []),
    ("sum_of_squares", Derivative(Sum(z[m] ** 2, (m, 1, K)), z[i]), 2 * z[i], [z[i], -2 * z[i]]),
    ("lse_gradient", Derivative(lse(z), z[i]), p[i], [1 - p[i], exp(z[i])]),
    (
        "softmax_jacobian",
        Derivative(p[i], z[j]),
        p[i] * (KroneckerDelta(i, j) - p[j]),
        [p[i] * (1 - p[j]), -p[i] * p[j], p[i] * (KroneckerDelta(i, j) + p[j])],
    ),
    (
        "lse_hessian",
        Derivative(lse(z), z[i], z[j]),
        p[i] * KroneckerDelta(i, j) - p[i] * p[j],
        [p[i] - p[i] * p[j], p[i] * KroneckerDelta(i, j)],
    ),
    ("cross_entropy", Derivative(-Sum(y[m] * log(p[m]), (m, 1, K)), z[i]), p[i] - y[i], [p[i], y[i] - p[i]]),
    (
        "least_squares",
        Derivative(squares, w[k]),
        -2 * Sum(X[n, k] * (t[n] - pred), (n, 1, N)),
        [-Sum(X[n, k] * (t[n] - pred), (n, 1, N)), 2 * Sum(X[n, k] * (t[n] - pred), (n, 1, N))],
    ),
    (
        "logistic",
        Derivative(nll, w[k]),
        Sum((sigma(pred) - b[n]) * X[n, k], (n, 1, N)),
        [Sum((b[n] - sigma(pred)) * X[n, k], (n, 1, N)), Sum(sigma(pred) * X[n, k], (n, 1, N))],
    ),
    ("gaussian_mean", Derivative(gauss, mu), Sum(t[n] - mu, (n, 1, N)) / s**2, [Sum(t[n] - mu, (n, 1, N)) / s]),
    (
        "gaussian_spread",
        Derivative(gauss, s),
        -N / s + Sum((t[n] - mu) ** 2, (n, 1, N)) / s**3,
        [-N / s + Sum((t[n] - mu) ** 2, (n, 1, N)) / s**2, Sum((t[n] - mu) ** 2, (n, 1, N)) / s**3],
    ),
    ("sigmoid", Derivative(sigma(u), u), sigma(u) * (1 - sigma(u)), [sigma(u) * (1 + sigma(u))]),
    ("sigmoid_second", Derivative(sigma(u), u, 2), sigma(u) * (1 - sigma(u)) * (1 - 2 * sigma(u)), [sigma(u) ** 2]),
]


@pytest.mark.parametrize("name, lhs, right, wrong", CASES, ids=[c[0] for c in CASES])
def test_right_gradient_is_proved_and_slips_refuted(name, lhs, right, wrong) -> None:
    result = verify_claim(lhs, right, ctx)
    assert result.evidence == Evidence.PROVED, (result.detail, result.why_not)
    for slip in wrong:
        result = verify_claim(lhs, slip, ctx)
        assert result.evidence == Evidence.REFUTED, (slip, result.detail)


def test_a_slip_that_drops_the_index_is_refuted() -> None:
    """∂z_j/∂z_i = 1 and ∂/∂z_i Σ_m exp(z_m) = 0 mention i only as the variable: still refuted."""
    assert verify_claim(Derivative(z[j], z[i]), sp.Integer(1), ctx).evidence == Evidence.REFUTED
    assert verify_claim(Derivative(Z, z[i]), sp.Integer(0), ctx).evidence == Evidence.REFUTED


def test_delta_summation_checks_the_range() -> None:
    """Σ_{m=1}^{K−1} δ_im z_m is z_i only for i < K: with i in 1..K the claim is refuted, not proved; and the
    derivative of a sum that misses a member is not that member's term."""
    assert verify_claim(Sum(KroneckerDelta(i, m) * z[m], (m, 1, K - 1)), z[i], ctx).evidence == Evidence.REFUTED
    partial = Derivative(Sum(z[m] ** 2, (m, 2, K)), z[i])
    assert verify_claim(partial, 2 * z[i], ctx).evidence == Evidence.REFUTED
    inside = ctx_with_value("r", (2, K))
    r = Symbol("r", integer=True)
    assert verify_claim(Derivative(Sum(z[m] ** 2, (m, 2, K)), z[r]), 2 * z[r], inside).evidence == Evidence.PROVED


def ctx_with_value(name: str, values: tuple) -> Context:
    """A context like the module's with one more declared index (contexts are not copied by tests elsewhere)."""
    import copy

    new = copy.copy(ctx)
    new.integer_values = dict(ctx.integer_values)
    new.value(name, values)
    return new


# -- an index nobody declared ----------------------------------------------------------------------------------
a, c = Symbol("a", integer=True), Symbol("c", integer=True)


def test_an_undeclared_index_ranges_over_its_family() -> None:
    lhs = Derivative(Sum(z[m] ** 2, (m, 1, K)), z[a])
    assert implied_index_ranges([lhs, 2 * z[a]], ctx) == {a: (1, K)}
    implied = with_implied_indices(lhs, 2 * z[a], ctx)
    assert implied.integer_values[a] == (1, K) and a not in ctx.integer_values  # a copy: the next step is free
    assert verify_claim(lhs, 2 * z[a], implied).evidence == Evidence.PROVED
    assert verify_claim(lhs, z[a], implied).evidence == Evidence.REFUTED
    jacobian = Derivative(exp(z[a]) / Z, z[c])
    right = exp(z[a]) / Z * (KroneckerDelta(a, c) - exp(z[c]) / Z)
    assert verify_claim(jacobian, right, with_implied_indices(jacobian, right, ctx)).evidence == Evidence.PROVED
    # the checks imply the range themselves: a lecturer's plain Symbol("a", integer=True) is enough
    assert verify_claim(lhs, 2 * z[a], ctx).evidence == Evidence.PROVED
    assert verify_claim(lhs, z[a], ctx).evidence == Evidence.REFUTED
    assert verify_claim(jacobian, right, ctx).evidence == Evidence.PROVED


@pytest.mark.parametrize(
    "claim",
    [
        z[a] + w[a],  # two ranges (1..K and 1..D): which one?
        z[a + 1] - z[a],  # a shifted index: a ranges over 0..K−1 there
        Sum(z[a], (a, 1, K)),  # bound, not free
        z[Symbol("a_real", real=True)],  # not an integer
    ],
)
def test_no_range_is_implied_when_the_reading_is_ambiguous(claim) -> None:
    assert implied_index_ranges([claim], ctx) == {}


def test_a_declared_index_keeps_its_declaration() -> None:
    assert implied_index_ranges([z[i]], ctx) == {}
    assert with_implied_indices(z[i], z[i], ctx) is ctx


def test_an_index_whose_flags_its_range_does_not_imply_is_left_alone() -> None:
    """A negative index cannot range over 1..K: no reading is implied (the why-not report names the declaration)."""
    neg = Symbol("e", integer=True, negative=True)
    assert implied_index_ranges([z[neg]], ctx) == {}
    pos = Symbol("e", integer=True, positive=True)
    assert implied_index_ranges([z[pos]], ctx) == {pos: (1, K)}


def test_undeclared_index_unproved_says_what_to_declare() -> None:
    """Without the implied reading the step is not proved, and the report names ctx.value(...)."""
    result = verify_claim(Derivative(Sum(z[m] ** 2, (m, 1, K)), z[a]), 2 * z[a], ctx)
    if result.evidence != Evidence.PROVED:  # verify_claim does not read indices yet (see with_implied_indices)
        assert any('ctx.value("a", (1, K))' in line for line in result.why_not), result.why_not
