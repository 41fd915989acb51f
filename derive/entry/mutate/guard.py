"""Classifying one built mutant: the engine's evidence, then an independent guard before "equivalent".

A mutant the engine proves is *equivalent* (still true, so no mistake) only when the guard agrees: for ``=``, an
evaluation against the original at random points; for ``<``, ``≤``, ``>``, ``≥``, the mutated claim evaluated
exactly at points inside the declarations; for ``≠``, the two sides re-evaluated at the witness. A mutant proved
although the guard finds a point where it is false is a soundness bug: it is counted as ``proved`` (which must
stay 0); one the guard can evaluate nowhere is ``undecided``.
"""

from __future__ import annotations

import itertools
import random

import sympy as sp

from derive.checks.guard import interpret
from derive.checks.relations import verify_inequality, verify_witness
from derive.checks.sampling import (
    Instances,
    Point,
    Space,
    approx,
    certified_gap,
    evaluate_at,
    point_from,
    take_derivatives,
)
from derive.checks.steps import Options, verify_claim
from derive.core.context import Context
from derive.core.evidence import Evidence, StepResult
from derive.core.hygiene import alpha_equal
from derive.core.model import Kind, Relation, Step

ORACLE_POINTS = 12  # random points at which a proved mutant is evaluated independently
GUARD_POINTS = 24  # small, readable points tried first for an inequality, before the random ones


def classify(ctx: Context, step: Step, mutant: sp.Expr, seed: int) -> tuple[str, str, StepResult | None]:
    """``(outcome, reason, the engine's evidence)`` for one built mutant of ``step`` (``refuted``, ``undecided``,
    ``equivalent`` or ``proved``)."""
    if alpha_equal(mutant, step.expr):
        return "equivalent", "identical to the original once SymPy evaluates it", None
    lhs = step.claim_lhs if step.kind is not Kind.EXAMPLE else _example_instance(step)
    if step.kind is Kind.REFERENCE:  # the code against a planted mistake in the formula it computes
        from derive.checks.code import check_reference

        result = check_reference(step.reference, mutant, ctx, seed)
    elif step.relation is Relation.EQ:
        result = verify_claim(lhs, mutant, ctx, step.hints, Options(seed=seed))
    elif step.relation is Relation.NE:
        result = verify_witness(lhs, mutant, dict(step.values), ctx)
    else:
        result = verify_inequality(lhs, mutant, step.relation, ctx, seed)
    if result.evidence is Evidence.REFUTED:
        return "refuted", "counterexample found", result
    # a reference implementation passes at the evidence it declares (proved-for-sizes): a mutant that gets it is
    # as suspect as a proved one, and goes to the guard below
    passed = result.evidence is Evidence.PROVED or (
        step.kind is Kind.REFERENCE and result.evidence.satisfies(step.allow)
    )
    if not passed:
        return "undecided", f"{result.evidence.value}: {result.detail}", result
    verdict, detail = _guard(step, lhs, mutant, ctx, seed)
    if verdict == "fails":
        return "proved", f"PROVED although {detail}: a soundness bug", result
    if verdict == "unknown":
        return "undecided", f"{result.evidence.value}, but not confirmed independently: {detail}", result
    if step.relation is Relation.EQ:
        detail = f"proved equal to the original ({', '.join(t.label() for t in result.trace)}); {detail}"
    return "equivalent", detail, result


def _example_instance(step: Step) -> sp.Expr:
    return evaluate_at(step.claim_lhs, dict(step.values))


def _guard(step: Step, lhs: sp.Expr, mutant: sp.Expr, ctx, seed: int) -> tuple[str, str]:
    """Independent evidence about a mutant the engine passed: ``("agrees", why it is still true)``, ``("fails",
    where it is false)`` or ``("unknown", why nothing could be evaluated)``."""
    if step.relation is Relation.EQ:
        return _against_original(step.expr, mutant, ctx, seed)
    if step.relation is Relation.NE:
        return _at_witness(lhs, mutant, dict(step.values), ctx)
    return _at_points(lhs, mutant, step.relation, ctx, seed)


def _readable(lhs: sp.Expr, rhs: sp.Expr, ctx, seed: int) -> tuple[Instances, Space]:
    """Both sides ready to evaluate, with undefined functions (f(i, θ), p(x | θ)) read as concrete smooth ones
    (derive.checks.guard.interpret: a claim proved for every such function holds for that one), derivatives then
    taken."""
    instances = Instances(lhs, rhs, ctx, differentiate=False)
    instances.sides = tuple(take_derivatives(interpret(e, seed, {})) for e in instances.sides)
    return instances, Space.of([lhs, rhs, *instances.sides], ctx)


def _against_original(original: sp.Expr, mutant: sp.Expr, ctx, seed: int) -> tuple[str, str]:
    """``=``: the mutant against the original step's expression at random points (certified differences)."""
    instances, space = _readable(original, mutant, ctx, seed)
    rng = random.Random(seed + 1)
    agreed = 0
    for _ in range(ORACLE_POINTS):
        point = space.random_point(rng)
        if point is None:
            continue
        found = instances.compare(point)
        if found.status == "differ":
            values = f"original ≈ {approx(found.lhs)}, mutant ≈ {approx(found.rhs)}"
            return "fails", f"it differs from the original at {_where(point)} ({values})"
        agreed += found.status == "equal"
    if agreed:
        return "agrees", f"agrees with it at {agreed} random points"
    return "unknown", "nothing in it can be evaluated"


def _at_points(lhs: sp.Expr, mutant: sp.Expr, relation: Relation, ctx, seed: int) -> tuple[str, str]:
    """``<``, ``≤``, ``>``, ``≥``: the mutated claim ``lhs relation mutant`` evaluated exactly (or to certified
    digits) at small points inside the declarations, then at random ones."""
    sides, space = _readable(lhs, mutant, ctx, seed)
    rng = random.Random(seed + 1)
    strict = relation in (Relation.LT, Relation.GT)
    tried = itertools.chain(
        itertools.islice(space.points(), GUARD_POINTS), (space.random_point(rng) for _ in range(ORACLE_POINTS))
    )
    held = 0
    for point in tried:
        gap = None if point is None else _gap(sides, point, relation)
        if gap is None:
            continue
        if gap < 0 or (strict and gap == 0):
            a, b = sides.instantiate(point)
            values = f"left side ≈ {approx(a)}, right side ≈ {approx(b)}"
            return "fails", f"{relation.value} fails at {_where(point)} ({values})"
        held += 1
    if held:
        return "agrees", f"the mutated line still satisfies {relation.value}: proved, and it holds at {held} points"
    return "unknown", "the mutated line has a certain value at none of the points tried"


def _gap(sides: Instances, point: Point, relation: Relation) -> sp.Expr | None:
    """What must be positive (right − left for < and ≤, left − right for > and ≥) at ``point``: exact, or a Float
    whose digits evalf certified; None where it has no certain real value.

    NOTE: the sampler's evaluation (sampling.certified_gap), not relations._sign_value: this checks that
    module's verdicts."""
    try:
        a, b = sides.instantiate(point)
    except (ValueError, TypeError, ZeroDivisionError):
        return None
    return certified_gap(a, b, relation)


def _at_witness(lhs: sp.Expr, mutant: sp.Expr, witness: dict, ctx) -> tuple[str, str]:
    """``≠``: both sides re-evaluated at the author's witness, through the sampler's evaluation rather than the
    path verify_witness takes."""
    point = point_from({sp.sympify(k): sp.sympify(v) for k, v in witness.items()}, ctx)
    found = Instances(lhs, mutant, ctx).compare(point)
    where = _where(point)
    if found.status == "differ":
        values = f"{approx(found.lhs)} ≠ {approx(found.rhs)}"
        return "agrees", f"the mutated line still differs from the left side at the witness {where} ({values})"
    if found.status == "equal":
        return "fails", f"the sides agree at the witness {where} (both ≈ {approx(found.lhs)})"
    return "unknown", f"the witness {where} gives the sides no comparable values ({found.status})"


def _where(point: Point) -> str:
    return ", ".join(f"{k} = {v}" for k, v in point.describe().items()) or "a point without variables"
