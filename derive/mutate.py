"""Mutation testing: plant a plausible mistake in every step and check that it is caught.

Each operator rewrites one position of a step's new expression into a false variant of the kind students (and
lecturers) write: distributions swapped, a sign flipped, a factor dropped or inverted (1/N ↔ N), an exponent
changed, a summation bound shifted by one, log replaced by log₂ without the conversion, a term of a sum dropped,
a Kronecker delta's index replaced by an unrelated one. Every mutant is then checked like a step. A mutant that
is still true (an *equivalent* mutant) is recognised by a proof that it equals the original, confirmed by an
independent evaluation at random points, and excluded with that reason. A mutant proved although the evaluation
finds it false would be a soundness bug: it is counted as ``proved`` (which must stay 0).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import sympy as sp

from derive.checker import Options, verify_claim
from derive.evidence import Evidence, StepResult
from derive.hygiene import alpha_equal
from derive.model import Derivation, Kind, Relation, Step
from derive.relations import verify_inequality, verify_witness
from derive.rewrite import replace_at
from derive.sampling import Instances, Space, evaluate_at
from derive.worker import run_many

ORACLE_POINTS = 12


@dataclass(frozen=True)
class Mutant:
    step: Step
    operator: str
    description: str
    expr: sp.Expr
    identical: bool = False  # SymPy's automatic evaluation turned the mutation back into the original


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
            "expr": sp.sstr(self.mutant.expr),
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
    bases = sorted({a.base for a in step.expr.atoms(sp.Indexed) if a.base not in ctx.datasets}, key=str)
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


def mutants(derivation: Derivation) -> list[Mutant]:
    """Every distinct mutant of every checked step, in step order."""
    out: list[Mutant] = []
    for step in derivation.steps:
        if step.kind is Kind.ASSUME:
            continue
        seen = set()
        for name, operator in OPERATORS.items():
            for description, expr in operator(step, derivation.context):
                identical = alpha_equal(expr, step.expr)
                if expr in seen:
                    continue  # the same mutant by another route
                seen.add(expr)
                out.append(Mutant(step, name, description, expr, identical=identical))
    return out


# -- checking -------------------------------------------------------------------------------------------------
def _classify(derivation: Derivation, mutant: Mutant, options: Options) -> MutantResult:
    step, ctx = mutant.step, derivation.context
    if mutant.identical:
        return MutantResult(mutant, "equivalent", "identical to the original once SymPy evaluates it")
    lhs = step.claim_lhs if step.kind is not Kind.EXAMPLE else _example_instance(step)
    if step.kind is Kind.REFERENCE:  # the code against a planted mistake in the formula it computes
        from derive.reference import check_reference

        result = check_reference(step.reference, mutant.expr, ctx, options.seed)
    elif step.relation is Relation.EQ:
        result = verify_claim(lhs, mutant.expr, ctx, step.hints, options)
    elif step.relation is Relation.NE:
        result = verify_witness(lhs, mutant.expr, dict(step.values), ctx)
    else:
        result = verify_inequality(lhs, mutant.expr, step.relation, ctx, options.seed)
    if result.evidence is Evidence.REFUTED:
        return MutantResult(mutant, "refuted", "counterexample found", result)
    # a reference implementation passes at the evidence it declares (proved-for-sizes): a mutant that gets it is
    # as suspect as a proved one, and goes to the oracle below
    passed = result.evidence is Evidence.PROVED or (
        step.kind is Kind.REFERENCE and result.evidence.satisfies(step.allow)
    )
    if not passed:
        return MutantResult(mutant, "undecided", f"{result.evidence.value}: {result.detail}", result)
    if step.relation is not Relation.EQ:
        # Still true: the witness still separates the sides, or the inequality still holds by positivity.
        # Both proofs end in exact arithmetic or the declared signs, so the mutant is no mistake.
        return MutantResult(mutant, "equivalent", f"the mutated line still satisfies {step.relation.value}", result)
    # Proved. Independent oracle: the mutant against the original step's expression at random points.
    verdict = _oracle(step.expr, mutant.expr, ctx, options.seed)
    if verdict == "differs":
        return MutantResult(mutant, "proved", "PROVED although a point shows it false: a soundness bug", result)
    rules = ", ".join(t.label() for t in result.trace)
    confirmed = (
        "agrees at random points"
        if verdict == "agrees"
        else "not confirmed independently: nothing in it can be evaluated"
    )
    return MutantResult(mutant, "equivalent", f"proved equal to the original ({rules}); {confirmed}", result)


def _example_instance(step: Step) -> sp.Expr:
    return evaluate_at(step.claim_lhs, dict(step.values))


def _oracle(original: sp.Expr, mutant: sp.Expr, ctx, seed: int) -> str:
    """Independent evaluation of a proved mutant against the original: ``agrees``, ``differs`` (a certified
    difference at some point: the proof was wrong) or ``unknown`` (nothing could be evaluated)."""
    instances, space = Instances(original, mutant, ctx), Space.of([original, mutant], ctx)
    rng = random.Random(seed + 1)
    agreed = 0
    for _ in range(ORACLE_POINTS):
        point = space.random_point(rng)
        status = "unknown" if point is None else instances.compare(point).status
        if status == "differ":
            return "differs"
        agreed += status == "equal"
    return "agrees" if agreed else "unknown"


def mutate(
    derivations: list[Derivation],
    options: Options | None = None,
    jobs: int = 1,
    progress: Callable[[MutantResult], None] | None = None,
) -> list[MutationReport]:
    """Generate and check the mutants of every derivation; a mutant that runs out of time is ``undecided``."""
    options = options or Options()
    reports = [MutationReport(d) for d in derivations]
    tasks, slots = [], []
    for report in reports:
        for m in mutants(report.derivation):
            tasks.append(lambda d=report.derivation, m=m: _wrap(_classify(d, m, options)))
            slots.append((report, m))

    def on_result(index: int, result: StepResult) -> None:
        report, m = slots[index]
        if isinstance(result, _Carrier):
            outcome = MutantResult(m, result.outcome, result.reason, result.inner)
        else:  # the worker ran out of time or died
            outcome = MutantResult(m, "undecided", result.detail, result)
        report.results.append(outcome)
        if progress:
            progress(outcome)

    run_many(tasks, options.budget, jobs, on_result)
    return reports


class _Carrier(StepResult):
    """Carries a mutant's outcome back from the worker as plain strings: the mutant itself holds SymPy objects
    of classes made at run time (p(· | θ)), which cannot be pickled, so it stays in the parent."""

    outcome: str = ""
    reason: str = ""
    inner: StepResult | None = None


def _wrap(outcome: MutantResult) -> StepResult:
    carrier = _Carrier(Evidence.UNDECIDED)
    carrier.outcome, carrier.reason, carrier.inner = outcome.outcome, outcome.reason, outcome.evidence
    return carrier
