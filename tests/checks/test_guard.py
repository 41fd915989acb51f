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
