"""Lecture 7 (cont.): KL divergence between two Gaussians with the same variance.

p = N(mu1, s^2), q = N(mu2, s^2). The log-ratio log p(x)/q(x) is linear in x; its expectation under p, where
E[x] = mu1, is KL(p || q) = (mu1 - mu2)^2 / (2 s^2).
"""

from sympy import Symbol, exp, log, pi, sqrt

from derive import Context, Derivation

ctx = Context()
x = Symbol("x", real=True)
mu1 = Symbol("mu1", real=True)
mu2 = Symbol("mu2", real=True)
s = Symbol("s", positive=True)


def normal_pdf(x, mu, s):
    return 1 / sqrt(2 * pi * s**2) * exp(-((x - mu) ** 2) / (2 * s**2))


d = Derivation(
    "KL between two Gaussians with equal variance",
    ctx,
    start=log(normal_pdf(x, mu1, s) / normal_pdf(x, mu2, s)),
    name="kl-gaussian",
)
d.step(-((x - mu1) ** 2) / (2 * s**2) + (x - mu2) ** 2 / (2 * s**2), "the normalising constants cancel")
d.step((mu1 - mu2) * (2 * x - mu1 - mu2) / (2 * s**2), "difference of squares")
d.apply(
    lambda e: e.subs(x, mu1), (mu1 - mu2) ** 2 / (2 * s**2), "take the expectation under p: linear in x, E[x] = mu1"
)
