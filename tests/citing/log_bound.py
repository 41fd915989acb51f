"""log x ≤ x − 1 for x > 0: a small derivation for the citation tests (cited by gibbs_sum.py)."""

from sympy import Symbol, log

from derive import Context, Derivation

ctx = Context()
x = Symbol("x", positive=True)

log_bound = Derivation("log x at most x - 1", ctx, start=log(x), name="log-bound")
log_bound.step(x - 1, "the tangent line of the concave log at 1", relation="<=", by="log_le_sub_one_of_pos", budget=60)
