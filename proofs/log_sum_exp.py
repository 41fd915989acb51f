r"""Log-sum-exp lies between the largest logit and the largest logit plus log K.

The log-sum-exp of logits :math:`z_1, \ldots, z_K`, :math:`\log \sum_i e^{z_i}`, is the normaliser of the softmax
(the log-partition function) and the first term of the softmax cross-entropy. It is a smooth maximum: it is at
least every logit, and at most any upper bound :math:`m` of the logits plus :math:`\log K`. With :math:`m` the
largest logit, it is the maximum up to at most :math:`\log K`; that is why the shipped ``log_sum_exp`` subtracts
the maximum first (see softmax-shift) and never overflows.
"""

from sympy import Mul, Sum, Symbol, exp, log

from derive import Context, Derivation
from derive.losses import log_sum_exp

ctx = Context()
K = ctx.size("K")  # the number of logits
z = ctx.real("z", index=(1, K))  # the logits, any real numbers
i = Symbol("i", integer=True)
c = ctx.value("c", (1, K))  # any one of the logits

one_term = Derivation(
    "One exponential is at most the sum of them all", ctx, start=exp(z[c]), name="exp-at-most-sum-of-exps"
)
one_term.step(
    Sum(exp(z[i]), (i, 1, K)),
    "e^{z_c} is one term of a sum whose terms are all positive",
    relation="<=",
    by="single_le_sum",
    name="one-term-at-most-the-sum",
)

lower = Derivation("Log-sum-exp is at least every logit", ctx, start=z[c], name="log-sum-exp-lower-bound")
lower.step(log(exp(z[c]), evaluate=False), "the logarithm undoes the exponential", name="log-exp")
lower.step(
    log(Sum(exp(z[i]), (i, 1, K))),
    "e^{z_c} ≤ Σ_i e^{z_i}, and log is increasing",
    relation="<=",
    by=one_term,
    budget=20,  # the cited result and log_le_log are searched for: 2 s on an idle core, 7 s on a busy one
    name="log-is-increasing",
)
lower.reference(log_sum_exp, args=(z,))

ctx = Context()
K = ctx.size("K")
m = Symbol("m", real=True)  # an upper bound of the logits (in practice their maximum)
z = ctx.real("z", index=(1, K), upper=m)  # every z_i ≤ m

upper = Derivation(
    "Log-sum-exp is at most the largest logit plus log K",
    ctx,
    start=log(Sum(exp(z[i]), (i, 1, K))),
    name="log-sum-exp-upper-bound",
)
upper.step(
    log(Sum(exp(m), (i, 1, K))),
    "each z_i ≤ m, so e^{z_i} ≤ e^m since exp is increasing; and log is increasing",
    relation="<=",
    name="each-term-at-most-e-m",
)
upper.step(log(Mul(K, exp(m), evaluate=False)), "the sum of K equal terms", name="k-equal-terms")
upper.step(
    m + log(K),
    "the log of a product is the sum of the logs, and log e^m = m",
    name="split-the-log",
    prose="Why is log-sum-exp called a smooth maximum? It is at least the largest logit (log-sum-exp-lower-bound) "
    "and, with m the largest logit, at most m + log K: it differs from the maximum by at most log K.",
)
upper.closing = (
    "With :math:`m = \\max_k z_k` the two bounds together give "
    ":math:`\\max_k z_k \\le \\log \\sum_i e^{z_i} \\le \\max_k z_k + \\log K`: log-sum-exp is a smooth maximum, "
    "off by at most log K."
)
