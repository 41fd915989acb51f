"""Regression tests for the adversarial review of the proof for all sizes (F1-F9): each is a way the translation
could read other code than Python runs, or a value where the code raises, and so give a false ``proved``; or a
true claim refuted by derive's own error; or a hang. Each must now be refused (``Untranslatable`` with the
reason) or not proved."""

from __future__ import annotations

import functools
import importlib.util
import math
import sys
import textwrap
import time

import pytest
import sympy as sp
from sympy import Sum, Symbol, log

from derive import Context
from derive.checks.code import Reference, check_reference, validate
from derive.checks.code.rebuild import SYMBOLIC_BUILTINS, VALUES_MATH, _rebuild
from derive.checks.code.translate import Untranslatable, translate
from derive.core.errors import ModelError
from derive.core.evidence import Evidence

k = Symbol("k", integer=True)


def _family():
    ctx = Context()
    K = ctx.size("K")
    q = ctx.positive("q", index=(1, K))
    return ctx, K, q


def _module(tmp_path, text: str, name: str):
    """A module written to a file and imported from it, so that its functions have a source on disk."""
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(text))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module, path


def _refused(function, args, ctx, reason: str) -> None:
    with pytest.raises(Untranslatable) as info:
        translate(function, args, ctx)
    assert reason in str(info.value)


# -- F1: a non-finite float is no number (sp.Rational(inf) == 0) ------------------------------------------------
def inf_literal(q):
    t = 1e309 * (7.5 - len(q))
    return sum(q) * (1 + math.tanh(t) - math.tanh(t) ** 2)


def inf_from_math(q):
    return sum(q) * math.exp(-math.inf)


def nan_constant(q):
    return sum(q) + 0 * math.nan


def test_a_non_finite_float_constant_is_refused():
    ctx, K, q = _family()
    _refused(inf_literal, (q,), ctx, "not a finite number")
    _refused(inf_from_math, (q,), ctx, "`math.inf`")
    _refused(nan_constant, (q,), ctx, "`math.nan`")
    result = check_reference(Reference(inf_literal, (q,)), Sum(q[k], (k, 1, K)), ctx)
    assert result.evidence is not Evidence.PROVED


def binary_fraction(q):
    return sum(q) * 0.1 * 10


def test_a_float_is_its_exact_binary_value():
    ctx, K, q = _family()
    code = translate(binary_fraction, (q,), ctx)
    assert code.as_coeff_Mul()[0] == sp.Rational(0.1) * 10 != 1


# -- F2: math.log only if it is math.log ------------------------------------------------------------------------
@functools.wraps(math.log)
def safe_log(x):
    return math.log(max(x, 1e-6))


def wrapped_log_nll(q):
    return -sum(safe_log(q[i]) for i in range(len(q)))


def plain_nll(q):
    return -sum(math.log(q[i]) for i in range(len(q)))


def test_a_function_wrapped_to_look_like_math_log_is_not_math_log():
    ctx, K, q = _family()
    _refused(wrapped_log_nll, (q,), ctx, "safe_log")
    result = check_reference(Reference(wrapped_log_nll, (q,)), -Sum(log(q[k]), (k, 1, K)), ctx)
    assert result.evidence is not Evidence.PROVED


def test_a_monkeypatched_math_log_is_refused_and_runs_as_patched(monkeypatch):
    ctx, K, q = _family()
    real = math.log
    monkeypatch.setattr(math, "log", functools.wraps(real)(lambda x: real(max(x, 1e-6))))
    _refused(plain_nll, (q,), ctx, "`math.log`")
    exact = _rebuild(plain_nll, VALUES_MATH, SYMBOLIC_BUILTINS)([sp.Rational(1, 10**9)])
    assert abs(float(exact) - -real(1e-6)) < 1e-9  # the exact run runs the clip too, not SymPy's log


def test_shadowed_and_replaced_builtins_are_not_the_builtins(tmp_path):
    ctx, K, q = _family()
    shadow, _ = _module(
        tmp_path,
        """
        def sum(xs):
            return len(xs)

        def total(q):
            return sum(q)
        """,
        "shadowed_sum",
    )
    assert translate(shadow.total, (q,), ctx) == K  # the module's own sum, inlined: what it is
    replaced, _ = _module(
        tmp_path,
        """
        import builtins

        def _sum(xs):
            return builtins.sum(xs) + (len(xs) >= 8)

        __builtins__ = {**vars(builtins), "sum": _sum}

        def total(q):
            return sum(q)
        """,
        "replaced_builtins",
    )
    with pytest.raises(Untranslatable):
        translate(replaced.total, (q,), ctx)
    assert replaced.total([1.0] * 8) == 9


# -- F3: a closure's names are the closure's --------------------------------------------------------------------
def g(q):
    return sum(q[i] for i in range(len(q)))


def _make():
    def g(q):  # the closure's g, not the module's
        s = sum(q)
        if len(q) >= 8:
            s = s + 1
        return s

    def total(q):
        return g(q)

    return total


def test_a_closure_is_refused_not_read_from_the_module():
    ctx, K, q = _family()
    total = _make()
    _refused(total, (q,), ctx, "reads g from the function that made it (a closure)")
    result = check_reference(Reference(total, (q,)), Sum(q[k], (k, 1, K)), ctx)
    assert result.evidence is not Evidence.PROVED


# -- F4: the source read is the code that runs ------------------------------------------------------------------
def _clipped(q):
    s = sum(q)
    if len(q) >= 8:
        s = s + 1
    return s


def _plain_total(q):
    return sum(q[i] for i in range(len(q)))


wraps_without_at = functools.wraps(_plain_total)(_clipped)


def test_a_function_made_by_wraps_or_a_lambda_on_a_def_line_is_refused(tmp_path):
    ctx, K, q = _family()
    _refused(wraps_without_at, (q,), ctx, "__wrapped__")
    module, _ = _module(  # the lambda's first line is a def's line: inspect reads the def
        tmp_path,
        """
        def ident(x: (lambda x, n: x + (n >= 8)), n):
            return x

        bump = ident.__annotations__["x"]

        def total(q):
            return sum(bump(q[i], len(q)) for i in range(len(q)))
        """,
        "lambda_on_def_line",
    )
    _refused(module.total, (q,), ctx, "is a lambda")
    assert module.total([1.0] * 8) == 16


def test_a_file_edited_after_import_is_refused(tmp_path):
    ctx, K, q = _family()
    module, path = _module(tmp_path, "def total(q):\n    return sum(q) + (len(q) >= 8)\n", "edited_after_import")
    path.write_text("def total(q):\n    return sum(q)\n")
    _refused(module.total, (q,), ctx, "is not the code that runs")
    assert module.total([1.0] * 8) == 9


# -- F5: a divisor, a log's argument, a square root's argument shown in the domain ------------------------------
def removable(q, a):
    return sum(q) + a * ((a - 0.3) / (a - 0.3))


def log_of_real(z):
    return sum(math.log(z[i]) for i in range(len(z)))


def sqrt_of_real(a):
    return math.sqrt(a) ** 2


def inverse_power(a):
    return a**-1 * a


def test_a_divisor_not_shown_nonzero_is_refused():
    ctx, K, q = _family()
    a = Symbol("a", real=True)
    _refused(removable, (q, a), ctx, "not shown nonzero")
    result = check_reference(Reference(removable, (q, a)), Sum(q[k], (k, 1, K)) + a, ctx)
    assert result.evidence is not Evidence.PROVED
    _refused(inverse_power, (a,), ctx, "not shown nonzero")


def test_log_and_sqrt_of_values_not_shown_in_their_domain_are_refused():
    ctx = Context()
    K = ctx.size("K")
    z = ctx.real("z", index=(1, K))
    _refused(log_of_real, (z,), ctx, "not shown positive")
    _refused(sqrt_of_real, (Symbol("a", real=True),), ctx, "not shown nonnegative")
    assert translate(sqrt_of_real, (Symbol("b", positive=True),), ctx) == Symbol("b", positive=True)


# -- F6: an argument the formula does not use -------------------------------------------------------------------
def ignores_a(q, a):
    s = 0.0
    for x in q:
        s += x
    return s


def test_an_argument_the_formula_does_not_use_is_bad_input_and_never_a_counterexample():
    ctx, K, q = _family()
    a = Symbol("a", real=True)
    with pytest.raises(ModelError, match="passes a, which the formula does not use"):
        validate(Reference(ignores_a, (q, a)), Sum(q[k], (k, 1, K)), ctx)
    try:  # unvalidated: derive's own KeyError is derive's, never the code failing
        result = check_reference(Reference(ignores_a, (q, a)), Sum(q[k], (k, 1, K)), ctx)
    except KeyError:
        return
    assert result.evidence is not Evidence.REFUTED, result.detail


# -- F7: a list whose length may be negative --------------------------------------------------------------------
def count(q):
    return len(q) + sum(q)


def test_a_family_that_runs_backward_at_large_sizes_is_refused():
    ctx = Context()
    K = ctx.size("K")
    q = ctx.positive("q", index=(K, 10))
    _refused(count, (q,), ctx, "not shown to have 0 or more members")


# -- F8: a huge power is refused at once ------------------------------------------------------------------------
def huge_power(q):
    return sum(q) + 0 * 1.5**1000000000.0


def huge_constant(q):
    return sum(q) + 0 * 1e200


def test_a_huge_power_or_constant_is_refused_quickly():
    ctx, K, q = _family()
    start = time.monotonic()
    _refused(huge_power, (q,), ctx, "larger than 1000")
    _refused(huge_constant, (q,), ctx, "larger than 10**100")
    assert time.monotonic() - start < 5


# -- F9: what Python rejects with TypeError ---------------------------------------------------------------------
def fsum_start(q):
    return math.fsum((q[i] for i in range(len(q))), start=0)


def _helper(x, b, c=1):
    return x * b * c


def given_twice(q):
    return sum(_helper(q[i], 2, b=3) for i in range(len(q)))


def unknown_keyword(q):
    return sum(_helper(q[i], 2, d=3) for i in range(len(q)))


def test_calls_python_rejects_are_refused():
    ctx, K, q = _family()
    _refused(fsum_start, (q,), ctx, "`fsum` with keyword arguments")
    _refused(given_twice, (q,), ctx, "gives an argument twice or one it does not take")
    _refused(unknown_keyword, (q,), ctx, "gives an argument twice or one it does not take")
