"""Evidence levels and what a step may allow."""

from __future__ import annotations

import pytest
import sympy as sp

from derive import Context, Derivation
from derive.core.errors import ModelError
from derive.core.evidence import Evidence
from derive.run.check import verify


def test_levels_order_and_allowances():
    assert Evidence.PROVED.satisfies(Evidence.PROVED)
    assert Evidence.PROVED.satisfies(Evidence.NUMERIC)
    assert not Evidence.PROVED_FOR_SIZES.satisfies(Evidence.PROVED)
    assert Evidence.NUMERIC.satisfies(Evidence.NUMERIC)
    assert not Evidence.NUMERIC.satisfies(Evidence.PROVED_FOR_SIZES)
    for weak in (Evidence.UNDECIDED, Evidence.REFUTED):
        assert not weak.satisfies(Evidence.NUMERIC)
    assert [e.value for e in Evidence][:5] == ["proved", "proved-for-sizes", "numeric", "undecided", "refuted"]


def test_a_step_cannot_allow_less_than_numeric():
    a = sp.Symbol("a")
    d = Derivation("t", Context(), start=a)
    with pytest.raises(ModelError, match="allow must be one of"):
        d.step(a, "same", allow="undecided")


def test_verify_one_identity():
    a, b = sp.symbols("a b", positive=True)
    result = verify(sp.log(a * b), sp.log(a) + sp.log(b))
    assert result.evidence is Evidence.PROVED
    assert [t.label() for t in result.trace] == ["log_mul [a > 0, b > 0]", "ring_nf"]


def test_verify_proves_for_sizes_when_no_rule_concludes():
    ctx = Context()
    n = ctx.size("n")
    k = sp.Symbol("k", integer=True)
    # The binomial theorem at 1 + 1: true, but no rule proves it for a symbolic n (induction proves Gauss's sum,
    # which this test used before, but not this one: the step needs Pascal's rule).
    result = verify(sp.Sum(sp.binomial(n, k), (k, 0, n)), 2**n, ctx, budget=60)
    assert result.evidence is Evidence.PROVED_FOR_SIZES
    assert result.detail == "at sizes n = 1; n = 2; n = 3"


def test_verify_never_parses_text():
    with pytest.raises(TypeError, match="text is never parsed"):
        verify("__import__('os').system('true')", sp.Integer(0))
