"""Sampling inside declared bounds: no point the sampler offers breaks ``w_i ≥ 0``, ``z_i ≤ m`` or ``a ≤ z_i ≤ b``,
and the edges (0, the bound itself) are among the readable points, where refutations are found."""

from __future__ import annotations

import itertools
import random

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.checks.code.edges import _edge_points
from derive.checks.sampling import Point, Space
from derive.core.context import Context
from derive.core.evidence import Evidence

i = sp.Symbol("i", integer=True)
m, a, b = sp.symbols("m a b", real=True)
t = sp.Symbol("t", positive=True)


@st.composite
def bounded_context(draw):
    """A context with a random mix of bounded families (bounds in scalars, sizes and a probability), and an
    expression that mentions every family (not always the scalars their bounds mention)."""
    ctx = Context()
    K = ctx.size("K", minimum=draw(st.integers(1, 2)))
    y = ctx.probability("y")
    scalars = [m, a, b, t, y, K, sp.Integer(2), sp.Rational(-1, 3)]
    terms = []
    for name in ("w", "v"):
        if draw(st.booleans()):
            upper = draw(st.sampled_from([None, *scalars]))
            fam = ctx.nonnegative(name, (1, K), upper=None if upper is None or upper == sp.Rational(-1, 3) else upper)
            terms.append(sp.Sum(fam[i], (i, 1, K)))
    if draw(st.booleans()):
        lower = draw(st.sampled_from([None, a, -t, y, sp.Integer(-1)]))
        upper = draw(st.sampled_from([None, b, m, m + 1, K, sp.Integer(3)]))
        z = ctx.real("z", (1, K), lower=lower, upper=upper)
        terms.append(sp.Sum(z[i] ** 2, (i, 1, K)))
    if draw(st.booleans()):
        q = ctx.positive("q", (1, K), below_one=draw(st.booleans()), upper=draw(st.sampled_from([None, t, t + 1, 2])))
        terms.append(sp.Sum(sp.log(q[i]), (i, 1, K)))
    if draw(st.booleans()):
        terms.append(m + a)
    return ctx, sp.Add(*terms) if terms else K


def satisfies(point, ctx: Context) -> str:
    """The bounds read directly off ``ctx`` (not through derive.checks.domain): '' when ``point`` keeps them."""
    values = {s: sp.Integer(v) for s, v in point.sizes}
    values.update(dict(point.scalars))
    for base, entries in point.families:
        spec = ctx.families[base]
        lower = None if spec.lower is None else spec.lower.xreplace(values)
        upper = None if spec.upper is None else spec.upper.xreplace(values)
        for _, v in entries:
            v = sp.sympify(v)
            if not v.is_real:
                return f"{base} = {v} is not real"
            if spec.nonnegative and v < 0:
                return f"{base} = {v} < 0"
            if not spec.real_valued and not (v > 0 and (not spec.below_one or v < 1)):
                return f"{base} = {v} breaks its sign"
            if lower is not None and sp.simplify(v - lower) < 0:
                return f"{base} = {v} < {lower}"
            if upper is not None and sp.simplify(upper - v) < 0:
                return f"{base} = {v} > {upper}"
    return ""


@settings(max_examples=25, deadline=None)
@given(bounded_context(), st.integers(0, 10**6))
def test_no_sampled_point_breaks_a_declared_bound(case, seed):
    ctx, expr = case
    space = Space.of([expr], ctx)
    readable = list(itertools.islice(space.points(span=1), 30))
    rng = random.Random(seed)
    drawn = [p for p in (space._draw(rng, 3) for _ in range(10)) if p is not None]  # before any filter
    for point in readable + drawn + _edge_points(space, ctx):
        assert satisfies(point, ctx) == "", (satisfies(point, ctx), point)
    assert readable, "no point offered for bounds that can be met"
    assert sum(space.random_point(rng) is not None for _ in range(5)) >= 4, "random draws mostly fail the bounds"


def test_a_bound_in_a_scalar_gives_that_scalar_a_value_even_when_the_claim_does_not_mention_it():
    ctx = Context()
    K = ctx.size("K")
    z = ctx.real("z", (1, K), upper=m)
    space = Space.of([z[1]], ctx)
    assert space.scalars == [m]
    assert all(satisfies(p, ctx) == "" for p in itertools.islice(space.points(), 20))


def members(points, base):
    return [v for p in points for fam, entries in p.families if fam == base for _, v in entries]


def test_the_edges_are_among_the_first_readable_points():
    ctx = Context()
    K = ctx.size("K")
    w = ctx.nonnegative("w", (1, K), upper=3)
    z = ctx.real("z", (1, K), upper=m)
    first = list(itertools.islice(Space.of([w[1] + z[1]], ctx).points(), 40))
    assert 0 in members(first, w) and 3 in members(first, w)  # both ends of 0 ≤ w_i ≤ 3
    at_bound = [p for p in first for fam, entries in p.families if fam == z and entries[0][1] == dict(p.scalars)[m]]
    assert at_bound, "no readable point puts z_i at its bound m"


def test_an_empty_interval_offers_no_point_at_those_scalars_and_others_elsewhere():
    ctx = Context()
    K = ctx.size("K")
    z = ctx.real("z", (1, K), lower=a, upper=b)
    points = list(itertools.islice(Space.of([z[1]], ctx).points(), 200))
    assert points and all(dict(p.scalars)[a] <= dict(p.scalars)[b] for p in points)
    rng = random.Random(3)
    drawn = [Space.of([z[1]], ctx).random_point(rng) for _ in range(20)]
    assert all(p is None or satisfies(p, ctx) == "" for p in drawn) and any(drawn)


def test_the_readable_family_values_are_inside_the_bounds_before_any_filter():
    # points() drops a point outside the declarations (derive.checks.domain); the values offered must not need it
    ctx = Context()
    K = ctx.size("K")
    w, z = ctx.nonnegative("w", (1, K)), ctx.real("z", (1, K), upper=m)
    y, q = ctx.real("y", (1, K), lower=a, upper=b), ctx.positive("q", (1, K), below_one=True, upper=t)
    space = Space.of([w[1] + z[1] + y[1] + q[1]], ctx)
    checked = 0
    for sizes in space.size_choices(1):
        sm = dict(sizes)
        for scalars in itertools.islice(space.scalar_choices(sm), 0, None, 7):  # every 7th: all values of each
            for fams in itertools.islice(space.family_choices(sm, {**sm, **dict(scalars)}), 0, None, 13):
                point = Point(sizes, (), tuple(fams), tuple(scalars))
                assert satisfies(point, ctx) == "", (satisfies(point, ctx), point)
                checked += 1
    assert checked > 100


def _abs_total(w):  # right only where every w_i ≥ 0
    return sum(abs(v) for v in w)


def _clipped_total(z):  # min(v, 5) is v only where z_i ≤ 5
    return sum(min(v, 5) for v in z)


def _total(z):
    return sum(z)


def _reference(function, declare):
    from derive.checks.code import Reference, check_reference

    k = sp.Symbol("k", integer=True)
    ctx = Context()
    K = ctx.size("K")
    family = declare(ctx, K)
    return check_reference(Reference(function, (family,)), sp.Sum(family[k], (k, 1, K)), ctx)


def test_reference_code_right_only_inside_the_bounds_is_refuted_only_without_them():
    from derive.core.evidence import Evidence

    assert _reference(_abs_total, lambda ctx, K: ctx.nonnegative("w", (1, K))).evidence is not Evidence.REFUTED
    result = _reference(_abs_total, lambda ctx, K: ctx.real("w", (1, K)))
    assert result.evidence is Evidence.REFUTED and "-" in result.counterexample.values["w"]
    assert _reference(_clipped_total, lambda ctx, K: ctx.real("z", (1, K), upper=5)).evidence is not (Evidence.REFUTED)
    assert _reference(_clipped_total, lambda ctx, K: ctx.real("z", (1, K))).evidence is Evidence.REFUTED


def test_a_scalar_only_a_bound_mentions_is_not_an_argument_the_code_must_take():
    from derive.core.evidence import Evidence

    result = _reference(_total, lambda ctx, K: ctx.real("z", (1, K), upper=m))
    assert result.evidence is Evidence.PROVED, result.detail


@pytest.mark.parametrize(
    "declare, claim",
    [
        (lambda c, K, m: c.positive("z", (1, K), upper=m), lambda m: (m, 0, ">")),
        (lambda c, K, m: c.nonnegative("x", (1, K), upper=m), lambda m: (m, 0, ">=")),
    ],
)
def test_a_scalar_bounded_by_an_unmentioned_family_is_drawn_inside_the_declarations(declare, claim):
    """Review finding: 0 < z_i ≤ m implies m > 0 (K ≥ 1, so z_1 exists); a claim about m alone was refuted at m = 0,
    a point where no member of z can be drawn."""
    from derive import Derivation
    from derive.checks.steps import Options
    from derive.run.check import check_step

    ctx = Context()
    K, m = ctx.size("K"), sp.Symbol("m", real=True)
    declare(ctx, K, m)
    lhs, rhs, rel = claim(m)
    d = Derivation("implied", ctx, start=lhs)
    d.step(rhs, "implied by the declarations", relation=rel)
    assert check_step(d, d.steps[0], Options(10)).evidence is not Evidence.REFUTED
