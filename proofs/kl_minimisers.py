r"""KL divergence, cross-entropy and negative log-likelihood have the same minimisers.

The model :math:`f_\theta` assigns probability :math:`f(i, \theta)` to outcome :math:`i` and depends on the
parameters :math:`\theta`; the data distribution :math:`g` does not (seed 003). The divergence is the
cross-entropy minus the entropy of :math:`g`, and that entropy is a constant as far as :math:`\theta` is
concerned, so the two objectives have the same gradient.
"""

from sympy import Derivative, Function, Sum, Symbol, log

from derive import Context, Derivation
from derive.notation import CrossEntropy, Entropy, KLDivergence

ctx = Context()
K = ctx.size("K")
g = ctx.positive("g", index=(1, K), sums_to_one=True)  # the data distribution
theta = Symbol("theta", real=True)  # a model parameter
f = Function("f", positive=True)  # f(i, θ): the model's probability of outcome i
f_theta = Symbol("f_theta")  # the model as a whole, as printed: f_θ
i = Symbol("i", integer=True)
ctx.define(Entropy(g), -Sum(g[i] * log(g[i]), (i, 1, K)), text=r"H(g) = -\sum_{i=1}^{K} g_i \log g_i")
ctx.define(
    CrossEntropy(g, f_theta),
    -Sum(g[i] * log(f(i, theta)), (i, 1, K)),
    text=r"H(g, f_\theta) = -\sum_{i=1}^{K} g_i \log f(i, \theta)",
)
ctx.define(
    KLDivergence(g, f_theta),
    Sum(g[i] * log(g[i]), (i, 1, K)) - Sum(g[i] * log(f(i, theta)), (i, 1, K)),
    text=r"D_{\mathrm{KL}}(g \,\|\, f_\theta) = \sum_{i=1}^{K} g_i \log g_i - \sum_{i=1}^{K} g_i \log f(i, \theta)",
)

kl = Derivation("KL is cross-entropy minus entropy", ctx, start=KLDivergence(g, f_theta), name="kl-cross-entropy")
kl.step(CrossEntropy(g, f_theta) - Entropy(g), "the definitions of H(g, f_θ) and H(g)", name="difference")

gradient = Derivation(
    "KL and cross-entropy have the same gradient in θ",
    ctx,
    start=Derivative(KLDivergence(g, f_theta), theta),
    name="kl-minimisers",
)
gradient.step(
    Derivative(CrossEntropy(g, f_theta) - Entropy(g), theta),
    "KL is cross-entropy minus entropy",
    name="as-a-difference",
)
gradient.step(
    Derivative(CrossEntropy(g, f_theta), theta),
    "H(g) does not depend on θ: its derivative is 0",
    by="diff",
    name="entropy-is-constant",
    prose="Why do KL and cross-entropy have the same minimiser? The entropy of the data does not move with "
    "θ, so the two objectives differ by a constant and every stationary point and minimiser of one is one of "
    "the other. The cross-entropy of the empirical distribution is the average NLL (empirical-distribution), "
    "so all three share their minimisers.",
)
