"""Verify one claim: prove it for all sizes, else refute it, else prove it at sizes, else check it numerically.

The order matters for soundness and for the user. A symbolic proof (named rules ending in an exact comparison)
gives ``proved``; even then the independent guard re-evaluates it, so that an engine bug shows up as an
inconsistency instead of a false ``proved``. Without a proof, small readable points are searched first (the first
refuting point is the counterexample), then every data vector at small sizes is checked exactly with the
families symbolic (``proved-for-sizes``), then random points at certified precision (``numeric``).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import sympy as sp

from derive.checks.assumptions import contradicted_assumption
from derive.checks.domain import violation
from derive.checks.guard import guarded
from derive.checks.sampling import Instances, Point, Space, counterexample, evaluate_at
from derive.checks.wellformed import unsupported, with_implied_indices
from derive.core.context import Context
from derive.core.evidence import Counterexample, Evidence, StepResult, TraceEntry
from derive.core.hygiene import exact_decimals, freshen
from derive.core.model import Relation, Step
from derive.engine.compare import exactly_equal
from derive.engine.defined import may_be_undefined
from derive.engine.explain import explain
from derive.engine.facts import Env, nonnegative
from derive.engine.prove import prove_equal
from derive.engine.rewrite import EngineError, Rewriter
from derive.engine.rules import RULES

DEFAULT_BUDGET = 5.0  # seconds per step
SIZES_SPAN = 2  # proved-for-sizes: each size from its minimum to minimum + SIZES_SPAN
EXHAUSTIVE_LIMIT = 256  # data vectors per size; beyond this a size cannot be covered exhaustively
NUMERIC_POINTS = 40
SEARCH_LIMIT = 600  # points tried when searching for a counterexample
EXPLAIN_SHARE = 0.7  # why a step was not proved is worked out only within this share of its budget


@dataclass
class Options:
    budget: float = DEFAULT_BUDGET
    seed: int = 0
    replay: str = ""  # the command that replays a step, for counterexample reports


# -- one claim -------------------------------------------------------------------------------------------------
def verify_claim(
    lhs: sp.Expr, rhs: sp.Expr, ctx: Context, hints: tuple = (), options: Options | None = None
) -> StepResult:
    """Check ``lhs = rhs`` in-process (no time limit): the evidence ladder described in the module docstring.
    ``hints`` are rule names and cited derivations (:class:`derive.engine.citation.Cited`)."""
    options = options or Options()
    start = time.monotonic()
    try:
        lhs, rhs = exact_decimals(sp.sympify(lhs)), exact_decimals(sp.sympify(rhs))  # a plain 1 or 0.5 too
    except (ValueError, sp.SympifyError) as exc:
        return StepResult(Evidence.UNDECIDED, f"outside what derive checks: {exc}")
    # A side that is undefined as written (SymPy made log 0 into zoo, and a sum or product with it stays zoo or
    # nan): the claim fails wherever the other is finite. An infinity anywhere else (a bound, a limit point, a
    # branch of a Piecewise) is not that: it is outside what derive checks.
    undefined = [undefined_everywhere(side, ctx) for side in (lhs, rhs)]
    if undefined[0] != undefined[1] and not (lhs if undefined[1] else rhs).has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return _one_side_undefined(lhs, rhs, ctx, options)
    reason = unsupported(lhs, rhs, ctx)
    if reason:
        return StepResult(Evidence.UNDECIDED, f"outside what derive checks: {reason}")
    ctx = with_implied_indices(lhs, rhs, ctx)  # ∂L/∂z_i: an undeclared index of z_i ranges over z's range
    # Every bound index becomes a fresh Dummy: no shadowing, and nothing a definition unfolds can be captured.
    lhs, rhs = freshen(lhs), freshen(rhs)
    try:
        instances, space = Instances(lhs, rhs, ctx), Space.of([lhs, rhs], ctx)
    except RecursionError:
        return StepResult(Evidence.UNDECIDED, "a definition does not terminate (it refers to itself?)")
    proving = time.monotonic()
    trace = prove_equal(lhs, rhs, ctx, hints)
    proving = time.monotonic() - proving  # the explanation reruns at most as much as the prover did
    if trace is not None:
        proof = StepResult(Evidence.PROVED, "for all sizes", trace=trace)
        return guarded(proof, lhs, rhs, Relation.EQ, ctx, options.seed, options.replay, instances.unfolded)
    found = _search(instances, space, options, SEARCH_LIMIT)
    if found is not None:
        return StepResult(Evidence.REFUTED, "counterexample found", counterexample=found)
    # as for a proof for all sizes (derive.engine.defined): SymPy cancels x·x⁻¹ at sizes too
    sizes = "" if may_be_undefined(lhs, rhs, Env(ctx)) else _prove_at_sizes(instances, space, ctx)
    if sizes:
        proof = StepResult(Evidence.PROVED_FOR_SIZES, sizes)
        result = guarded(
            proof, lhs, rhs, Relation.EQ, ctx, options.seed, options.replay, instances.unfolded, _beyond_span(ctx)
        )
    else:
        result = _numeric(instances, space, options)
    return _why_not(result, lhs, rhs, ctx, hints, start + EXPLAIN_SHARE * options.budget, proving)


def _why_not(
    result: StepResult,
    lhs: sp.Expr,
    rhs: sp.Expr,
    ctx: Context,
    hints: tuple[str, ...],
    deadline: float,
    proving: float,
) -> StepResult:
    """``result`` with the report of why the rules did not prove the claim (derive.engine.explain), for a result
    short of ``proved`` that is not refuted (a counterexample says why) nor an engine inconsistency. It is worked
    out only when the prover's own time (``proving`` seconds; the explanation reruns no more than the prover ran)
    still fits before ``deadline`` (a :func:`time.monotonic` value), and stops there: the explanation must not
    cost the step its verdict."""
    if result.evidence in (Evidence.PROVED, Evidence.REFUTED, Evidence.ASSUMED) or result.inconsistent:
        return result
    if time.monotonic() + proving < deadline:
        names = tuple(h for h in hints if isinstance(h, str))  # a cited derivation is no rule the report can name
        result.why_not = explain(lhs, rhs, ctx, names, deadline=deadline).lines()
    return result


def why_not_proved(
    lhs: sp.Expr, rhs: sp.Expr, ctx: Context, hints: tuple[str, ...] = (), seconds: float = 1.0
) -> tuple[str, ...]:
    """Why the rules do not prove ``lhs = rhs`` (derive.engine.explain), worked out in at most about ``seconds``:
    the explanation alone, for a step whose check ran out of its budget before it could say (the worker that ran
    out is killed with what it knew). () for a claim outside what derive checks."""
    try:
        lhs, rhs = exact_decimals(lhs), exact_decimals(rhs)
    except ValueError:
        return ()
    if unsupported(lhs, rhs, ctx):
        return ()
    ctx = with_implied_indices(lhs, rhs, ctx)
    return explain(freshen(lhs), freshen(rhs), ctx, hints, deadline=time.monotonic() + seconds).lines()


def undefined_everywhere(side: sp.Expr, ctx: Context | None = None) -> bool:
    """``side`` has no finite value anywhere: an infinity or nan reached from its top through sums and products
    only (zoo + x is zoo, zoo·x is zoo or nan), or in every term of a Σ or factor of a ∏ over a range the sizes
    make nonempty; not inside a function, a bound, a limit or a branch."""
    if side in (sp.nan, sp.zoo, sp.oo, -sp.oo):
        return True
    if isinstance(side, (sp.Add, sp.Mul)):
        return any(undefined_everywhere(a, ctx) for a in side.args)
    if isinstance(side, (sp.Sum, sp.Product)) and ctx is not None:
        nonempty = all(nonnegative(hi - lo, Env(ctx)) for _, lo, hi in side.limits)
        return nonempty and undefined_everywhere(side.function, ctx)
    return False


def _one_side_undefined(lhs: sp.Expr, rhs: sp.Expr, ctx: Context, options: Options) -> StepResult:
    """One side is infinite or undefined as written (SymPy made it zoo or nan), the other is not: they differ at
    every point where the other side is finite. Report the first such point."""
    finite = rhs if lhs.has(sp.nan, sp.zoo, sp.oo, -sp.oo) else lhs
    instances, space = Instances(finite, finite, ctx), Space.of([finite], ctx)
    for n, point in enumerate(space.points(span=SIZES_SPAN + 1)):
        if n >= SEARCH_LIMIT:
            break
        value, _ = instances.instantiate(point)
        if not value.free_symbols and not value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            a, b = (value, rhs) if finite is lhs else (lhs, value)
            return StepResult(
                Evidence.REFUTED,
                "one side is undefined everywhere",
                counterexample=counterexample(point, a, b, ctx, options.replay),
            )
    return StepResult(Evidence.UNDECIDED, "outside what derive checks: a side is infinite or undefined")


def _search(instances: Instances, space: Space, options: Options, limit: int) -> Counterexample | None:
    for n, point in enumerate(space.points(span=SIZES_SPAN + 1)):
        if n >= limit:
            return None
        cmp = instances.compare(point)
        if cmp.status == "differ":
            return counterexample(point, cmp.lhs, cmp.rhs, space.ctx, options.replay)
    return None


def _prove_at_sizes(instances: Instances, space: Space, ctx: Context) -> str:
    """Exact proof at each small size, for every data vector, with families symbolic; '' if any size fails."""
    if not space.sizes:
        return ""
    covered = []
    for sizes in space.size_choices(SIZES_SPAN):
        if space.count_data(dict(sizes)) > EXHAUSTIVE_LIMIT:
            continue
        vectors = space.data_choices(dict(sizes), EXHAUSTIVE_LIMIT)
        if not all(prove_at_point(instances, Point(sizes, tuple(data)), ctx) for data in vectors):
            return ""
        covered.append(", ".join(f"{s} = {v}" for s, v in sizes))
    return "at sizes " + "; ".join(covered) if covered else ""


def _beyond_span(ctx: Context):
    """Whether a point has a size past those :func:`_prove_at_sizes` covers (minimum + SIZES_SPAN)."""
    return lambda point: any(value > ctx.sizes.get(size, 1) + SIZES_SPAN for size, value in point.sizes)


def prove_at_point(instances: Instances, point: Point, ctx: Context) -> bool:
    """The claim at ``point``'s sizes and data, families kept symbolic, proved by log rules and exact comparison."""
    rules = [RULES[n] for n in ("log_prod", "log_mul", "log_pow", "exp_add", "mul_add")]
    a, b = instances.instantiate(point, values=False)
    try:
        a, b = (Rewriter(Env(ctx, sizes=point.sizes), rules, "lhs", []).normalize(e) for e in (a, b))
    except EngineError:
        return False
    return exactly_equal(a, b, ctx)


def _numeric(instances: Instances, space: Space, options: Options) -> StepResult:
    rng = random.Random(options.seed)
    agreed = undefined = 0
    for _ in range(NUMERIC_POINTS):
        point = space.random_point(rng)
        if point is None:
            return StepResult(Evidence.UNDECIDED, "no method concluded: no value satisfies the declarations")
        cmp = instances.compare(point)
        if cmp.status == "differ":
            return StepResult(
                Evidence.REFUTED,
                "counterexample found at a random point",
                counterexample=counterexample(point, cmp.lhs, cmp.rhs, space.ctx, options.replay),
            )
        if cmp.status == "equal":
            agreed += 1
        elif cmp.status == "undefined":
            undefined += 1
        else:  # e.g. an undefined function: agreement elsewhere would be chance, not evidence
            return StepResult(Evidence.UNDECIDED, "no method concluded: a side cannot be evaluated at a point")
    if agreed == 0:
        return StepResult(Evidence.UNDECIDED, "no method concluded: no point where both sides could be evaluated")
    skipped = f", {undefined} points skipped (a side undefined there, e.g. log 0)" if undefined else ""
    return StepResult(Evidence.NUMERIC, f"{agreed} random points agree to {DIGITS_TEXT}{skipped} (seed {options.seed})")


DIGITS_TEXT = "30 certified digits"


# -- assumptions and examples ------------------------------------------------------------------------------------
def check_assumption(ctx: Context, step: Step) -> StepResult:
    """A stated assumption is never proved; but one whose sides differ at every point where they can be
    evaluated is a slip, not a model, and fails (derive.checks.assumptions)."""
    problem = contradicted_assumption(step.claim_lhs, step.expr, ctx)
    if problem:
        return StepResult(Evidence.REFUTED, problem)
    return StepResult(Evidence.ASSUMED, "stated assumption, not checked")


def check_example(ctx: Context, step: Step, options: Options) -> StepResult:
    """Evaluate the previous line at the example's values and compare with the stated result."""
    values = {k: exact_decimals(v) for k, v in step.values}
    problem = violation(values, ctx)
    if problem:
        return StepResult(Evidence.UNDECIDED, f"the example's values are outside the declarations: {problem}")
    instance = evaluate_at(exact_decimals(step.claim_lhs), values)
    expr = exact_decimals(step.expr)
    ctx = ctx.at_sizes(values)  # what is left to vary lives at the example's sizes, not at every size
    point = ", ".join(f"{sp.sstr(s)} = {sp.sstr(v)}" for s, v in values.items())
    entry = TraceEntry(
        rule="evaluate", side="lhs", assumptions=(point,), target=sp.srepr(step.claim_lhs), result=sp.srepr(instance)
    )
    if exactly_equal(instance, expr, ctx):
        proof = StepResult(Evidence.PROVED, "by evaluation at the stated values", trace=[entry])
        return guarded(proof, instance, expr, Relation.EQ, ctx, options.seed, options.replay)
    result = verify_claim(instance, expr, ctx, step.hints, options)
    if result.evidence is Evidence.PROVED:
        result.trace = [entry] + result.trace
    return result
