"""The real runs of the code at a point (exact, floating point, high precision), the tolerance a float result
is held to, and the counterexample that shows the code's value beside the formula's."""

from __future__ import annotations

import math
from collections.abc import Callable

import mpmath
import sympy as sp

from derive.checks.code.rebuild import SYMBOLIC_BUILTINS, VALUES_MATH, _precise_math, _rebuild
from derive.checks.code.reference import Reference, _error, _floats, arguments
from derive.checks.sampling import Instances, Point, approx
from derive.core.context import Context
from derive.core.evidence import Counterexample

REL_TOL = 1e-9
ABS_TOL = 1e-12
SIDES = ("code", "formula")


class _Runs:
    """The real runs of the code at a point, and the formula's value there. Exact: SymPy numbers and SymPy's
    ``math``. Floating point: the function as written. Precise: the function as written with mpmath for ``math``
    and its numbers, at two working precisions, to confirm what floating point shows when the exact run fails."""

    def __init__(self, ref: Reference, code: Callable, ctx: Context, formula: Instances, replay: str):
        self.ref, self.code, self.ctx, self.formula, self.replay = ref, code, ctx, formula, replay
        self.on_values = _rebuild(ref.function, VALUES_MATH, SYMBOLIC_BUILTINS)

    def exact(self, at: Point):
        args = arguments(self.ref, self.ctx, at, values=True)  # derive's own: an error here is never the code's
        try:
            return sp.sympify(self.on_values(*args))
        except Exception as exc:  # noqa: BLE001 - user code
            return exc

    def float(self, at: Point):
        args = _floats(arguments(self.ref, self.ctx, at, values=True))
        try:
            return self.ref.function(*args)
        except Exception as exc:  # noqa: BLE001 - user code
            return exc

    def precise(self, at: Point):
        """The value both precisions agree on, the error both raise, or None when they disagree."""
        results, floats_used = [], []
        given = arguments(self.ref, self.ctx, at, values=True)
        for dps in PRECISIONS:
            with mpmath.workdps(dps):
                try:
                    # float() made at the working precision too, so that a conversion does not round to a double
                    code = _rebuild(self.ref.function, _precise_math(floats_used), {"float": mpmath.mpf})
                    value = code(*_precise_args(given))
                    results.append(mpmath.mpmathify(value))
                except Exception as exc:  # noqa: BLE001 - user code
                    results.append(exc)
        if floats_used:
            return None
        low, high = results
        if isinstance(low, Exception) or isinstance(high, Exception):
            return high if type(low) is type(high) else None
        with mpmath.workdps(PRECISIONS[-1]):
            return high if abs(high - low) <= mpmath.mpf(10) ** (2 - PRECISIONS[0]) * max(1, abs(high)) else None

    def compare(self, value, formula_value: sp.Expr, at: Point) -> str:
        """``equal``, ``differ`` (certainly) or ``unknown``: the exact run's value against the formula's."""
        if not isinstance(value, sp.Basic):
            return "unknown"
        if value.has(sp.Float):  # the code computed with floats (a constant 0.1, a Python division): a tolerance
            try:
                return "equal" if _close(complex(sp.N(value, 30)), formula_value) else "differ"
            except (TypeError, ValueError):
                return "unknown"
        status = Instances(value, formula_value, self.ctx).compare(at).status
        return status if status in ("equal", "differ") else "unknown"

    def counterexample(self, at: Point, code_value, formula_value: sp.Expr) -> Counterexample:
        return _counterexample(at, code_value, formula_value, self.replay)


PRECISIONS = (40, 80)  # decimal digits of the two high-precision runs


def _precise_args(args: list) -> list:
    def one(v):
        return v if isinstance(v, int) else mpmath.mpf(v.p) / v.q if v.is_Rational else mpmath.mpmathify(str(v))

    return [[one(v) for v in a] if isinstance(a, list) else one(a) for a in args]


def _finite(value: sp.Expr) -> float | None:
    """The formula's value as a float, or None where it has no finite real value (log 0)."""
    try:
        out = float(sp.N(value, 30))
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _close(got, formula_value: sp.Expr) -> bool:
    """``got`` (a float, complex or mpmath number) agrees with the formula's value to ``REL_TOL``."""
    try:
        with mpmath.workdps(PRECISIONS[0]):
            want = mpmath.mpmathify(str(sp.N(formula_value, PRECISIONS[0])))
            return abs(mpmath.mpmathify(got) - want) <= REL_TOL * abs(want) + ABS_TOL
    except (TypeError, ValueError, OverflowError):
        return False  # None, a list, a string: not the formula's number


def _as_number(got) -> sp.Basic:
    """What the code returned, as a SymPy number for the report (or its repr, when it is not a number)."""
    try:
        value = mpmath.mpmathify(got)
    except (TypeError, ValueError):
        return sp.Symbol(repr(got))
    if isinstance(value, mpmath.mpc):
        return sp.Float(mpmath.nstr(value.real, 17), 17) + sp.I * sp.Float(mpmath.nstr(value.imag, 17), 17)
    return sp.Float(mpmath.nstr(value, 17), 17)


def _counterexample(point: Point, code_value, formula_value, replay: str) -> Counterexample:
    if isinstance(code_value, Exception):
        code_text, code_approx = f"raises {_error(code_value)}", ""
    else:
        code_text, code_approx = sp.sstr(code_value), approx(code_value)
    return Counterexample(
        values=point.describe(),
        lhs_value=code_text,
        rhs_value=sp.sstr(formula_value),
        lhs_approx=code_approx,
        rhs_approx=approx(formula_value),
        replay=replay,
        sides=SIDES,
    )
