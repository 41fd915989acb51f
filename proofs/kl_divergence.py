r"""The Kullback–Leibler divergence is cross-entropy minus entropy.

For two distributions :math:`p` and :math:`q` on :math:`K` outcomes with every probability positive, the
divergence :math:`D_{\mathrm{KL}}(p \,\|\, q)` splits into the negative entropy of :math:`p`, which does not
depend on :math:`q`, and the cross-entropy :math:`H(p, q)`. Minimising the divergence over :math:`q` is
therefore the same as minimising the cross-entropy (seed question 001).
"""

from sympy import Sum, Symbol, log

from derive import Context, Derivation
from derive.losses import kl_divergence
from derive.notation import CrossEntropy, Entropy, KLDivergence

ctx = Context()
K = ctx.size("K")  # the number of outcomes
p = ctx.positive("p", index=(1, K), sums_to_one=True)  # the true (or empirical) distribution
q = ctx.positive("q", index=(1, K), sums_to_one=True)  # the model's distribution
k = Symbol("k", integer=True)

ctx.define(Entropy(p), -Sum(p[k] * log(p[k]), (k, 1, K)), text=r"H(p) = -\sum_{k=1}^{K} p_k \log p_k")
ctx.define(CrossEntropy(p, q), -Sum(p[k] * log(q[k]), (k, 1, K)), text=r"H(p, q) = -\sum_{k=1}^{K} p_k \log q_k")
ctx.define(
    KLDivergence(p, q),
    Sum(p[k] * log(p[k] / q[k]), (k, 1, K)),
    text=r"D_{\mathrm{KL}}(p \,\|\, q) = \sum_{k=1}^{K} p_k \log \frac{p_k}{q_k}",
)

kl = Derivation("KL divergence, entropy and cross-entropy", ctx, start=KLDivergence(p, q), name="kl-divergence")
kl.step(Sum(p[k] * log(p[k] / q[k]), (k, 1, K)), "the definition of the KL divergence", name="definition")
kl.step(
    Sum(p[k] * log(p[k]), (k, 1, K)) - Sum(p[k] * log(q[k]), (k, 1, K)),
    "log(p_k / q_k) = log p_k − log q_k, as p_k, q_k > 0",
    by=["log_mul", "log_pow"],
    name="split-the-log",
)
kl.step(
    -Entropy(p) + CrossEntropy(p, q),
    "the definitions of H(p) and H(p, q)",
    name="entropy-plus-cross-entropy",
    prose="The first sum is minus the entropy of :math:`p`, the second minus the cross-entropy. Why can the "
    "entropy term be ignored? It does not involve :math:`q` at all: it is a constant with respect to the "
    "predictions, so it changes the value of the divergence but not the :math:`q` that minimises it.",
)
kl.closing = (
    "Since H(p) does not depend on the model q, the q that minimises the KL divergence is the q that minimises "
    "the cross-entropy H(p, q) (seed 001; for the minimiser over model parameters θ see the kl-minimisers "
    "derivation)."
)
kl.reference(kl_divergence, args=(p, q))
