r"""The maximum-likelihood estimate of a Bernoulli parameter is the fraction of successes.

A coin with probability :math:`\theta` of heads is tossed :math:`N` times, independently, and shows :math:`k`
heads. The likelihood of that outcome is :math:`\theta^{k} (1 - \theta)^{N - k}`, and its logarithm
:math:`\ell(\theta)` is easier to differentiate. Setting the derivative to zero gives :math:`\hat\theta = k / N`,
and the second derivative is negative everywhere, so that stationary point is the maximum. The setting is
:math:`0 < k < N` (at least one head and one tail; with :math:`k = 0` or :math:`k = N` the log-likelihood is
monotone and the maximum sits at the boundary of :math:`(0, 1)`). The last derivation writes the KL divergence
between two Bernoulli distributions as the KL divergence over the two outcomes.
"""

from __future__ import annotations

from sympy import Add, Derivative, Function, Integer, Mul, Pow, Sum, Symbol, log

from derive import Context, Derivation
from derive.losses import bernoulli_kl
from derive.notation import KLDivergence

ctx = Context()
N = ctx.size("N", minimum=2)  # the number of tosses
k = ctx.value("k", (1, N - 1))  # the number of heads: 0 < k < N, the modelling setting
theta = ctx.probability("theta")  # the probability of heads, 0 < θ < 1
L, ell, score = Function("L"), Function("ell"), Function("s")

ctx.define(L(theta), theta**k * (1 - theta) ** (N - k), text=r"L(\theta) = \theta^{k} (1 - \theta)^{N - k}")
ctx.define(
    ell(theta),
    k * log(theta) + (N - k) * log(1 - theta),
    text=r"\ell(\theta) = k \log \theta + (N - k) \log(1 - \theta)",
    name="ell_def",
)
ctx.define(
    score(theta),
    k / theta - (N - k) / (1 - theta),
    text=r"s(\theta) = \ell'(\theta) = \frac{k}{\theta} - \frac{N - k}{1 - \theta}",
    name="score_def",
)

loglik = Derivation("The Bernoulli log-likelihood", ctx, start=log(L(theta)), name="bernoulli-log-likelihood")
loglik.step(
    log(theta**k * (1 - theta) ** (N - k)),
    "the likelihood of k heads in N independent tosses: a factor θ for each head, 1 − θ for each tail",
    name="likelihood",
)
loglik.step(
    k * log(theta) + (N - k) * log(1 - theta),
    "the log of a product of powers, as θ > 0 and 1 − θ > 0",
    by=["log_mul", "log_pow"],
    name="take-logs",
)
loglik.step(ell(theta), "call it the log-likelihood ℓ(θ)", name="name-it")

derivative = Derivation("The score of the Bernoulli log-likelihood", ctx, start=Derivative(ell(theta), theta))
derivative.name = "bernoulli-score"
derivative.step(
    Derivative(k * log(theta) + (N - k) * log(1 - theta), theta),
    "the log-likelihood found above",
    name="log-likelihood",
)
derivative.step(
    k / theta - (N - k) / (1 - theta),
    "d/dθ log θ = 1/θ and d/dθ log(1 − θ) = −1/(1 − θ), by the chain rule",
    name="differentiate",
)
derivative.step(score(theta), "call it the score s(θ)", name="name-the-score")

stationary = Derivation("The score vanishes at θ = k/N", ctx, start=score(k / N), name="bernoulli-stationary-point")
stationary.step(
    Add(N, -Mul(N - k, Pow(1 - k / N, -1), evaluate=False), evaluate=False),
    "the score at θ = k/N; the first term is k/(k/N) = N",
    name="evaluate",
)
stationary.step(
    Integer(0),
    "1 − k/N = (N − k)/N, so the second term is N as well",
    name="cancel",
)

curvature = Derivation(
    "The log-likelihood is concave", ctx, start=Derivative(ell(theta), (theta, 2)), name="bernoulli-mle-concave"
)
curvature.step(
    -k / theta**2 - (N - k) / (1 - theta) ** 2,
    "differentiate the score k/θ − (N − k)/(1 − θ) once more",
    name="second-derivative",
)
curvature.step(
    Integer(0),
    "both terms are negative: k > 0, N − k > 0, and the squares are positive",
    relation="<",
    name="negative",
    prose="Why is k/N the maximum and not a minimum? A negative second derivative everywhere on (0, 1) makes ℓ "
    "strictly concave: it has at most one stationary point, and that point is its maximum. Here both terms are "
    "negative because the setting has at least one head (k > 0) and one tail (N − k > 0).",
)
curvature.closing = (
    "The second derivative is negative for every θ in (0, 1), so ℓ is strictly concave and its only stationary "
    r"point, :math:`\hat\theta = k/N`, is the maximum: the maximum-likelihood estimate is the fraction of heads."
)

# The KL divergence between two Bernoulli distributions, as the KL divergence over the two outcomes.
two = Context()
p = two.probability("p")  # the probability of heads under the first distribution
q = two.probability("q")  # under the second
y = Symbol("y", integer=True)  # the outcome: 1 for heads, 0 for tails
# NOTE: named by KLDivergence, not by a quantity (quantities are declared positive, and this one is 0 at p = q);
# the two arguments only name the distributions in print.
kl = KLDivergence(Symbol(r"\mathrm{Bern}(p)"), Symbol(r"\mathrm{Bern}(q)"))


def _bern(a):
    """The probability of outcome y under Bern(a), written as the exponent switch a^y (1 − a)^(1 − y)."""
    return a**y * (1 - a) ** (1 - y)


two.define(
    kl,
    Sum(_bern(p) * log(_bern(p) / _bern(q)), (y, 0, 1)),
    text=r"D_{\mathrm{KL}}(\mathrm{Bern}(p) \,\|\, \mathrm{Bern}(q)) = \sum_{y=0}^{1} P(y) \log \frac{P(y)}{Q(y)}",
    name="kl_bernoulli_def",
)
bkl = Derivation("The KL divergence between two Bernoulli distributions", two, start=kl, name="bernoulli-kl")
bkl.step(
    Sum(_bern(p) * log(_bern(p) / _bern(q)), (y, 0, 1)),
    "the KL divergence over the two outcomes, with P(y) = p^y (1 − p)^(1 − y) and Q(y) = q^y (1 − q)^(1 − y)",
    name="two-outcomes",
)
bkl.step(
    p * log(p / q) + (1 - p) * log((1 - p) / (1 - q)),
    "the terms y = 1 and y = 0",
    name="write-out-the-terms",
)
bkl.reference(bernoulli_kl, args=(p, q))
