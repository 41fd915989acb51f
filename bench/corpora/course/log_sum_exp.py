"""Lecture 5 (cont.): the log-sum-exp trick.

Computing log sum_k exp(z_k) overflows for large logits. Subtracting any constant m (in practice max_k z_k) first
changes nothing: log sum_k exp(z_k) = m + log sum_k exp(z_k - m), and the softmax is unchanged by the shift.
"""

from sympy import Sum, Symbol, exp, log

from derive import Context, Derivation

ctx = Context()
K = ctx.size("K")
z = ctx.real("z", index=(1, K))
j = ctx.value("j", (1, K))
m = Symbol("m", real=True)
k = Symbol("k", integer=True)

lse = Derivation("Log-sum-exp shift", ctx, start=log(Sum(exp(z[k]), (k, 1, K))), name="log-sum-exp")
lse.step(log(Sum(exp(m) * exp(z[k] - m), (k, 1, K))), "exp(z_k) = exp(m) exp(z_k - m)")
lse.step(log(exp(m) * Sum(exp(z[k] - m), (k, 1, K))), "exp(m) does not depend on k")
lse.step(m + log(Sum(exp(z[k] - m), (k, 1, K))), "log of a product, and log(exp(m)) = m")

shift = Derivation(
    "Softmax is shift invariant",
    ctx,
    start=exp(z[j] - m) / Sum(exp(z[k] - m), (k, 1, K)),
    name="softmax-shift",
)
shift.step(exp(z[j]) * exp(-m) / (exp(-m) * Sum(exp(z[k]), (k, 1, K))), "factor exp(-m) out of every term")
shift.step(exp(z[j]) / Sum(exp(z[k]), (k, 1, K)), "cancel exp(-m)")

bound = Derivation("Log-sum-exp is at least every logit", ctx, start=log(Sum(exp(z[k]), (k, 1, K))), name="lse-bound")
bound.step(log(exp(z[j])), "the sum contains the term exp(z_j), and the others are positive", relation=">=")
bound.step(z[j], "log(exp(z_j)) = z_j")
