"""Cites a derivation that no module of the run defines."""

from sympy import Symbol

from derive import Context, Derivation

x = Symbol("x", positive=True)
d = Derivation("d", Context(), start=x + x, name="cites-nothing-known")
d.step(2 * x, "a result nobody proved", by="no-such-derivation")
