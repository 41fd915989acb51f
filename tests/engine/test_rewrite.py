"""The rewriter's guard against rules that bring in new symbols (derive.engine.rewrite)."""

from __future__ import annotations

import sympy as sp

from derive.checks.steps import verify_claim
from derive.core.context import Context
from derive.core.evidence import Evidence

k = sp.Symbol("k", integer=True)


def _softmax():
    ctx = Context()
    K = ctx.size("K")
    z = ctx.real("z", index=(1, K))
    return ctx, K, z, ctx.value("c", (1, K)), ctx.value("j", (1, K))


def test_a_derivative_by_a_family_member_mentions_its_index():
    # SymPy leaves z_j out of the derivative's free symbols; its result δ_{jk} does not bring j in
    ctx, K, z, c, j = _softmax()
    Z = sp.Sum(sp.exp(z[k]), (k, 1, K))
    result = verify_claim(sp.Derivative(sp.log(Z) - z[c], z[j]), sp.exp(z[j]) / Z - sp.KroneckerDelta(j, c), ctx)
    assert result.evidence is Evidence.PROVED
    assert [e.rule for e in result.trace][:2] == ["diff", "sum_kronecker_delta"]


def test_a_wrong_gradient_is_still_refuted_and_an_undeclared_index_ranges_over_its_family():
    ctx, K, z, c, j = _softmax()
    Z = sp.Sum(sp.exp(z[k]), (k, 1, K))
    wrong = verify_claim(sp.Derivative(sp.log(Z) - z[c], z[j]), sp.exp(z[j]) / Z, ctx)
    assert wrong.evidence is Evidence.REFUTED
    # an undeclared integer used as z's index ranges over z's range (issue 14), so the textbook gradient is proved;
    # an integer that indexes no family member has no range and the delta may miss
    i = sp.Symbol("i", integer=True)
    assert verify_claim(sp.Derivative(Z, z[i]), sp.exp(z[i]), ctx).evidence is Evidence.PROVED
    assert verify_claim(sp.Sum(sp.KroneckerDelta(i, k), (k, 1, K)), 1, ctx).evidence is not Evidence.PROVED
