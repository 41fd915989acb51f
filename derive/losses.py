"""The losses the bundled derivations arrive at, as plain Python: the code you would ship.

Each function uses only the ``math`` module and lists, so it runs anywhere; ``derive check`` verifies it against
the formula its derivation ends with (exactly on SymPy symbols at small sizes, and in floating point at random
inputs), and the write-ups typeset it with latexify-py beside that formula.

Index convention: Python counts from 0. A distribution q_1, …, q_K arrives as the list ``[q_1, …, q_K]``, so the
code's ``q[i]`` is the formula's q_{i+1}; an outcome x ∈ {1, …, K} arrives as x − 1, an index into that list.
Labels that already start at 0 (a binary label y ∈ {0, 1}) arrive unchanged. The functions are written as one
``return`` of a generator sum because latexify-py renders that as Σ with bounds and refuses ``for`` loops.
"""

from __future__ import annotations

import math


def average_nll(q, x):
    """The average negative log-likelihood of the outcomes ``x`` (each an index into ``q``) under the model ``q``."""
    return -sum(math.log(q[x[n]]) for n in range(len(x))) / len(x)


def cross_entropy(p, q):
    """H(p, q): the cross-entropy of the model ``q`` relative to the distribution ``p``."""
    return -sum(p[i] * math.log(q[i]) for i in range(len(p)))


def kl_divergence(p, q):
    """D_KL(p ‖ q) for distributions with every probability positive."""
    return sum(p[i] * math.log(p[i] / q[i]) for i in range(len(p)))


def bernoulli_log_likelihood(y, y_hat):
    """The log-likelihood of hard labels ``y`` (0 or 1) under predicted probabilities ``y_hat`` of label 1."""
    return sum(y[i] * math.log(y_hat[i]) + (1 - y[i]) * math.log(1 - y_hat[i]) for i in range(len(y)))


def binary_cross_entropy(y, y_hat):
    """The binary cross-entropy of one label ``y`` and one predicted probability ``y_hat`` of label 1."""
    return -(y * math.log(y_hat) + (1 - y) * math.log(1 - y_hat))


def softmax(z, j):
    """Output ``j`` of the softmax of the scores ``z``, shifted by the largest score so that ``exp`` cannot
    overflow (``math.exp(1000.0)`` raises); the shift cancels between numerator and denominator."""
    m = max(z)
    return math.exp(z[j] - m) / sum(math.exp(z[k] - m) for k in range(len(z)))


def one_hot_nll(y_hat, c):
    """The negative log-likelihood of the observed class ``c`` (an index into ``y_hat``): −log ŷ_c."""
    return -math.log(y_hat[c])


def log_sum_exp(z):
    """log Σ_i exp(z_i), computed as m + log Σ_i exp(z_i − m) with m the largest score: every exponent is then
    at most 0, so ``math.exp`` cannot overflow, and the term of the largest score is 1, so the sum cannot
    underflow to 0 and the logarithm is defined."""
    m = max(z)
    return m + math.log(sum(math.exp(z[i] - m) for i in range(len(z))))


def softmax_cross_entropy(z, y):
    """−Σ_i y_i log softmax(z)_i: the cross-entropy of the softmax of the scores ``z`` relative to the target
    distribution ``y`` (one-hot or soft, Σ y_i = 1). Computed as log-sum-exp minus Σ_i y_i z_i (the two are equal
    when Σ y_i = 1), shifted by the largest score m so that ``exp`` cannot overflow, and without taking the
    logarithm of a softmax output that may have underflowed to 0."""
    m = max(z)
    return m + math.log(sum(math.exp(z[i] - m) for i in range(len(z)))) - sum(y[i] * z[i] for i in range(len(z)))


def softmax_cross_entropy_gradient(z, y, j):
    """∂/∂z_j of the softmax cross-entropy: softmax(z)_j − y_j, with the softmax shifted by the largest score so
    that ``exp`` cannot overflow."""
    m = max(z)
    return math.exp(z[j] - m) / sum(math.exp(z[k] - m) for k in range(len(z))) - y[j]


def sigmoid(z):
    """σ(z) = 1 / (1 + e^{−z}), computed as (1 + tanh(z/2)) / 2, the same number: the textbook form raises
    ``OverflowError`` in ``math.exp(-z)`` for z below about −709, and tanh never overflows (it saturates at ±1).
    The form has no branch on the sign of z (the other usual remedy), so it stays one expression that the
    write-up typesets and the checker translates."""
    return (1 + math.tanh(z / 2)) / 2


def gaussian_nll(y, f, sigma):
    """The average negative log-likelihood of the targets ``y`` under normals centred on the predictions ``f``
    with standard deviation ``sigma``: the mean over n of (y_n − f_n)²/(2σ²) + ½ log 2πσ², computed as the mean
    squared error over 2σ² plus ½ log 2πσ² (the sum over n of the constant is N times it)."""
    mse = sum((y[n] - f[n]) ** 2 for n in range(len(y))) / len(y)
    return mse / (2 * sigma**2) + math.log(2 * math.pi * sigma**2) / 2


def bernoulli_kl(p, q):
    """D_KL(Bernoulli(p) ‖ Bernoulli(q)) = p log(p/q) + (1 − p) log((1 − p)/(1 − q)), for p, q strictly between
    0 and 1."""
    return p * math.log(p / q) + (1 - p) * math.log((1 - p) / (1 - q))


def gaussian_kl(mu1, sigma1, mu2, sigma2):
    """D_KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½, for σ₁, σ₂ > 0,
    with the −½ written as −σ₂²/(2σ₂²) inside the fraction: a literal ``1 / 2`` would be the float 0.5 in Python,
    which the exact check cannot equate with the rational ½."""
    return math.log(sigma2 / sigma1) + (sigma1**2 + (mu1 - mu2) ** 2 - sigma2**2) / (2 * sigma2**2)
