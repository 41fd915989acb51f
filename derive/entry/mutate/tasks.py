"""The tasks of ``derive mutate`` as data that a fresh worker process can rebuild (derive.run.tasks).

Building a mutant can itself be expensive (an exponent plus one of ``7**(3*10**8)`` evaluates the power), so no
mutant is built in the calling process: a mutant is *described* (which step, which operator, which output of it),
first listed per step (:class:`ListMutants`) and then rebuilt and classified (:class:`CheckMutant`), each in a
budgeted worker. A task carries the step and its context, which are pickled under ``spawn`` and ``forkserver``;
where they cannot be (a class with methods defined in ``__main__``), :meth:`by_reference` gives the same task
with only the step's place (module file, derivation, position), and the worker imports the module again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sympy as sp

from derive.core.context import Context
from derive.core.evidence import Evidence, StepResult
from derive.core.model import Step
from derive.entry.mutate.guard import classify
from derive.entry.mutate.operators import outputs, rebuild
from derive.run.tasks import StepRef


@dataclass
class Listed(StepResult):
    """A step's mutants as ``(operator, ordinal, description)``: plain data back from the worker."""

    mutants: tuple[tuple[str, int, str], ...] = ()


@dataclass
class Checked(StepResult):
    """A mutant's outcome as plain strings, with the engine's evidence: the mutant itself may hold SymPy objects of
    classes made at run time (p(· | θ)), which the worker's result pipe cannot pickle, so it never leaves the
    worker."""

    outcome: str = ""
    reason: str = ""
    inner: StepResult | None = None
    text: str = ""


class _ByReference:
    """What the two tasks share: the step itself, or its place in a module when it cannot be sent."""

    step: Step | None
    context: Context | None
    ref: StepRef | None

    def resolve(self) -> tuple[Step, Context]:
        if self.step is not None and self.context is not None:
            return self.step, self.context
        if self.ref is None:
            raise LookupError("the task carries neither the step nor where it comes from")
        derivation, step = self.ref.resolve()
        return step, derivation.context

    def by_reference(self):
        """This task without the step and context, which the worker finds again from ``ref``; None without it."""
        return replace(self, step=None, context=None) if self.ref is not None else None


@dataclass(frozen=True)
class ListMutants(_ByReference):
    """Task: list the distinct mutants of one step (building each, to drop duplicates) without checking them."""

    step: Step | None
    context: Context | None
    ref: StepRef | None = None

    def __call__(self) -> StepResult:
        step, ctx = self.resolve()
        found = tuple((op, ordinal, text) for op, ordinal, text, _ in outputs(step, ctx))
        return Listed(Evidence.UNDECIDED, "listed", mutants=found)


@dataclass(frozen=True)
class CheckMutant(_ByReference):
    """Task: rebuild the ``ordinal``-th output of ``operator`` at the step and classify it."""

    step: Step | None
    context: Context | None
    operator: str
    ordinal: int
    description: str
    seed: int = 0
    ref: StepRef | None = None

    def __call__(self) -> StepResult:
        step, ctx = self.resolve()
        built = rebuild(self.operator, self.ordinal, step, ctx)
        if built is None or built[0] != self.description:
            reason = "the mutant could not be rebuilt from its description"
            return Checked(Evidence.UNDECIDED, outcome="undecided", reason=reason)
        outcome, reason, result = classify(ctx, step, built[1], self.seed)
        return Checked(Evidence.UNDECIDED, outcome=outcome, reason=reason, inner=result, text=_text(built[1]))


def _text(expr: sp.Expr) -> str:
    try:
        return sp.sstr(expr)
    except ValueError:  # an integer beyond Python's limit on digits to print
        return "(too large to print)"
