r"""The Bernoulli likelihood of binary labels, its logarithm, and binary cross-entropy.

Each of :math:`n` examples has a hard label :math:`y_i \in \{0, 1\}` and a predicted probability
:math:`0 < \hat y_i < 1` that the label is 1 (seed 002). Why multiply the probabilities of all data points? The
likelihood is the probability of observing the whole data set, and under the i.i.d. assumption the probability
of independent observations is the product of their probabilities.
"""

from sympy import Derivative, Function, IndexedBase, Integer, KroneckerDelta, Product, Sum, Symbol, log

from derive import Context, Derivation
from derive.losses import bernoulli_log_likelihood, binary_cross_entropy
from derive.notation import CrossEntropy

theta = Symbol("theta")
ctx = Context()
n = ctx.size("n")  # examples
y = ctx.data("y", index=(1, n), values=(0, 1))  # hard labels
yhat = ctx.positive("yhat", index=(1, n), below_one=True)  # predicted P(label = 1)
i = Symbol("i", integer=True)

L = Function("P")(Symbol("D"))
bernoulli = Derivation(
    "The Bernoulli likelihood and its logarithm",
    ctx,
    start=L,
    subject=L,
    name="bernoulli-likelihood",
)
bernoulli.assume(
    Product(yhat[i] ** y[i] * (1 - yhat[i]) ** (1 - y[i]), (i, 1, n)),
    "the labels are independent given θ (i.i.d.), each Bernoulli with parameter ŷ_i",
    name="iid",
)
bernoulli.example(
    {n: 1, y[1]: 1},
    yhat[1],
    "with one example of label 1, the factor is the predicted probability of label 1",
    name="label-one",
    prose="The exponents act as a switch: for a hard label one of the two factors has exponent 0.",
)
bernoulli.example(
    {n: 1, y[1]: 0},
    1 - yhat[1],
    "with label 0 it is the predicted probability of label 0",
    name="label-zero",
)
bernoulli.apply(
    log,
    Sum(y[i] * log(yhat[i]) + (1 - y[i]) * log(1 - yhat[i]), (i, 1, n)),
    "taking logs: log of a product, then of the powers (ŷ_i and 1 − ŷ_i are positive)",
    by=["log_prod", "log_mul", "log_pow"],
    name="log-likelihood",
)

bernoulli.reference(bernoulli_log_likelihood, args=(y, yhat))

# Binary cross-entropy is the two-class case of the categorical cross-entropy.
two = Context()
yy = two.probability("y")  # a label; the identity holds for soft labels y in (0, 1) too
yh = two.probability("yhat")
p, q = IndexedBase("p"), IndexedBase("q")
j = Symbol("j", integer=True)
two.define(p[j], yy * KroneckerDelta(j, 1) + (1 - yy) * KroneckerDelta(j, 2), text=r"p = (y, 1 - y)")
two.define(q[j], yh * KroneckerDelta(j, 1) + (1 - yh) * KroneckerDelta(j, 2), text=r"q = (\hat y, 1 - \hat y)")
two.define(CrossEntropy(p, q), -Sum(p[j] * log(q[j]), (j, 1, 2)), text=r"H(p, q) = -\sum_{j=1}^{2} p_j \log q_j")

bce = Derivation(
    "Binary cross-entropy is the two-class cross-entropy",
    two,
    start=CrossEntropy(p, q),
    name="binary-cross-entropy",
    intro="With two classes, a label y and a prediction ŷ are the distributions p = (y, 1 − y) and q = (ŷ, 1 − ŷ).",
)
bce.step(-Sum(p[j] * log(q[j]), (j, 1, 2)), "the categorical cross-entropy with K = 2 classes", name="definition")
bce.step(
    -(yy * log(yh) + (1 - yy) * log(1 - yh)),
    "write out the two terms, with p = (y, 1 − y) and q = (ŷ, 1 − ŷ)",
    by="sum_expand",
    name="two-terms",
    prose="How does the formula extend to several classes? It is the K = 2 case of :math:`-\\sum_j p_j \\log q_j`; "
    "with K classes and a one-hot p it keeps the log-probability of the true class (one-hot-targets).",
)
bce.reference(binary_cross_entropy, args=(yy, yh))
bce.closing = (
    "So the per-example log-likelihood y log ŷ + (1 − y) log(1 − ŷ) is minus the binary cross-entropy, for hard "
    "labels and for soft labels y in (0, 1) alike."
)

# When is the likelihood largest? At the prediction that equals the label.
soft = Context()
label = soft.probability("y")  # a soft label in (0, 1)
pred = soft.probability("yhat")  # the prediction ŷ in (0, 1)
ell = label * log(pred) + (1 - label) * log(1 - pred)  # the per-example log-likelihood, a function of ŷ

stationary = Derivation(
    "The log-likelihood is largest where the prediction equals the label",
    soft,
    start=Derivative(ell, pred),
    name="bernoulli-maximum",
    intro="For one example with label y in (0, 1), the log-likelihood y log ŷ + (1 − y) log(1 − ŷ) is a function of "
    "the prediction ŷ in (0, 1). Where is it largest?",
)
stationary.step(
    label / pred - (1 - label) / (1 - pred),
    "differentiate term by term: d log ŷ/dŷ = 1/ŷ and d log(1 − ŷ)/dŷ = −1/(1 − ŷ)",
    by="diff",
    name="first-derivative",
)
stationary.apply(
    lambda e: e.subs(pred, label),
    Integer(0),
    "at ŷ = y the two terms are both 1 and cancel",
    name="vanishes-at-the-label",
)

curvature = Derivation(
    "The second derivative is negative, so ŷ = y is the maximum",
    soft,
    start=Derivative(ell, (pred, 2)),
    name="bernoulli-concave",
    intro="The stationary point ŷ = y is a maximum: the log-likelihood is strictly concave in ŷ.",
)
curvature.step(
    -label / pred**2 - (1 - label) / (1 - pred) ** 2,
    "differentiate again",
    by="diff",
    name="second-derivative",
)
curvature.step(
    Integer(0),
    "both terms are negative, since 0 < y < 1 and 0 < ŷ < 1",
    relation="<",
    name="negative",
)
curvature.closing = (
    "What changes with soft labels? Not the identities: the log-likelihood is minus the binary cross-entropy "
    "for soft labels as for hard ones (binary-cross-entropy). What changes is the best prediction: for a soft "
    "label y in (0, 1) the log-likelihood, a strictly concave function of ŷ on (0, 1), has its unique maximum at "
    "ŷ = y.\n\n"
    "For a hard label the maximum is not attained inside (0, 1): with y = 1 the "
    "log-likelihood is log ŷ, increasing, with supremum 0 approached as ŷ → 1; with y = 0 it is log(1 − ŷ), "
    "with supremum 0 approached as ŷ → 0. With soft labels the best prediction is the label itself; with hard "
    "labels the loss keeps pushing the prediction towards 0 or 1."
)
