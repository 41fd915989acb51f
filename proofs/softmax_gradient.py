r"""The gradient of the softmax cross-entropy with respect to the logits is the prediction minus the target.

A classifier's last layer produces scores (logits) :math:`z_1, \ldots, z_K`, any real numbers, and turns them into
the predicted distribution :math:`\hat y = \operatorname{softmax}(z)`. It is trained by the cross-entropy
:math:`-\sum_i y_i \log \hat y_i` against a target distribution :math:`y`: soft (label smoothing, distillation:
every :math:`y_i > 0`, :math:`\sum_i y_i = 1`) or one-hot (the observed class :math:`c`, every other
:math:`y_i = 0`), each below. Written in the logits, the
loss is log-sum-exp minus the target-weighted logits, and its gradient is the strikingly simple
:math:`\hat y_j - y_j`: the error of the predicted probability.
"""

from sympy import Derivative, IndexedBase, KroneckerDelta, Sum, Symbol, exp, log

from derive import Context, Derivation
from derive.losses import softmax_cross_entropy, softmax_cross_entropy_gradient

ctx = Context()
K = ctx.size("K")  # the number of classes
z = ctx.real("z", index=(1, K))  # the logits
# the target distribution; declared positive because a family cannot yet be declared nonnegative and summing to one
# (the steps use only the sum): the one-hot case below covers targets with zeros
y = ctx.positive("y", index=(1, K), sums_to_one=True)
yhat = IndexedBase("yhat", positive=True)  # the predicted distribution
i, k = Symbol("i", integer=True), Symbol("k", integer=True)
ctx.define(
    yhat[i],
    exp(z[i]) / Sum(exp(z[k]), (k, 1, K)),
    text=r"\hat y_i = \operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}",
    name="softmax",
)
lse = log(Sum(exp(z[k]), (k, 1, K)))

loss = Derivation(
    "The softmax cross-entropy in the logits",
    ctx,
    start=-Sum(y[i] * log(yhat[i]), (i, 1, K)),
    name="softmax-cross-entropy",
)
loss.step(
    -Sum(y[i] * log(exp(z[i]) / Sum(exp(z[k]), (k, 1, K))), (i, 1, K)),
    "the definition of the softmax",
    name="definition",
)
loss.step(
    -Sum(y[i] * (z[i] - lse), (i, 1, K)),
    "the log of a quotient is the difference of the logs, and log e^{z_i} = z_i",
    name="log-of-quotient",
)
loss.step(
    -Sum(y[i] * z[i], (i, 1, K)) + Sum(y[i], (i, 1, K)) * lse,
    "split the sum; the log-sum-exp does not depend on i",
    name="split-the-sum",
)
loss.step(
    lse - Sum(y[i] * z[i], (i, 1, K)),
    "the target probabilities sum to one",
    name="log-sum-exp-minus-target-logits",
    prose="Why does the log-sum-exp appear exactly once? Every term of the cross-entropy pays it, weighted by "
    "its target probability, and those weights sum to one.",
)
loss.reference(softmax_cross_entropy, args=(z, y))

j = ctx.value("j", (1, K))  # the logit we differentiate by
gradient = Derivation(
    "The gradient of the softmax cross-entropy",
    ctx,
    start=Derivative(lse - Sum(y[i] * z[i], (i, 1, K)), z[j]),
    name="softmax-cross-entropy-gradient",
)
gradient.step(
    Sum(exp(z[k]) * KroneckerDelta(k, j), (k, 1, K)) / Sum(exp(z[k]), (k, 1, K))
    - Sum(y[i] * KroneckerDelta(i, j), (i, 1, K)),
    "the chain rule through the log, and ∂z_k/∂z_j = δ_kj",
    name="chain-rule",
)
gradient.step(
    exp(z[j]) / Sum(exp(z[k]), (k, 1, K)) - y[j],
    "only the terms k = j and i = j survive",
    name="only-j",
)
gradient.step(
    yhat[j] - y[j],
    "the definition of the softmax",
    name="prediction-minus-target",
    prose="Why is the gradient so simple? The derivative of the log-sum-exp is the softmax itself, and the "
    "target-weighted logits are linear in z: the exponentials of the softmax and the logarithm of the "
    "cross-entropy cancel.",
)
gradient.reference(softmax_cross_entropy_gradient, args=(z, y, j))

# The one-hot target, in a context of its own (the write-ups list only what each derivation uses).
ctx = Context()
K = ctx.size("K")
z = ctx.real("z", index=(1, K))
c = ctx.value("c", (1, K))  # the observed class
t = IndexedBase("y", nonnegative=True)  # the one-hot target
ctx.define(t[i], KroneckerDelta(i, c), text=r"y_i = [i = c]")
ctx.define(
    yhat[i],
    exp(z[i]) / Sum(exp(z[k]), (k, 1, K)),
    text=r"\hat y_i = \operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}",
    name="softmax",
)
lse = log(Sum(exp(z[k]), (k, 1, K)))

one_hot = Derivation(
    "The softmax cross-entropy with a one-hot target",
    ctx,
    start=-Sum(t[i] * log(yhat[i]), (i, 1, K)),
    name="one-hot-softmax-cross-entropy",
)
one_hot.step(-log(yhat[c]), "only the term i = c survives", name="observed-class")
one_hot.step(
    -log(exp(z[c]) / Sum(exp(z[k]), (k, 1, K))),
    "the definition of the softmax",
    name="definition",
)
one_hot.step(
    lse - z[c],
    "the log of a quotient is the difference of the logs, and log e^{z_c} = z_c",
    name="log-sum-exp-minus-observed-logit",
)

j = ctx.value("j", (1, K))
one_hot_gradient = Derivation(
    "The gradient of the softmax cross-entropy with a one-hot target",
    ctx,
    start=Derivative(lse - z[c], z[j]),
    name="one-hot-softmax-cross-entropy-gradient",
)
one_hot_gradient.step(
    Sum(exp(z[k]) * KroneckerDelta(k, j), (k, 1, K)) / Sum(exp(z[k]), (k, 1, K)) - KroneckerDelta(c, j),
    "the chain rule through the log, and ∂z_k/∂z_j = δ_kj",
    name="chain-rule",
)
one_hot_gradient.step(
    exp(z[j]) / Sum(exp(z[k]), (k, 1, K)) - KroneckerDelta(j, c),
    "only the term k = j survives",
    name="only-j",
)
one_hot_gradient.step(
    yhat[j] - KroneckerDelta(j, c),
    "the definition of the softmax",
    name="prediction-minus-one-hot",
    prose="What does a gradient step do to the logits? The gradient is the predicted probability of class :math:`j`, "
    "less 1 for the observed class: a step against it raises the logit of the observed class and lowers every "
    "other in proportion to its predicted probability.",
)
