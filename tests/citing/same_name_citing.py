"""Cites ``twice-named`` by name: same_name.py defines two derivations so named."""

from derive import Context, Derivation

ctx = Context()
N = ctx.size("N")

uses = Derivation("uses it", ctx, start=N**2, name="uses-twice-named")
uses.step(10**6, "cited", relation="<=", by="twice-named")
