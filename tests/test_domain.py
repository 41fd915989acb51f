"""Property tests (Hypothesis): every point the sampler offers, and every counterexample reported, lies inside the
declarations. The declarations are checked here by a second, plain reading of them (``satisfies``), not by
derive.checks.domain, whose filter the sampler itself applies."""

from __future__ import annotations

import itertools
import random

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import derive.checks.sampling
import derive.checks.steps
from derive.checks.domain import violation
from derive.checks.sampling import Space
from derive.checks.steps import verify_claim
from derive.core.context import Context
from derive.core.evidence import Evidence

i, n = sp.Symbol("i", integer=True), sp.Symbol("n", integer=True)
ASSUMPTIONS = [{}, {"real": True}, {"positive": True}, {"integer": True}, {"negative": True}, {"nonnegative": True}]


@st.composite
def declared(draw):
    """A context with a random mix of declarations, and an expression that mentions every declared thing."""
    ctx = Context()
    N = ctx.size("N", minimum=draw(st.integers(1, 3)))
    K = ctx.size("K", minimum=draw(st.integers(1, 3)))
    terms = []
    if draw(st.booleans()):
        x = ctx.data("x", index=(1, N), values=draw(st.sampled_from([(1, K), (0, 1), (2, K + 1)])))
        terms.append(sp.Sum(x[n], (n, 1, N)))
    for name in ("q", "r"):
        if draw(st.booleans()):
            two = draw(st.booleans())
            index = [(1, K), (1, N)] if two else (1, K)
            fam = ctx.positive(name, index, sums_to_one=draw(st.booleans()), below_one=draw(st.booleans()))
            terms.append(sp.Sum(sp.log(fam[i, n]), (i, 1, K), (n, 1, N)) if two else sp.Sum(fam[i], (i, 1, K)))
    if draw(st.booleans()):
        z = ctx.real("z", (1, K))
        terms.append(sp.Sum(z[i] ** 2, (i, 1, K)))
    if draw(st.booleans()):
        terms.append(ctx.value("c", (1, K)))
    if draw(st.booleans()):
        terms.append(ctx.probability("y"))
    for name in draw(st.lists(st.sampled_from(["a", "b", "t"]), unique=True, max_size=2)):
        terms.append(sp.Symbol(name, **draw(st.sampled_from(ASSUMPTIONS))))
    return ctx, sp.Add(*terms) if terms else N


def satisfies(point, ctx: Context) -> str:
    """The declarations read directly off ``ctx``: '' when ``point`` keeps them, else what it breaks."""
    sizes = {s: v for s, v in point.sizes}
    for s, v in sizes.items():
        if v < ctx.sizes[s]:
            return f"size {s} = {v}"
    for base, entries in point.data:
        spec = ctx.datasets[base]
        lo, hi = (int(b.subs(sizes)) for b in spec.values)
        if any(not (isinstance(v, int) or sp.sympify(v).is_Integer) or not lo <= v <= hi for _, v in entries):
            return f"data {base}"
    for base, entries in point.families:
        spec = ctx.families[base]
        values = dict(entries)
        if spec.real_valued:
            if not all(sp.sympify(v).is_real for v in values.values()):
                return f"real family {base}"
            continue
        if not all(v > 0 and (not spec.below_one or v < 1) for v in values.values()):
            return f"family {base} sign"
        if spec.sums_to_one:
            columns: dict = {}
            for pos, v in values.items():
                columns.setdefault(pos[1:], []).append(v)
            if any(sum(col) != 1 for col in columns.values()):
                return f"family {base} sum"
    for s, v in point.scalars:
        if s in ctx.integer_values:
            lo, hi = (int(b.subs(sizes)) for b in ctx.integer_values[s])
            if not (v.is_Integer and lo <= v <= hi):
                return f"value {s}"
        elif s in ctx.unit_scalars:
            if not 0 < v < 1:
                return f"probability {s}"
        else:
            for fact, truth in s._assumptions_orig.items():
                if getattr(v, f"is_{fact}") is not truth:
                    return f"{s} {fact}"
    return ""


@given(declared(), st.integers(0, 10**6))
def test_every_sampled_point_is_inside_the_declarations(case, seed):
    ctx, expr = case
    space = Space.of([expr], ctx)
    readable = list(itertools.islice(space.points(span=2), 40))
    rng = random.Random(seed)
    drawn = [p for p in (space.random_point(rng) for _ in range(10)) if p is not None]
    for point in readable + drawn:
        assert satisfies(point, ctx) == "", (satisfies(point, ctx), point)
    # the filter must not make the search vacuous: every drawn context can be met (a one-entry distribution
    # below one cannot, but K then also takes larger values)
    assert readable, "no point offered for declarations that can be met"


@given(declared())
def test_every_counterexample_is_inside_the_declarations(monkeypatch_points, case):
    ctx, expr = case
    monkeypatch_points.clear()
    result = verify_claim(expr, expr + sp.Rational(1, 7), ctx)
    assert result.evidence is Evidence.REFUTED, (result.evidence, result.detail)
    assert monkeypatch_points, "the counterexample was not built by derive.checks.sampling.counterexample"
    for point in monkeypatch_points:
        assert satisfies(point, ctx) == ""


@pytest.fixture(scope="module")
def monkeypatch_points():
    """The points handed to derive.checks.sampling.counterexample, recorded (module scope: Hypothesis calls the test
    many times with one fixture value)."""
    seen: list = []
    original = derive.checks.sampling.counterexample

    def record(point, *args, **kwargs):
        seen.append(point)
        return original(point, *args, **kwargs)

    patch = pytest.MonkeyPatch()
    patch.setattr(derive.checks.steps, "counterexample", record)
    yield seen
    patch.undo()


def test_the_predicate_names_what_breaks_a_declaration():
    ctx = Context()
    N, K = ctx.size("N"), ctx.size("K")
    x = ctx.data("x", (1, N), (1, K))
    q = ctx.positive("q", (1, K), sums_to_one=True, below_one=True)
    c, y = ctx.value("c", (1, K)), ctx.probability("y")
    a = sp.Symbol("a", positive=True)
    half = sp.Rational(1, 2)
    assert violation({N: 2, K: 2, x[1]: 1, x[2]: 2, q[1]: half, q[2]: half, c: 2, y: half, a: 3}, ctx) == ""
    for values, words in [
        ({N: 0}, "≥ 1"),
        ({N: 1, K: 2, x[1]: 3}, "integer in 1..2"),
        ({N: 1, K: 2, x[2]: 1}, "not declared"),
        ({K: 2, q[1]: half, q[2]: half + 1}, "below 1"),
        ({K: 2, q[1]: sp.Rational(1, 3), q[2]: sp.Rational(1, 3)}, "sum to 1"),
        ({K: 2, q[1]: half}, "every entry"),
        ({K: 3, c: 5}, "integer in 1..3"),
        ({y: 2}, "probability"),
        ({a: -1}, "positive"),
        ({a: sp.oo}, "finite"),
    ]:
        assert words in violation(values, ctx), (values, violation(values, ctx))


#: Every rational of a point offered in these tests has a denominator at most this: random values are k / d with
#: d <= DENOMINATOR (a distribution's k_i / D with D up to its length more, K <= 7 here), readable ones are smaller.
SMALL = 40


def denominators(point) -> list[int]:
    values = [v for _, entries in point.families for _, v in entries] + [v for _, v in point.scalars]
    return [int(part.q) for v in values for part in sp.sympify(v).as_real_imag()]


@given(declared(), st.integers(0, 10**6))
def test_every_point_has_small_denominators_and_stays_inside_the_declarations(case, seed):
    """Exact evaluation stays cheap: no point's rationals have large denominators (random positive values normalised
    to sum to one had 9-digit ones), and each point still keeps every declaration."""
    ctx, expr = case
    space = Space.of([expr], ctx)
    rng = random.Random(seed)
    points = list(itertools.islice(space.points(span=2), 40))
    points += [p for p in (space.random_point(rng) for _ in range(20)) if p is not None]
    for point in points:
        assert satisfies(point, ctx) == "", (satisfies(point, ctx), point)
        assert max(denominators(point), default=1) <= SMALL, point


def test_random_distributions_are_small_fractions_that_sum_to_one():
    from derive.checks.sampling.points import DENOMINATOR, random_distribution

    rng = random.Random(0)
    for length in (1, 2, 5, 12):
        seen = set()
        for _ in range(50):
            entries = random_distribution(length, rng)
            assert len(entries) == length and sum(entries) == 1 and all(e > 0 for e in entries)
            assert max(e.denominator for e in entries) <= length + DENOMINATOR
            seen.add(tuple(entries))
        assert len(seen) > (0 if length == 1 else 10)  # still random: not one uniform vector


def test_a_value_outside_a_declared_bound_is_outside_the_declarations():
    from derive.checks.relations import verify_witness

    ctx = Context()
    K = ctx.size("K")
    m, lo = sp.Symbol("m", real=True), sp.Symbol("lo", real=True)
    z, w = ctx.real("z", (1, K), lower=lo, upper=m), ctx.nonnegative("w", (1, K), upper=K)
    assert violation({K: 2, m: 1, lo: -1, z[1]: 1, z[2]: -1, w[1]: 0, w[2]: 2}, ctx) == ""
    for values, words in [
        ({K: 2, m: 1, lo: -1, z[1]: 2}, "z_i ≤ m is declared (here 1)"),
        ({K: 2, m: 1, lo: -1, z[1]: -2}, "lo ≤ z_i is declared (here -1)"),
        ({K: 2, lo: -1, z[1]: 0}, "needs a value of m"),
        ({K: 2, w[1]: -sp.Rational(1, 2)}, "nonnegative"),
        ({K: 2, w[1]: 3}, "w_i ≤ K is declared (here 2)"),
    ]:
        assert words in violation(values, ctx), (values, violation(values, ctx))
    # an author's ≠ witness outside a bound shows nothing, even where the sides differ there
    result = verify_witness(z[1], m, {K: 1, m: 0, lo: -1, z[1]: 1}, ctx)
    assert result.evidence is Evidence.UNDECIDED and "not inside the declarations" in result.detail
    assert verify_witness(z[1], m, {K: 1, m: 0, lo: -1, z[1]: -1}, ctx).evidence is Evidence.PROVED  # inside: shown
