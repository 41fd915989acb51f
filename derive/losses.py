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
