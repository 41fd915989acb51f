"""Relations other than ``=``: inequalities proved by positivity, and ``≠`` proved by a witness.

``a < b`` is proved by normalising ``b − a`` with the named rules (definitions unfolded, logs expanded) and showing
it positive from the declared assumptions (``facts.positive``); ``≤`` only needs it at least 0 (``facts.nonneg``:
even powers and absolute values of reals, sums and products of such). A point inside the
assumptions where the inequality fails, certified by exact evaluation, refutes it. ``a ≠ b`` holds when the two
sides differ at one point: the author's witness, checked to lie inside the declarations, evaluated exactly, the
difference certified (SYMPY_PITFALLS.md item 12). Such a proof is ``proved``: one exact counterexample to
equality is a complete proof of ``≠``.
"""

from __future__ import annotations

import random
import time

import sympy as sp

from derive.checks.domain import violation
from derive.checks.guard import guarded, numeric_sides, refutation
from derive.checks.sampling import (
    DIGITS,
    MAX_PRECISION,
    Instances,
    Space,
    approx,
    certified_gap,
    counterexample,
    decidable,
    evaluate_at,
    point_from,
    take_derivatives,
    unfold_all,
)
from derive.checks.wellformed import unsupported, with_implied_indices
from derive.core.context import Context
from derive.core.evidence import Evidence, StepResult, TraceEntry
from derive.core.hygiene import canonical, exact_decimals, freshen
from derive.core.model import Relation
from derive.engine.explain import explain_lemmas, explain_positive
from derive.engine.fact_base import certified_constant
from derive.engine.facts import Env, nonneg, positive
from derive.engine.inequalities import prove_inequality
from derive.engine.inequalities.polarity import real_value
from derive.engine.rewrite import EngineError, Rewriter
from derive.engine.rules import RULES, context_rules

NUMERIC_POINTS = 40
SEARCH_LIMIT = 300
PROBE_POINTS, PROBE_SECONDS = 64, 0.5  # the look for a counterexample before the lemma search
LEMMA_SECONDS = 3.0  # the named-lemma search's share of a step, by default


def verify_inequality(
    lhs: sp.Expr,
    rhs: sp.Expr,
    relation: Relation,
    ctx: Context,
    seed: int = 0,
    hints: tuple = (),
    budget: float = LEMMA_SECONDS,
) -> StepResult:
    """Evidence for ``lhs < rhs`` (or ≤, >, ≥): positivity of the difference, else the named lemmas, the cited
    derivations' inequalities and monotonicity (derive.engine.inequalities, the ``by=`` ones first) within
    ``budget`` seconds, else a constant
    difference evaluated with certified error; a point where it fails refutes it."""
    try:
        lhs, rhs = exact_decimals(sp.sympify(lhs)), exact_decimals(sp.sympify(rhs))  # a plain 1 or 0.5 too
    except (ValueError, sp.SympifyError) as exc:
        return StepResult(Evidence.UNDECIDED, f"outside what derive checks: {exc}")
    reason = unsupported(lhs, rhs, ctx)
    if reason:
        return StepResult(Evidence.UNDECIDED, f"outside what derive checks: {reason}")
    ctx = with_implied_indices(lhs, rhs, ctx)  # an undeclared index of z_i ranges over z's range
    lhs, rhs = freshen(lhs), freshen(rhs)
    # must be > 0 (or ≥ 0); bound indices named canonically, so that a sum on both sides cancels (Σd − Σf + Σf)
    gap = canonical(rhs - lhs if relation in (Relation.LT, Relation.LE) else lhs - rhs)
    strict = relation in (Relation.LT, Relation.GT)
    sign_of = positive if strict else nonneg
    # The difference as written, with definitions unfolded, then fully normalised: distributing products can
    # hide a sign that the written form shows (y/ŷ² + (1 − y)/(1 − ŷ)²), so try the plainer forms first.
    unfold = [r for r in context_rules(ctx) if r.introduces_symbols]
    forms: list[sp.Expr] = []  # the difference in each form tried, for the report of why it was not shown positive
    # An order compares real numbers: with a side not shown real (log(-t), log(m·u) for m of either sign) a real
    # difference proves nothing, so nothing is proved; a point where the claim fails may still refute it.
    # the sides as written and with the definitions unfolded: read by the reality check and the lemma search
    readings = [(lhs, rhs), *_unfolded(lhs, rhs, unfold, ctx)]
    real_sides = any(all(real_value(side, Env(ctx)) is not None for side in pair) for pair in readings)
    for rules in ([], unfold, unfold + list(RULES.values()) + context_rules(ctx)) if real_sides else ():
        trace: list[TraceEntry] = []
        try:
            normal = Rewriter(Env(ctx), rules, "lhs", trace).normalize(gap) if rules else gap
        except EngineError:
            continue
        forms.append(normal)
        why = sign_of(normal, Env(ctx))
        if why is not None:
            trace.append(TraceEntry(rule="positivity", side="both", assumptions=why, target=sp.srepr(normal)))
            what = "positive" if strict else "at least 0"
            proof = StepResult(Evidence.PROVED, f"the difference is {what} for all sizes", trace=trace)
            return guarded(proof, lhs, rhs, relation, ctx, seed)
    space = Space.of([lhs, rhs], ctx)
    sides = Instances(lhs, rhs, ctx)  # the same evaluation as for '=' claims: unfolded, differentiated, expanded
    points = space.points(span=3)
    # A short look for a counterexample before the lemma search, which may spend its whole share on a false claim
    # (Cauchy–Schwarz with a sum for the product: refuted at the 31st point, in 0.1 s)
    probe_end = time.monotonic() + PROBE_SECONDS
    searched = 0
    for point in points:
        searched += 1
        value = _sign_value(sides, point, relation)
        if value is not None and (value < 0 or (strict and value == 0)):
            return _refuted(point, sides, relation)
        if searched >= PROBE_POINTS or time.monotonic() > probe_end:
            break
    pairs = [pair if relation in (Relation.LT, Relation.LE) else pair[::-1] for pair in readings]  # (small, large)
    proof, declined = _by_lemmas(pairs, strict, ctx, hints, budget) if real_sides else (None, [])
    if proof is None and real_sides:
        proof = _constant(forms, strict)
    if proof is not None:
        return guarded(proof, lhs, rhs, relation, ctx, seed)
    for point in points:  # the rest of the search
        searched += 1
        if searched > SEARCH_LIMIT:
            break
        value = _sign_value(sides, point, relation)
        if value is not None and (value < 0 or (strict and value == 0)):
            return _refuted(point, sides, relation)
    rng = random.Random(seed)
    for _ in range(NUMERIC_POINTS):
        point = space.random_point(rng)
        value = None if point is None else _sign_value(sides, point, relation)
        if value is None:
            return StepResult(Evidence.UNDECIDED, "no method concluded: a side cannot be evaluated at a point")
        if value < 0 or (strict and value == 0):
            return _refuted(point, sides, relation)
    result = StepResult(Evidence.NUMERIC, f"{NUMERIC_POINTS} random points satisfy it to {DIGITS} digits (seed {seed})")
    gap_name = "rhs - lhs" if relation in (Relation.LT, Relation.LE) else "lhs - rhs"
    result.why_not = explain_positive(forms, ctx, gap_name) + explain_lemmas(declined)
    if not real_sides:
        result.why_not = ["not proved: a side is not shown real from the declarations (an order compares reals)"]
    return result


def _unfolded(lhs: sp.Expr, rhs: sp.Expr, unfold, ctx: Context) -> list[tuple[sp.Expr, sp.Expr]]:
    """``[(lhs, rhs)]`` with the definitions unfolded, or ``[]`` (no definition, or unfolding fails)."""
    if not unfold:
        return []
    try:
        return [tuple(Rewriter(Env(ctx), unfold, "lhs", []).normalize(side) for side in (lhs, rhs))]
    except EngineError:
        return []


def _by_lemmas(pairs, strict: bool, ctx: Context, hints, budget: float):
    """A proof of ``small ≤ large`` (``<``) by the named inequalities, for each ``(small, large)`` of ``pairs`` in
    turn (the sides as written, then with the definitions unfolded); and the lemmas that matched but declined."""
    deadline = time.monotonic() + budget
    declined: list = []
    for a, b in dict.fromkeys(pairs):
        trace, attempts = prove_inequality(a, b, strict, ctx, tuple(hints), deadline)
        if trace is not None:
            names = ", ".join(dict.fromkeys(e.rule for e in trace if e.rule != "positivity"))
            return StepResult(Evidence.PROVED, f"by {names} for all sizes", trace=trace), []
        declined.extend(attempts.declined)
    return None, declined


def _constant(forms: list[sp.Expr], strict: bool) -> StepResult | None:
    """A difference with no free symbol, evaluated with certified error (norm_num): its sign is a proof."""
    for form in forms:
        if form.free_symbols or not isinstance(form, sp.Expr):
            continue
        value = certified_constant(form)  # the digits stable at two precisions, far from 0 (a hidden 0 is not)
        if (value is not None and value > 0) or (not strict and form == 0):
            entry = TraceEntry(rule="norm_num", side="both", assumptions=(f"≈ {approx(form)}",), target=sp.srepr(form))
            return StepResult(Evidence.PROVED, "the difference is a number, evaluated with certified error", [entry])
    return None


def _sign_value(sides: Instances, point, relation: Relation) -> sp.Expr | None:
    """The certified value of the gap (rhs − lhs for < and ≤, lhs − rhs for > and ≥) at ``point``; None when it
    cannot be told."""
    try:
        a, b = sides.instantiate(point)
    except (ValueError, TypeError):
        return None
    return certified_gap(a, b, relation)


def _refuted(point, sides: Instances, relation: Relation) -> StepResult:
    a, b = sides.instantiate(point)
    cex = counterexample(point, a, b, sides.ctx)
    result = StepResult(Evidence.REFUTED, "the inequality fails at a point", counterexample=cex)
    return refutation(point, *sides.claim, relation, sides.ctx, result)


def verify_witness(lhs: sp.Expr, rhs: sp.Expr, witness: dict, ctx: Context) -> StepResult:
    """Evidence for ``lhs ≠ rhs`` from the author's witness (values for sizes, data, family members, scalars)."""
    try:
        witness = {sp.sympify(k): exact_decimals(sp.sympify(v)) for k, v in witness.items()}
        lhs, rhs = exact_decimals(lhs), exact_decimals(rhs)
    except ValueError as exc:
        return StepResult(Evidence.UNDECIDED, f"outside what derive checks: {exc}")
    problem = violation(witness, ctx)
    if problem:
        return StepResult(Evidence.UNDECIDED, f"the witness is not inside the declarations: {problem}")
    # freshened first: a witness names free symbols only, never a summation index
    a, b = (evaluate_at(take_derivatives(unfold_all(freshen(e), ctx)), witness) for e in (lhs, rhs))
    point = ", ".join(f"{sp.sstr(k)} = {sp.sstr(v)}" for k, v in witness.items())
    if a.free_symbols or b.free_symbols:
        return StepResult(Evidence.UNDECIDED, f"the witness leaves {sorted(map(str, (a - b).free_symbols))} unset")
    if any(side.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or not side.is_number for side in (a, b)):
        return StepResult(Evidence.UNDECIDED, f"a side has no finite value at the witness {point}")
    if not decidable(a - b):
        return StepResult(Evidence.UNDECIDED, f"the sides at the witness {point} cannot be told apart exactly")
    diff = a - b
    try:
        value = sp.N(diff, DIGITS, strict=True, maxn=MAX_PRECISION)
    except sp.core.evalf.PrecisionExhausted:
        value = sp.Integer(0)
    if diff == 0 or value == 0:
        return StepResult(Evidence.UNDECIDED, f"the sides agree at the witness {point}; it shows nothing")
    entry = TraceEntry(rule="witness", side="both", assumptions=(point,), target=sp.srepr(sp.Tuple(a, b)))
    detail = f"at {point}: left side ≈ {approx(a)}, right side ≈ {approx(b)}"
    return _confirmed(StepResult(Evidence.PROVED, detail, trace=[entry]), lhs, rhs, witness, ctx)


def _confirmed(proof: StepResult, lhs: sp.Expr, rhs: sp.Expr, witness: dict, ctx: Context) -> StepResult:
    """The witness re-evaluated the guard's way (mpmath at two precisions, derivatives numerically): the sides
    must differ there too, else the engine contradicts itself."""
    sides = Instances(lhs, rhs, ctx, differentiate=False)
    point = point_from(witness, ctx)
    values = numeric_sides(sides, point)
    if values is not None:
        (a1, b1), (a2, b2) = values
        if abs(a2 - b2) > 100 * (abs(a1 - a2) + abs(b1 - b2)):
            return proof
    return StepResult(
        Evidence.UNDECIDED,
        "engine inconsistency: the witness separates the sides exactly, but evaluated numerically (mpmath) the "
        "sides do not differ there; please report this",
        inconsistent=True,
    )
