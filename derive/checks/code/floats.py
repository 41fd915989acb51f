"""The function as written, on floats: at readable points, at random inputs and near the edges of the
declarations, where it must agree with the formula to a relative error of ``REL_TOL``; a disagreement is
confirmed by the exact or the high-precision run before it refutes, wherever it can be."""

from __future__ import annotations

import itertools
import math
import random

import sympy as sp

from derive.checks.code.edges import _edge_points
from derive.checks.code.reference import _at, _error
from derive.checks.code.runs import PRECISIONS, REL_TOL, _as_number, _close, _finite, _Runs
from derive.checks.sampling import Point, Space
from derive.core.evidence import Evidence, StepResult

SIZES_SPAN = 2  # sizes from their minimum to minimum + 2, as for proved-for-sizes steps
FLOAT_POINTS = 20
FLOAT_SPAN = 3  # random sizes up to minimum + 3: one beyond the exact check
READABLE_POINTS = 24  # the counterexample search's first points, run on floats too


def _against_no_value(runs: _Runs, space: Space) -> StepResult:
    """The formula is undefined as written (zoo or nan at every point); code that returns a finite number at a
    point inside the declarations does not compute it, as a chain line with an undefined side is refuted."""
    for point in itertools.islice(space.points(span=SIZES_SPAN), READABLE_POINTS):
        got = runs.float(point)
        if isinstance(got, (int, float)) and math.isfinite(got):
            cex = runs.counterexample(point, _as_number(got), sp.zoo)
            return StepResult(
                Evidence.REFUTED, "the formula is undefined as written, and the code has a value", counterexample=cex
            )
    return StepResult(Evidence.UNDECIDED, "the formula is undefined as written, and so is the code")


def _float_check(runs: _Runs, space: Space, seed: int) -> StepResult:
    """The function as written, on floats: at the readable points the counterexample search starts from (1/4 and
    3/4 among them, where code that SymPy simplified on symbols, 0·1/(4q − 1), still divides by zero), at random
    inputs, then near the edges of the declarations."""
    readable = list(itertools.islice(space.points(span=SIZES_SPAN), READABLE_POINTS))
    rng = random.Random(seed)
    randoms = []
    for _ in range(FLOAT_POINTS):
        point = space.random_point(rng, span=FLOAT_SPAN)
        if point is None:
            break
        randoms.append(point)
    agreed = 0
    unsure = ""
    tried = [(p, False, False) for p in readable] + [(p, False, True) for p in randoms]
    for point, edge, counted in tried + [(p, True, False) for p in _edge_points(space, runs.ctx)]:
        verdict = _float_verdict(runs, point, edge)
        if isinstance(verdict, StepResult):
            return verdict
        if verdict == "agree":
            agreed += counted  # the detail counts the random inputs, as it always has
        elif verdict != "undefined":
            unsure = unsure or verdict
    if unsure:
        return StepResult(Evidence.UNDECIDED, f"{unsure}; no counterexample found")
    if not agreed:
        return StepResult(Evidence.UNDECIDED, "no random input where the formula has a value")
    return StepResult(
        Evidence.NUMERIC, f"in floating point it agrees to {REL_TOL:g} at {agreed} random inputs (seed {seed})"
    )


def _float_verdict(runs: _Runs, point: Point, edge: bool):
    """``agree``, ``undefined`` (the formula has no finite value here), a refutation, or why it is unsure.

    A float result off by more than the tolerance, or an error, is confirmed before it refutes: by the exact run
    (a certain difference refutes; the exact value right means floating point lost it, which is unsure), else by
    the high-precision run (a value both precisions agree on decides the same way; the same error as the float
    run refutes). Unconfirmed, a random point refutes on floats alone, as its values are moderate; a point near
    the edges, where floating point is weakest, leaves the step unsure.
    """
    formula_value = runs.formula.instantiate(point)[0]
    if _finite(formula_value) is None:
        return "undefined"
    got = runs.float(point)
    if not isinstance(got, Exception) and _close(got, formula_value):
        return "agree"
    outcome = f"raises {_error(got)}" if isinstance(got, Exception) else f"gives {got!r}"
    shown = f"in floating point the code {outcome}{_at(point)}"
    exact = runs.exact(point)
    status = runs.compare(exact, formula_value, point)
    if status == "differ":
        cex = runs.counterexample(point, exact, formula_value)
        return StepResult(Evidence.REFUTED, "the code and the formula differ", counterexample=cex)
    if status == "equal":
        return f"{shown}, where its exact value is right"
    precise = runs.precise(point)
    if isinstance(got, Exception) and any(type(r) is type(got) for r in (exact, precise)):
        cex = runs.counterexample(point, got, formula_value)
        return StepResult(Evidence.REFUTED, "the code fails where the formula has a value", counterexample=cex)
    if precise is not None and not isinstance(precise, Exception):
        if _close(precise, formula_value):
            return f"{shown}, where at {PRECISIONS[0]} digits its value is right"
        cex = runs.counterexample(point, _as_number(precise), formula_value)
        digits = " and ".join(map(str, PRECISIONS))
        detail = f"the code and the formula differ (the code's value is the same at {digits} digits)"
        return StepResult(Evidence.REFUTED, detail, counterexample=cex)
    if edge:
        return f"{shown}, which neither an exact nor a high-precision run could confirm"
    if isinstance(got, Exception):
        cex = runs.counterexample(point, got, formula_value)
        return StepResult(Evidence.REFUTED, "the code fails where the formula has a value", counterexample=cex)
    cex = runs.counterexample(point, _as_number(got), formula_value)
    return StepResult(Evidence.REFUTED, "the code and the formula differ in floating point", counterexample=cex)
