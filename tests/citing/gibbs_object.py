"""Σ p_k log(q_k/p_k) ≤ Σ p_k (q_k/p_k − 1), citing the log-bound derivation object imported from log_bound.py."""

from log_bound import log_bound
from sympy import Sum, Symbol, log

from derive import Context, Derivation

ctx = Context()
K = ctx.size("K")
p = ctx.positive("p", index=(1, K), sums_to_one=True)
q = ctx.positive("q", index=(1, K), sums_to_one=True)
k = Symbol("k", integer=True)

gibbs = Derivation("Gibbs, citing an object", ctx, start=Sum(p[k] * log(q[k] / p[k]), (k, 1, K)), name="gibbs-object")
gibbs.step(
    Sum(p[k] * (q[k] / p[k] - 1), (k, 1, K)), "log x ≤ x − 1 at x = q_k/p_k", relation="<=", by=log_bound, budget=60
)
