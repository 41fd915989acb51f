"""log x ≤ x − 1, then an equal form of x − 1 (the adversarial review's F2): its conclusion is
log x ≤ (x² − 1)/(x + 1), whatever one step of it a run selects."""

from sympy import Symbol, log

from derive import Context, Derivation

ctx = Context()
x = Symbol("x", positive=True)

bound_then_rewrite = Derivation("log bound, then a rewrite", ctx, start=log(x), name="bound-then-rewrite")
bound_then_rewrite.step(x - 1, "log x ≤ x − 1", relation="<=", by="log_le_sub_one_of_pos", name="a", budget=60)
bound_then_rewrite.step((x**2 - 1) / (x + 1), "x − 1 = (x² − 1)/(x + 1)", name="b", budget=60)
