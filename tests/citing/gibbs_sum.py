"""Σ p_k log(q_k/p_k) ≤ Σ p_k (q_k/p_k − 1) = 0, citing log-bound (log_bound.py) by name."""

from sympy import Sum, Symbol, log

from derive import Context, Derivation

ctx = Context()
K = ctx.size("K")
p = ctx.positive("p", index=(1, K), sums_to_one=True)
q = ctx.positive("q", index=(1, K), sums_to_one=True)
k = Symbol("k", integer=True)

gibbs = Derivation(
    "Gibbs' inequality, the key step", ctx, start=Sum(p[k] * log(q[k] / p[k]), (k, 1, K)), name="gibbs-sum"
)
gibbs.step(
    Sum(p[k] * (q[k] / p[k] - 1), (k, 1, K)), "log x ≤ x − 1 at x = q_k/p_k", relation="<=", by="log-bound", budget=60
)
