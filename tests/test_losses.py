"""The shipped losses of the canon (derive.losses) in floating point where the textbook formulas fail: logits and
scores large enough to overflow ``math.exp``. Their equality with the formulas is the reference checks' (proofs/)."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from derive.losses import (
    bernoulli_kl,
    gaussian_kl,
    gaussian_nll,
    log_sum_exp,
    sigmoid,
    softmax_cross_entropy,
    softmax_cross_entropy_gradient,
)
from derive.notation import MeanSquaredError


def test_log_sum_exp_survives_logits_that_overflow_exp():
    with pytest.raises(OverflowError):
        math.exp(1000.0)
    assert log_sum_exp([1000.0, 1000.0]) == pytest.approx(1000.0 + math.log(2))
    assert log_sum_exp([-1000.0, -1000.0]) == pytest.approx(-1000.0 + math.log(2))  # no log(0) either


def test_softmax_cross_entropy_and_its_gradient_survive_large_logits():
    z, y = [1000.0, 0.0, -1000.0], [0.25, 0.5, 0.25]
    assert softmax_cross_entropy(z, y) == pytest.approx(1000.0)  # log-sum-exp ≈ 1000, and Σ y_i z_i = 0
    grads = [softmax_cross_entropy_gradient(z, y, j) for j in range(3)]
    assert grads == pytest.approx([0.75, -0.5, -0.25])
    assert sum(grads) == pytest.approx(0.0)  # softmax and target both sum to one


def test_sigmoid_saturates_instead_of_overflowing():
    with pytest.raises(OverflowError):
        1 / (1 + math.exp(1000.0))  # the textbook form at z = -1000
    assert sigmoid(-1000.0) == 0.0 and sigmoid(1000.0) == 1.0
    assert sigmoid(0.7) == pytest.approx(1 / (1 + math.exp(-0.7)))


def test_gaussian_nll_and_the_kls_at_a_point():
    y, f, s = [1.0, 2.0], [1.5, 1.0], 0.8
    density = [math.exp(-((a - b) ** 2) / (2 * s**2)) / math.sqrt(2 * math.pi * s**2) for a, b in zip(y, f)]
    assert gaussian_nll(y, f, s) == pytest.approx(-sum(math.log(d) for d in density) / 2)
    assert bernoulli_kl(0.3, 0.3) == 0.0 and bernoulli_kl(0.3, 0.6) > 0
    assert gaussian_kl(0.5, 1.2, 0.5, 1.2) == pytest.approx(0.0)
    assert gaussian_kl(0.3, 1.2, -0.5, 0.7) == pytest.approx(math.log(0.7 / 1.2) + (1.44 + 0.64) / (2 * 0.49) - 0.5)


def test_the_mean_squared_error_is_real_but_not_declared_positive():
    mse = MeanSquaredError(sp.IndexedBase("y"), sp.IndexedBase("f"))
    assert mse.is_extended_real is True
    assert mse.is_positive is None  # it is 0 when every prediction is exact
    assert sp.latex(mse) == r"\operatorname{MSE}(y, f)"
