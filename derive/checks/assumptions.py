"""Is a stated assumption a mistake? An ``assume`` step whose sides differ wherever they can be evaluated.

An assumption (``d.assume``) is never proved: it is the model (the i.i.d. factorisation of a likelihood). But one
whose two sides can be evaluated and differ at every point tried, such as ``Σ_i q_i = 1 + Σ_i q_i`` with ``q``
summing to one, is not a model of anything; it is a slip, and everything after it rests on a falsehood. This
evaluates both sides at a few points inside the declarations (derive.checks.sampling) and reports such a step. An
assumption that holds at some point, or that cannot be evaluated (``p(x | θ)`` is an undefined function), is left
alone. It is slow (it expands sums at each size), so the checker runs it in its worker, never the loader.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import sympy as sp

from derive.checks.sampling import Instances, Point, Space, approx, exact_text
from derive.core.context import Context

#: How many points to try, and how many certified differences (with no agreement) make a contradiction.
TRIES = 20
MINIMUM = 3
SHOWN = 5  # points listed in the message


def contradicted_assumption(lhs: sp.Expr, rhs: sp.Expr, ctx: Context, *, tries: int = TRIES) -> str:
    """Why the assumption ``lhs = rhs`` is contradicted by the declarations, or '' when it is not shown to be.

    Args:
        lhs: the line the assumption continues from (``step.claim_lhs``).
        rhs: the assumed expression (``step.expr``).
        ctx: the derivation's context.
        tries: at most this many points inside the declarations are evaluated.

    Returns:
        A message listing the points and both sides' values when the sides differ (certified) at every point
        where both could be evaluated, and at no fewer than ``MINIMUM`` of them; otherwise ''.
    """
    try:
        instances = Instances(lhs, rhs, ctx)
        points = _spread(Space.of([lhs, rhs], ctx), tries)
        differ = []
        for point in points:
            result = instances.compare(point)
            if result.status == "equal":
                return ""  # it holds somewhere: a model, perhaps a wrong one, but not a contradiction
            if result.status == "differ":
                differ.append((point, result.lhs, result.rhs))
    except (ValueError, TypeError, NotImplementedError, ArithmeticError, RecursionError):
        # NOTE: a side SymPy cannot expand or evaluate gives no verdict; an assumption is innocent until shown
        # contradictory, so this is '' rather than an error in the checker.
        return ""
    if len(differ) < MINIMUM:
        return ""
    shown = [f"  at {_point(p)}: left side = {_value(a)}, right side = {_value(b)}" for p, a, b in differ[:SHOWN]]
    if len(differ) > SHOWN:
        shown.append(f"  (and {len(differ) - SHOWN} more points)")
    return (
        f"the assumption is false at every point tried: its two sides differ at all {len(differ)} points inside "
        f"the declarations where both could be evaluated, and agree at none; an assumption that no admissible "
        f"values satisfy is a mistake (a wrong sign, a term too many?), not a model\n" + "\n".join(shown)
    )


def _spread(space: Space, tries: int) -> Iterator[Point]:
    """Up to ``tries`` points inside the declarations (``Space.points(span=2)``), taken in turn from each choice
    of the sizes, so that a few points at N = 1 do not stand for the whole range."""
    per_size = [space.points_at(sizes) for sizes in space.size_choices(2)]
    mixed = (p for group in itertools.zip_longest(*per_size) for p in group if p is not None)
    return itertools.islice(mixed, tries)


def _point(point: Point) -> str:
    return ", ".join(f"{k} = {v}" for k, v in point.describe().items()) or "(no variables)"


def _value(value: sp.Expr) -> str:
    text, decimal = exact_text(value), approx(value)
    return text if text == decimal or value.is_Integer else f"{text} ≈ {decimal}"
