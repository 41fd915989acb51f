r"""With one-hot targets, the average cross-entropy over a data set is the average negative log-likelihood.

Each of :math:`N` training examples has a class :math:`y_n` among :math:`K`, and the model predicts a
distribution :math:`q_{\cdot,n}` over the classes for each example (it depends on the example's input). The
target distribution of example :math:`n` is one-hot, :math:`p_{k,n} = [k = y_n]` (seed 001, comment).
"""

from sympy import IndexedBase, KroneckerDelta, Sum, Symbol, log

from derive import Context, Derivation

ctx = Context()
N = ctx.size("N")  # examples
K = ctx.size("K")  # classes
y = ctx.data("y", index=(1, N), values=(1, K))  # y_n: the class of example n
q = ctx.positive("q", index=[(1, K), (1, N)], sums_to_one=True)  # q_{k,n}: predicted probability of class k
p = IndexedBase("p", nonnegative=True)  # p_{k,n}: the one-hot target
k, n = Symbol("k", integer=True), Symbol("n", integer=True)
ctx.define(p[k, n], KroneckerDelta(k, y[n]), text=r"p_{k,n} = [k = y_n]")

onehot = Derivation(
    "One-hot targets: average cross-entropy = average NLL",
    ctx,
    start=-Sum(Sum(p[k, n] * log(q[k, n]), (k, 1, K)), (n, 1, N)) / N,
    name="one-hot-targets",
)
onehot.step(
    -Sum(Sum(KroneckerDelta(k, y[n]) * log(q[k, n]), (k, 1, K)), (n, 1, N)) / N,
    "the targets are one-hot",
    name="one-hot",
)
onehot.step(
    -Sum(log(q[y[n], n]), (n, 1, N)) / N,
    "in each inner sum only the true class k = y_n survives",
    by="sum_kronecker_delta",
    name="true-class-survives",
    prose="So the relation between cross-entropy and negative log-likelihood is just that: the true "
    "distribution is one-hot, and the sum over classes keeps the log-probability of the true class.",
)
