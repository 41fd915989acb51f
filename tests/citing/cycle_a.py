"""Cites cycle-b, which cites this one: a cycle of citations."""

from sympy import Symbol

from derive import Context, Derivation

x = Symbol("x", positive=True)
a = Derivation("a", Context(), start=x + x, name="cycle-a")
a.step(2 * x, "cycle-b", by="cycle-b")
