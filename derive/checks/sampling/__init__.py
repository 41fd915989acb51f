"""Concrete instances of a claim: exact evaluation at points inside the assumptions, and counterexample search.

A *point* fixes every size (N, K), every data value (x_k, integers in their range), every family (q_i, positive
rationals, summing to one where that is assumed) and every other free symbol. Sums and products are expanded
term by term (never SymPy's delta summation, SYMPY_PITFALLS.md items 1, 2 and 6), so a value is an exact SymPy
number; two values are compared by exact arithmetic or by ``evalf`` with ``strict=True``, which raises rather
than return digits it cannot certify (item 12).

By job:

- :mod:`.evaluation`: definitions unfolded, values put in, finite sums expanded, derivatives taken; whether a
  number is decidable (the ``DISCONTINUOUS`` and ``BRANCHED`` tables), a certified gap for inequalities.
- :mod:`.points`: ``Point`` and the readable values points are made of (vectors, scalars).
- :mod:`.space`: ``Space``, the points to try for a claim, readable first or at random.
- :mod:`.instances`: ``Instances``, a claim's sides at a point, and their certified ``Comparison``.
- :mod:`.report`: the ``counterexample`` report, refused outside the declarations.

This module re-exports what the rest of derive imports. A test that patches one of these names must patch it
where it is used (``derive.checks.steps.counterexample``), not here.
"""

from __future__ import annotations

from derive.checks.sampling.evaluation import (
    DIGITS,
    MAX_PRECISION,
    certified_gap,
    decidable,
    evaluate_at,
    linear_root,
    take_derivatives,
    unfold_all,
)
from derive.checks.sampling.instances import Comparison, Instances
from derive.checks.sampling.points import Point, allowed, point_from, positions, readable_scalars
from derive.checks.sampling.report import approx, counterexample, exact_text
from derive.checks.sampling.space import Space

__all__ = [
    "DIGITS",
    "MAX_PRECISION",
    "Comparison",
    "Instances",
    "Point",
    "Space",
    "allowed",
    "approx",
    "certified_gap",
    "counterexample",
    "decidable",
    "evaluate_at",
    "exact_text",
    "linear_root",
    "point_from",
    "positions",
    "readable_scalars",
    "take_derivatives",
    "unfold_all",
]
