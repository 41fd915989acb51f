r"""Gibbs' inequality: the KL divergence is never negative, and it is 0 when the two distributions agree.

For two distributions :math:`p` and :math:`q` on :math:`K` outcomes, every probability positive, the divergence
:math:`D_{\mathrm{KL}}(p \,\|\, q) = \sum_k p_k \log(p_k / q_k)` is at least 0. The proof turns the ratio upside
down and bounds each logarithm by the inequality :math:`\log x \le x - 1` (the log-inequality derivation), at
:math:`x = q_k / p_k`; what is left is the difference of two sums of probabilities, each 1. Read as a statement
about cross-entropy it says that :math:`\sum_k p_k \log q_k \le \sum_k p_k \log p_k`: no model :math:`q` gives the
data a higher expected log-probability than the true distribution :math:`p` itself, which is why the
maximum-likelihood estimate of a categorical distribution is the empirical frequencies.
"""

from __future__ import annotations

from derive.proofs.log_inequality import log_le
from sympy import Integer, Mul, Pow, Sum, Symbol, log

from derive import Context, Derivation
from derive.notation import KLDivergence

ctx = Context()
K = ctx.size("K")  # the number of outcomes
p = ctx.positive("p", index=(1, K), sums_to_one=True)  # the true (or empirical) distribution
q = ctx.positive("q", index=(1, K), sums_to_one=True)  # the model's distribution
k = Symbol("k", integer=True)

ctx.define(
    KLDivergence(p, q),
    Sum(p[k] * log(p[k] / q[k]), (k, 1, K)),
    text=r"D_{\mathrm{KL}}(p \,\|\, q) = \sum_{k=1}^{K} p_k \log \frac{p_k}{q_k}",
)

gibbs = Derivation("Gibbs' inequality: D_KL(p ‖ q) ≥ 0", ctx, start=KLDivergence(p, q), name="gibbs-inequality")
gibbs.step(Sum(p[k] * log(p[k] / q[k]), (k, 1, K)), "the definition of the KL divergence", name="definition")
gibbs.step(
    -Sum(p[k] * log(q[k] / p[k]), (k, 1, K)),
    "log(p_k / q_k) = −log(q_k / p_k): turning a ratio upside down changes the sign of its log",
    name="flip-the-ratio",
    prose="Why turn the ratio upside down? The bound log x ≤ x − 1 is an upper bound, and the minus sign in "
    "front turns it into the lower bound we want.",
)
gibbs.step(
    -Sum(p[k] * (q[k] / p[k] - 1), (k, 1, K)),
    "log x ≤ x − 1 at x = q_k / p_k > 0, each term weighted by p_k > 0; the minus sign reverses the inequality",
    by=log_le,
    relation=">=",
    name="log-le-sub-one",
)
gibbs.step(
    -(Sum(q[k], (k, 1, K)) - Sum(p[k], (k, 1, K))),
    "p_k (q_k / p_k − 1) = q_k − p_k, summed term by term",
    name="cancel-p",
)
gibbs.step(Integer(0), "both q and p sum to 1", name="sums-to-one")
gibbs.closing = (
    "So D_KL(p ‖ q) ≥ 0 for any two distributions with positive probabilities. Equality needs equality in "
    "log x ≤ x − 1 at every x = q_k / p_k, that is q_k = p_k for every k."
)

# Equality at q = p: the divergence of a distribution from itself.
same = Derivation("D_KL(p ‖ p) = 0", ctx, start=KLDivergence(p, p), name="kl-of-itself")
same.step(
    Sum(Mul(p[k], log(Mul(p[k], Pow(p[k], -1, evaluate=False), evaluate=False)), evaluate=False), (k, 1, K)),
    "the definition of the KL divergence, with q = p",
    name="definition",
)
same.step(Sum(p[k] * log(1), (k, 1, K)), "p_k / p_k = 1, as p_k > 0", name="ratio-one")
same.step(Integer(0), "log 1 = 0", name="log-one")
same.closing = "So the lower bound 0 of Gibbs' inequality is attained, at q = p."

# The same inequality read as a statement about expected log-probabilities (cross-entropy).
cross = Derivation(
    "The true distribution has the largest expected log-probability",
    ctx,
    start=Sum(p[k] * log(q[k]), (k, 1, K)),
    name="expected-log-probability",
)
cross.step(
    Sum(p[k] * log(p[k]), (k, 1, K)) - Sum(p[k] * log(p[k] / q[k]), (k, 1, K)),
    "log q_k = log p_k − log(p_k / q_k), as p_k, q_k > 0",
    name="add-and-subtract-log-p",
)
cross.step(
    Sum(p[k] * log(p[k]), (k, 1, K)) - KLDivergence(p, q),
    "the definition of the KL divergence",
    name="name-the-kl",
)
cross.step(
    Sum(p[k] * log(p[k]), (k, 1, K)),
    "Gibbs' inequality: D_KL(p ‖ q) ≥ 0",
    by=gibbs,
    relation="<=",
    name="gibbs",
)
cross.closing = (
    "So Σ_k p_k log q_k ≤ Σ_k p_k log p_k, with equality at q = p: over all distributions q, the expected "
    "log-probability Σ_k p_k log q_k is largest at q = p, and the cross-entropy H(p, q) is smallest there."
)
