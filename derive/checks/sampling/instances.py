"""A claim's two sides made concrete: unfolded once, expanded once per size, then evaluated exactly at a point and
compared there, with any difference certified."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derive.checks.sampling.evaluation import (
    DIGITS,
    MAX_PRECISION,
    _closed,
    evaluate_at,
    put,
    take_derivatives,
    unfold_all,
)
from derive.checks.sampling.points import Point
from derive.core.context import Context
from derive.engine.rules.log import negative_exponent, over_one_denominator


class Instances:
    """A claim's two sides, unfolded once and expanded once per size, ready to evaluate at many points."""

    def __init__(
        self, lhs: sp.Expr, rhs: sp.Expr, ctx: Context, *, differentiate: bool = True, unfolded: tuple | None = None
    ):
        self.ctx = ctx
        self.claim = (lhs, rhs)
        # ``unfolded``: the same two sides with the definitions already put in (Instances.unfolded of this claim)
        self.unfolded = unfolded or tuple(unfold_all(e, ctx) for e in (lhs, rhs))
        # derivatives are evaluated before values are put in (d/dθ at θ = 0 is not "d/d0"); the guard
        # (derive.checks.guard) keeps them and differentiates numerically instead
        self.sides = tuple(take_derivatives(e) if differentiate else e for e in self.unfolded)
        self._expanded: dict = {}

    def at_sizes(self, point: Point) -> tuple[sp.Expr, sp.Expr]:
        key = point.sizes
        if key not in self._expanded:
            sizes = point.size_map()
            self._expanded[key] = tuple(put(e, sizes) for e in self.sides)
        return self._expanded[key]

    def instantiate(self, point: Point, *, values: bool = True) -> tuple[sp.Expr, sp.Expr]:
        """Both sides at ``point``: data (and, with ``values``, families and scalars) replaced."""
        mapping = point.mapping(families=False)
        # integer values (an observed class c, an index i) act like data: they pick family members (z[c] becomes
        # z[2]) before the members get values, so z[i] meets z[1] as the same member (Π_k z_k / z_i at K = 1 is
        # z_1 / z_1, not 0 · z_i⁻¹ collapsed to 0 with z_1 = 0)
        mapping.update({s: v for s, v in point.scalars if s in self.ctx.integer_values or s.is_integer})
        fam = point.mapping() if values else {}
        out = []
        for e in self.at_sizes(point):
            e = evaluate_at(e, mapping)  # q[x[1]] becomes q[2], a bound x[1] an integer
            if values:  # a scalar may be a bound too (Σ_{k=0}^{n} with n = 2)
                e = evaluate_at(evaluate_at(e, fam), dict(point.scalars))
            out.append(e)
        return out[0], out[1]

    def compare(self, point: Point) -> Comparison:
        """Decide the claim at one point, certifying any difference."""
        try:
            a, b = self.instantiate(point)
        except (ValueError, TypeError):  # e.g. a derivative with respect to a symbol that now has a value
            return Comparison("unknown")
        for side in (a, b):
            if not _closed(side):
                return Comparison("unknown", a, b)
            if side.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
                return Comparison("undefined", a, b)
        diff = a - b
        if diff == 0:
            return Comparison("equal", a, b)
        real, imag = diff.as_real_imag()
        if real.is_Rational and imag.is_Rational:
            # an exact (complex) rational difference, however small; as_real_imag may also show a difference
            # that did not cancel as written to be 0 (exp(1/8 + 3i) − exp(1/8)·exp(3i))
            return Comparison("equal" if real == 0 and imag == 0 else "differ", a, b)
        if _exactly_zero(diff):
            return Comparison("equal", a, b)
        try:
            value = sp.N(diff, DIGITS, strict=True, maxn=MAX_PRECISION)
        except sp.core.evalf.PrecisionExhausted:
            # No digit certified even at MAX_PRECISION bits: the difference is below 2^-MAX_PRECISION, equal as
            # far as numbers tell. (A point on a branch cut or at a jump, where evalf cannot tell the side and
            # would raise the same, never gets here: _closed has declined it.)
            return Comparison("equal", a, b)
        except (TypeError, ValueError):
            return Comparison("unknown", a, b)
        magnitude = abs(value)  # complex where a logarithm met a negative number
        if not magnitude.is_Number:
            return Comparison("unknown", a, b)
        if diff.has(sp.log) and not _confirmed(diff, value):
            return Comparison("unknown", a, b)
        # strict=True certified DIGITS correct digits of the difference: a nonzero value is a real difference,
        # however small against the sides (sqrt(10**200 + 1) - 10**100 is about 5e-101).
        return Comparison("differ" if magnitude != 0 else "equal", a, b)


@dataclass(frozen=True)
class Comparison:
    """``status`` is ``equal``, ``differ`` (certified), ``unknown`` (cannot tell) or ``undefined`` (a side has no
    finite value, e.g. log 0)."""

    status: str
    lhs: sp.Expr = sp.Integer(0)
    rhs: sp.Expr = sp.Integer(0)


def _confirmed(diff: sp.Expr, value: sp.Expr) -> bool:
    """The same verdict from a second evaluation with each log of a positive number a written as
    2·atanh((a − 1)/(a + 1)), a − 1 formed exactly.

    NOTE: SymPy 1.14's evalf returns log(1 + u) as exactly 0 once u is below about 2^-(prec + 10), strict=True or
    not (sympy/sympy#28280, #28514): a true claim would be refuted there (log(1 + e^{-z²}) at z = 76/3) and a false
    one pass as agreement. The atanh form loses nothing near a = 1. A verdict the two evaluations do not share is
    'unknown': neither a counterexample nor agreement."""
    try:
        other = diff.replace(
            lambda e: isinstance(e, sp.log) and _positive(e.args[0]),
            lambda e: 2 * sp.atanh(sp.expand(e.args[0] - 1) / (e.args[0] + 1)),
        )
        if other == diff:
            return True
        second = sp.N(other, DIGITS, strict=True, maxn=MAX_PRECISION)
    except (sp.core.evalf.PrecisionExhausted, TypeError, ValueError):
        return value == 0  # agreement the second reading cannot contradict; never a difference
    if (value == 0) != (second == 0):
        return False
    return value == 0 or abs(second - value) <= abs(value) / 2


def _exactly_zero(diff: sp.Expr) -> bool:
    """An exact zero shown without asking evalf to fail at 2000 bits first (the slow path of every point where a
    true claim's sides agree): logarithms of products and powers of positive numbers split into logarithms of
    their factors (log(e^{3/2}/(e + e^2)) = 3/2 − log(e + e^2), log of a rational over primes), after which the
    difference expands to 0. Each split is an identity of positive reals, checked at the point (certified signs),
    so this only ever answers "equal" when the two sides are equal."""
    if not diff.has(sp.log):
        return False
    try:
        split = diff.replace(lambda e: isinstance(e, sp.log), lambda e: _split_log(e.args[0]))
    except (sp.core.evalf.PrecisionExhausted, TypeError, ValueError):
        return False
    return sp.expand(split) == 0


def _split_log(arg: sp.Expr) -> sp.Expr:
    """log(arg) with products, powers and exponentials of positive reals taken apart; log(arg) where not shown."""
    if arg.is_Rational and arg > 0:
        return sp.Add(*(k * sp.log(sp.Integer(p)) for p, k in _prime_powers(arg)))
    if isinstance(arg, sp.exp) and _real(arg.args[0]):
        return arg.args[0]
    if isinstance(arg, sp.Mul) and all(_positive(f) for f in arg.args):
        return sp.Add(*(_split_log(f) for f in arg.args))
    if isinstance(arg, sp.Pow) and _positive(arg.base) and _real(arg.exp):
        return arg.exp * _split_log(arg.base)
    if isinstance(arg, sp.Add) and _positive(arg):
        # the engine's own algebra under a log (log_together, log_exp_neg), here on numbers
        together = over_one_denominator(arg)
        if together != arg and not isinstance(together, sp.Add):
            return _split_log(together)
        neg = negative_exponent(arg)
        if neg is not None and _real(neg):
            return neg + _split_log(sp.expand(arg * sp.exp(-neg)))
    return sp.log(arg)


def _positive(e: sp.Expr) -> bool:
    if e.is_positive:
        return True
    if e.free_symbols or not e.is_real:
        return False
    return bool(sp.N(e, 15, strict=True, maxn=200) > 0)


def _real(e: sp.Expr) -> bool:
    return bool(e.is_real) and not e.free_symbols


def _prime_powers(r: sp.Rational):
    return sorted({**sp.factorint(r.p), **{p: -k for p, k in sp.factorint(r.q).items()}}.items())
