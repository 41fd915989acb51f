r"""The evidence lower bound: log p(x) = ELBO(q) + D_KL(q ‖ p(· | x)), for a latent variable with K values.

A latent-variable model gives an observation :math:`x` together with a hidden value :math:`z \in \{1, \ldots, K\}`
the joint probability :math:`a_k = p(x, z = k) > 0`. The evidence :math:`p(x) = \sum_k a_k` sums the hidden value
out, and Bayes' rule gives the posterior :math:`p(k \mid x) = a_k / p(x)`. Variational inference replaces the
posterior, often intractable, by any distribution :math:`q` over the hidden values. The identity below splits the
log-evidence into the evidence lower bound (ELBO), which only needs the joint, and the KL divergence of :math:`q`
from the true posterior. Since that divergence is never negative (Gibbs' inequality), the ELBO is a lower bound
on :math:`\log p(x)`, and maximising it over :math:`q` is minimising the divergence from the posterior.
"""

from __future__ import annotations

from sympy import Function, Mul, Sum, Symbol, log

from derive import Context, Derivation
from derive.notation import KLDivergence, conditional, quantity

ctx = Context()
K = ctx.size("K")  # the number of values of the latent variable z
a = ctx.positive("a", index=(1, K))  # a_k = p(x, z = k): the joint probability of x and the latent value k
q = ctx.positive("q", index=(1, K), sums_to_one=True)  # any distribution over the latent values
k, j = Symbol("k", integer=True), Symbol("j", integer=True)

evidence = quantity("evidence", r"p(x)")  # positive: a sum of positive joint probabilities
posterior = conditional("p", given=Symbol("x"))  # p(k | x)
# NOTE: the ELBO and the KL divergence are named by functions that SymPy knows nothing of, not by quantities, which
# are declared positive: the ELBO is negative whenever p(x) < 1, and the KL divergence is 0 at q = p(· | x).
elbo = Function("ELBO")(q)
kl = KLDivergence(q, Symbol(r"p(\cdot \mid x)"))  # the second argument only names the posterior in print

ctx.define(evidence, Sum(a[j], (j, 1, K)), text=r"p(x) = \sum_{k=1}^{K} a_k", name="evidence_def")
ctx.define(posterior(k), a[k] / evidence, text=r"p(k \mid x) = a_k / p(x)", name="posterior_def")
ctx.define(
    elbo,
    Sum(q[k] * log(a[k] / q[k]), (k, 1, K)),
    text=r"\mathrm{ELBO}(q) = \sum_{k=1}^{K} q_k \log \frac{a_k}{q_k}",
    name="elbo_def",
)
ctx.define(
    kl,
    Sum(q[k] * log(q[k] / posterior(k)), (k, 1, K)),
    text=r"D_{\mathrm{KL}}(q \,\|\, p(\cdot \mid x)) = \sum_{k=1}^{K} q_k \log \frac{q_k}{p(k \mid x)}",
    name="kl_posterior_def",
)

decomposition = Derivation(
    "The ELBO decomposition of the log-evidence", ctx, start=log(evidence), name="elbo-decomposition"
)
decomposition.step(
    Sum(q[k] * log(evidence), (k, 1, K)),
    "the q_k sum to 1, and log p(x) does not depend on k",
    name="average-over-q",
    prose="Why bring in q at all? log p(x) is a number that does not depend on the latent value, so it equals "
    "its own average under any distribution q over the latent values.",
)
decomposition.step(
    Sum(q[k] * log(a[k] / posterior(k)), (k, 1, K)),
    "Bayes' rule: p(x) = p(x, k) / p(k | x) for every k",
    name="bayes-rule",
)
decomposition.step(
    Sum(q[k] * log(Mul(a[k] / q[k], q[k] / posterior(k), evaluate=False)), (k, 1, K)),
    "multiply and divide by q_k > 0 inside the log",
    name="multiply-and-divide-by-q",
)
decomposition.step(
    Sum(q[k] * log(a[k] / q[k]), (k, 1, K)) + Sum(q[k] * log(q[k] / posterior(k)), (k, 1, K)),
    "the log of a product is the sum of the logs, as every factor is positive",
    by="log_mul",
    name="split-the-log",
)
decomposition.step(
    elbo + kl,
    "the definitions of the ELBO and of the KL divergence from the posterior",
    by=["elbo_def", "kl_posterior_def"],
    name="name-the-sums",
)
decomposition.closing = (
    "So log p(x) = ELBO(q) + D_KL(q ‖ p(· | x)) for every distribution q over the latent values. The KL term is "
    "at least 0 (Gibbs' inequality), so ELBO(q) ≤ log p(x), with equality exactly when q is the posterior."
)
