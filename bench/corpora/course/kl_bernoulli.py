"""Lecture 7: KL divergence between two Bernoulli distributions.

KL(Ber(p) || Ber(q)) = p log(p/q) + (1 - p) log((1 - p)/(1 - q)). Split into cross-entropy minus entropy, check
that it vanishes at q = p, and that it is never negative (Gibbs' inequality for two outcomes).
"""

from sympy import Derivative, S, log

from derive import Context, Derivation

ctx = Context()
p = ctx.probability("p")
q = ctx.probability("q")

kl = p * log(p / q) + (1 - p) * log((1 - p) / (1 - q))

d = Derivation("KL between Bernoullis: cross-entropy minus entropy", ctx, start=kl, name="kl-bernoulli")
d.step(p * log(p) - p * log(q) + (1 - p) * log(1 - p) - (1 - p) * log(1 - q), "log(a/b) = log a - log b")
d.step(
    -(p * log(q) + (1 - p) * log(1 - q)) - (-(p * log(p) + (1 - p) * log(1 - p))),
    "cross-entropy H(p, q) minus entropy H(p)",
)

zero = Derivation("KL(p || p) = 0", ctx, start=kl, name="kl-bernoulli-zero")
zero.apply(lambda e: e.subs(q, p), S.Zero, "put q = p: both logs are log 1")

nonneg = Derivation("KL between Bernoullis is nonnegative", ctx, start=kl, name="kl-bernoulli-nonneg")
nonneg.step(S.Zero, "Gibbs' inequality", relation=">=")

grad = Derivation("Gradient of the KL in q", ctx, start=Derivative(kl, q), name="kl-bernoulli-grad")
grad.step(-p / q + (1 - p) / (1 - q), "only the log q and log(1 - q) terms depend on q")
grad.step((q - p) / (q * (1 - q)), "common denominator")
