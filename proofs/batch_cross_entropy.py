r"""The negative log-likelihood of a batch is a sum of cross-entropies, and itself a cross-entropy.

Example :math:`i` of a batch of :math:`N` has a target distribution :math:`y^{(i)}` and a prediction
:math:`\hat y^{(i)}` over :math:`M` outcomes (seed 003). Is the batch NLL a cross-entropy? It is the sum of the
per-example cross-entropies, and, as the post's edit says, the cross-entropy between the distributions over the
whole vector of outcomes, because the cross-entropy of product distributions is the sum of the cross-entropies.
"""

from sympy import Sum, Symbol, log

from derive import Context, Derivation
from derive.notation import CrossEntropy, example_cross_entropy

ctx = Context()
N = ctx.size("N")  # examples in the batch
M = ctx.size("M")  # outcomes
y = ctx.positive("y", index=[(1, M), (1, N)], sums_to_one=True)  # y_{j,i}: target of example i
yhat = ctx.positive("yhat", index=[(1, M), (1, N)], sums_to_one=True)  # ŷ_{j,i}: prediction for example i
H = example_cross_entropy(y, yhat)  # H(y^(i), ŷ^(i)), the cross-entropy of example i
i, j = Symbol("i", integer=True), Symbol("j", integer=True)
ctx.define(
    H(i),
    -Sum(y[j, i] * log(yhat[j, i]), (j, 1, M)),
    text=r"H(y^{(i)}, \hat y^{(i)}) = -\sum_{j=1}^{M} y_{j,i} \log \hat y_{j,i}",
)

batch = Derivation(
    "The batch NLL is the sum of the per-example cross-entropies",
    ctx,
    start=-Sum(Sum(y[j, i] * log(yhat[j, i]), (j, 1, M)), (i, 1, N)),
    name="batch-nll",
)
batch.step(Sum(H(i), (i, 1, N)), "the inner sum is the cross-entropy of example i", name="sum-of-cross-entropies")

# The cross-entropy of a product distribution.
two = Context()
K, L = two.size("K"), two.size("L")
p = two.positive("p", index=(1, K), sums_to_one=True)
q = two.positive("q", index=(1, K), sums_to_one=True)
r = two.positive("r", index=(1, L), sums_to_one=True)
s = two.positive("s", index=(1, L), sums_to_one=True)
a, b = Symbol("a", integer=True), Symbol("b", integer=True)
two.define(CrossEntropy(p, q), -Sum(p[a] * log(q[a]), (a, 1, K)), text=r"H(p, q) = -\sum_{a=1}^{K} p_a \log q_a")
two.define(
    CrossEntropy(r, s),
    -Sum(r[b] * log(s[b]), (b, 1, L)),
    text=r"H(r, s) = -\sum_{b=1}^{L} r_b \log s_b",
    name="cross_entropy_rs_def",
)

product = Derivation(
    "Cross-entropy of product distributions adds",
    two,
    start=-Sum(Sum(p[a] * r[b] * log(q[a] * s[b]), (b, 1, L)), (a, 1, K)),
    # the product distributions' cross-entropy, by definition the double sum it opens with (a name, not a claim)
    subject=CrossEntropy(Symbol(r"p \otimes r"), Symbol(r"q \otimes s")),
    name="product-cross-entropy",
)
product.step(
    -Sum(Sum(p[a] * r[b] * (log(q[a]) + log(s[b])), (b, 1, L)), (a, 1, K)),
    "log(q_a s_b) = log q_a + log s_b",
    by="log_mul",
    name="split-the-log",
)
product.step(
    -Sum(p[a] * log(q[a]), (a, 1, K)) - Sum(r[b] * log(s[b]), (b, 1, L)),
    "split the sum; Σ_b r_b = 1 and Σ_a p_a = 1",
    name="marginals-sum-to-one",
)
product.step(
    CrossEntropy(p, q) + CrossEntropy(r, s),
    "the two cross-entropies",
    name="sum-of-cross-entropies",
    prose="Is a sum of cross-entropies, each with its own model distribution, itself a cross-entropy? Yes: "
    "the sum for two independent examples is the cross-entropy of the product of the targets relative to the "
    "product of the predictions. Repeated over a batch, the batch NLL is the cross-entropy between the "
    "distributions over the whole vector of outcomes.",
)
