"""Points strictly inside the declarations but near their edges, where floating point is weakest and a branch
such as ``if p > 0.99`` is taken: the float check runs the code there too."""

from __future__ import annotations

import sympy as sp

from derive.checks.domain import point_violation
from derive.checks.sampling import Point, Space, allowed, positions, readable_scalars
from derive.checks.sampling.bounded import EMPTY, bounded, interval, readable_bounded
from derive.core.context import Context

EDGE_POINTS = 60  # at most this many points near the edges of the declarations
SMALL = sp.Rational(1, 1000)  # a probability near 0, a small positive value
LARGE = sp.Integer(100)  # a large positive value (exp(100) is still a float)
REAL_EDGE = sp.Integer(30)  # large reals of either sign


def _edge_points(space: Space, ctx: Context) -> list[Point]:
    """Points strictly inside the declarations but near their edges, where a branch such as ``if p > 0.99`` is
    taken: probabilities 1/1000 and 999/1000, a distribution with almost all its mass on one outcome, positive
    values 1/1000 and 100, reals ±30 and ±1/1000, integer values at both ends of their range, data all at the
    low or all at the high end. Each input in turn at each of its edges (the others at a plain value), then all
    at once (all low, all high, alternating), at the smallest sizes and one above."""
    out: list[Point] = []
    for span in (0, 1):
        sizes = tuple((s, ctx.sizes[s] + span) for s in space.sizes)
        inputs = _edge_inputs(space, ctx, dict(sizes))
        if inputs is None:
            continue  # some input has no value inside its declaration at these sizes
        plain = [i[1] for i in inputs]
        choices = []
        for n, (_, _, edges) in enumerate(inputs):
            for e in edges:
                choices.append(plain[:n] + [e] + plain[n + 1 :])
        for pick in (lambda n: 0, lambda n: -1, lambda n: n % 2, lambda n: (n + 1) % 2):
            choices.append([edges[pick(n) % len(edges)] if edges else p for n, (_, p, edges) in enumerate(inputs)])
        for choice in choices:
            point = _point(sizes, [i[0] for i in inputs], choice, ctx)
            if point not in out and not point_violation(point, ctx):  # inside by construction; checked anyway
                out.append(point)
    return out[:EDGE_POINTS]


def _edge_inputs(space: Space, ctx: Context, sm: dict):
    """``(key, plain value, [edge values])`` for each input, or None when one has no value at these sizes."""
    inputs = []
    for base in space.data:
        spec = ctx.datasets[base]
        lo, hi = (int(b.xreplace(sm)) for b in spec.values)
        if hi < lo:
            return None
        where = positions(spec, sm)
        low, high = tuple((p, lo) for p in where), tuple((p, hi) for p in where)
        inputs.append((base, low, [low, high]))
    scalars = _scalar_inputs(space, ctx, sm)
    if scalars is None:
        return None
    at_plain = {**sm, **{s: plain for s, plain, _ in scalars}}  # a family's bounds read at the plain scalars
    for base in space.families:
        spec = ctx.families[base]
        where = positions(spec, sm)
        lo, hi = (int(b.xreplace(sm)) for b in spec.index)
        column = max(hi - lo + 1, 1)
        plain, edges = _bounded_edges(spec, column, at_plain) if bounded(spec) else _family_edges(spec, column)
        if plain is None:
            return None

        def entries(vector, where=where, column=column):
            return tuple(zip(where, vector * (len(where) // column)))

        inputs.append((base, entries(plain), [entries(v) for v in edges]))
    return inputs + scalars


def _scalar_inputs(space: Space, ctx: Context, sm: dict):
    """:func:`_edge_inputs` of the scalars, or None when one has no value at these sizes."""
    inputs = []
    for s in space.scalars:
        if s in ctx.integer_values:
            lo, hi = (int(b.xreplace(sm)) for b in ctx.integer_values[s])
            if hi < lo:
                return None
            inputs.append((s, sp.Integer(lo), [sp.Integer(lo), sp.Integer(hi)]))
        elif s in ctx.unit_scalars:
            inputs.append((s, sp.Rational(1, 2), [SMALL, 1 - SMALL]))
        else:
            plain = readable_scalars(s)
            edges = [v for v in (SMALL, LARGE, -LARGE, -SMALL, sp.Integer(0)) if allowed(s, v)]
            if not plain:
                return None
            inputs.append((s, plain[0], edges))
    return inputs


def _bounded_edges(spec, k: int, values: dict):
    """A plain vector and the edge vectors of a bounded family's column (``w_i ≥ 0``, ``z_i ≤ m``): each bound
    itself (it is allowed), just inside it, and far from it where one side is open; None when no value fits."""
    ends = interval(spec, values)
    if ends == EMPTY:
        return None, []
    lo, hi = ends
    plain = readable_bounded(spec, k, lo, hi)
    if not plain:
        return None, []
    if not spec.real_valued:  # 0 < q_i ≤ hi
        cap = sp.Integer(1) - SMALL if spec.below_one and hi >= 1 else hi
        values_ = [SMALL * cap, cap]
    elif lo is not None and hi is not None:
        gap = (hi - lo) * SMALL
        values_ = [lo, lo + gap, hi - gap, hi]
    elif lo is not None:
        values_ = [lo, lo + SMALL, lo + LARGE]
    else:
        values_ = [hi, hi - SMALL, hi - REAL_EDGE]
    edges = [(v,) * k for v in values_]
    edges += [tuple(values_[j % 2 * -1] for j in range(k)), tuple(values_[(j + 1) % 2 * -1] for j in range(k))]
    return plain[0], list(dict.fromkeys(edges))


def _family_edges(spec, k: int):
    """A plain vector and the edge vectors of a family column of length ``k`` (None when none is declared)."""

    def alternate(a, b):
        return tuple(a if j % 2 == 0 else b for j in range(k))

    if spec.real_valued:
        big = REAL_EDGE
        return (sp.Integer(0),) * k, [(-big,) * k, (big,) * k, alternate(big, -big), (SMALL,) * k, (-SMALL,) * k]
    if spec.sums_to_one:
        if k == 1:
            return (None, []) if spec.below_one else ((sp.Integer(1),), [])
        heavy = 1 - (k - 1) * SMALL
        uniform = (sp.Rational(1, k),) * k
        return uniform, [(heavy,) + (SMALL,) * (k - 1), (SMALL,) * (k - 1) + (heavy,)]
    high = 1 - SMALL if spec.below_one else LARGE
    return (sp.Rational(1, 2),) * k, [(SMALL,) * k, (high,) * k, alternate(SMALL, high), alternate(high, SMALL)]


def _point(sizes: tuple, keys: list, values: list, ctx: Context) -> Point:
    data, families, scalars = [], [], []
    for key, value in zip(keys, values, strict=True):
        if key in ctx.datasets:
            data.append((key, value))
        elif key in ctx.families:
            families.append((key, value))
        else:
            scalars.append((key, value))
    return Point(sizes, tuple(data), tuple(families), tuple(scalars))
