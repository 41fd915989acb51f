"""Mutation testing: plant a plausible mistake in every step and check that it is caught.

Each operator (derive.entry.mutate.operators) rewrites one position of a step's new expression into a false
variant of the kind students (and lecturers) write. Every mutant is then checked like a step, and classified
(derive.entry.mutate.guard): ``refuted``, ``undecided``, ``equivalent`` (proved and confirmed by an independent
guard) or ``proved`` (proved although the guard finds it false: a soundness bug, which must stay 0).

Nothing is built in the calling process: mutants are listed and then rebuilt and checked as tasks, each in a
budgeted worker (derive.entry.mutate.tasks, derive.run.worker), under any start method. A step whose mutants
cannot be listed within the budget is reported as one ``undecided`` result.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from derive.checks.steps import Options
from derive.core.evidence import Evidence, StepResult
from derive.core.model import Derivation, Kind, Step
from derive.entry.mutate.operators import OPERATORS
from derive.entry.mutate.tasks import Checked, CheckMutant, Listed, ListMutants
from derive.run.tasks import StepRef
from derive.run.worker import run_many

__all__ = ["OPERATORS", "CheckMutant", "ListMutants", "Mutant", "MutantResult", "MutationReport", "mutants", "mutate"]

UNBUILT = "building the mutants of this step"


@dataclass(frozen=True)
class Mutant:
    """One planted mistake, described rather than built: the ``ordinal``-th output of ``operator`` at ``step`` of
    the ``position``-th derivation of the run.

    ``expr`` is the mutated expression as text, filled in by the worker that rebuilt and checked it. A mutant with
    ``unbuilt`` set stands for all the mutants of a step that could not be listed, and says why.
    """

    step: Step
    position: int
    operator: str
    ordinal: int
    description: str
    expr: str = ""
    unbuilt: str = ""
    ref: StepRef | None = None  # where the step comes from, for a worker that cannot be sent it


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


def mutants(derivation: Derivation, options: Options | None = None, jobs: int = 1) -> list[Mutant]:
    """Every distinct mutant of every checked step, in step order, listed in budgeted workers. A step whose
    mutants cannot be listed within ``options.budget`` gives one ``Mutant`` with ``unbuilt`` saying why."""
    return _listing([derivation], options or Options(), jobs)


def _listing(derivations: list[Derivation], options: Options, jobs: int) -> list[Mutant]:
    places = [(n, s) for n, d in enumerate(derivations) for s in d.steps if s.kind is not Kind.ASSUME]
    refs = [StepRef.of(derivations[n], s) for n, s in places]
    out: list[Mutant] = []

    def on_result(index: int, result: StepResult) -> None:
        (position, step), ref = places[index], refs[index]
        if isinstance(result, Listed):
            out.extend(Mutant(step, position, op, ordinal, text, ref=ref) for op, ordinal, text in result.mutants)
        else:  # out of time, out of memory, or an error: reported, never skipped
            why = "ran out of time" if result.detail.startswith("time budget") else "failed"
            unbuilt = f"{UNBUILT} {why} ({result.detail})"
            out.append(Mutant(step, position, "", -1, "every mutant of this step (not built)", unbuilt=unbuilt))

    tasks = [ListMutants(s, derivations[n].context, ref) for (n, s), ref in zip(places, refs)]
    run_many(tasks, options.budget, jobs, on_result)
    return out


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
    listed = _listing(derivations, options, jobs)
    if sample is not None:
        listed = _sample(listed, sample, options.seed if seed is None else seed)
    tasks = [
        StepResult(Evidence.UNDECIDED, m.unbuilt)
        if m.unbuilt
        else CheckMutant(
            m.step, derivations[m.position].context, m.operator, m.ordinal, m.description, options.seed, m.ref
        )
        for m in listed
    ]

    def on_result(index: int, result: StepResult) -> None:
        m = listed[index]
        if isinstance(result, Checked):
            outcome = MutantResult(replace(m, expr=result.text), result.outcome, result.reason, result.inner)
        else:  # not built, or the worker ran out of time or died
            outcome = MutantResult(m, "undecided", result.detail, result)
        reports[m.position].results.append(outcome)
        if progress:
            progress(outcome)

    run_many(tasks, options.budget, jobs, on_result)
    return reports


def _sample(listed: list[Mutant], size: int, seed: int) -> list[Mutant]:
    """``size`` of the built mutants, drawn with ``seed``, in their order; the unbuilt ones are always kept."""
    built = [n for n, m in enumerate(listed) if not m.unbuilt]
    chosen = set(random.Random(seed).sample(built, min(size, len(built))))
    return [m for n, m in enumerate(listed) if m.unbuilt or n in chosen]
