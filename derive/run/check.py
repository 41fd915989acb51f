"""Check derivations: one task per step, run in budgeted workers, with results from and into the cache.

What a step's evidence is comes from ``derive.checks.steps``; this module decides where it is computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import sympy as sp

from derive.checks.steps import DEFAULT_BUDGET, Options
from derive.core.context import Context
from derive.core.evidence import Evidence, StepResult, replay_command
from derive.core.model import Derivation, Kind, Relation, Step
from derive.run.cache import Cache, step_key
from derive.run.citations import capped, fingerprints, plan, standing
from derive.run.tasks import ClaimTask, ExplainTask, StepRef, StepTask
from derive.run.worker import Task, run_isolated, run_many, unlimited


@dataclass
class DerivationReport:
    derivation: Derivation
    results: list[StepResult] = field(default_factory=list)
    path: str = ""

    @property
    def passed(self) -> bool:
        return all(r.evidence.satisfies(s.allow) for s, r in zip(self.derivation.steps, self.results))

    def to_json(self) -> dict:
        return {
            "name": self.derivation.name,
            "title": self.derivation.title,
            "path": self.path,
            "passed": self.passed,
            "steps": [
                {
                    "index": n,
                    "name": s.name,
                    "kind": s.kind.value,
                    "relation": s.relation.value,
                    "justification": s.because,
                    "allow": s.allow.value,
                    "passed": r.evidence.satisfies(s.allow),
                    "location": s.where,
                    **({"citations": list(s.citations)} if s.citations else {}),
                    **r.to_json(),
                }
                for n, (s, r) in enumerate(
                    zip(self.derivation.steps, self.results), start=getattr(self.derivation, "first_index", 1)
                )
            ],
        }


# -- steps and derivations -------------------------------------------------------------------------------------
def step_task(derivation: Derivation, step: Step, options: Options, cited: tuple = ()) -> StepTask:
    """What checking ``step`` takes, as data a worker process can rebuild (derive.run.tasks); ``cited`` are the
    conclusions it cites (derive.run.citations)."""
    return StepTask(step, derivation.context, options, StepRef.of(derivation, step), cited)


def step_budget(step: Step, options: Options) -> float:
    """The seconds ``step``'s check may take: its own ``budget=`` (the author knows it is slow), else the run's
    (``--budget``, else ``[tool.derive] budget``, else derive's default). A run without a limit (a budget of 0,
    for debugging) stays without one."""
    if step.budget is None or unlimited(options.budget):
        return options.budget
    return step.budget


def check_step(derivation: Derivation, step: Step, options: Options | None = None) -> StepResult:
    """The evidence for one step, computed in a killable worker under its budget (:func:`step_budget`)."""
    options = options or Options()
    budget = step_budget(step, options)
    opts = Options(budget, options.seed, options.replay)
    if step.citations:  # what it cites is checked in full first, and caps it: the step alone is no proof
        (report,) = check_derivations([(replace(derivation, steps=[step]), "")], options)
        return report.results[0]
    return run_many([step_task(derivation, step, opts)], options.budget, budgets=[budget])[0]


def check_derivations(
    items: list[tuple[Derivation, str]],
    options: Options | None = None,
    *,
    jobs: int = 1,
    cache: Cache | None = None,
    progress: Callable[[DerivationReport, Step, StepResult], None] | None = None,
    library: list[Derivation] = (),
) -> list[DerivationReport]:
    """Check every step of every derivation, ``jobs`` steps at a time, reusing ``cache`` where it has a result.

    What the derivations cite is checked too, each before what cites it (derive.run.citations; ``library`` holds
    the run's other derivations, for citations by name), and a citing step's evidence is at most theirs. Results,
    and ``progress(report, step, result)`` calls, come in that order whatever ``jobs`` is; the reports returned are
    those of ``items``, in their order. Raises ``CitationError`` on a citation that cannot be resolved.
    """
    options = options or Options()
    planned = plan(items, library)
    reports = [DerivationReport(d, path=path) for d, path in planned.items]
    by_id = {id(r.derivation): r for r in reports}  # standing is read from the very derivation cited
    prints = fingerprints(planned, step_key, options.seed) if cache and planned.cited else {}
    tasks: list[Task] = []
    budgets: list[float] = []
    slots: list[tuple[DerivationReport, Step, str]] = []
    for report in reports:
        for step in report.derivation.steps:
            budget = step_budget(step, options)
            opts = Options(budget, options.seed, replay=replay_command(report.path or step.file, step.name))
            cited = tuple(prints.get(n, n) for n in step.citations)
            key = step_key(report.derivation.context, step, options.seed, cited) if cache else ""
            # a verdict answers this check only under the budget it was reached under (derive.run.cache.reusable)
            hit = cache.get(key, _limit(budget)) if cache else None
            if hit is not None and hit.counterexample is not None:  # the key has no path: replay names this one
                hit = replace(hit, counterexample=replace(hit.counterexample, replay=opts.replay))
            tasks.append(hit or step_task(report.derivation, step, opts, planned.of(step)))
            budgets.append(budget)
            slots.append((report, step, key))

    def on_result(index: int, result: StepResult) -> None:
        report, step, key = slots[index]
        result = _explained(report.derivation, step, result)
        if cache and not result.cached:
            cache.put(key, result, _limit(budgets[index]))  # its own verdict: what it cites is weighed below
        if step.citations:  # every derivation it cites came earlier in the run, and has all its results
            cited = {n: by_id[id(planned.sources[n])] for n in step.citations}
            result = capped(
                result, {n: standing(r.derivation.steps, r.results, r.derivation.context) for n, r in cited.items()}
            )
        report.results.append(result)
        if progress:
            progress(report, step, result)

    run_many(tasks, options.budget, jobs, on_result, budgets=budgets)
    asked = {id(d) for d, _ in items}
    return [r for r in reports if id(r.derivation) in asked]


EXPLAIN_SECONDS = 2.0  # for the explanation of a step that ran out of its budget


def _explained(derivation: Derivation, step: Step, result: StepResult) -> StepResult:
    """``result`` with why the step was not proved, for an equation step whose worker ran out of its budget before
    it could say: a short second worker works it out (the first one was killed with what it knew)."""
    timed_out = result.evidence is Evidence.UNDECIDED and "time budget" in result.detail and not result.why_not
    if not timed_out or step.kind is not Kind.STEP or step.relation is not Relation.EQ:
        return result
    task = ExplainTask(step.claim_lhs, step.expr, derivation.context, step.hints, EXPLAIN_SECONDS)
    why = run_isolated(task, EXPLAIN_SECONDS * 2).why_not
    return replace(result, why_not=why) if why else result


def _limit(budget: float) -> float | None:
    """A budget as the cache keeps it: None for a run without a limit."""
    return None if unlimited(budget) else budget


def check_derivation(derivation: Derivation, options: Options | None = None, path: str = "") -> DerivationReport:
    """Check every step of one derivation, in order, without a cache."""
    return check_derivations([(derivation, path)], options)[0]


def verify(
    lhs: sp.Expr, rhs: sp.Expr, context: Context | None = None, *, by=(), budget: float = DEFAULT_BUDGET, seed: int = 0
) -> StepResult:
    """The evidence for a single identity ``lhs = rhs``, as for a derivation step (for notebooks and tests).

    Symbols carry their SymPy assumptions (``Symbol("a", positive=True)``); ``context`` adds sizes, data ranges,
    families and definitions.
    """
    ctx = context or Context()
    hints = (by,) if isinstance(by, str) else tuple(by)
    # NOTE: no sympify: text is never parsed (it could come from anywhere); numbers become SymPy integers.
    lhs, rhs = (_as_expr(e, name) for e, name in ((lhs, "lhs"), (rhs, "rhs")))
    return run_isolated(ClaimTask(lhs, rhs, ctx, hints, Options(budget, seed)), budget)


def _as_expr(e, name: str) -> sp.Expr:
    if isinstance(e, sp.Expr):
        return e
    if isinstance(e, int) and not isinstance(e, bool):
        return sp.Integer(e)
    raise TypeError(f"verify: {name} must be a SymPy expression, not {type(e).__name__} (text is never parsed)")
