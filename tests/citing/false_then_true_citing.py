"""Cites false-then-true (which fails) in a step named b: log(u + 1) ≤ u, true, but no proof by that citation."""

from sympy import Symbol, log

from derive import Context, Derivation

ctx = Context()
u = Symbol("u", positive=True)

uses_false_then_true = Derivation("uses it", ctx, start=log(u + 1), name="uses-false-then-true")
uses_false_then_true.step(u, "cited", relation="<=", by="false-then-true", name="b", budget=60)
