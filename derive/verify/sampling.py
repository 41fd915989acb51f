"""Concrete instances of a claim: exact evaluation at points inside the assumptions, and counterexample search.

A *point* fixes every size (N, K), every data value (x_k, integers in their range), every family (q_i, positive
rationals, summing to one where that is assumed) and every other free symbol. Sums and products are expanded
term by term by :func:`expand_finite` (never SymPy's delta summation, SYMPY_PITFALLS.md items 1, 2 and 6), so
a value is an exact SymPy number; two values are compared by exact arithmetic or by ``evalf`` with
``strict=True``, which raises rather than return digits it cannot certify (item 12).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp

from derive.core.evidence import Counterexample
from derive.core.hygiene import substitute
from derive.core.model import Context
from derive.engine.smoothness import why_not_differentiable
from derive.verify.domain import point_violation

DIGITS = 30  # certified digits when deciding that two values differ
MAX_PRECISION = 2000  # bits of working precision evalf may use to certify a difference
MAX_UNFOLD = 50


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


# -- evaluation ------------------------------------------------------------------------------------------------
def unfold_all(expr: sp.Expr, ctx: Context) -> sp.Expr:
    """Replace every defined symbol by its definition, repeatedly (hygienically)."""
    for _ in range(MAX_UNFOLD):
        new = _unfold_once(expr, ctx)
        if new == expr:
            return expr
        expr = new
    raise RecursionError("definitions do not terminate (a definition refers to itself?)")


def _unfold_once(e: sp.Basic, ctx: Context) -> sp.Basic:
    d = ctx.definition_for(e)
    out = d.unfold(e) if d is not None else None
    if out is not None:
        return out
    if not e.args:
        return e
    return e.func(*(_unfold_once(a, ctx) for a in e.args))


def expand_finite(e: sp.Basic) -> sp.Basic:
    """Expand every Sum/Product whose bounds are integers into its terms, outermost limit first (so that a
    triangular sum's inner bound becomes an integer once the outer index has a value).

    A range that runs backwards is empty (0 for a sum, 1 for a product): the textbook reading, which is also the
    write-up's. The rules that prove steps hold under both this and SymPy's Karr reading. A limit whose bounds are
    not integers stays, with what is inside it expanded as far as possible.
    """
    return put(e, {})


def put(e: sp.Basic, values: dict) -> sp.Basic:
    """``e`` with ``values`` (symbol or ``x[k]`` → number) put in and every sum or product that makes finite
    expanded, from the leaves up: a node is rebuilt only once what is inside it is a number or expanded.

    Not ``xreplace`` and then expand: SymPy evaluates each node as it is rebuilt, and an unexpanded empty product
    misleads it (``Product(2, (m, 1, 0)).is_extended_nonpositive`` is True in SymPy 1.14, so ``log`` of it
    becomes iπ + …, where the empty product is 1 and its log 0). Numbers cannot be captured by a bound index;
    a value for a name a sum binds is not put inside that sum.
    """
    if e in values:
        return values[e]
    if not e.args:
        return e
    if isinstance(e, (sp.Sum, sp.Product)):
        bound = {limit[0] for limit in e.limits}
        inner = {k: v for k, v in values.items() if not ({k} | k.free_symbols) & bound}
        limits = [(var, put(lo, inner), put(hi, inner)) for var, lo, hi in e.limits]
        body = put(e.function, inner)
        *rest, (var, lo, hi) = limits
        if not (lo.is_Integer and hi.is_Integer):
            return e.func(body, *limits)
        op = sp.Add if isinstance(e, sp.Sum) else sp.Mul
        within = e.func(body, *rest) if rest else body
        return op(*(put(within, {var: sp.Integer(v)}) for v in range(int(lo), int(hi) + 1)))
    return e.func(*(put(a, values) for a in e.args))


def evaluate_at(expr: sp.Expr, values: dict) -> sp.Expr:
    """``expr`` with ``values`` (sizes, data values) substituted and every sum or product they make finite expanded;
    repeated, since a value can turn a bound into an integer or an index into a data value (q[x[1]] → q[2])."""
    numbers = all(isinstance(v, sp.Basic) and v.is_number for v in values.values())
    for _ in range(MAX_UNFOLD):
        new = put(expr, values) if numbers else expand_finite(substitute(expr, values))
        if new == expr:
            return new
        expr = new
    return expr


def take_derivatives(e: sp.Expr) -> sp.Expr:
    """Derivatives taken exactly where SymPy's rules hold (derive.engine.smoothness); elsewhere left standing, so that
    the value cannot be computed and nothing is concluded from it."""
    if not e.has(sp.Derivative):
        return e

    def take(n: sp.Derivative) -> sp.Expr:
        return n if why_not_differentiable(n.expr, [v for v, _ in n.variable_count]) else n.doit()

    return e.replace(lambda n: isinstance(n, sp.Derivative), take)


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
        # (derive.verify.guard) keeps them and differentiates numerically instead
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
        # integer values (an observed class c) act like data: they pick family members (z[c] becomes z[2])
        mapping.update({s: v for s, v in point.scalars if s in self.ctx.integer_values})
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


def _exactly_zero(diff: sp.Expr) -> bool:
    """Logs of positive rationals written over primes (log(2/9) = log 2 − 2 log 3) make a zero difference of
    such logs cancel exactly, without asking evalf to fail at 2000 bits first."""
    logs = {
        node: sp.Add(*(k * sp.log(sp.Integer(p)) for p, k in _prime_powers(node.args[0])))
        for node in diff.atoms(sp.log)
        if node.args[0].is_Rational and node.args[0] > 0
    }
    return bool(logs) and sp.expand(diff.xreplace(logs)) == 0


def _prime_powers(r: sp.Rational):
    return sorted({**sp.factorint(r.p), **{p: -k for p, k in sp.factorint(r.q).items()}}.items())


#: Functions that jump: ``evalf(strict=True)`` certifies the digits of their value, not the side of the jump
#: their argument is on, so sign(atan(2) + atan(1/2) − π/2) comes out 1 although the argument is exactly 0.
DISCONTINUOUS = (
    sp.sign,
    sp.floor,
    sp.ceiling,
    sp.frac,
    sp.Mod,
    sp.Heaviside,
    sp.Piecewise,
    sp.arg,
    sp.atan2,
    sp.acot,
    sp.acoth,
    sp.DiracDelta,
    sp.SingularityFunction,
    sp.KroneckerDelta,
)


#: Functions with a branch cut: on the cut, evalf picks a side from digits it cannot certify (asin(2 + i·w) for an
#: exact zero w comes out with the wrong sign of its imaginary part), so their argument must be real or exact.
BRANCHED = (
    sp.log,
    sp.asin,
    sp.acos,
    sp.atan,
    sp.asinh,
    sp.acosh,
    sp.atanh,
    sp.asec,
    sp.acsc,
    sp.LambertW,
    sp.Ei,
    sp.li,
    sp.loggamma,
    sp.expint,
    sp.Chi,
    sp.Ci,
)


#: Of those, the ones whose cuts lie on the imaginary axis (the others' lie on the real axis).
IMAGINARY_CUTS = (sp.asinh, sp.atan)


def _off_the_cut(node: sp.Basic) -> bool:
    """A branched function's argument (a power's base) is written without i (on the real line, where evalf
    takes the one principal value), an exact complex rational, or certainly off the axis its cuts lie on."""
    across = 0 if isinstance(node, IMAGINARY_CUTS) else 1  # the part that must not be zero: re or im

    def plain(a: sp.Basic) -> bool:
        # NOTE: not a.is_extended_real: SymPy decides that by evaluating, and calls 2 + i·w real when w is an
        # exact zero it cannot show, which is the very case evalf gets wrong.
        if not a.has(sp.I):
            return True
        parts = a.as_real_imag()
        if all(p.is_Rational for p in parts):
            return True
        try:
            return sp.N(parts[across], 15, strict=True, maxn=MAX_PRECISION) != 0
        except (sp.core.evalf.PrecisionExhausted, TypeError, ValueError):
            return False

    if isinstance(node, sp.Pow):
        return node.exp.is_integer is True or plain(node.base)
    return all(plain(a) for a in node.args)


def _closed(e: sp.Expr) -> bool:
    """No symbols left, and nothing whose value only quadrature, a limit, an unexpanded sum (Euler–Maclaurin,
    SYMPY_PITFALLS.md item 6), a jump at an argument that is not a plain rational, or a branch cut an argument may
    sit on would estimate: the value is a definite number that exact arithmetic or certified evalf can decide."""
    if e.free_symbols or e.has(sp.Integral, sp.Limit, sp.Derivative, sp.Sum, sp.Product):
        return False
    if not all(all(a.is_Rational for a in node.args) for node in e.atoms(*DISCONTINUOUS)):
        return False
    return all(_off_the_cut(node) for node in e.atoms(sp.Pow, *BRANCHED))


def linear_root(expr: sp.Expr, var: sp.Symbol, others: dict) -> sp.Rational | None:
    """Where ``expr``, with ``others`` put in, is 0 when it is linear in ``var`` with a rational slope (a shifted
    bound 5 − N is 0 at N = 5); None otherwise."""
    line = sp.expand(sp.sympify(expr).xreplace(others))
    slope = line.coeff(var)
    if not (line.free_symbols <= {var} and slope.is_Rational and slope != 0):
        return None
    return -line.subs(var, 0) / slope


def certified_gap(a: sp.Expr, b: sp.Expr, relation) -> sp.Expr | None:
    """What must be positive for ``a relation b`` (b − a for < and ≤, a − b for > and ≥) when ``a`` and ``b``
    are numbers: exactly, or to digits evalf certified; None where it has no certain real value."""
    gap = b - a if relation.value in ("<", "≤") else a - b
    if not decidable(gap) or gap.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    if gap.is_Rational:
        return gap
    if not gap.is_extended_real:
        return None
    try:
        value = sp.N(gap, DIGITS, strict=True, maxn=MAX_PRECISION)
    except (sp.core.evalf.PrecisionExhausted, TypeError, ValueError):
        return None
    return value if value.is_Number else None


def decidable(e: sp.Expr) -> bool:
    """Whether certified evaluation of the number ``e`` means what it says (see :func:`_closed`)."""
    return _closed(e)


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


# -- the points to try -----------------------------------------------------------------------------------------
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
            for s in sorted(e.free_symbols, key=str):
                if s in bases:
                    bucket = space.data if bases[s] in ctx.datasets else space.families
                    if bases[s] not in bucket:
                        bucket.append(bases[s])
                elif isinstance(s, sp.Symbol) and s not in labels:
                    bucket = space.sizes if s in ctx.sizes else space.scalars
                    if s not in bucket:
                        bucket.append(s)
        # A family's or data's index range mentions sizes that the claim itself may not.
        for base in space.data + space.families:
            spec = ctx.datasets.get(base) or ctx.families.get(base)
            ends = [b for r in spec.ranges for b in r] + list(getattr(spec, "values", ()))
            extra = set().union(*(b.free_symbols for b in ends))
            for s in sorted(extra, key=str):
                if s in ctx.sizes and s not in space.sizes:
                    space.sizes.append(s)
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

    def family_choices(self, sizes: dict) -> Iterator[tuple]:
        per_base = []
        for base in self.families:
            spec = self.ctx.families[base]
            where = positions(spec, sizes)
            column = max(len(range(int(spec.index[0].xreplace(sizes)), int(spec.index[1].xreplace(sizes)) + 1)), 1)
            choices = (
                _readable_reals(column)
                if spec.real_valued
                else readable_vectors(column, spec.sums_to_one, spec.below_one)
            )
            # the same readable column for every value of the other indices
            per_base.append([(base, tuple(zip(where, v * (len(where) // column)))) for v in choices])
        yield from itertools.product(*per_base)

    def _random_value(self, s: sp.Symbol, sizes: dict, rng: random.Random) -> sp.Expr | None:
        if s in self.ctx.integer_values:
            lo, hi = (int(b.xreplace(sizes)) for b in self.ctx.integer_values[s])
            return sp.Integer(rng.randint(lo, hi)) if hi >= lo else None
        if s in self.ctx.unit_scalars:
            return sp.Rational(rng.randint(1, 96), 97)
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
        the declarations (derive.verify.domain) are offered."""
        for sizes in self.size_choices(span):
            yield from self.points_at(sizes, data_limit)

    def points_at(self, sizes: tuple, data_limit: int = 64) -> Iterator[Point]:
        """The readable points at the given sizes, inside the declarations."""
        sm = dict(sizes)
        for data in self.data_choices(sm, data_limit):
            for fams in self.family_choices(sm):
                for scalars in self.scalar_choices(sm):
                    point = Point(sizes, tuple(data), tuple(fams), tuple(scalars))
                    if not point_violation(point, self.ctx):
                        yield point

    def random_point(self, rng: random.Random, span: int = 4, tries: int = 20) -> Point | None:
        """A random point inside the declarations, or None when ``tries`` draws found none."""
        for _ in range(tries):
            point = self._draw(rng, span)
            if point is not None and not point_violation(point, self.ctx):
                return point
        return None

    def _draw(self, rng: random.Random, span: int) -> Point | None:
        sizes = tuple((s, rng.randint(self.ctx.sizes[s], self.ctx.sizes[s] + span)) for s in self.sizes)
        sm = dict(sizes)
        data = []
        for base in self.data:
            spec = self.ctx.datasets[base]
            lo, hi = (int(b.xreplace(sm)) for b in spec.values)
            data.append((base, tuple((pos, rng.randint(lo, hi)) for pos in positions(spec, sm))))
        fams = []
        for base in self.families:
            spec = self.ctx.families[base]
            where = positions(spec, sm)
            raw = {pos: Fraction(rng.randint(1, 97), rng.randint(1, 97)) for pos in where}
            if spec.real_valued:
                raw = {pos: Fraction(rng.randint(-97, 97), rng.randint(1, 19)) for pos in where}
            if spec.below_one:
                raw = {pos: r / (r + 1) for pos, r in raw.items()}
            if spec.sums_to_one:  # normalise each column (fixed values of the other indices)
                totals: dict = {}
                for pos, r in raw.items():
                    totals[pos[1:]] = totals.get(pos[1:], 0) + r
                raw = {pos: r / totals[pos[1:]] for pos, r in raw.items()}
            fams.append((base, tuple((pos, sp.Rational(r.numerator, r.denominator)) for pos, r in raw.items())))
        scalars = tuple((s, self._random_value(s, sm, rng)) for s in self.scalars)
        if any(v is None for _, v in scalars):
            return None  # no value satisfies some declaration: no point to offer
        return Point(sizes, tuple(data), tuple(fams), scalars)


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


def _random_scalar(s: sp.Symbol, rng: random.Random) -> sp.Expr | None:
    for _ in range(200):
        c = sp.Rational(rng.randint(-97, 97), rng.randint(1, 97))
        if rng.random() < 0.5:
            c = sp.Integer(rng.randint(-9, 9))
        if rng.random() < 0.3:
            c = c + sp.I * sp.Rational(rng.randint(-97, 97), rng.randint(1, 13))
        if allowed(s, c):
            return c
    candidates = readable_scalars(s)
    return candidates[0] if candidates else None
