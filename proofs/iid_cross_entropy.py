r"""Why minimising the negative log-likelihood is minimising the cross-entropy.

The training set is :math:`x_1, \ldots, x_N`, each an outcome in :math:`\{1, \ldots, K\}`, and the model gives
outcome :math:`i` the probability :math:`q_i = p(i \mid \theta)`. Counting how often each outcome occurs turns
the likelihood of the data into a product over outcomes, and its logarithm, divided by :math:`N`, into the
cross-entropy between the empirical distribution :math:`p` of the data and the model :math:`q`.
"""

from sympy import Function, IndexedBase, KroneckerDelta, Product, Sum, Symbol, log

from derive import Context, Derivation
from derive.losses import average_nll
from derive.notation import CrossEntropy, JointProbability, conditional

theta = Symbol("theta")
ctx = Context()
N = ctx.size("N")  # the number of training examples
K = ctx.size("K")  # the number of outcomes
x = ctx.data("x", index=(1, N), values=(1, K))  # the training set: x_k is the outcome of example k
q = ctx.positive("q", index=(1, K), sums_to_one=True)  # the model's distribution over outcomes
P = conditional("p", given=theta)  # p(i | θ)
n = IndexedBase("n", integer=True, nonnegative=True)
p = IndexedBase("p", nonnegative=True)
i, k = Symbol("i", integer=True), Symbol("k", integer=True)

ctx.define(P(i), q[i], text=r"q_i = p(i \mid \theta)", name="q_def")
ctx.define(n[i], Sum(KroneckerDelta(i, x[k]), (k, 1, N)), text=r"n_i = \sum_{k=1}^{N} [x_k = i]")
ctx.define(p[i], n[i] / N, text=r"p_i = n_i / N")
ctx.define(CrossEntropy(p, q), -Sum(p[i] * log(q[i]), (i, 1, K)), text=r"H(p, q) = -\sum_{i=1}^{K} p_i \log q_i")

L = Function("L")(theta)
nll = Derivation(
    "From the likelihood of i.i.d. data to the cross-entropy",
    ctx,
    start=JointProbability(x, N, theta),
    subject=L,
    name="iid-cross-entropy",
)
nll.assume(
    Product(P(x[k]), (k, 1, N)),
    "the examples are conditionally independent given θ (i.i.d.)",
    name="iid",
)
nll.example(
    {N: 3, K: 2, x[1]: 2, x[2]: 2, x[3]: 1},
    P(2) ** 2 * P(1),
    "for the training set [2, 2, 1]",
    name="worked-example",
)
nll.step(Product(q[x[k]], (k, 1, N)), "write q_i for p(i | θ)", name="name-q")
nll.step(
    Product(q[i] ** n[i], (i, 1, K)),
    "group equal factors: q_i occurs once for each of the n_i examples with x_k = i",
    by=["sum_comm", "sum_kronecker_delta"],
    name="group-by-counts",
)
nll.step(
    Product(q[i] ** (N * p[i]), (i, 1, K)),
    "n_i = N p_i, by the definition of p_i",
    name="counts-to-frequencies",
    prose="Why is q_i raised to the power N p_i? The factor q_i occurs once for every example "
    "whose outcome is :math:`i`, that is n_i times; and the empirical probability of outcome :math:`i` "
    "is the fraction p_i = n_i / N of examples that have it, so n_i = N p_i.",
)
nll.apply(
    log,
    N * Sum(p[i] * log(q[i]), (i, 1, K)),
    "taking logs: the log of a product is the sum of the logs",
    by="log_prod",
    name="take-logs",
)
nll.apply(
    lambda e: e / N,
    Sum(p[i] * log(q[i]), (i, 1, K)),
    "dividing both sides by N",
    name="divide-by-n",
    prose="Why divide by N? The log-likelihood is a sum over the N examples and grows with them; divided by N it "
    "is the average log-likelihood per example, comparable across data sets of any size. Dividing by the "
    "constant N > 0 does not move the maximum over θ.",
)
nll.step(-CrossEntropy(p, q), "the definition of the cross-entropy H(p, q)", name="cross-entropy")
nll.apply(
    lambda e: -e,
    CrossEntropy(p, q),
    "changing the sign of both sides",
    name="average-nll",
)
nll.closing = (
    "So the average negative log-likelihood of the data equals the cross-entropy H(p, q) of the model :math:`q` "
    "relative to the empirical distribution :math:`p` of the data: minimising one over θ minimises the other."
)
nll.reference(average_nll, args=(q, x))
