r"""The empirical distribution as a mixture of deltas: how a sum over N examples becomes a sum over K classes.

The data are :math:`x_1, \ldots, x_N`, each one of :math:`K` outcomes. The empirical distribution puts mass
:math:`1/N` on each observed example, :math:`p = \frac{1}{N} \sum_{n=1}^{N} \delta(x - x_n)`. For discrete
outcomes the delta is the Kronecker delta :math:`[x_n = k]`, which is exactly a one-hot vector: the indicator
of the class of example :math:`n`. Which delta is meant, Dirac or Kronecker, and does it matter? For
classification it is the Kronecker delta; the Dirac delta is its continuous analogue, for outcomes on the real
line, and the algebra is the same with either.
"""

from sympy import IndexedBase, KroneckerDelta, Sum, Symbol, log

from derive import Context, Derivation
from derive.notation import CrossEntropy, Entropy, KLDivergence

ctx = Context()
N = ctx.size("N")  # the number of training examples
K = ctx.size("K")  # the number of classes
x = ctx.data("x", index=(1, N), values=(1, K))  # x_n: the class of example n
q = ctx.positive("q", index=(1, K), sums_to_one=True)  # the model's distribution over classes
p = IndexedBase("p", nonnegative=True)  # the empirical distribution (defined below)
n, k = Symbol("n", integer=True), Symbol("k", integer=True)
ctx.define(p[k], Sum(KroneckerDelta(x[n], k), (n, 1, N)) / N, text=r"p_k = \frac{1}{N} \sum_{n=1}^{N} [x_n = k]")
ctx.define(CrossEntropy(p, q), -Sum(p[k] * log(q[k]), (k, 1, K)), text=r"H(p, q) = -\sum_{k=1}^{K} p_k \log q_k")

collapse = Derivation(
    "The empirical cross-entropy is the average negative log-likelihood",
    ctx,
    start=CrossEntropy(p, q),
    name="empirical-distribution",
)
collapse.step(-Sum(p[k] * log(q[k]), (k, 1, K)), "the definition of the cross-entropy", name="definition")
collapse.step(
    -Sum(Sum(KroneckerDelta(x[n], k), (n, 1, N)) / N * log(q[k]), (k, 1, K)),
    "the empirical distribution: p_k is the fraction of examples in class k",
    name="empirical-p",
    prose="How can a term that mentions only :math:`q` be a cross-entropy? Because the other distribution, "
    "the empirical :math:`p`, is hidden in the counting: write it out.",
)
collapse.step(
    -Sum(Sum(KroneckerDelta(x[n], k) * log(q[k]), (k, 1, K)), (n, 1, N)) / N,
    "exchange the two finite sums and take 1/N out",
    by=["sum_comm", "mul_sum"],
    name="exchange-sums",
    prose="How does a sum over the N examples become a sum over the K classes? It is one double sum over "
    "examples and classes, and finite sums can be exchanged.",
)
collapse.step(
    -Sum(log(q[x[n]]), (n, 1, N)) / N,
    "for each example only the term k = x_n survives: the delta (one-hot) picks it",
    by="sum_kronecker_delta",
    name="delta-picks-the-class",
    prose="Is the delta just a one-hot vector? Yes: for example :math:`n`, :math:`[x_n = k]` as a function "
    "of :math:`k` is the one-hot encoding of its class, so the inner sum over classes keeps one term.",
)
collapse.closing = (
    "The right-hand side is :math:`1/N` times the negative log-likelihood of the data under :math:`q`. So "
    ":math:`H(p, q)` with the empirical :math:`p` is the average NLL, and "
    r":math:`D_{\mathrm{KL}}(p \,\|\, q) = -H(p) + H(p, q)` = constant + NLL/:math:`N`: see the "
    "kl-divergence derivation, where for the empirical :math:`p` the classes that never occur contribute 0 to "
    r":math:`H(p)` (the convention :math:`0 \log 0 = 0`)."
)

# The KL divergence from the empirical distribution: a constant plus the average NLL.
full = Context()
Nf, Kf = full.size("N"), full.size("K")
xf = full.data("x", index=(1, Nf), values=(1, Kf))
qf = full.positive("q", index=(1, Kf), sums_to_one=True)
pe = IndexedBase("p", positive=True)  # positive: the assumption below
full.assume("every class occurs in the data, so every p_k > 0 and H(p) needs no 0 log 0 convention")
full.define(pe[k], Sum(KroneckerDelta(xf[n], k), (n, 1, Nf)) / Nf, text=r"p_k = \frac{1}{N} \sum_{n=1}^{N} [x_n = k]")
full.define(Entropy(pe), -Sum(pe[k] * log(pe[k]), (k, 1, Kf)), text=r"H(p) = -\sum_{k=1}^{K} p_k \log p_k")
full.define(
    KLDivergence(pe, qf),
    Sum(pe[k] * log(pe[k] / qf[k]), (k, 1, Kf)),
    text=r"D_{\mathrm{KL}}(p \,\|\, q) = \sum_{k=1}^{K} p_k \log \frac{p_k}{q_k}",
)
kl_empirical = Derivation(
    "The KL divergence from the data is a constant plus the average NLL",
    full,
    start=KLDivergence(pe, qf),
    name="kl-empirical",
    intro="With the empirical p, the KL divergence of the model q splits into the data's own (negative) "
    "entropy, which no model changes, and the average negative log-likelihood of the data under q.",
)
kl_empirical.step(
    -Entropy(pe) - Sum(pe[k] * log(qf[k]), (k, 1, Kf)),
    "log(p_k / q_k) = log p_k − log q_k, and the definition of H(p)",
    name="split",
)
kl_empirical.step(
    -Entropy(pe) - Sum(log(qf[xf[n]]), (n, 1, Nf)) / Nf,
    "the empirical cross-entropy is the average NLL (the derivation above)",
    name="constant-plus-nll",
)
