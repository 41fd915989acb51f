"""Mutation testing: plant a plausible mistake in every step and check that it is caught.

Each operator rewrites one position of a step's new expression into a false variant of the kind students (and
lecturers) write: distributions swapped, a sign flipped, a factor dropped or inverted (1/N ↔ N), an exponent
changed, a summation bound shifted by one, log replaced by log₂ without the conversion, a term of a sum dropped,
a Kronecker delta's index replaced by an unrelated one. Every mutant is then checked like a step.

Building a mutant can itself be expensive (an exponent plus one of ``7**(3*10**8)`` evaluates the power), so
nothing is built in the calling process: a mutant is *described* as data (which step, which operator, which
output of it), first listed per step and then rebuilt and checked, each in a budgeted worker (derive.run.worker). A
step whose mutants cannot be listed within the budget is reported as one ``undecided`` result.

A mutant the engine proves is *equivalent* (still true, so no mistake) only when an independent guard agrees:
for ``=``, an evaluation against the original at random points; for ``<``, ``≤``, ``>``, ``≥``, the mutated claim
evaluated exactly at points inside the declarations; for ``≠``, the two sides re-evaluated at the witness. A
mutant proved although the guard finds a point where it is false is a soundness bug: it is counted as ``proved``
(which must stay 0); one the guard can evaluate nowhere is ``undecided``.
"""

from __future__ import annotations

import contextlib
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import sympy as sp

from derive.core.evidence import Evidence, StepResult
from derive.core.hygiene import alpha_equal
from derive.core.model import Derivation, Kind, Relation, Step
from derive.engine.rewrite import replace_at
from derive.run.worker import run_many
from derive.verify.guard import interpret
from derive.verify.relations import verify_inequality, verify_witness
from derive.verify.sampling import (
    Instances,
    Point,
    Space,
    approx,
    certified_gap,
    evaluate_at,
    point_from,
    take_derivatives,
)
from derive.verify.steps import Options, verify_claim

ORACLE_POINTS = 12  # random points at which a proved mutant is evaluated independently
GUARD_POINTS = 24  # small, readable points tried first for an inequality, before the random ones
UNBUILT = "building the mutants of this step"


@dataclass(frozen=True)
class StepRef:
    """Which step of which derivation, as plain data that a worker resolves to the objects.

    A forked worker finds the derivation in the run under way (``position`` in the list given to :func:`mutate`,
    inherited from the parent); elsewhere it is loaded again from ``source`` by ``derivation`` (its name).
    """

    source: str
    derivation: str
    position: int
    step: int

    def resolve(self) -> tuple[Derivation, Step]:
        if self.position < len(_RUN) and _RUN[self.position].name == self.derivation:
            derivation = _RUN[self.position]
        else:
            derivation = _load(self.source, self.derivation)
        return derivation, derivation.steps[self.step]


#: The derivations of the run under way; a forked worker inherits them, so a task need not carry them.
_RUN: list[Derivation] = []


@contextlib.contextmanager
def _registered(derivations: list[Derivation]) -> Iterator[None]:
    previous = list(_RUN)
    _RUN[:] = derivations
    try:
        yield
    finally:
        _RUN[:] = previous


def _load(source: str, name: str) -> Derivation:
    from derive.run.loader import load_module

    if source:
        loaded = load_module(Path(source))
        for d in loaded.derivations:
            if d.name == name:
                return d
    raise LookupError(f"derivation {name!r} is neither in this run nor in {source or 'a module'}")


@dataclass(frozen=True)
class Mutant:
    """One planted mistake, described rather than built: the ``ordinal``-th output of ``operator`` at a step.

    ``expr`` is the mutated expression as text, filled in by the worker that rebuilt and checked it. A mutant with
    ``unbuilt`` set stands for all the mutants of a step that could not be listed, and says why.
    """

    step: Step
    where: StepRef
    operator: str
    ordinal: int
    description: str
    expr: str = ""
    unbuilt: str = ""


@dataclass
class MutantResult:
    mutant: Mutant
    outcome: str  # "refuted", "undecided", "equivalent" or "proved"
    reason: str = ""
    evidence: StepResult | None = None

    def to_json(self) -> dict:
        out = {
            "step": self.mutant.step.name,
            "operator": self.mutant.operator,
            "mutation": self.mutant.description,
            "expr": self.mutant.expr,
            "outcome": self.outcome,
            "reason": self.reason,
        }
        if self.evidence is not None and self.evidence.counterexample is not None:
            out["counterexample"] = self.evidence.counterexample.to_json()
        return out


@dataclass
class MutationReport:
    derivation: Derivation
    results: list[MutantResult] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {"generated": len(self.results), "equivalent": 0, "refuted": 0, "undecided": 0, "proved": 0}
        for r in self.results:
            out[r.outcome] += 1
        return out

    def to_json(self) -> dict:
        return {
            "name": self.derivation.name,
            "title": self.derivation.title,
            **self.counts(),
            "mutants": [r.to_json() for r in self.results],
        }


# -- operators ------------------------------------------------------------------------------------------------
def _positions(e: sp.Basic, path=()) -> Iterator[tuple[tuple[int, ...], sp.Basic]]:
    yield path, e
    for i, a in enumerate(e.args):
        yield from _positions(a, path + (i,))


def _swap_distributions(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    # Distributions are the positive families and the defined quantities (p_i = n_i/N); never the integer data.
    bases = {a.base for a in step.expr.atoms(sp.Indexed) if a.base not in ctx.datasets}
    # NOTE: a mutant is rebuilt from its ordinal in another process, so the order must not depend on hashing
    bases = sorted(bases, key=lambda b: (str(b), sp.srepr(b)))
    for n, a in enumerate(bases):
        for b in bases[n + 1 :]:
            yield f"{a} ↔ {b}", step.expr.xreplace({a: b, b: a})
    for path, node in _positions(step.expr):
        if isinstance(node, sp.Function) and len(node.args) == 2 and not isinstance(node, sp.KroneckerDelta):
            yield f"{node} with its arguments swapped", replace_at(step.expr, path, node.func(*node.args[::-1]))


def _flip_sign(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    yield "sign flipped", -step.expr


def _factors(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    for path, node in _positions(step.expr):
        if isinstance(node, sp.Mul):
            for i, f in enumerate(node.args):
                rest = node.args[:i] + node.args[i + 1 :]
                yield f"factor {f} dropped", replace_at(step.expr, path, sp.Mul(*rest))
                yield f"factor {f} inverted", replace_at(step.expr, path, sp.Mul(*rest) / f)


def _exponents(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    for path, node in _positions(step.expr):
        if isinstance(node, sp.Pow):
            yield f"exponent of {node} plus one", replace_at(step.expr, path, node.base ** (node.exp + 1))
            yield f"exponent of {node} doubled", replace_at(step.expr, path, node.base ** (2 * node.exp))


def _bounds(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    for path, node in _positions(step.expr):
        if isinstance(node, (sp.Sum, sp.Product)):
            for j, (var, lo, hi) in enumerate(node.limits):
                for label, lim in (
                    ("upper bound minus one", (var, lo, hi - 1)),
                    ("lower bound plus one", (var, lo + 1, hi)),
                ):
                    limits = list(node.limits)
                    limits[j] = lim
                    yield (
                        f"{label} in {node.func.__name__} over {var}",
                        replace_at(step.expr, path, node.func(node.function, *limits)),
                    )


def _log2(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    for path, node in _positions(step.expr):
        if isinstance(node, sp.log):
            yield f"{node} read as log base 2", replace_at(step.expr, path, node / sp.log(2))


def _drop_term(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    for path, node in _positions(step.expr):
        if isinstance(node, sp.Add):
            for i, t in enumerate(node.args):
                yield f"term {t} dropped", replace_at(step.expr, path, sp.Add(*(node.args[:i] + node.args[i + 1 :])))


def _delta_index(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    unrelated = sp.Symbol("j", integer=True)
    for path, node in _positions(step.expr):
        if isinstance(node, sp.KroneckerDelta):
            for i, a in enumerate(node.args):
                args = list(node.args)
                args[i] = unrelated
                yield (
                    f"index {a} of {node} replaced by {unrelated}",
                    replace_at(step.expr, path, sp.KroneckerDelta(*args)),
                )


OPERATORS: dict[str, Callable] = {
    "swap_distributions": _swap_distributions,
    "flip_sign": _flip_sign,
    "drop_or_invert_factor": _factors,
    "change_exponent": _exponents,
    "shift_bound": _bounds,
    "log_as_log2": _log2,
    "drop_term": _drop_term,
    "swap_delta_index": _delta_index,
}


# -- listing and rebuilding, each in a budgeted worker ---------------------------------------------------------
def _outputs(step: Step, ctx) -> Iterator[tuple[str, int, str, sp.Expr]]:
    """``(operator, ordinal, description, mutant)`` for every distinct mutant of ``step``, in a fixed order."""
    seen = set()
    for name, operator in OPERATORS.items():
        for ordinal, (description, expr) in enumerate(operator(step, ctx)):
            if expr in seen:
                continue  # the same mutant by another route
            seen.add(expr)
            yield name, ordinal, description, expr


@dataclass
class _Listed(StepResult):
    """A step's mutants as ``(operator, ordinal, description)``: plain data back from the worker."""

    mutants: tuple[tuple[str, int, str], ...] = ()


@dataclass(frozen=True)
class ListMutants:
    """Task: list the distinct mutants of one step (building each, to drop duplicates) without checking them."""

    where: StepRef

    def __call__(self) -> StepResult:
        derivation, step = self.where.resolve()
        found = tuple((op, ordinal, text) for op, ordinal, text, _ in _outputs(step, derivation.context))
        return _Listed(Evidence.UNDECIDED, "listed", mutants=found)


@dataclass
class _Checked(StepResult):
    """A mutant's outcome as plain strings, with the engine's evidence: the mutant itself may hold SymPy objects of
    classes made at run time (p(· | θ)), which cannot be pickled, so it never leaves the worker."""

    outcome: str = ""
    reason: str = ""
    inner: StepResult | None = None
    text: str = ""


@dataclass(frozen=True)
class CheckMutant:
    """Task: rebuild one mutant from its description and classify it."""

    where: StepRef
    operator: str
    ordinal: int
    description: str
    seed: int = 0

    def __call__(self) -> StepResult:
        derivation, step = self.where.resolve()
        built = next(itertools.islice(OPERATORS[self.operator](step, derivation.context), self.ordinal, None), None)
        if built is None or built[0] != self.description:
            reason = "the mutant could not be rebuilt from its description"
            return _Checked(Evidence.UNDECIDED, outcome="undecided", reason=reason)
        outcome, reason, result = _classify(derivation, step, built[1], self.seed)
        return _Checked(Evidence.UNDECIDED, outcome=outcome, reason=reason, inner=result, text=_text(built[1]))


def _text(expr: sp.Expr) -> str:
    try:
        return sp.sstr(expr)
    except ValueError:  # an integer beyond Python's limit on digits to print
        return "(too large to print)"


def mutants(derivation: Derivation, options: Options | None = None, jobs: int = 1) -> list[Mutant]:
    """Every distinct mutant of every checked step, in step order, listed in budgeted workers. A step whose
    mutants cannot be listed within ``options.budget`` gives one ``Mutant`` with ``unbuilt`` saying why."""
    with _registered([derivation]):
        return _listing([derivation], options or Options(), jobs)


def _listing(derivations: list[Derivation], options: Options, jobs: int) -> list[Mutant]:
    refs = [
        StepRef(d.source, d.name, n, i)
        for n, d in enumerate(derivations)
        for i, s in enumerate(d.steps)
        if s.kind is not Kind.ASSUME
    ]
    out: list[Mutant] = []

    def on_result(index: int, result: StepResult) -> None:
        ref = refs[index]
        step = derivations[ref.position].steps[ref.step]
        if isinstance(result, _Listed):
            out.extend(Mutant(step, ref, op, ordinal, text) for op, ordinal, text in result.mutants)
        else:  # out of time, out of memory, or an error: reported, never skipped
            why = "ran out of time" if result.detail.startswith("time budget") else "failed"
            unbuilt = f"{UNBUILT} {why} ({result.detail})"
            out.append(Mutant(step, ref, "", -1, "every mutant of this step (not built)", unbuilt=unbuilt))

    run_many([ListMutants(ref) for ref in refs], options.budget, jobs, on_result)
    return out


# -- checking -------------------------------------------------------------------------------------------------
def _classify(derivation: Derivation, step: Step, mutant: sp.Expr, seed: int) -> tuple[str, str, StepResult | None]:
    """``(outcome, reason, the engine's evidence)`` for one built mutant of ``step``."""
    ctx = derivation.context
    if alpha_equal(mutant, step.expr):
        return "equivalent", "identical to the original once SymPy evaluates it", None
    lhs = step.claim_lhs if step.kind is not Kind.EXAMPLE else _example_instance(step)
    if step.kind is Kind.REFERENCE:  # the code against a planted mistake in the formula it computes
        from derive.verify.code import check_reference

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
    (derive.verify.guard.interpret: a claim proved for every such function holds for that one), derivatives then
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


def mutate(
    derivations: list[Derivation],
    options: Options | None = None,
    jobs: int = 1,
    progress: Callable[[MutantResult], None] | None = None,
    sample: int | None = None,
    seed: int | None = None,
) -> list[MutationReport]:
    """List and check the mutants of every derivation, each in a budgeted worker.

    Args:
        options: the budget (seconds per task: listing a step's mutants, checking one) and the points' seed.
        jobs: workers run at once.
        progress: called with each result, in order.
        sample: check only this many mutants, drawn from all of them with ``seed`` (default ``options.seed``):
            a reproducible quick run for CI. A step whose mutants could not be listed is reported all the same.

    A mutant (or a step's listing) that runs out of time is ``undecided``.
    """
    options = options or Options()
    if sample is not None and sample < 0:
        raise ValueError(f"sample must be a number of mutants ≥ 0, not {sample}")
    reports = [MutationReport(d) for d in derivations]
    with _registered(derivations):
        listed = _listing(derivations, options, jobs)
        if sample is not None:
            listed = _sample(listed, sample, options.seed if seed is None else seed)
        tasks = [
            StepResult(Evidence.UNDECIDED, m.unbuilt)
            if m.unbuilt
            else CheckMutant(m.where, m.operator, m.ordinal, m.description, options.seed)
            for m in listed
        ]

        def on_result(index: int, result: StepResult) -> None:
            m = listed[index]
            if isinstance(result, _Checked):
                outcome = MutantResult(replace(m, expr=result.text), result.outcome, result.reason, result.inner)
            else:  # not built, or the worker ran out of time or died
                outcome = MutantResult(m, "undecided", result.detail, result)
            reports[m.where.position].results.append(outcome)
            if progress:
                progress(outcome)

        run_many(tasks, options.budget, jobs, on_result)
    return reports


def _sample(listed: list[Mutant], size: int, seed: int) -> list[Mutant]:
    """``size`` of the built mutants, drawn with ``seed``, in their order; the unbuilt ones are always kept."""
    built = [n for n, m in enumerate(listed) if not m.unbuilt]
    chosen = set(random.Random(seed).sample(built, min(size, len(built))))
    return [m for n, m in enumerate(listed) if m.unbuilt or n in chosen]
