"""log x ≤ x − 2 (false: x = 1), then x − 2 ≤ x − 1 (true): the derivation fails, although its conclusion
log x ≤ x − 1 is true. Only its step b is selected by ``--step b``."""

from sympy import Symbol, log

from derive import Context, Derivation

ctx = Context()
x = Symbol("x", positive=True)

false_then_true = Derivation("a false line, then a true one", ctx, start=log(x), name="false-then-true")
false_then_true.step(x - 2, "a slip", relation="<=", name="a", budget=60)
false_then_true.step(x - 1, "x − 2 ≤ x − 1", relation="<=", name="b", budget=60)
