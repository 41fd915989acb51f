"""The independent guard (derive.checks.guard): a failure it finds past the sizes a proved-for-sizes result
covers is a counterexample, not an engine inconsistency."""

from __future__ import annotations

import sympy as sp

from derive.checks.steps import verify_claim
from derive.core.context import Context
from derive.core.evidence import Evidence


def test_a_claim_false_only_at_larger_sizes_is_refuted_there():
    ctx = Context()
    n = ctx.size("N")
    k = sp.Symbol("k", integer=True)
    result = verify_claim(sp.Integer(0), sp.Sum(1, (k, 5, n)), ctx)  # true for N ≤ 4, false from N = 5
    assert result.evidence is Evidence.REFUTED and not result.inconsistent
    assert result.counterexample.values == {"N": "5"}


def test_an_integer_valued_function_is_read_as_an_integer_inside_its_declarations():
    """An undefined function declared integer-valued (and positive, or negative) is read as a constant integer
    with those properties, so that a claim about it can be evaluated: the adversarial review hid false proofs
    behind ``Function("f", positive=True, integer=True)``, which the guard could not read at all."""
    from derive.checks.guard import guard, interpret
    from derive.core.model import Relation

    z = sp.Symbol("z", positive=True)
    f = sp.Function("f", positive=True, integer=True)(z)
    g = sp.Function("g", negative=True, integer=True)(z)
    readings: dict = {}
    assert interpret(f, 0, readings, integers=True) in (2, 3) and interpret(g, 0, readings, integers=True) in (-2, -3)
    assert set(readings) == {"f(a0)", "g(a0)"}
    ctx = Context()
    assert guard(sp.log(f), (f**2 - 1) / (f + 1), Relation.EQ, ctx) is not None
    assert guard(1 / f**2, 1 / (f**2 + 1), Relation.LE, ctx) is not None
    assert guard(f**2 - 1, (f - 1) * (f + 1), Relation.EQ, ctx) is None
    assert guard(1 / (f**2 + 1), 1 / f**2, Relation.LE, ctx) is None
