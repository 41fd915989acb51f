"""Values of a family with declared bounds: ``w_i ≥ 0`` (``ctx.nonnegative``), ``lower ≤ z_i ≤ upper``
(``ctx.real(..., lower=, upper=)``) and ``0 < q_i ≤ upper`` (``ctx.positive(..., upper=)``).

A bound may mention scalars (``z_i ≤ m``), so the scalars of a point are fixed first and the family's values are
drawn inside the interval the bounds give at them; an empty interval (``a ≤ z_i ≤ b`` at a > b) has no point,
and the caller moves on to other scalars. The edges themselves (0 for a nonnegative family, the bound itself, a
vector with every member at the bound) come early among the readable vectors: a claim true only strictly inside
the declarations fails there, and a counterexample at the edge is the readable one.
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy as sp

from derive.checks.sampling.points import DENOMINATOR, _readable_reals, random_positive, readable_vectors

#: An interval the bounds leave empty at the given scalars: no value of the family is inside the declarations.
EMPTY = "empty"


def bounded(spec) -> bool:
    """Whether the family ``spec`` has a bound beyond its kind (positive, real, below one, sums to one)."""
    return bool(getattr(spec, "nonnegative", False)) or any(
        getattr(spec, side, None) is not None for side in ("lower", "upper")
    )


def bound_symbols(spec) -> set[sp.Symbol]:
    """The symbols (sizes, scalars) the bounds of ``spec`` mention."""
    ends = [getattr(spec, side, None) for side in ("lower", "upper")]
    return set().union(*(e.free_symbols for e in ends if e is not None))


def interval(spec, values: dict):
    """``(lo, hi)`` for the members of ``spec`` at ``values`` (sizes and scalars), each a number or None (no bound
    on that side; a positive family's 0 is strict and not returned), or :data:`EMPTY`. ``hi`` is below one's 1
    where that is tighter; the caller keeps strictness in mind."""
    lo = getattr(spec, "lower", None)
    hi = getattr(spec, "upper", None)
    lo = sp.Integer(0) if getattr(spec, "nonnegative", False) and lo is None else lo
    values = {k: sp.sympify(v) for k, v in values.items()}  # sizes come as ints
    lo, hi = (None if e is None else sp.sympify(e).xreplace(values) for e in (lo, hi))
    for end in (lo, hi):
        if end is not None and not (end.is_number and end.is_extended_real and end.is_finite):
            return EMPTY  # a bound this point cannot evaluate: offer no value rather than a wrong one
    if not spec.real_valued and hi is not None and not hi.is_positive:
        return EMPTY  # 0 < q_i ≤ hi with hi ≤ 0
    if lo is not None and hi is not None and (hi - lo).is_negative:
        return EMPTY
    return lo, hi


def readable_bounded(spec, length: int, lo, hi) -> list[tuple[sp.Expr, ...]]:
    """Vectors of ``length`` members inside ``[lo, hi]`` (see :func:`interval`), readable first, the edges early."""

    def alternate(a, b):
        return tuple(a if j % 2 == 0 else b for j in range(length))

    def same(v):
        return (v,) * length

    if not spec.real_valued:  # positive, at most hi (strictly below one where declared so)
        cap = hi if not (spec.below_one and hi >= 1) else None
        edges = [] if cap is None else [same(cap), alternate(cap, cap / 2), same(cap / 2)]
        spread = [tuple(hi * sp.Rational(j + 1, length + 1) for j in range(length))]
        plain = readable_vectors(length, False, spec.below_one)
        return [v for v in _unique([*plain, *edges, *spread]) if all(_positive_inside(c, spec, hi) for c in v)]
    plain = [v for v in _readable_reals(length) if _inside(v, lo, hi)]
    if lo is not None and hi is not None:
        mid = (lo + hi) / 2
        edges = [same(lo), same(hi), alternate(lo, hi), alternate(hi, lo), same(mid)]
        if length > 1:
            edges.append(tuple(lo + (hi - lo) * sp.Rational(j, length - 1) for j in range(length)))
    elif lo is not None:
        edges = [same(lo), tuple(lo + j for j in range(length)), same(lo + 1), alternate(lo, lo + 1)]
        edges.append(same(lo + sp.Rational(1, 2)))
    else:
        edges = [same(hi), tuple(hi - j for j in range(length)), same(hi - 1), alternate(hi, hi - 1)]
        edges.append(same(hi - sp.Rational(1, 2)))
    return _unique(plain[:1] + edges + plain[1:])


def random_bounded(spec, lo, hi, rng: random.Random) -> sp.Expr:
    """A random member inside ``[lo, hi]`` (see :func:`interval`); an edge about one time in four."""
    if not spec.real_valued:  # 0 < value ≤ hi, or < 1 below one
        strict = spec.below_one and hi >= 1
        cap = sp.Integer(1) if strict else hi
        d = rng.randint(2, DENOMINATOR)
        return cap * _rational(Fraction(rng.randint(1, d - 1 if strict else d), d))
    if lo is not None and hi is not None:
        d = rng.randint(1, DENOMINATOR)
        return lo + (hi - lo) * _rational(Fraction(rng.randint(0, d), d))
    step = sp.Integer(0) if rng.random() < 0.25 else _rational(random_positive(rng))
    return lo + step if lo is not None else hi - step


def _positive_inside(c, spec, hi) -> bool:
    return bool(c.is_positive and (hi - c).is_nonnegative and (not spec.below_one or (1 - c).is_positive))


def _inside(vector, lo, hi) -> bool:
    return all((lo is None or (c - lo).is_nonnegative) and (hi is None or (hi - c).is_nonnegative) for c in vector)


def _rational(f: Fraction) -> sp.Rational:
    return sp.Rational(f.numerator, f.denominator)


def _unique(vectors: list) -> list:
    return list(dict.fromkeys(vectors))
