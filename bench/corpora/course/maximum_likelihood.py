"""Lecture 2: maximum likelihood from counts.

A coin with P(heads) = theta, thrown n times with labels y_i in {0, 1}. The log-likelihood depends on the data only
through the number of heads; with n1 heads and n0 tails its derivative vanishes at theta = n1/(n0 + n1). For a
K-sided die with counts n_k the same holds for each face: theta_k = n_k / N.
"""

from sympy import Derivative, S, Sum, Symbol, log

from derive import Context, Derivation

ctx = Context()
n = ctx.size("n")
y = ctx.data("y", index=(1, n), values=(0, 1))
theta = ctx.probability("theta")
i = Symbol("i", integer=True)

ll = Derivation(
    "Bernoulli log-likelihood from counts",
    ctx,
    start=Sum(y[i] * log(theta) + (1 - y[i]) * log(1 - theta), (i, 1, n)),
    name="bernoulli-loglik",
)
ll.step(Sum(y[i], (i, 1, n)) * log(theta) + (n - Sum(y[i], (i, 1, n))) * log(1 - theta), "split the sum")

ctx2 = Context()
n1 = Symbol("n1", positive=True, integer=True)  # heads
n0 = Symbol("n0", positive=True, integer=True)  # tails
t = ctx2.probability("theta")
score = Derivation("The Bernoulli MLE", ctx2, start=Derivative(n1 * log(t) + n0 * log(1 - t), t), name="bernoulli-mle")
score.step(n1 / t - n0 / (1 - t), "d/dtheta log theta = 1/theta, d/dtheta log(1 - theta) = -1/(1 - theta)")
score.apply(lambda e: e.subs(t, n1 / (n0 + n1)), S.Zero, "at theta = n1/(n0 + n1) both terms equal n0 + n1")

ctx3 = Context()
K = ctx3.size("K")
counts = ctx3.positive("n", index=(1, K))  # counts of each face (all seen at least once)
th = ctx3.positive("theta", index=(1, K), sums_to_one=True)
j = ctx3.value("j", (1, K))
k = Symbol("k", integer=True)
N = Sum(counts[k], (k, 1, K))

cat = Derivation(
    "Categorical log-likelihood: the gradient",
    ctx3,
    start=Derivative(Sum(counts[k] * log(th[k]), (k, 1, K)), th[j]),
    name="categorical-score",
)
cat.step(counts[j] / th[j], "only the j-th term depends on theta_j")
cat.apply(lambda e: e.subs(th[j], counts[j] / N), N, "at theta_j = n_j / N it is N, the same for every j (Lagrange)")
