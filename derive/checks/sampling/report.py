"""The report of a refuted claim: the point, both sides' exact values and their decimals; and the check that the
point lies inside the declarations, since a claim is only ever refuted inside what its author declared."""

from __future__ import annotations

import sympy as sp

from derive.checks.domain import point_violation
from derive.checks.sampling.points import Point
from derive.core.context import Context
from derive.core.evidence import Counterexample


def approx(e: sp.Expr) -> str:
    try:
        return str(sp.N(e, 12, strict=True))
    except Exception:  # noqa: BLE001 - the decimal is only an aid to the exact value beside it
        return str(sp.N(e, 12))


class OutsideDeclarations(AssertionError):
    """A point about to be reported lies outside the declarations: an engine bug, never a counterexample."""


def counterexample(point: Point, lhs: sp.Expr, rhs: sp.Expr, ctx: Context, replay: str = "") -> Counterexample:
    """The report of a point where the two sides differ: the point, both exact values and their decimals.

    Raises ``OutsideDeclarations`` for a point the declarations do not allow (the worker reports it as an
    internal error, undecided): a claim is only ever refuted inside what its author declared."""
    problem = point_violation(point, ctx)
    if problem:
        raise OutsideDeclarations(f"a counterexample outside the declarations: {problem}")
    return Counterexample(
        values=point.describe(),
        lhs_value=exact_text(lhs),
        rhs_value=exact_text(rhs),
        lhs_approx=approx(lhs),
        rhs_approx=approx(rhs),
        replay=replay,
    )


def exact_text(value: sp.Expr, limit: int = 200) -> str:
    """The exact value as text, or its size when it is too long to read (a 5000-digit integer)."""
    try:
        text = sp.sstr(value)
    except ValueError:  # Python refuses to print integers of more than 4300 digits
        return "(an exact value too long to print)"
    return text if len(text) <= limit else text[: limit - 20] + f"... ({len(text)} characters)"
