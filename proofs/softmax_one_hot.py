r"""Softmax outputs form a distribution, and with a one-hot target the NLL is the cross-entropy.

A network's last layer maps scores :math:`z_1, \ldots, z_M` to :math:`\hat y_j = \sigma(z)_j`, the softmax
(seed 003). If the observed outcome is :math:`c`, the target is the one-hot vector :math:`y_j = [j = c]`.
"""

from sympy import IndexedBase, Integer, KroneckerDelta, Product, Sum, Symbol, exp, log

from derive import Context, Derivation
from derive.losses import one_hot_nll, softmax
from derive.notation import CrossEntropy, softmax_of

ctx = Context()
M = ctx.size("M")  # the number of outcomes
z = ctx.real("z", index=(1, M))  # the scores (logits), any real numbers
sigma = softmax_of(z)  # σ(z)_j
i, j, k = Symbol("i", integer=True), Symbol("j", integer=True), Symbol("k", integer=True)
ctx.define(
    sigma(i), exp(z[i]) / Sum(exp(z[k]), (k, 1, M)), text=r"\sigma(z)_i = \frac{e^{z_i}}{\sum_{k=1}^{M} e^{z_k}}"
)

out = ctx.value("j", values=(1, M))  # any one of the M outputs
positive = Derivation("Every softmax output is positive", ctx, start=sigma(out), name="softmax-positive")
positive.step(exp(z[out]) / Sum(exp(z[k]), (k, 1, M)), "the definition of the softmax", name="definition")
positive.step(
    Integer(0),
    "an exponential is positive, and so is a sum of M ≥ 1 of them",
    relation=">",
    name="positive",
)

positive.reference(softmax, args=(z, out), formula=sigma(out))

normalised = Derivation(
    "The softmax outputs sum to one", ctx, start=Sum(sigma(i), (i, 1, M)), name="softmax-sums-to-one"
)
normalised.step(
    Sum(exp(z[i]) / Sum(exp(z[k]), (k, 1, M)), (i, 1, M)),
    "the definition of the softmax",
    name="definition",
)
normalised.step(
    Sum(exp(z[i]), (i, 1, M)) / Sum(exp(z[k]), (k, 1, M)),
    "the denominator does not depend on i",
    by="mul_sum",
    name="common-denominator",
)
normalised.step(Integer(1), "numerator and denominator are the same sum", name="one")

# The one-hot target, in a context of its own (the write-ups list only what each derivation uses).
ctx = Context()
M = ctx.size("M")
c = ctx.value("c", values=(1, M))  # the observed outcome
yhat = ctx.positive("yhat", index=(1, M), sums_to_one=True)  # a predicted distribution (e.g. a softmax output)
y = IndexedBase("y", nonnegative=True)
ctx.define(y[j], KroneckerDelta(j, c), text=r"y_j = [j = c]")
ctx.define(
    CrossEntropy(y, yhat),
    -Sum(y[j] * log(yhat[j]), (j, 1, M)),
    text=r"H(y, \hat y) = -\sum_{j=1}^{M} y_j \log \hat y_j",
)

likelihood = Derivation(
    "With a one-hot target the likelihood is the probability of the observed outcome",
    ctx,
    start=Product(yhat[j] ** y[j], (j, 1, M)),
    name="one-hot-likelihood",
)
likelihood.step(
    yhat[c],
    "every factor but the observed one has exponent 0",
    name="picks-the-observed",
)

nll = Derivation(
    "With a one-hot target the NLL is the cross-entropy H(y, ŷ)",
    ctx,
    start=-Sum(y[j] * log(yhat[j]), (j, 1, M)),
    name="one-hot-nll",
)
nll.step(-log(yhat[c]), "only the term j = c survives", name="minus-log-of-observed")
nll.step(
    CrossEntropy(y, yhat),
    "the cross-entropy of the model ŷ relative to the target distribution y",
    name="cross-entropy",
    prose="Which distribution goes inside the logarithm? The model's: the target y weights the terms and "
    "ŷ is the distribution whose code lengths -log ŷ_j are paid (entropy-in-bits shows the order matters).",
)
nll.reference(one_hot_nll, args=(yhat, c))
