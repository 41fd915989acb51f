"""The points to try for a claim: what must be given a value, read off the claim and the declarations, and the
points inside the declarations, small and readable first (a counterexample search's order) or drawn at random."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import sympy as sp

from derive.checks.domain import point_violation
from derive.checks.sampling.bounded import EMPTY, bound_symbols, bounded, interval, random_bounded, readable_bounded
from derive.checks.sampling.evaluation import unfold_all
from derive.checks.sampling.points import (
    Point,
    _random_scalar,
    _readable_reals,
    positions,
    random_below_one,
    random_distribution,
    random_positive,
    random_real,
    readable_scalars,
    readable_vectors,
)
from derive.core.context import Context


@dataclass
class Space:
    """What must be given a value to evaluate a claim, read off the claim and the context."""

    ctx: Context
    sizes: list[sp.Symbol] = field(default_factory=list)
    data: list[sp.IndexedBase] = field(default_factory=list)
    families: list[sp.IndexedBase] = field(default_factory=list)
    scalars: list[sp.Symbol] = field(default_factory=list)

    @classmethod
    def of(cls, exprs, ctx: Context) -> Space:
        space = cls(ctx)
        bases = {b.label: b for b in list(ctx.datasets) + list(ctx.families)}
        for e in exprs:
            e = unfold_all(e, ctx)
            labels = {a.base.label for a in e.atoms(sp.Indexed)}
            symbols = set(e.free_symbols)
            # SymPy leaves ∂/∂z_i's i out of free_symbols; a variable that a Subs binds (f′(θ) at θ = a) is no point's
            bound = set().union(*(set(s.variables) for s in e.atoms(sp.Subs)))
            for d in e.atoms(sp.Derivative):
                for var in d.variables:
                    symbols |= var.free_symbols - (bound - e.free_symbols)
            for s in sorted(symbols, key=str):
                if s in bases:
                    bucket = space.data if bases[s] in ctx.datasets else space.families
                    if bases[s] not in bucket:
                        bucket.append(bases[s])
                elif isinstance(s, sp.Symbol) and s not in labels:
                    bucket = space.sizes if s in ctx.sizes else space.scalars
                    if s not in bucket:
                        bucket.append(s)
        # A family's or data's index range mentions sizes that the claim itself may not; so may its bounds, and
        # the scalars in its bounds (z_i ≤ m) need values for its members to have any.
        for base in space.data + space.families:
            spec = ctx.datasets.get(base) or ctx.families.get(base)
            ends = [b for r in spec.ranges for b in r] + list(getattr(spec, "values", ()))
            extra = set().union(*(b.free_symbols for b in ends))
            for s in sorted(extra | (bound_symbols(spec) if base in ctx.families else set()), key=str):
                if s in ctx.sizes and s not in space.sizes:
                    space.sizes.append(s)
                elif s not in ctx.sizes and s not in space.scalars:
                    space.scalars.append(s)
        for s in space.scalars:
            if s in ctx.integer_values:
                for b in ctx.integer_values[s]:
                    space.sizes.extend(x for x in sorted(b.free_symbols, key=str) if x not in space.sizes)
        space.sizes.sort(key=str)
        return space

    def size_choices(self, span: int) -> Iterator[tuple[tuple[sp.Symbol, int], ...]]:
        """Sizes from their minimums up to ``span`` more, smallest total first."""
        ranges = [range(self.ctx.sizes[s], self.ctx.sizes[s] + span + 1) for s in self.sizes]
        combos = sorted(itertools.product(*ranges), key=lambda c: (sum(c), c))
        for c in combos:
            yield tuple(zip(self.sizes, c))

    def data_choices(self, sizes: dict, limit: int) -> Iterator[tuple]:
        """Every data vector in lexicographic order (up to ``limit``)."""
        ranges = []
        for base in self.data:
            spec = self.ctx.datasets[base]
            lo, hi = (int(b.xreplace(sizes)) for b in spec.values)
            ranges.append((base, range(lo, hi + 1), positions(spec, sizes)))

        # lazily: at N = 12, K = 4 there are 4^12 vectors and only the first ``limit`` are wanted, and
        # itertools.product would materialise its argument iterables, so nest the products by hand.
        def vectors(i: int):
            if i == len(ranges):
                yield ()
                return
            base, values, where = ranges[i]
            for v in itertools.product(values, repeat=len(where)):
                for rest in vectors(i + 1):
                    yield ((base, tuple(zip(where, v))),) + rest

        yield from itertools.islice(vectors(0), limit)

    def count_data(self, sizes: dict) -> int:
        """How many data vectors there are at ``sizes`` (K^N for one data family)."""
        total = 1
        for base in self.data:
            spec = self.ctx.datasets[base]
            lo, hi = (int(b.xreplace(sizes)) for b in spec.values)
            total *= max(hi - lo + 1, 0) ** len(positions(spec, sizes))
        return total

    def scalars_first(self) -> bool:
        """Whether a family's bounds need values of the sizes and scalars before its own (z_i ≤ m)."""
        return any(bounded(self.ctx.families[base]) for base in self.families)

    def family_choices(self, sizes: dict, scalars: dict | None = None) -> Iterator[tuple]:
        """Readable values of the families at ``sizes``, inside their bounds at ``scalars`` (none when some
        family's bounds leave no value there)."""
        per_base = []
        for base in self.families:
            spec = self.ctx.families[base]
            where = positions(spec, sizes)
            column = max(len(range(int(spec.index[0].xreplace(sizes)), int(spec.index[1].xreplace(sizes)) + 1)), 1)
            if bounded(spec):
                ends = interval(spec, {**sizes, **(scalars or {})})
                if ends == EMPTY:
                    return
                choices = readable_bounded(spec, column, *ends)
            elif spec.real_valued:
                choices = _readable_reals(column)
            else:
                choices = readable_vectors(column, spec.sums_to_one, spec.below_one)
            # the same readable column for every value of the other indices
            per_base.append([(base, tuple(zip(where, v * (len(where) // column)))) for v in choices])
        yield from itertools.product(*per_base)

    def _random_value(self, s: sp.Symbol, sizes: dict, rng: random.Random) -> sp.Expr | None:
        if s in self.ctx.integer_values:
            lo, hi = (int(b.xreplace(sizes)) for b in self.ctx.integer_values[s])
            return sp.Integer(rng.randint(lo, hi)) if hi >= lo else None
        if s in self.ctx.unit_scalars:
            r = random_below_one(rng)
            return sp.Rational(r.numerator, r.denominator)
        return _random_scalar(s, rng)

    def scalar_choices(self, sizes: dict | None = None) -> Iterator[tuple]:
        yield from itertools.product(*[[(s, v) for v in self._scalar_values(s, sizes or {})] for s in self.scalars])

    def _scalar_values(self, s: sp.Symbol, sizes: dict) -> list[sp.Expr]:
        if s in self.ctx.integer_values:
            lo, hi = (int(b.xreplace(sizes)) for b in self.ctx.integer_values[s])
            return [sp.Integer(v) for v in range(lo, hi + 1)]
        if s in self.ctx.unit_scalars:
            return [sp.Rational(1, 2), sp.Rational(1, 3), sp.Rational(3, 4), sp.Rational(1, 10)]
        return readable_scalars(s)

    def points(self, span: int = 2, data_limit: int = 64) -> Iterator[Point]:
        """Small, readable points first: the first that refutes a claim is its counterexample. Only points inside
        the declarations (derive.checks.domain) are offered."""
        for sizes in self.size_choices(span):
            yield from self.points_at(sizes, data_limit)

    def points_at(self, sizes: tuple, data_limit: int = 64) -> Iterator[Point]:
        """The readable points at the given sizes, inside the declarations."""
        sm = dict(sizes)
        for data in self.data_choices(sm, data_limit):
            if self.scalars_first():  # scalars first: a family's bounds may mention them
                pairs = (
                    (fams, scalars)
                    for scalars in self.scalar_choices(sm)
                    for fams in self.family_choices(sm, {**sm, **dict(scalars)})
                )
            else:
                pairs = ((fams, scalars) for fams in self.family_choices(sm) for scalars in self.scalar_choices(sm))
            for fams, scalars in pairs:
                point = Point(sizes, tuple(data), tuple(fams), tuple(scalars))
                if self._inside(point):
                    yield point

    def random_point(self, rng: random.Random, span: int = 4, tries: int = 20) -> Point | None:
        """A random point inside the declarations, or None when ``tries`` draws found none."""
        for _ in range(tries):
            point = self._draw(rng, span)
            if point is not None and self._inside(point):
                return point
        return None

    def _inside(self, point: Point) -> bool:
        """The point is inside the declarations, including those of families the claim does not mention: a bounded
        family whose interval is empty at the point's scalars leaves no value for its members, so ``m = 0`` is no
        point of ``0 < z_i ≤ m`` (``m > 0`` is implied), whether or not the claim mentions ``z``."""
        if point_violation(point, self.ctx):
            return False
        known = {**dict(point.sizes), **dict(point.scalars)}
        # a size the claim does not mention may be any allowed one: a few above its minimum shows a member exists
        sizes = {s: sp.Integer(known.get(s, least + 3)) for s, least in self.ctx.sizes.items()}
        for spec in self.ctx.families.values():
            if not bounded(spec) or not bound_symbols(spec) <= set(known) | set(sizes):
                continue
            ends = [sp.sympify(e).xreplace(sizes) for r in spec.ranges for e in r]
            if not all(e.is_Integer for e in ends) or any(lo > hi for lo, hi in zip(ends[::2], ends[1::2])):
                continue  # a range not known here, or empty: no member to keep in its interval
            if interval(spec, {**sizes, **known}) == EMPTY:
                return False
        return True

    def _draw(self, rng: random.Random, span: int) -> Point | None:
        sizes = tuple((s, rng.randint(self.ctx.sizes[s], self.ctx.sizes[s] + span)) for s in self.sizes)
        sm = dict(sizes)
        data = []
        for base in self.data:
            spec = self.ctx.datasets[base]
            lo, hi = (int(b.xreplace(sm)) for b in spec.values)
            data.append((base, tuple((pos, rng.randint(lo, hi)) for pos in positions(spec, sm))))
        first = self.scalars_first()  # else the draws keep their historical order (same points per seed)
        scalars = tuple((s, self._random_value(s, sm, rng)) for s in self.scalars) if first else ()
        if any(v is None for _, v in scalars):
            return None
        fams = []
        for base in self.families:
            spec = self.ctx.families[base]
            where = positions(spec, sm)
            if bounded(spec):
                ends = interval(spec, {**sm, **dict(scalars)})
                if ends == EMPTY:
                    return None  # no value inside the bounds at these scalars: draw again
                fams.append((base, tuple((pos, random_bounded(spec, *ends, rng)) for pos in where)))
                continue
            if spec.real_valued:
                raw = {pos: random_real(rng) for pos in where}
            elif spec.sums_to_one:  # each column (fixed values of the other indices) a distribution k_i / D
                columns: dict = {}
                for pos in where:
                    columns.setdefault(pos[1:], []).append(pos)
                raw = {}
                for column in columns.values():
                    raw.update(zip(column, random_distribution(len(column), rng)))
                raw = {pos: raw[pos] for pos in where}  # in the order of positions()
            else:
                raw = {pos: random_below_one(rng) if spec.below_one else random_positive(rng) for pos in where}
            fams.append((base, tuple((pos, sp.Rational(r.numerator, r.denominator)) for pos, r in raw.items())))
        scalars = scalars if first else tuple((s, self._random_value(s, sm, rng)) for s in self.scalars)
        if any(v is None for _, v in scalars):
            return None  # no value satisfies some declaration: no point to offer
        return Point(sizes, tuple(data), tuple(fams), scalars)
