"""Two different derivations of one name in one module (the adversarial review's F1): citing that name is bad input,
naming both places; the first holds only at sampled points, the second is proved."""

from sympy import Integer

from derive import Context, Derivation

ctx = Context()
K = ctx.size("K")

sampled = Derivation("false, only sampled", ctx, start=K**2, name="twice-named")
sampled.step(Integer(10**6), "false for K > 1000", relation="<=", allow="numeric")

proved = Derivation("true", ctx, start=K**2, name="twice-named")
proved.step(K**2 + 1, "one more", relation="<=")
