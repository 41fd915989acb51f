"""The verdict on a reference: the code run on symbols at each small size (every data vector) must equal the
formula exactly, then the float check; what each method showed, or failed to, decides the evidence."""

from __future__ import annotations

import itertools
import time

import sympy as sp

from derive.checks.code.allsizes import prove_for_all_sizes
from derive.checks.code.floats import SIZES_SPAN, _against_no_value, _float_check, _float_verdict
from derive.checks.code.paths import path_dependence
from derive.checks.code.rebuild import symbolic
from derive.checks.code.reference import Reference, _at, _error, arguments
from derive.checks.code.runs import _Runs
from derive.checks.domain import point_violation
from derive.checks.sampling import Instances, Point, Space
from derive.checks.steps import prove_at_point, undefined_everywhere
from derive.core.context import Context
from derive.core.evidence import Counterexample, Evidence, StepResult
from derive.engine.compare import exactly_equal

DATA_LIMIT = 64  # data vectors per size checked symbolically
EXACT_SECONDS = 0.5  # the exact run's time after a proof for all sizes (it is a further check, not the proof)


def check_reference(ref: Reference, formula: sp.Expr, ctx: Context, seed: int = 0, replay: str = "") -> StepResult:
    """The evidence that ``ref`` computes ``formula``: its translation proved equal to the formula for all sizes
    (``proved``), else the exact run at small sizes (``proved-for-sizes``) with the reason shown; the exact run
    and the float check are made either way, and one that contradicts a proof is an engine inconsistency."""
    runs = _Runs(ref, symbolic(ref.function), ctx, Instances(formula, formula, ctx), replay)
    space = Space.of([formula], ctx)
    if undefined_everywhere(formula, ctx):  # log(1 − 1) as written: no input gives the formula a value
        return _against_no_value(runs, space)
    proof = prove_for_all_sizes(ref, formula, ctx)
    path = path_dependence(ref.function) if isinstance(proof, StepResult) else ""
    if path:  # the translation cannot have read this code: never a proof (the runs below decide)
        proof = f"translated, but {path}, which the translator does not read"
    proved = isinstance(proof, StepResult)  # then the exact run is a further check, within a time share
    exact = _exact_at_sizes(ref, runs, space, ctx, time.monotonic() + EXACT_SECONDS if proved else None)
    if exact.evidence is Evidence.REFUTED:
        return _contradicted(proof, exact)
    floats = _float_check(runs, space, seed)
    if floats.evidence is Evidence.REFUTED:
        return _contradicted(proof, floats)
    if floats.evidence is not Evidence.NUMERIC:
        return floats
    if proved:  # the exact run's reach depends on the machine's load (a time share): kept out of the detail, which
        # the committed write-ups print; it has already had its say above (a contradiction is never a pass)
        return StepResult(Evidence.PROVED, f"{proof.detail}; {floats.detail}", trace=proof.trace)
    if exact.evidence is Evidence.PROVED:  # no size and no data: the run on symbols covers every input
        return StepResult(Evidence.PROVED, f"{exact.detail}; {floats.detail}")
    return StepResult(exact.evidence, f"{exact.detail}; {floats.detail}; not proved for all sizes: {proof}")


def _contradicted(proof, refutation: StepResult) -> StepResult:
    """``refutation`` (a run of the code that differs from the formula), or, when the translation was proved
    equal to the formula, an engine inconsistency: never a pass, and never a plain refutation either."""
    if not isinstance(proof, StepResult):
        return refutation
    rules = ", ".join(dict.fromkeys(t.rule for t in proof.trace))
    return StepResult(
        Evidence.UNDECIDED,
        f"engine inconsistency: {proof.detail} ({rules}), but {refutation.detail} at a point inside the "
        "declarations; please report this",
        counterexample=refutation.counterexample,
        inconsistent=True,
    )


def _exact_at_sizes(ref: Reference, runs: _Runs, space: Space, ctx: Context, deadline: float | None) -> StepResult:
    """The code run on symbols at each small size (every data vector), against the formula exactly: refuted
    (with a counterexample), proved (no size, no data), proved-for-sizes, or numeric with the reason it is
    short (the code failed on symbols, equality not shown, a path that may depend on the values, the run
    stopped at ``deadline``, a :func:`time.monotonic` value, after the points it reached)."""
    counted = [s for s in space.scalars if s in ctx.integer_values]
    covered: dict = {}
    failed = ""  # why the code could not run on symbols somewhere (the symbolic method failed, not the code)
    unshown: list[str] = []  # points where exact equality was not shown, yet no counterexample was found
    skipped: list[str] = []  # sizes with too many data vectors to check every one
    for sizes in space.size_choices(SIZES_SPAN):
        sm = dict(sizes)
        if space.count_data(sm) > DATA_LIMIT:  # left out of the claim and named, never sampled
            skipped.append(", ".join(f"{s} = {v}" for s, v in sizes))
            continue
        for data in space.data_choices(sm, DATA_LIMIT):
            for picked in _integer_choices(space, counted, sm):
                if deadline is not None and time.monotonic() > deadline:
                    reached = ", ".join(f"{min(v)} ≤ {s} ≤ {max(v)}" for s, v in covered.items()) or "no size"
                    return StepResult(
                        Evidence.NUMERIC, f"the exact run at small sizes stopped at its time share ({reached} done)"
                    )
                point = Point(sizes, tuple(data), (), picked)
                expected, _ = runs.formula.instantiate(point, values=False)
                given = arguments(ref, ctx, point, values=False)  # derive's own: an error here is never the code's
                try:
                    got = sp.sympify(runs.code(*given))
                except Exception as exc:  # noqa: BLE001 - user code on symbols: the method failed, see below
                    got = exc
                if isinstance(got, sp.Basic) and _equal(_exact_floats(got), expected, point, ctx):
                    continue
                cex = _search_point(runs, space, point, deadline)
                if cex is not None:
                    return StepResult(Evidence.REFUTED, "the code and the formula differ", counterexample=cex)
                if isinstance(got, sp.Basic):
                    unshown.append(_at(point))
                elif not failed:
                    failed = f"the code cannot run on symbols{_at(point)} ({_error(got)})"
        for s, v in sizes:
            covered.setdefault(s, []).append(v)
    if failed:
        return StepResult(Evidence.NUMERIC, failed)
    if unshown:
        return StepResult(Evidence.NUMERIC, f"exact equality not shown{unshown[0]} (no counterexample found)")
    path = path_dependence(ref.function)
    if path:
        return StepResult(
            Evidence.NUMERIC,
            f"the symbolic run follows one path through the code, and {path}, so that path may not be the one "
            "every value takes: not a proof",
        )
    if not space.sizes and not space.data:
        return StepResult(Evidence.PROVED, "the code equals the formula symbolically")
    if not covered:
        return StepResult(Evidence.NUMERIC, f"every small size has more than {DATA_LIMIT} data vectors")
    where = ", ".join(f"{min(v)} ≤ {s} ≤ {max(v)}" for s, v in covered.items())
    every = " (every data vector)" if space.data else ""
    left_out = f" except at {'; '.join(skipped)} (more than {DATA_LIMIT} data vectors)" if skipped else ""
    return StepResult(Evidence.PROVED_FOR_SIZES, f"the code equals the formula exactly for {where}{every}{left_out}")


def _equal(got: sp.Expr, expected: sp.Expr, point: Point, ctx: Context) -> bool:
    """Exactly equal as they stand (expanded over opaque atoms), or after the log rules (log(p/q) splits)."""
    if exactly_equal(got, expected, ctx):
        return True
    return prove_at_point(Instances(got, expected, ctx), point, ctx)


def _exact_floats(e: sp.Basic) -> sp.Basic:
    """``e`` with each float (a constant such as 0.1 in the code) as the exact binary fraction it stands for, so
    that an exact comparison cannot round it to what the formula says (SymPy's Float arithmetic would)."""
    floats = e.atoms(sp.Float)
    return e.xreplace({f: sp.Rational(f) for f in floats}) if floats else e


def _integer_choices(space: Space, counted: list, sizes: dict):
    return itertools.product(*[[(s, v) for v in space._scalar_values(s, sizes)] for s in counted])


def _search_point(runs: _Runs, space: Space, point: Point, deadline: float | None = None) -> Counterexample | None:
    """Readable family (and scalar) values at ``point``'s sizes and data where the code, run on exact numbers
    (or, where that run fails, on floats), differs from the formula or fails where the formula has a value."""
    sm = point.size_map()
    others = [s for s in space.scalars if s not in runs.ctx.integer_values]
    scalar_sets = list(itertools.product(*[[(s, v) for v in space._scalar_values(s, sm)] for s in others]))
    if space.scalars_first():  # a family's bounds mention scalars (z_i ≤ m): its values follow theirs
        at_scalars = ({**sm, **dict(point.scalars), **dict(s)} for s in scalar_sets)
        pairs = ((fams, s) for s, at in zip(scalar_sets, at_scalars) for fams in space.family_choices(sm, at))
    else:
        pairs = itertools.product(space.family_choices(sm), scalar_sets)
    for fams, scalars in pairs:
        if deadline is not None and time.monotonic() > deadline:
            return None  # the float check goes on searching
        at = Point(point.sizes, point.data, tuple(fams), tuple(point.scalars) + tuple(scalars))
        if point_violation(at, runs.ctx):
            continue  # only a point inside the declarations can refute
        formula_value = runs.formula.instantiate(at)[0]
        value = runs.exact(at)
        if isinstance(value, sp.Basic):
            if runs.compare(value, formula_value, at) == "differ":
                return runs.counterexample(at, value, formula_value)
            continue
        # The exact run failed, which may be the method's failure (no SymPy meaning for something the code
        # uses): the code as written decides, on floats.
        verdict = _float_verdict(runs, at, edge=False)
        if isinstance(verdict, StepResult):
            return verdict.counterexample
    return None
