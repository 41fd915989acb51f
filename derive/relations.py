"""Relations other than ``=``: inequalities proved by positivity, and ``≠`` proved by a witness.

``a < b`` is proved by normalising ``b − a`` with the named rules (definitions unfolded, logs expanded) and showing
it positive from the declared assumptions (``facts.positive``); ``≤`` accepts the same proof. A point inside the
assumptions where the inequality fails, certified by exact evaluation, refutes it. ``a ≠ b`` holds when the two
sides differ at one point: the author's witness, checked to lie inside the declarations, evaluated exactly, the
difference certified (SYMPY_PITFALLS.md item 12). Such a proof is ``proved``: one exact counterexample to
equality is a complete proof of ``≠``.
"""

from __future__ import annotations

import random

import sympy as sp

from derive.evidence import Counterexample, Evidence, StepResult, TraceEntry
from derive.facts import Env, positive
from derive.hygiene import freshen
from derive.model import Context, Relation
from derive.rewrite import EngineError, Rewriter
from derive.rules import RULES, context_rules
from derive.sampling import DIGITS, MAX_PRECISION, Instances, Space, approx, evaluate_at, unfold_all
from derive.wellformed import unsupported

NUMERIC_POINTS = 40
SEARCH_LIMIT = 300


def verify_inequality(lhs: sp.Expr, rhs: sp.Expr, relation: Relation, ctx: Context, seed: int = 0) -> StepResult:
    """Evidence for ``lhs < rhs`` (or ≤, >, ≥)."""
    reason = unsupported(lhs, rhs, ctx)
    if reason:
        return StepResult(Evidence.UNDECIDED, f"outside what derive checks: {reason}")
    lhs, rhs = freshen(lhs), freshen(rhs)
    gap = rhs - lhs if relation in (Relation.LT, Relation.LE) else lhs - rhs  # must be > 0 (or ≥ 0)
    strict = relation in (Relation.LT, Relation.GT)
    # The difference as written, with definitions unfolded, then fully normalised: distributing products can
    # hide a sign that the written form shows (y/ŷ² + (1 − y)/(1 − ŷ)²), so try the plainer forms first.
    unfold = [r for r in context_rules(ctx) if r.introduces_symbols]
    for rules in ([], unfold, unfold + list(RULES.values()) + context_rules(ctx)):
        trace: list[TraceEntry] = []
        try:
            normal = Rewriter(Env(ctx), rules, "lhs", trace).normalize(gap) if rules else gap
        except EngineError:
            continue
        why = positive(normal, Env(ctx))
        if why is not None:
            trace.append(TraceEntry(rule="positivity", side="both", assumptions=why, target=sp.srepr(normal)))
            return StepResult(Evidence.PROVED, "the difference is positive for all sizes", trace=trace)
    space = Space.of([lhs, rhs], ctx)
    sides = Instances(lhs, rhs, ctx)  # the same evaluation as for '=' claims: unfolded, differentiated, expanded
    for n, point in enumerate(space.points(span=3)):
        if n >= SEARCH_LIMIT:
            break
        value = _sign_value(sides, point, relation)
        if value is not None and (value < 0 or (strict and value == 0)):
            return _refuted(point, sides)
    rng = random.Random(seed)
    for _ in range(NUMERIC_POINTS):
        point = space.random_point(rng)
        value = None if point is None else _sign_value(sides, point, relation)
        if value is None:
            return StepResult(Evidence.UNDECIDED, "no method concluded: a side cannot be evaluated at a point")
        if value < 0 or (strict and value == 0):
            return _refuted(point, sides)
    return StepResult(Evidence.NUMERIC, f"{NUMERIC_POINTS} random points satisfy it to {DIGITS} digits (seed {seed})")


def _sign_value(sides: Instances, point, relation: Relation) -> sp.Float | None:
    """The certified value of the gap (rhs − lhs for < and ≤, lhs − rhs for > and ≥) at ``point``; 0 when it is
    exactly zero, None when it cannot be told."""
    try:
        a, b = sides.instantiate(point)
    except (ValueError, TypeError):
        return None
    value = b - a if relation in (Relation.LT, Relation.LE) else a - b
    if value.free_symbols or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    if value == 0:
        return sp.Integer(0)
    if not value.is_extended_real:
        return None
    try:
        return sp.N(value, DIGITS, strict=True, maxn=MAX_PRECISION)
    except sp.core.evalf.PrecisionExhausted:
        return None


def _refuted(point, sides: Instances) -> StepResult:
    a, b = sides.instantiate(point)
    cex = Counterexample(point.describe(), sp.sstr(a), sp.sstr(b), approx(a), approx(b))
    return StepResult(Evidence.REFUTED, "the inequality fails at a point", counterexample=cex)


def verify_witness(lhs: sp.Expr, rhs: sp.Expr, witness: dict, ctx: Context) -> StepResult:
    """Evidence for ``lhs ≠ rhs`` from the author's witness (values for sizes, data, family members, scalars)."""
    witness = {sp.sympify(k): sp.sympify(v) for k, v in witness.items()}
    problem = _outside(witness, ctx)
    if problem:
        return StepResult(Evidence.UNDECIDED, f"the witness is not inside the declarations: {problem}")
    a, b = (evaluate_at(unfold_all(e, ctx), witness) for e in (lhs, rhs))
    point = ", ".join(f"{sp.sstr(k)} = {sp.sstr(v)}" for k, v in witness.items())
    if a.free_symbols or b.free_symbols:
        return StepResult(Evidence.UNDECIDED, f"the witness leaves {sorted(map(str, (a - b).free_symbols))} unset")
    diff = a - b
    try:
        value = sp.N(diff, DIGITS, strict=True, maxn=MAX_PRECISION)
    except sp.core.evalf.PrecisionExhausted:
        value = sp.Integer(0)
    if diff == 0 or value == 0:
        return StepResult(Evidence.UNDECIDED, f"the sides agree at the witness {point}; it shows nothing")
    entry = TraceEntry(rule="witness", side="both", assumptions=(point,), target=sp.srepr(sp.Tuple(a, b)))
    detail = f"at {point}: left side ≈ {approx(a)}, right side ≈ {approx(b)}"
    return StepResult(Evidence.PROVED, detail, trace=[entry])


def _outside(witness: dict, ctx: Context) -> str:
    """What about ``witness`` breaks a declaration, or ''."""
    for key, value in witness.items():
        if key in ctx.sizes and not (value.is_Integer and value >= ctx.sizes[key]):
            return f"{key} = {value} but {key} ≥ {ctx.sizes[key]} is declared"
        if isinstance(key, sp.Indexed) and key.base in ctx.families:
            spec = ctx.families[key.base]
            if not (value.is_positive and (not spec.below_one or value < 1)):
                return f"{key} = {value} is outside the declared range"
    for spec in ctx.families.values():
        if not spec.sums_to_one:
            continue
        given = {k: v for k, v in witness.items() if isinstance(k, sp.Indexed) and k.base == spec.base}
        if given:
            columns: dict = {}
            for k, v in given.items():
                columns.setdefault(tuple(k.indices[1:]), []).append(v)
            lo, hi = (b.xreplace(witness) for b in spec.index)
            for col in columns.values():
                if not (lo.is_Integer and hi.is_Integer) or len(col) != hi - lo + 1 or sum(col) != 1:
                    return f"{spec.base} must give every entry of a distribution, summing to 1"
    return ""
