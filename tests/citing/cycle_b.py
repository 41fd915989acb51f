"""Cites cycle-a, which cites this one: a cycle of citations."""

from sympy import Symbol

from derive import Context, Derivation

x = Symbol("x", positive=True)
b = Derivation("b", Context(), start=x * 2, name="cycle-b")
b.step(x + x, "cycle-a", by="cycle-a")
