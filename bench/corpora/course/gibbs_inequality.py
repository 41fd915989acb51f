"""Lecture 7 (cont.): Gibbs' inequality, KL(p || q) >= 0.

The key fact is log x <= x - 1 for x > 0. Applied to x = q_i/p_i and averaged under p it gives
sum_i p_i log(q_i/p_i) <= sum_i (q_i - p_i) = 0.
"""

from sympy import S, Sum, Symbol, log

from derive import Context, Derivation

ctx = Context()
x = Symbol("x", positive=True)
lemma = Derivation("log x <= x - 1", ctx, start=log(x), name="log-le-x-minus-1")
lemma.step(x - 1, "the tangent line of the concave log at x = 1", relation="<=")

ctx2 = Context()
K = ctx2.size("K")
p = ctx2.positive("p", index=(1, K), sums_to_one=True)
q = ctx2.positive("q", index=(1, K), sums_to_one=True)
i = Symbol("i", integer=True)

gibbs = Derivation("Gibbs' inequality", ctx2, start=Sum(p[i] * log(q[i] / p[i]), (i, 1, K)), name="gibbs")
gibbs.step(Sum(p[i] * (q[i] / p[i] - 1), (i, 1, K)), "log x <= x - 1 with x = q_i/p_i, and p_i > 0", relation="<=")
gibbs.step(Sum(q[i] - p[i], (i, 1, K)), "multiply out")
gibbs.step(Sum(q[i], (i, 1, K)) - Sum(p[i], (i, 1, K)), "split the sum")
gibbs.step(S.Zero, "both distributions sum to one")

kl = Derivation("KL is minus that sum", ctx2, start=Sum(p[i] * log(p[i] / q[i]), (i, 1, K)), name="kl-minus")
kl.step(-Sum(p[i] * log(q[i] / p[i]), (i, 1, K)), "log(p/q) = -log(q/p)")
kl.step(S.Zero, "Gibbs' inequality", relation=">=")
