"""The independent guard behind every verdict: evaluation at points inside the declarations, sharing nothing
with the proof.

A proof is a chain of rule applications (derive.engine.rules) ending in an exact comparison. The guard never calls a
rule: it unfolds the definitions, puts numbers in for every declared symbol (points from derive.checks.sampling, all
inside the declarations, derive.checks.domain), expands every finite sum and product term by term, and compares the
two sides by exact arithmetic, or certified ``evalf``. A derivative is not taken by SymPy here but numerically,
by mpmath's ``diff`` at two working precisions; such a value is an estimate, so a difference counts only when it
is far larger than the two estimates disagree by. Sizes include the ones where a shifted bound (``5 − N``)
crosses zero, where a rule that forgot the Karr convention or a sign would go wrong.

Whenever the guard finds a point where a ``proved`` claim fails, the verdict is an *engine inconsistency*:
``undecided``, flagged, and ``derive check`` exits 3. It is never a pass.
"""

from __future__ import annotations

import itertools
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from derive.checks.sampling import (
    Instances,
    Point,
    Space,
    certified_gap,
    counterexample,
    decidable,
    linear_root,
    unfold_all,
)
from derive.core.context import Context
from derive.core.evidence import Evidence, StepResult
from derive.core.model import Relation

READABLE_POINTS = 40  # the smallest readable points, as the counterexample search orders them
CRITICAL_POINTS = 4  # points at each size where a bound crosses zero
RANDOM_POINTS = 8  # random values, at the sizes the readable points used (expanded once per size)
CRITICAL_SPAN = 40  # sizes up to minimum + CRITICAL_SPAN are tried where a bound crosses zero
PRECISIONS = (30, 50)  # decimal digits of the two numeric evaluations
NUMERIC_POINTS = 16  # points where derivatives are taken numerically (mpmath.diff at both precisions is slow)


@dataclass(frozen=True)
class Disagreement:
    """A point inside the declarations where the claim fails, with both sides' values there."""

    point: Point
    lhs: sp.Expr
    rhs: sp.Expr
    how: str  # "exactly" or "numerically (…)"


def guard(
    lhs: sp.Expr, rhs: sp.Expr, relation: Relation, ctx: Context, seed: int = 0, unfolded: tuple | None = None
) -> Disagreement | None:
    """A point where ``lhs relation rhs`` fails, found by evaluation alone; None when none is found.
    ``unfolded``: the sides with their definitions put in, when the caller has them (Instances.unfolded)."""
    numeric = lhs.has(sp.Derivative) or rhs.has(sp.Derivative)
    sides = Instances(lhs, rhs, ctx, differentiate=False, unfolded=unfolded)
    readings: dict = {}
    sides.sides = tuple(interpret(e, seed, readings, integers=True) for e in sides.unfolded)
    # the space of the sides as read: p(x | θ) read as exp(… + θ) brings θ in
    space = Space.of([*sides.unfolded, *sides.sides], ctx)
    points = guard_points(space, sides.unfolded, ctx, seed)
    for point in itertools.islice(points, NUMERIC_POINTS) if numeric else points:
        found = _fails(sides, point, relation, numeric)
        if found is not None:
            if readings:
                read = "; ".join(f"{name} read as {sp.sstr(body)}" for name, body in readings.items())
                found = Disagreement(found.point, found.lhs, found.rhs, f"{found.how}, with {read}")
            return found
    return None


def interpret(expr: sp.Expr, seed: int, readings: dict, *, integers: bool = False) -> sp.Expr:
    """``expr`` with every function nothing defines (an undefined f(x), p(x | θ), a quantity without a value)
    read as a concrete smooth function that has every property declared of it: exp of an affine function of
    its arguments and what it depends on when it is positive, that affine function when it is only real, a
    constant integer when it is declared integer-valued and ``integers`` is set (:func:`_integer_reading`; the
    guard sets it, mutation testing does not: a mutant it cannot evaluate stays undecided).

    A rule may use only what is declared of such a function, so a proof holds for every reading; one reading
    at which the claim fails exposes a wrong rule that the symbols alone would hide (the guard would otherwise
    have nothing to evaluate). ``readings`` collects what each name was read as, for the report."""

    def reading(node: sp.Basic) -> sp.Basic:
        if not isinstance(node, sp.Function) or isinstance(node, sp.KroneckerDelta):
            return node
        hidden = _hidden(node)
        if hidden is None or not all(_scalar(a) for a in node.args):
            return node
        facts = type(node).default_assumptions
        if integers and facts.get("integer"):
            value = _integer_reading(node, facts, seed)
            if value is not None:
                args = [sp.Symbol(f"a{n}") for n in range(len(node.args))]
                readings.setdefault(sp.sstr(node.func(*args)) if args else sp.sstr(node), value)
            return node if value is None else value
        positive = node.is_positive is True
        shape = sp.Dummy(positive=True) if positive else sp.Dummy(real=True)
        if any(shape.assumptions0.get(f) != v for f, v in facts.items() if f != "commutative"):
            return node  # declared integer, or zero, or …: no affine reading has that
        rng = random.Random(zlib.crc32(f"{type(node).__name__}:{seed}".encode()))
        # real parts of what may be complex (θ = 4i among the readable values): exp of a real number stays
        # positive, as the declaration says, wherever the function is evaluated
        terms = [t if t.is_extended_real else sp.re(t) for t in (*node.args, *sorted(hidden, key=str))]
        coefficients = [sp.Rational(rng.choice([-2, -1, 1, 2]), rng.choice([1, 2, 3])) for _ in range(len(terms) + 1)]
        affine = coefficients[0] + sp.Add(*(c * t for c, t in zip(coefficients[1:], terms, strict=True)))
        body = sp.exp(affine) if positive else affine
        args = [sp.Symbol(f"a{n}") for n in range(len(node.args))]
        generic = body.xreplace(dict(zip(node.args, args, strict=True))) if args else body
        readings.setdefault(sp.sstr(node.func(*args)) if args else sp.sstr(node), generic)
        return body

    return expr.replace(lambda n: isinstance(n, sp.Function), reading) if expr.atoms(sp.Function) else expr


#: The integers an integer-valued function may be read as, the first that has every declared property: 0, 1 and
#: −1 last, the values at which most false identities happen to hold.
INTEGER_READINGS = (2, 3, 5, 4, -2, -3, 1, 0, -1)


def _integer_reading(node: sp.Basic, facts: dict, seed: int) -> sp.Integer | None:
    """A constant integer reading of an integer-valued function (``Function("f", positive=True, integer=True)``):
    a constant has every property declared of the function (checked one by one), so a proof, which may use only
    those, holds at it; which of 2 and 3 comes first depends on the seed. None when no listed integer fits."""
    rng = random.Random(zlib.crc32(f"{type(node).__name__}:{seed}:integer".encode()))
    first = list(INTEGER_READINGS[:2])
    rng.shuffle(first)
    for c in (*first, *INTEGER_READINGS[2:]):
        value = sp.Integer(c)
        if all(getattr(value, f"is_{f}", None) == v for f, v in facts.items() if f != "commutative"):
            return value
    return None


def _hidden(node: sp.Basic) -> set | None:
    """What a function depends on besides its arguments, when it is a function nothing defines; else None."""
    if isinstance(node, AppliedUndef):
        return set()
    method = getattr(node, "depends_on", None)
    if not callable(method) or type(node).__module__.startswith("sympy"):
        return None
    hidden = set(method())
    return hidden if all(isinstance(h, sp.Symbol) for h in hidden) else None


def _scalar(arg: sp.Basic) -> bool:
    """An argument with a number's value at a point (not a whole vector such as the family q)."""
    return (
        isinstance(arg, sp.Expr)
        and not isinstance(arg, sp.IndexedBase)
        and not any(
            isinstance(a, sp.IndexedBase) and a not in {i.base for i in arg.atoms(sp.Indexed)} for a in arg.atoms()
        )
    )


def guarded(
    result: StepResult,
    lhs: sp.Expr,
    rhs: sp.Expr,
    relation: Relation,
    ctx: Context,
    seed: int = 0,
    replay: str = "",
    unfolded: tuple | None = None,
    beyond: Callable[[Point], bool] | None = None,
) -> StepResult:
    """``result`` (a proof) once the guard finds no point where the claim fails; else an engine inconsistency:
    undecided, flagged, with the point and both sides' values.

    ``beyond`` says which points lie outside what ``result`` claims (the sizes a ``proved-for-sizes`` covers): a
    failure there found by exact, certified comparison, with nothing read into an undefined function, is no
    inconsistency but a counterexample the search did not reach (0 = Σ_{k=5}^{N} 1 fails from N = 5 only)."""
    found = guard(lhs, rhs, relation, ctx, seed, unfolded)
    if found is None:
        return result
    if beyond is not None and beyond(found.point) and found.how == "exactly":
        return StepResult(
            Evidence.REFUTED,
            f"counterexample found at a size beyond those checked ({result.detail})",
            counterexample=counterexample(found.point, found.lhs, found.rhs, ctx, replay),
        )
    rules = ", ".join(dict.fromkeys(t.rule for t in result.trace)) or result.detail
    return StepResult(
        Evidence.UNDECIDED,
        f"engine inconsistency: {result.evidence.value} ({rules}), but the independent guard finds "
        f"{relation.value} false {found.how} at a point inside the declarations; please report this",
        counterexample=counterexample(found.point, found.lhs, found.rhs, ctx, replay),
        inconsistent=True,
    )


def refutation(
    cex_point: Point, lhs: sp.Expr, rhs: sp.Expr, relation: Relation, ctx: Context, result: StepResult
) -> StepResult:
    """``result`` (a refutation at ``cex_point``) once the guard's own evaluation, numeric and at two
    precisions, does not find the claim holding there; else an engine inconsistency.

    Numbers can show a difference or a sign, never an equality: a refuted '=' (a certified nonzero difference,
    however small: 1e-20) cannot be contradicted numerically, so only a refuted inequality or '≠' is re-checked.
    """
    if relation is Relation.EQ:
        return result
    sides = Instances(lhs, rhs, ctx, differentiate=False)
    values = numeric_sides(sides, cex_point)
    if values is None:
        return result  # nothing the guard can evaluate: the exact, certified comparison stands alone
    (a2, b2), _, tolerance = _settled(values)
    gap = a2 - b2
    if relation in (Relation.LT, Relation.LE):
        gap = -gap
    holds = abs(gap) > tolerance if relation is Relation.NE else not isinstance(gap, mpmath.mpc) and gap > tolerance
    if not holds:
        return result
    return StepResult(
        Evidence.UNDECIDED,
        f"engine inconsistency: refuted at a point where the guard's numeric evaluation finds {relation.value} "
        "holding; please report this",
        counterexample=result.counterexample,
        inconsistent=True,
    )


def guard_points(space: Space, exprs, ctx: Context, seed: int):
    """Readable points, then points at the sizes where a bound crosses zero, then random points."""
    yield from itertools.islice(space.points(span=3), READABLE_POINTS)
    for sizes in critical_sizes(space, exprs, ctx):
        yield from itertools.islice(space.points_at(sizes, data_limit=CRITICAL_POINTS), CRITICAL_POINTS)
    rng = random.Random(seed + 7919)
    for _ in range(RANDOM_POINTS):
        point = space.random_point(rng, span=1)
        if point is not None:
            yield point


def critical_sizes(space: Space, exprs, ctx: Context) -> list[tuple]:
    """Size assignments at which a summation bound, or a range's length, is −1, 0 or 1 (the others at their
    minimum), beyond the small sizes every search already tries."""
    wanted: dict = {s: set() for s in space.sizes}
    for e in exprs:
        for node in sp.preorder_traversal(unfold_all(e, ctx)):
            if not isinstance(node, (sp.Sum, sp.Product)):
                continue
            for _, lo, hi in node.limits:
                for bound in (lo, hi, hi - lo + 1):
                    for s in bound.free_symbols & set(wanted):
                        others = {o: ctx.sizes[o] for o in wanted if o != s}
                        for c in (-1, 0, 1):
                            root = linear_root(bound - c, s, others)
                            if root is None:
                                break
                            for v in (sp.floor(root) - 1, sp.floor(root), sp.ceiling(root), sp.ceiling(root) + 1):
                                if v.is_Integer and ctx.sizes[s] + 3 < v <= ctx.sizes[s] + CRITICAL_SPAN:
                                    wanted[s].add(int(v))
    out = []
    for s, values in wanted.items():
        for v in sorted(values):
            out.append(tuple((o, v if o == s else ctx.sizes[o]) for o in space.sizes))
    return out


def _fails(sides: Instances, point: Point, relation: Relation, numeric: bool) -> Disagreement | None:
    if not numeric:
        cmp = sides.compare(point)
        if relation is Relation.EQ:
            return Disagreement(point, cmp.lhs, cmp.rhs, "exactly") if cmp.status == "differ" else None
        if cmp.status in ("unknown", "undefined"):
            return None
        return _sign_fails(point, cmp.lhs, cmp.rhs, relation)
    values = numeric_sides(sides, point)
    if values is None:
        return None
    (a2, b2), error, tolerance = _settled(values)
    how = f"numerically (mpmath, {PRECISIONS[0]} and {PRECISIONS[1]} digits, estimates within {mpmath.nstr(error, 3)})"
    gap = a2 - b2
    if relation is Relation.EQ:
        return Disagreement(point, _number(a2), _number(b2), how) if abs(gap) > tolerance else None
    if relation is Relation.NE:
        return Disagreement(point, _number(a2), _number(b2), how) if abs(gap) <= tolerance else None
    if isinstance(gap, mpmath.mpc):
        return None
    if relation in (Relation.LT, Relation.LE):
        gap = -gap
    # only a violation far beyond the estimates' error counts (a tie under < cannot be shown numerically)
    return Disagreement(point, _number(a2), _number(b2), how) if gap < -tolerance else None


def _sign_fails(point: Point, a: sp.Expr, b: sp.Expr, relation: Relation) -> Disagreement | None:
    """Exact values: whether ``a relation b`` fails, decided by exact arithmetic or certified digits."""
    if relation is Relation.NE:
        return Disagreement(point, a, b, "exactly") if a - b == 0 else None
    gap = certified_gap(a, b, relation)
    if gap is None or gap > 0 or (gap == 0 and relation in (Relation.LE, Relation.GE)):
        return None
    return Disagreement(point, a, b, "exactly")


def _settled(values) -> tuple:
    """The sides at the higher precision, how far the two precisions disagree, and the smallest difference that
    counts: far beyond that disagreement, and not below 10⁻²⁰ of the sides' size."""
    (a1, b1), (a2, b2) = values
    error = abs(a1 - a2) + abs(b1 - b2)
    return (a2, b2), error, max(100 * error, max(1, abs(a2), abs(b2)) * mpmath.mpf(10) ** (-20))


def numeric_sides(sides: Instances, point: Point):
    """Both sides at ``point`` as mpmath numbers, once at each of the PRECISIONS (a list of (lhs, rhs) pairs),
    derivatives taken by ``mpmath.diff``; None when a side cannot be evaluated there."""
    try:
        a, b = sides.instantiate(point, values=False)
    except (ValueError, TypeError):
        return None
    values = {**point.mapping(), **dict(point.scalars)}
    out = [_numeric(side, values) for side in (a, b)]
    if any(v is None for v in out):
        return None
    return list(zip(*out, strict=True))


def _numeric(e: sp.Expr, values: dict):
    """``e`` at ``values``, at each of the PRECISIONS, or None."""
    taken: dict = {}
    try:
        for d in [n for n in sp.preorder_traversal(e) if isinstance(n, sp.Derivative)]:
            if d not in taken:
                taken[d] = _nderiv(d, values)
    except _Unknown:
        return None
    out = []
    for n, dps in enumerate(PRECISIONS):
        at = e.xreplace({d: v[n] for d, v in taken.items()}).xreplace(values)
        if not decidable(at) or at.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            return None
        try:
            with mpmath.workdps(dps):
                value = sp.N(at, dps)
                if not value.is_number or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                    return None
                re, im = value.as_real_imag()
                re, im = mpmath.mpf(sp.Float(re, dps)._mpf_), mpmath.mpf(sp.Float(im, dps)._mpf_)
        except (TypeError, ValueError, AttributeError):
            return None
        out.append(mpmath.mpc(re, im) if im != 0 else re)
    return out


class _Unknown(Exception):
    """A derivative the guard cannot evaluate numerically at this point."""


def _nderiv(d: sp.Derivative, values: dict) -> list[sp.Expr]:
    """The derivative ``d`` at ``values`` by ``mpmath.diff``, once at each of the PRECISIONS."""
    variables = [v for v, _ in d.variable_count]
    orders = [int(n) for _, n in d.variable_count]
    if d.expr.has(sp.Derivative) or any(v not in values for v in variables):
        raise _Unknown
    stand_ins = [sp.Dummy() for _ in variables]
    body = d.expr.xreplace({k: v for k, v in values.items() if k not in variables})
    body = body.xreplace(dict(zip(variables, stand_ins, strict=True)))
    if body.free_symbols - set(stand_ins) or body.has(sp.Derivative, sp.zoo, sp.nan, sp.oo) or body.atoms(AppliedUndef):
        raise _Unknown  # something without a finite numeric value (an undefined function f, 1/0)
    try:
        f = sp.lambdify(stand_ins, body, modules="mpmath")
    except (KeyError, TypeError, ValueError, NameError, SyntaxError):
        raise _Unknown from None  # nothing mpmath can compute
    out = []
    for dps in PRECISIONS:
        try:
            with mpmath.workdps(dps):
                at = [mpmath.mpmathify(sp.N(values[v], dps + 10)) for v in variables]
                value = mpmath.diff(f, at if len(at) > 1 else at[0], orders if len(orders) > 1 else orders[0])
        except (TypeError, ValueError, ZeroDivisionError, OverflowError, NameError):
            raise _Unknown from None
        out.append(_number(value, dps))
    return out


def _number(value, dps: int = PRECISIONS[-1]) -> sp.Expr:
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, mpmath.mpc):
        return sp.Float(value.real, dps) + sp.I * sp.Float(value.imag, dps)
    return sp.Float(value, dps)
