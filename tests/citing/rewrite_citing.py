"""Claims log z = (z² − 1)/(z + 1) (false: z = 2) citing bound-then-rewrite, whose conclusion is only ≤; its step
is named b, as the cited derivation's rewrite step is, so that ``--step b`` selects both."""

from sympy import Symbol, log

from derive import Context, Derivation

ctx = Context()
z = Symbol("z", positive=True)

uses_rewrite = Derivation("uses it", ctx, start=log(z), name="uses-rewrite")
uses_rewrite.step((z**2 - 1) / (z + 1), "cited", by="bound-then-rewrite", name="b", budget=60)
