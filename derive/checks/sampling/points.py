"""Points: values for every size, datum, family and scalar of a claim, and the readable values they are made of.

A *point* fixes every size (N, K), every data value (x_k, integers in their range), every family (q_i, positive
rationals, summing to one where that is assumed) and every other free symbol. The readable values here are what
the counterexample search shrinks towards (0, ±1, small rationals, uniform distributions); which combinations are
offered, and in what order, is :class:`derive.checks.sampling.space.Space`'s job.

Random values have small denominators (at most :data:`DENOMINATOR`, or a column's length more for a family summing
to one): evaluation is exact, and one point whose weights have 9-digit denominators (random positive rationals
normalised to sum to one) could spend a whole budget in SymPy's rational arithmetic (a product of q_i^{w_i} has
as many digits as the denominators). Values of k / D with small D still range over the declared set densely
enough to meet a counterexample, which the readable points (0, ±1, 1/2, uniform distributions) look for first.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from derive.core.context import Context


@dataclass(frozen=True)
class Point:
    """Values for the sizes, data, families and scalars of a claim, in a printable order."""

    sizes: tuple[tuple[sp.Symbol, int], ...] = ()
    data: tuple[tuple[sp.IndexedBase, tuple[int, ...]], ...] = ()
    families: tuple[tuple[sp.IndexedBase, tuple[sp.Rational, ...]], ...] = ()
    scalars: tuple[tuple[sp.Symbol, sp.Rational], ...] = ()

    def describe(self) -> dict[str, str]:
        out = {str(s): str(v) for s, v in self.sizes}
        out.update({str(b): _entries(v) for b, v in self.data})
        out.update({str(b): _entries(v) for b, v in self.families})
        out.update({str(s): str(v) for s, v in self.scalars})
        return out

    def mapping(self, families: bool = True) -> dict:
        """``{x[1]: 2, …}`` for the data (and the families): what replaces each declared Indexed."""
        out = {b[pos if len(pos) > 1 else pos[0]]: sp.Integer(v) for b, entries in self.data for pos, v in entries}
        if families:
            out.update({b[pos if len(pos) > 1 else pos[0]]: v for b, entries in self.families for pos, v in entries})
        return out

    def size_map(self) -> dict:
        return {s: sp.Integer(v) for s, v in self.sizes}


def point_from(values: dict, ctx: Context) -> Point:
    """The ``Point`` of a mapping such as an author's witness: sizes, ``x[k]`` data, ``q[i]`` members, scalars."""
    sizes = tuple((k, int(v)) for k, v in values.items() if k in ctx.sizes)
    data: dict = {}
    families: dict = {}
    scalars = []
    for k, v in values.items():
        if k in ctx.sizes:
            continue
        if isinstance(k, sp.Indexed) and (k.base in ctx.datasets or k.base in ctx.families):
            bucket = data if k.base in ctx.datasets else families
            bucket.setdefault(k.base, []).append((tuple(k.indices), int(v) if k.base in ctx.datasets else v))
        else:
            scalars.append((k, v))
    return Point(
        sizes,
        tuple((b, tuple(e)) for b, e in data.items()),
        tuple((b, tuple(e)) for b, e in families.items()),
        tuple(scalars),
    )


def _entries(entries) -> str:
    """``(1, 2)`` for a vector; ``(1/2, 1/2; 1/3, 2/3)`` for a matrix, one group per value of the last index."""
    values = [str(v) for _, v in entries]
    if all(len(pos) == 1 for pos, _ in entries):
        return "(" + ", ".join(values) + (",)" if len(values) == 1 else ")")
    groups: dict = {}
    for pos, v in entries:
        groups.setdefault(pos[1:], []).append(str(v))
    return "(" + "; ".join(", ".join(g) for g in groups.values()) + ")"


def positions(spec, sizes: dict) -> list[tuple[int, ...]]:
    """Every index tuple of a declared family or data, the first index varying fastest."""
    ranges = [range(int(lo.xreplace(sizes)), int(hi.xreplace(sizes)) + 1) for lo, hi in spec.ranges]
    return [tuple(reversed(p)) for p in itertools.product(*reversed(ranges))]


def readable_vectors(length: int, sums_to_one: bool, below_one: bool = False) -> list[tuple[sp.Rational, ...]]:
    """Positive vectors from the most to the least readable; distributions when ``sums_to_one``, entries in
    (0, 1) when ``below_one``."""
    if length == 0:
        return [()]
    weights = [
        [1] * length,
        list(range(1, length + 1)),
        list(range(length, 0, -1)),
        [2**j for j in range(length)],
        [1] + [3] * (length - 1),
    ]
    out: list[tuple[sp.Rational, ...]] = []
    for w in weights:
        total = sum(w) if sums_to_one else 1
        vec = tuple(sp.Rational(v, total) for v in w)
        if not sums_to_one and w == [1] * length:
            vec = tuple(sp.Rational(1, 2) for _ in w)  # 1 hides too much (log 1 = 0): start at 1/2
        if vec not in out:
            out.append(vec)
    if not sums_to_one:
        for extra in ([2] * length, [sp.Rational(1, 3)] * length):
            vec = tuple(sp.Rational(v) for v in extra)
            if vec not in out:
                out.append(vec)
    if below_one:  # a probability: strictly inside (0, 1)
        extras = [
            tuple(sp.Rational(1, 3) for _ in range(length)),
            tuple(sp.Rational(j + 1, length + 2) for j in range(length)),
        ]
        out = [v for v in out + extras if all(0 < c < 1 for c in v)]
        out = list(dict.fromkeys(out))
    if sums_to_one:  # every vector offered is a distribution, extras included (none exists for length 1 below one)
        out = [v for v in out if sum(v) == 1]
    return out


def _readable_reals(length: int) -> list[tuple[sp.Rational, ...]]:
    """Real vectors, most readable first: zeros, 0 1 2 …, alternating signs."""
    return list(
        dict.fromkeys(
            [
                tuple(sp.Integer(0) for _ in range(length)),
                tuple(sp.Integer(j) for j in range(length)),
                tuple(sp.Integer((-1) ** j) for j in range(length)),
                tuple(sp.Rational(j + 1, 2) for j in range(length)),
            ]
        )
    )


def allowed(s: sp.Symbol, value: sp.Expr) -> bool:
    """``value`` has every property declared of ``s`` (positive, integer, odd, nonzero, real, ...)."""
    for fact, wanted in s.assumptions0.items():
        if fact == "commutative":
            continue
        if getattr(value, f"is_{fact}", None) is not wanted:
            return False
    return True


_READABLE = [0, 1, -1, 2, -2, sp.Rational(1, 2), -sp.Rational(1, 2), 3, sp.I, -sp.I, 1 + sp.I, 4 * sp.I]


def readable_scalars(s: sp.Symbol) -> list[sp.Expr]:
    """Shrink towards 0, ±1 and small rationals (and i for a symbol not declared real), inside what ``s`` is
    declared to be. Empty when no simple value satisfies the declaration (e.g. ``irrational``)."""
    return [c for c in map(sp.sympify, _READABLE) if allowed(s, c)]


#: The largest denominator of a random value (a distribution's entries k_i / D have D up to its length more).
DENOMINATOR = 12


def random_positive(rng: random.Random) -> Fraction:
    """A positive rational k / d with d at most :data:`DENOMINATOR`, from 1/12 to 97."""
    return Fraction(rng.randint(1, 97), rng.randint(1, DENOMINATOR))


def random_real(rng: random.Random) -> Fraction:
    """A rational k / d of either sign with d at most :data:`DENOMINATOR`."""
    return Fraction(rng.randint(-97, 97), rng.randint(1, DENOMINATOR))


def random_below_one(rng: random.Random) -> Fraction:
    """A probability strictly between 0 and 1: k / d with d at most :data:`DENOMINATOR`."""
    d = rng.randint(2, DENOMINATOR)
    return Fraction(rng.randint(1, d - 1), d)


def random_distribution(length: int, rng: random.Random) -> list[Fraction]:
    """``length`` positive rationals summing to one, k_i / D with D at most ``length + DENOMINATOR``: a random
    composition of D into ``length`` positive parts (every entry is below one when ``length`` is at least 2)."""
    if length <= 0:
        return []
    total = rng.randint(length, length + DENOMINATOR)
    cuts = sorted(rng.sample(range(1, total), length - 1))
    return [Fraction(b - a, total) for a, b in zip([0, *cuts], [*cuts, total])]


def _random_scalar(s: sp.Symbol, rng: random.Random) -> sp.Expr | None:
    for _ in range(200):
        r = random_real(rng)
        c = sp.Rational(r.numerator, r.denominator)
        if rng.random() < 0.5:
            c = sp.Integer(rng.randint(-9, 9))
        if rng.random() < 0.3:
            c = c + sp.I * sp.Rational(rng.randint(-97, 97), rng.randint(1, DENOMINATOR))
        if allowed(s, c):
            return c
    candidates = readable_scalars(s)
    return candidates[0] if candidates else None
