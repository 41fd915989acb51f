r"""The KL divergence between two univariate Gaussians, in closed form.

The divergence of :math:`\mathcal{N}_2 = \mathcal{N}(\mu_2, \sigma_2^2)` from
:math:`\mathcal{N}_1 = \mathcal{N}(\mu_1, \sigma_1^2)` is the expected log-ratio of the two densities under the
first. Taking the log of each density leaves a constant and two squared distances; under
:math:`x \sim \mathcal{N}_1` the squared distance from its own mean averages to the variance :math:`\sigma_1^2`,
and the squared distance from the other mean to the variance plus the squared gap of the means. The result is the
term a variational autoencoder adds to its loss for every latent dimension (there with :math:`\mu_2 = 0`,
:math:`\sigma_2 = 1`).
"""

from __future__ import annotations

from sympy import S, Symbol, log, pi

from derive import Context, Derivation, E, Normal, normal_pdf
from derive.losses import gaussian_kl
from derive.notation import KLDivergence

ctx = Context()
x = Symbol("x", real=True)  # the variable averaged over
mu1, mu2 = Symbol("mu1", real=True), Symbol("mu2", real=True)  # the two means
s1, s2 = Symbol("sigma1", positive=True), Symbol("sigma2", positive=True)  # the two standard deviations
first, second = Normal(mu1, s1), Normal(mu2, s2)

# NOTE: the divergence is named by KLDivergence, not by a quantity (quantities are declared positive, and this
# one is 0 when the two Gaussians agree); its two arguments only name the distributions in print.
kl = KLDivergence(Symbol(r"\mathcal{N}_{1}"), Symbol(r"\mathcal{N}_{2}"))
ctx.define(
    kl,
    E(log(normal_pdf(x, mu1, s1)) - log(normal_pdf(x, mu2, s2)), x, first),
    text=r"D_{\mathrm{KL}}(\mathcal{N}_1 \,\|\, \mathcal{N}_2) = \mathbb{E}_{x \sim \mathcal{N}_1}"
    r"[\log \mathcal{N}(x \mid \mu_1, \sigma_1^2) - \log \mathcal{N}(x \mid \mu_2, \sigma_2^2)]"
    r" \text{ for } \mathcal{N}_1 = \mathcal{N}(\mu_1, \sigma_1^2),\ \mathcal{N}_2 = \mathcal{N}(\mu_2, \sigma_2^2)",
    name="kl_gaussians_def",
)

gkl = Derivation("KL divergence between two Gaussians", ctx, start=kl, name="gaussian-kl")
gkl.step(
    E(
        -log(2 * pi * s1**2) / 2
        - (x - mu1) ** 2 / (2 * s1**2)
        - (-log(2 * pi * s2**2) / 2 - (x - mu2) ** 2 / (2 * s2**2)),
        x,
        first,
    ),
    "the definition of the KL divergence, with the log of a normal density: "
    "log N(x | μ, σ²) = −½ log(2πσ²) − (x − μ)²/(2σ²)",
    name="log-of-each-density",
    prose=r"The divergence is the expected log-ratio of the two densities under the first "
    r"(the definition above); the log of each density is a constant minus a scaled squared distance.",
)
gkl.step(
    E(log(s2 / s1) - (x - mu1) ** 2 / (2 * s1**2) + (x - mu2) ** 2 / (2 * s2**2), x, first),
    "the constants combine: ½ log(2πσ₂²) − ½ log(2πσ₁²) = log(σ₂/σ₁)",
    name="combine-the-constants",
)
gkl.step(
    log(s2 / s1) - E((x - mu1) ** 2, x, first) / (2 * s1**2) + E((x - mu2) ** 2, x, first) / (2 * s2**2),
    "linearity of expectation: constants come out",
    name="linearity",
)
gkl.step(
    log(s2 / s1) - S.Half + E((x - mu2) ** 2, x, first) / (2 * s2**2),
    "the variance: E[(x − μ₁)²] = σ₁², so the middle term is σ₁²/(2σ₁²) = ½",
    name="variance",
)
gkl.step(
    log(s2 / s1) + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2) - S.Half,
    "E[(x − μ₂)²] = σ₁² + (μ₁ − μ₂)²: the variance plus the squared gap of the means",
    name="distance-from-the-other-mean",
    prose="Why does the squared gap appear? Write x − μ₂ = (x − μ₁) + (μ₁ − μ₂): the cross term averages to 0, "
    "since E[x − μ₁] = 0, and what is left is the variance plus the constant (μ₁ − μ₂)².",
)
gkl.closing = (
    "So D_KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½. It is 0 when the two "
    "Gaussians agree (μ₁ = μ₂, σ₁ = σ₂), and, as Gibbs' inequality says of every KL divergence, never negative."
)
gkl.reference(gaussian_kl, args=(mu1, s1, mu2, s2))
