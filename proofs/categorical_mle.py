r"""The maximum-likelihood estimate of a categorical distribution is the empirical frequencies.

:math:`N` independent draws from a distribution :math:`q` over :math:`K` outcomes show outcome :math:`i` exactly
:math:`n_i` times, so that :math:`\sum_i n_i = N`, and :math:`\hat p_i = n_i / N` is the frequency of outcome
:math:`i`; every outcome is taken to occur at least once (:math:`\hat p_i > 0`). Grouping the factors of the
likelihood by outcome gives :math:`L(q) = \prod_i q_i^{n_i}`, as in the seeds' chain from the likelihood of i.i.d.
data to the cross-entropy (the iid-cross-entropy derivation), which showed that the average log-likelihood is
:math:`\sum_i \hat p_i \log q_i = -H(\hat p, q)`. Gibbs' inequality then closes the loop: no :math:`q` makes this
larger than :math:`q = \hat p` does, so the likelihood is largest at the empirical frequencies, and the
cross-entropy :math:`H(\hat p, q)` is smallest there.
"""

from __future__ import annotations

from derive.proofs.gibbs_inequality import cross
from sympy import Function, IndexedBase, Product, Sum, Symbol, log

from derive import Context, Derivation

ctx = Context()
N = ctx.size("N")  # the number of draws
K = ctx.size("K")  # the number of outcomes
phat = ctx.positive("phat", index=(1, K), sums_to_one=True)  # the empirical frequencies, each outcome seen
q = ctx.positive("q", index=(1, K), sums_to_one=True)  # any model distribution over the outcomes
n = IndexedBase("n", positive=True)  # the counts
i = Symbol("i", integer=True)
L = Function("L")

ctx.define(n[i], N * phat[i], text=r"n_i = N \hat p_i \text{ (the count of outcome } i)")
ctx.define(L(q), Product(q[i] ** n[i], (i, 1, K)), text=r"L(q) = \prod_{i=1}^{K} q_i^{n_i}", name="likelihood_def")

mle = Derivation(
    "The empirical frequencies maximise the categorical likelihood",
    ctx,
    start=log(L(q)) / N,
    name="categorical-mle",
)
mle.step(
    log(Product(q[i] ** n[i], (i, 1, K))) / N,
    "the likelihood of the draws, its factors grouped by outcome: q_i occurs n_i times",
    name="likelihood",
)
mle.step(
    Sum(n[i] * log(q[i]), (i, 1, K)) / N,
    "the log of a product of powers is the sum of the exponents times the logs, as every q_i > 0",
    by=["log_prod", "log_pow"],
    name="take-logs",
)
mle.step(
    Sum(n[i] / N * log(q[i]), (i, 1, K)),
    "the constant 1/N goes inside the sum",
    name="divide-by-n",
)
mle.step(
    Sum(phat[i] * log(q[i]), (i, 1, K)),
    r"n_i / N is the frequency :math:`\hat p_i` of outcome i",
    name="frequencies",
    prose=r"This is the average log-likelihood of the seeds' chain: minus the cross-entropy :math:`H(\hat p, q)`.",
)
mle.step(
    Sum(phat[i] * log(phat[i]), (i, 1, K)),
    r"Gibbs' inequality: :math:`\sum_i \hat p_i \log q_i \le \sum_i \hat p_i \log \hat p_i` for any two distributions",
    by=cross,
    relation="<=",
    name="gibbs",
    prose=r"Why can no model :math:`q` do better than the frequencies? The cited form of Gibbs' inequality says that "
    r"the expected log-probability under :math:`\hat p` is largest when the model is :math:`\hat p` itself.",
)
mle.step(
    log(L(phat)) / N,
    r"the same computation read backwards at :math:`q = \hat p`",
    name="at-the-frequencies",
)
mle.closing = (
    r"So :math:`\frac{1}{N} \log L(q) \le \frac{1}{N} \log L(\hat p)` for every distribution q, with equality at "
    r":math:`q = \hat p`: the maximum-likelihood estimate of a categorical distribution is the empirical frequencies "
    r":math:`\hat p_i = n_i / N`, the same q that minimises the cross-entropy :math:`H(\hat p, q)` in the seeds' chain."
)
