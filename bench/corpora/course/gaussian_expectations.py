"""Lecture 9: expectations under a normal distribution and under a categorical one.

For y ∼ N(μ, s^2) and a fixed prediction c, the expected squared error is the variance plus the squared bias;
the same split for an estimator t ∼ N(m, τ^2) of a parameter θ; the cross-entropy and the KL divergence
between two Gaussians in closed form; the second moment written as an integral against the density; and the expected
score under a categorical distribution p over K classes.
"""

from sympy import Integral, S, Sum, Symbol, log, oo, pi

from derive import Context, Derivation, E, Normal, normal_pdf

ctx = Context()
y = Symbol("y", real=True)
x = Symbol("x", real=True)
t = Symbol("t", real=True)
mu = Symbol("mu", real=True)
c = Symbol("c", real=True)
s = Symbol("s", positive=True)
m = Symbol("m", real=True)
theta = Symbol("theta", real=True)
tau = Symbol("tau", positive=True)
mu1 = Symbol("mu1", real=True)
mu2 = Symbol("mu2", real=True)
s1 = Symbol("s1", positive=True)
s2 = Symbol("s2", positive=True)

mse = Derivation(
    "Expected squared error of a Gaussian prediction", ctx, start=E((y - c) ** 2, y, Normal(mu, s)), name="gaussian-mse"
)
mse.step(E(y**2 - 2 * c * y + c**2, y, Normal(mu, s)), "expand the square")
mse.step(E(y**2, y, Normal(mu, s)) - 2 * c * E(y, y, Normal(mu, s)) + c**2, "linearity of expectation")
mse.step(mu**2 + s**2 - 2 * c * mu + c**2, "E[y] = μ and E[y^2] = μ^2 + s^2")
mse.step(s**2 + (mu - c) ** 2, "variance plus squared bias")

bv = Derivation(
    "Bias-variance of a Gaussian estimator", ctx, start=E((t - theta) ** 2, t, Normal(m, tau)), name="estimator-mse"
)
bv.step(
    E((t - m) ** 2 + 2 * (m - theta) * (t - m) + (m - theta) ** 2, t, Normal(m, tau)),
    "add and subtract the mean m, expand the square",
)
bv.step(
    E((t - m) ** 2, t, Normal(m, tau)) + 2 * (m - theta) * E(t - m, t, Normal(m, tau)) + (m - theta) ** 2,
    "linearity of expectation",
)
bv.step(tau**2 + (m - theta) ** 2, "E[(t - m)^2] = τ^2 and E[t - m] = 0: variance plus squared bias")

xent = Derivation(
    "Cross-entropy between two Gaussians",
    ctx,
    start=-E(log(normal_pdf(x, mu2, s2)), x, Normal(mu1, s1)),
    name="gaussian-cross-entropy",
)
xent.step(E(log(2 * pi * s2**2) / 2 + (x - mu2) ** 2 / (2 * s2**2), x, Normal(mu1, s1)), "the log of the density")
xent.step(log(2 * pi * s2**2) / 2 + E((x - mu2) ** 2, x, Normal(mu1, s1)) / (2 * s2**2), "linearity of expectation")
xent.step(
    log(2 * pi * s2**2) / 2 + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2),
    "under p, the expected squared distance from the other mean is the variance plus the squared gap of the means",
)

kl = Derivation(
    "KL divergence between two Gaussians",
    ctx,
    start=E(log(normal_pdf(x, mu1, s1) / normal_pdf(x, mu2, s2)), x, Normal(mu1, s1)),
    name="gaussian-kl",
)
kl.step(
    E(log(s2 / s1) - (x - mu1) ** 2 / (2 * s1**2) + (x - mu2) ** 2 / (2 * s2**2), x, Normal(mu1, s1)),
    "the log of the ratio of the two densities",
)
kl.step(
    log(s2 / s1) + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2) - S(1) / 2,
    "E[(x − μ1)^2] = s1^2, and the expected squared distance from μ2 as in the cross-entropy",
)

moment = Derivation(
    "The second moment as an integral", ctx, start=Integral(x**2 * normal_pdf(x, mu, s), (x, -oo, oo)), name="moment"
)
moment.step(E(x**2, x, Normal(mu, s)), "an integral against the normal density is an expectation")
moment.step(mu**2 + s**2, "the second moment of a normal")

K = ctx.size("K")
p = ctx.positive("p", (1, K), sums_to_one=True)
v = ctx.real("v", (1, K))
a = Symbol("a", real=True)
b = Symbol("b", real=True)
i = Symbol("i", integer=True)

cat = Derivation(
    "Expected score under a categorical distribution", ctx, start=E(a * v[i] + b, over=(i, 1, K), p=p[i]), name="cat"
)
cat.step(a * E(v[i], over=(i, 1, K), p=p[i]) + b, "linearity; the probabilities sum to one")
cat.step(a * Sum(p[i] * v[i], (i, 1, K)) + b, "the expectation over p is the p-weighted sum")
