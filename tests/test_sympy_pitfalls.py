"""SYMPY_PITFALLS.md as regression tests: where SymPy 1.14 "proves" a falsehood, derive must not.

Each test first shows SymPy's wrong answer (so an upgrade that changes it is noticed) and then checks that
``verify`` does not call the false identity proved, and refutes it where a point inside the assumptions shows it.
"""

from __future__ import annotations

import pytest
import sympy as sp

from derive.core.context import Context
from derive.core.evidence import Evidence
from derive.core.hygiene import substitute
from derive.run.check import verify

k, i = sp.symbols("k i", integer=True)


def test_delta_summation_without_integrality_check():
    ctx = Context()
    N = ctx.size("N")
    j = sp.Symbol("j", integer=True)
    lhs = sp.Sum(sp.KroneckerDelta(2 * k, j), (k, 1, N))
    sympy_says = lhs.doit()
    assert sympy_says.subs({j: 3, N: 5}) == 1  # SymPy's closed form; the truth is 0
    assert lhs.equals(sympy_says) is True  # and equals() "confirms" it
    result = verify(lhs, sympy_says, ctx)
    assert result.evidence is Evidence.REFUTED
    assert int(result.counterexample.values["j"]) % 2 == 1  # an odd j: no integer k with 2k = j


def test_delta_summation_at_a_non_integer():
    ctx = Context()
    N = ctx.size("N")
    y = sp.Symbol("y", positive=True)
    lhs = sp.Sum(sp.KroneckerDelta(k, y), (k, 1, N))
    assert lhs.doit().subs({y: sp.Rational(3, 2), N: 5}) == 1  # truth: 0
    result = verify(lhs, lhs.doit(), ctx)
    assert result.evidence is Evidence.REFUTED


def test_wrong_closed_form_that_passes_doit():
    n = sp.Symbol("n", integer=True, nonnegative=True)
    lhs = sp.Sum(sp.binomial(n, k) * sp.factorial(n - k), (k, 0, n))
    assert (lhs - sp.E * sp.factorial(n)).doit() == 0  # issue #15943
    ctx = Context()
    result = verify(lhs, sp.E * sp.factorial(n), ctx)
    assert result.evidence is Evidence.REFUTED


def test_piecewise_under_sum_leaks_its_index():
    inner = sp.Piecewise((i**2, i >= sp.Rational(174, 25)), (0, True))
    lhs = -sp.Sum(inner, (i, 0, 12))
    leaked = lhs.simplify()
    assert i in leaked.free_symbols  # #29794: the bound index escaped
    result = verify(lhs, leaked)
    assert result.evidence is Evidence.REFUTED


def test_substitution_never_captures_a_bound_index():
    N = sp.Symbol("N", integer=True, positive=True)
    expr = sp.Sum(k * N, (k, 1, N))
    assert expr.subs(N, k) == sp.Sum(k**2, (k, 1, k))  # SymPy captures
    ours = substitute(expr, {N: k})
    (var, lo, hi) = ours.limits[0]
    assert var != k and hi == k and ours.function == var * k


def test_force_is_never_needed_and_real_logs_are_refuted():
    a, b = sp.symbols("a b", real=True)
    assert sp.expand_log(sp.log(a * b), force=True) == sp.log(a) + sp.log(b)  # unsound by design
    result = verify(sp.log(a * b), sp.log(a) + sp.log(b))
    assert result.evidence is Evidence.REFUTED
    assert result.counterexample.values == {"a": "-1", "b": "-1"}


def test_refine_on_nested_powers():
    x = sp.Symbol("x", real=True)
    wrong = sp.refine((x**3) ** sp.Rational(1, 3), sp.Q.real(x))
    assert wrong == sp.Abs(x)  # #29684: wrong at x = -1
    result = verify((x**3) ** sp.Rational(1, 3), sp.Abs(x))
    assert result.evidence is not Evidence.PROVED


def test_equals_is_only_a_candidate():
    # equals() says True of the false delta identity above; verify never uses it as a proof.
    ctx = Context()
    N = ctx.size("N")
    j = sp.Symbol("j", integer=True)
    lhs = sp.Sum(sp.KroneckerDelta(2 * k, j), (k, 1, N))
    assert verify(lhs, lhs.doit(), ctx).evidence is not Evidence.PROVED


def test_evalf_loses_a_log_just_above_one():
    """SymPy 1.14: log(1 + u) evaluates to exactly 0 once u is below about 2^-(prec + 10), strict=True or not
    (sympy/sympy#28280, #28514), while 2·atanh(u/(2 + u)) keeps it: derive.checks.sampling.instances._confirmed
    asks both before a difference counts. When SymPy fixes it, this test says so and the second reading stays
    harmless."""
    u = sp.exp(-100)
    atanh = sp.N(2 * sp.atanh(u / (2 + u)), 15, strict=True)
    assert atanh > 0
    if sp.N(sp.log(1 + u), 15) != 0:
        pytest.skip("this SymPy evaluates log(1 + e^-100) correctly")
