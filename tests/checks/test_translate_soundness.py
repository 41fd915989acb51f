"""Soundness of the reference proof for all sizes: every shipped function is proved, and a planted slip in any of
them (an off-by-one range, a shifted index, a dropped term, a wrong constant, a max shift that does not cancel) is
refuted with a counterexample, never proved; a proof the runs contradict is an engine inconsistency.

The planted functions are at module level because the translator reads their source.
"""

from __future__ import annotations

import math

import pytest
from sympy import KroneckerDelta, Rational, Sum, Symbol, cos, exp, log, pi

from derive import Context, Evidence
from derive.checks.code import Reference, check_reference, verdict
from derive.checks.code.allsizes import prove_for_all_sizes
from derive.core.evidence import StepResult
from derive.losses import (
    average_nll,
    bernoulli_kl,
    bernoulli_log_likelihood,
    gaussian_kl,
    gaussian_nll,
    kl_divergence,
    log_sum_exp,
    one_hot_nll,
    sigmoid,
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_gradient,
)

k, i = Symbol("k", integer=True), Symbol("i", integer=True)


# -- the settings: each shipped function's formula, as its derivation arrives at it ------------------------------
def _nll():
    ctx = Context()
    N, K = ctx.size("N"), ctx.size("K")
    x = ctx.data("x", index=(1, N), values=(1, K))
    q = ctx.positive("q", index=(1, K), sums_to_one=True)
    p_i = Sum(KroneckerDelta(i, x[k]), (k, 1, N)) / N  # the empirical distribution, as iid-cross-entropy has it
    return ctx, (q, x), -Sum(p_i * log(q[i]), (i, 1, K))


def _kl():
    ctx = Context()
    K = ctx.size("K")
    p = ctx.positive("p", index=(1, K), sums_to_one=True)
    q = ctx.positive("q", index=(1, K), sums_to_one=True)
    return ctx, (p, q), -Sum(p[k] * log(q[k]), (k, 1, K)) + Sum(p[k] * log(p[k]), (k, 1, K))


def _scores():
    ctx = Context()
    M = ctx.size("M")
    z = ctx.real("z", index=(1, M))
    y = ctx.positive("y", index=(1, M), sums_to_one=True)
    j = ctx.value("j", values=(1, M))
    return ctx, M, z, y, j


def _softmax():
    ctx, M, z, y, j = _scores()
    return ctx, (z, j), exp(z[j]) / Sum(exp(z[k]), (k, 1, M))


def _log_sum_exp():
    ctx, M, z, y, j = _scores()
    return ctx, (z,), log(Sum(exp(z[k]), (k, 1, M)))


def _softmax_ce():
    ctx, M, z, y, j = _scores()
    return ctx, (z, y), -Sum(y[i] * log(exp(z[i]) / Sum(exp(z[k]), (k, 1, M))), (i, 1, M))


def _softmax_ce_gradient():
    ctx, M, z, y, j = _scores()
    return ctx, (z, y, j), exp(z[j]) / Sum(exp(z[k]), (k, 1, M)) - y[j]


def _one_hot():
    ctx = Context()
    M = ctx.size("M")
    c = ctx.value("c", values=(1, M))
    yhat = ctx.positive("yhat", index=(1, M), sums_to_one=True)
    return ctx, (yhat, c), -log(yhat[c])


def _bernoulli():
    ctx = Context()
    n = ctx.size("n")
    y = ctx.data("y", index=(1, n), values=(0, 1))
    yhat = ctx.positive("yhat", index=(1, n), below_one=True)
    return ctx, (y, yhat), Sum(y[i] * log(yhat[i]) + (1 - y[i]) * log(1 - yhat[i]), (i, 1, n))


def _gaussian_nll():
    ctx = Context()
    N = ctx.size("N")
    y, f = ctx.real("y", index=(1, N)), ctx.real("f", index=(1, N))
    sigma = Symbol("sigma", positive=True)
    mse = Sum((y[k] - f[k]) ** 2, (k, 1, N)) / N
    return ctx, (y, f, sigma), mse / (2 * sigma**2) + log(2 * pi * sigma**2) / 2


def _sigmoid():
    x = Symbol("x", real=True)
    return Context(), (x,), 1 / (1 + exp(-x))


def _bernoulli_kl():
    ctx = Context()
    p, q = ctx.probability("p"), ctx.probability("q")
    return ctx, (p, q), p * log(p / q) + (1 - p) * log((1 - p) / (1 - q))


def _gaussian_kl():
    mu1, mu2 = Symbol("mu1", real=True), Symbol("mu2", real=True)
    s1, s2 = Symbol("sigma1", positive=True), Symbol("sigma2", positive=True)
    formula = log(s2 / s1) + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2) - Rational(1, 2)
    return Context(), (mu1, s1, mu2, s2), formula


SHIPPED = [
    (average_nll, _nll),
    (kl_divergence, _kl),
    (softmax, _softmax),
    (one_hot_nll, _one_hot),
    (bernoulli_log_likelihood, _bernoulli),
    (log_sum_exp, _log_sum_exp),
    (softmax_cross_entropy, _softmax_ce),
    (softmax_cross_entropy_gradient, _softmax_ce_gradient),
    (gaussian_nll, _gaussian_nll),
    (sigmoid, _sigmoid),
    (bernoulli_kl, _bernoulli_kl),
    (gaussian_kl, _gaussian_kl),
]


@pytest.mark.parametrize(("function", "setting"), SHIPPED, ids=lambda v: getattr(v, "__name__", ""))
def test_every_shipped_function_is_proved_for_all_sizes(function, setting):
    ctx, args, formula = setting()
    result = check_reference(Reference(function, args), formula, ctx)
    assert result.evidence is Evidence.PROVED, result.detail
    assert "equals the formula for all sizes" in result.detail
    assert "in floating point it agrees" in result.detail


# -- planted slips ----------------------------------------------------------------------------------------------
def nll_drops_last(q, x):
    return -sum(math.log(q[x[n]]) for n in range(len(x) - 1)) / len(x)


def nll_wrong_count(q, x):
    return -sum(math.log(q[x[n]]) for n in range(len(x))) / (len(x) + 1)


def kl_shifted(p, q):  # q[i + 1]: out of range at the end (Python raises), one member off elsewhere
    return sum(p[i] * math.log(p[i] / q[i + 1]) for i in range(len(p) - 1))


def kl_drops_q(p, q):
    return sum(p[i] * math.log(p[i]) for i in range(len(p)))


def softmax_shift_only_above(z, j):  # max misused: the denominator is not shifted, so the shift does not cancel
    m = max(z)
    return math.exp(z[j] - m) / sum(math.exp(z[k]) for k in range(len(z)))


def softmax_shift_by_min_below(z, j):  # max above, min below: two different shifts
    return math.exp(z[j] - max(z)) / sum(math.exp(z[k] - min(z)) for k in range(len(z)))


def softmax_reads_next(z, j):
    m = max(z)
    return math.exp(z[(j + 1) % len(z)] - m) / sum(math.exp(z[k] - m) for k in range(len(z)))


def one_hot_halved(y_hat, c):
    return -math.log(y_hat[c] / 2)


def one_hot_first(y_hat, c):
    return -math.log(y_hat[0])


def bernoulli_drops_negatives(y, y_hat):
    return sum(y[i] * math.log(y_hat[i]) for i in range(len(y)))


def bernoulli_skips_first(y, y_hat):
    return sum(y[i] * math.log(y_hat[i]) + (1 - y[i]) * math.log(1 - y_hat[i]) for i in range(1, len(y)))


def log_sum_exp_unshifted_inside(z):  # m added outside but not taken off inside
    m = max(z)
    return m + math.log(sum(math.exp(z[i]) for i in range(len(z))))


def log_sum_exp_skips_first(z):
    m = max(z)
    return m + math.log(sum(math.exp(z[i] - m) for i in range(1, len(z))))


def softmax_ce_short_target(z, y):
    m = max(z)
    return m + math.log(sum(math.exp(z[i] - m) for i in range(len(z)))) - sum(y[i] * z[i] for i in range(len(z) - 1))


def gradient_sign(z, y, j):
    m = max(z)
    return math.exp(z[j] - m) / sum(math.exp(z[k] - m) for k in range(len(z))) + y[j]


def gaussian_nll_wrong_constant(y, f, sigma):
    var = sigma**2
    return sum((y[n] - f[n]) ** 2 / (2 * var) + math.log(math.pi * var) / 2 for n in range(len(y))) / len(y)


def sigmoid_unhalved(z):
    return (1 + math.tanh(z)) / 2


def bernoulli_kl_swapped(p, q):
    return q * math.log(q / p) + (1 - q) * math.log((1 - q) / (1 - p))


def gaussian_kl_drops_half(mu1, sigma1, mu2, sigma2):
    return math.log(sigma2 / sigma1) + (sigma1**2 + (mu1 - mu2) ** 2) / (2 * sigma2**2)


PLANTED = [
    (nll_drops_last, _nll),
    (nll_wrong_count, _nll),
    (kl_shifted, _kl),
    (kl_drops_q, _kl),
    (softmax_shift_only_above, _softmax),
    (softmax_shift_by_min_below, _softmax),
    (softmax_reads_next, _softmax),
    (one_hot_halved, _one_hot),
    (one_hot_first, _one_hot),
    (bernoulli_drops_negatives, _bernoulli),
    (bernoulli_skips_first, _bernoulli),
    (log_sum_exp_unshifted_inside, _log_sum_exp),
    (log_sum_exp_skips_first, _log_sum_exp),
    (softmax_ce_short_target, _softmax_ce),
    (gradient_sign, _softmax_ce_gradient),
    (gaussian_nll_wrong_constant, _gaussian_nll),
    (sigmoid_unhalved, _sigmoid),
    (bernoulli_kl_swapped, _bernoulli_kl),
    (gaussian_kl_drops_half, _gaussian_kl),
]


@pytest.mark.parametrize(("function", "setting"), PLANTED, ids=lambda v: getattr(v, "__name__", ""))
def test_a_planted_slip_is_never_proved_for_all_sizes_and_is_refuted_with_a_counterexample(function, setting):
    ctx, args, formula = setting()
    assert isinstance(prove_for_all_sizes(Reference(function, args), formula, ctx), str)
    result = check_reference(Reference(function, args), formula, ctx)
    assert result.evidence is Evidence.REFUTED, result.detail
    assert result.counterexample is not None and result.counterexample.sides == ("code", "formula")


def test_a_proof_the_runs_contradict_is_an_engine_inconsistency_never_a_pass(monkeypatch):
    ctx, args, formula = _kl()
    claimed = StepResult(Evidence.PROVED, "the code, translated as (a planted wrong proof), equals the formula")
    monkeypatch.setattr(verdict, "prove_for_all_sizes", lambda *a: claimed)
    result = check_reference(Reference(kl_drops_q, args), formula, ctx)
    assert result.evidence is Evidence.UNDECIDED and result.inconsistent
    assert result.detail.startswith("engine inconsistency: the code, translated as (a planted wrong proof)")
    assert result.counterexample is not None


# -- what falls back, and the reason shown ---------------------------------------------------------------------
def kl_branching(p, q):
    return sum(p[i] * math.log(p[i] / q[i]) if p[i] > 0 else 0.0 for i in range(len(p)))


def sines(z):
    return sum(math.sin(z[i]) ** 2 for i in range(len(z)))


def test_untranslatable_code_keeps_the_small_size_evidence_and_says_why():
    ctx, args, formula = _kl()
    result = check_reference(Reference(kl_branching, args), formula, ctx)
    assert result.evidence is Evidence.NUMERIC  # the branch: the symbolic run is no proof either
    assert "not proved for all sizes: not translated: `… if … else …` at line" in result.detail


def test_a_translation_the_engine_does_not_prove_says_so():
    ctx = Context()
    K = ctx.size("K")
    z = ctx.real("z", index=(1, K))
    result = check_reference(Reference(sines, (z,)), Sum((1 - cos(2 * z[k])) / 2, (k, 1, K)), ctx)
    assert result.evidence is not Evidence.PROVED
    assert result.detail.endswith(
        "not proved for all sizes: translated as Sum(sin(z[i])**2, (i, 1, K)); "
        "the engine did not prove the translation equal to the formula"
    )


def test_max_of_values_not_declared_real_is_not_translated():
    from derive.checks.code.translate import Untranslatable, translate

    x = Symbol("x")  # no assumption: possibly complex, where max has no meaning
    with pytest.raises(Untranslatable, match="`max` of values not declared real"):
        translate(max_of_scalar, (x,), Context())


def max_of_scalar(x):
    return max(x, 0)
