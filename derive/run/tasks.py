"""Tasks as data: what a worker process needs to check one step, in a form a fresh process can rebuild.

A task is a small frozen dataclass that is called in the worker (``task() -> StepResult``). Under ``fork`` the child
inherits it; under ``spawn`` and ``forkserver`` it is pickled, by value: the step, its context and the options
(SymPy expressions pickle). Two kinds of object need help, and :func:`dumps` gives it:

- classes made at run time by ``derive.notation`` (``conditional()``, ``softmax_of()``, ``quantity()``, ...), and
  classes that only carry data (a ``Function`` subclass with a printed name), defined in ``__main__``: SymPy
  expressions name their class, which a fresh process cannot look up. They are sent as *name, bases and
  attributes* and made again in the worker.
- functions and classes of a derivation module (a reference implementation, a ``Function`` subclass with methods):
  the loader imports such a module under a private name (``_derive_user_<stem>_<hash>``); the task carries the
  file, and the worker imports it again under that same name before rebuilding the task.

What cannot be rebuilt is refused here, in the parent (a ``PicklingError`` naming it): a function or a class with
methods defined in ``__main__`` (a notebook cell, a script run as ``python x.py``). A step task then falls back to
:class:`ReloadedStep` (the derivation module imported again by path, the step found by name, and refused when it
is no longer the step that was asked for); what has no module falls back to ``fork`` when the process is
single-threaded, and is otherwise reported ``undecided`` with the reason (derive.run.worker).
"""

from __future__ import annotations

import copyreg
import io
import pickle
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

from derive.checks.relations import verify_inequality, verify_witness
from derive.checks.steps import Options, check_assumption, check_example, verify_claim, why_not_proved
from derive.core.context import Context
from derive.core.evidence import Evidence, StepResult
from derive.core.model import Derivation, Kind, Relation, Step

LEMMA_SHARE = 0.5  # of a relation step's budget, for the named-inequality search (the rest: refutation, sampling)
USER_PREFIX = "_derive_user_"  # the loader's private module names (derive.run.loader.load_module)
#: What SymPy's metaclass computes for a class itself: not sent, made again with the class.
_COMPUTED = {"__module__", "__doc__", "__dict__", "__weakref__", "__qualname__"}
_COMPUTED |= {"_explicit_class_assumptions", "default_assumptions", "_prop_handler", "_nargs"}


# -- the tasks -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StepRef:
    """Which step of which derivation module: ``derivation`` (its name) in the file ``source``, step ``step``
    (its position). A worker resolves it by importing the file again."""

    source: str
    derivation: str
    step: int

    def resolve(self) -> tuple[Derivation, Step]:
        from derive.run.loader import load_module

        if self.source:
            loaded = load_module(Path(self.source))
            for d in loaded.derivations:
                if d.name == self.derivation:
                    return d, d.steps[self.step]
            if loaded.error is not None:
                raise LookupError(str(loaded.error))
        raise LookupError(f"derivation {self.derivation!r} is not in {self.source or 'a module'}")

    @classmethod
    def of(cls, derivation: Derivation, step: Step) -> StepRef | None:
        """The reference to ``step``, or None for a derivation not loaded from a file (a notebook's, a test's)."""
        if not derivation.source:
            return None
        return cls(derivation.source, derivation.name, next(n for n, s in enumerate(derivation.steps) if s is step))


@dataclass(frozen=True)
class StepTask:
    """Check one step of a derivation in ``context`` (the kind of check follows from the step)."""

    step: Step
    context: Context
    options: Options
    ref: StepRef | None = None  # where the step comes from, for a worker that cannot be sent the step itself
    cited: tuple = ()  # the conclusions the step cites (derive.engine.citation.Cited: data, sent by value)

    def __call__(self) -> StepResult:
        step, ctx, options = self.step, self.context, self.options
        hints = step.hints + self.cited
        if step.kind is Kind.ASSUME:
            return check_assumption(ctx, step)
        if step.kind is Kind.REFERENCE:
            from derive.checks.code import check_reference

            return check_reference(step.reference, step.expr, ctx, options.seed, options.replay)
        if step.relation is Relation.NE:
            return verify_witness(step.claim_lhs, step.expr, dict(step.values), ctx)
        if step.relation is not Relation.EQ:
            share = LEMMA_SHARE * options.budget
            return verify_inequality(step.claim_lhs, step.expr, step.relation, ctx, options.seed, hints, share)
        if step.kind is Kind.EXAMPLE:
            return check_example(ctx, step, options)
        return verify_claim(step.claim_lhs, step.expr, ctx, hints, options)

    def by_reference(self) -> ReloadedStep | None:
        """The same check as a module path and names, for when the step itself cannot be pickled."""
        if self.ref is None:
            return None
        return ReloadedStep(self.ref, self.options, _identity(self.context, self.step), self.cited)


@dataclass(frozen=True)
class ReloadedStep:
    """Check a step found by importing its derivation module again; ``identity`` is the step as the parent saw
    it, so a module edited in between is refused instead of checked (its result would be cached under the old
    step's key)."""

    ref: StepRef
    options: Options
    identity: str
    cited: tuple = ()

    def __call__(self) -> StepResult:
        derivation, step = self.ref.resolve()
        if _identity(derivation.context, step) != self.identity:
            return StepResult(Evidence.UNDECIDED, f"{self.ref.source} changed while it was being checked")
        return StepTask(step, derivation.context, self.options, cited=self.cited)()


@dataclass(frozen=True)
class ClaimTask:
    """Check ``lhs = rhs`` in ``context`` (``derive.verify``)."""

    lhs: object
    rhs: object
    context: Context
    hints: tuple[str, ...]
    options: Options

    def __call__(self) -> StepResult:
        return verify_claim(self.lhs, self.rhs, self.context, self.hints, self.options)


@dataclass(frozen=True)
class ExplainTask:
    """Why ``lhs = rhs`` is not proved, worked out in about ``seconds``: for a step whose check ran out of its budget
    (its worker was killed with what it knew). The result carries only ``why_not``."""

    lhs: object
    rhs: object
    context: Context
    hints: tuple[str, ...]
    seconds: float

    def __call__(self) -> StepResult:
        lines = why_not_proved(self.lhs, self.rhs, self.context, self.hints, self.seconds)
        return StepResult(Evidence.UNDECIDED, "explanation", why_not=lines)


def _identity(ctx: Context, step: Step) -> str:
    from derive.run.cache import step_key

    return step_key(ctx, step, 0)


# -- sending a task to a fresh process -------------------------------------------------------------------------
class _Pickler(pickle.Pickler):
    """A pickler that sends run-time classes by value and notes the derivation modules the task needs."""

    def __init__(self, file) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.sources: dict[str, str] = {}

    def reducer_override(self, obj):
        # NOTE: SymPy pickles an expression as its class and arguments, and unpickling calls the class again, which
        # evaluates: 1/2·1 + 1/4·2 written unevaluated (a worked example's arithmetic) would arrive as 7/4, and
        # 7**(3*10**8) unevaluated would be computed. Sums, products, powers and function applications (log(1/2, 2))
        # are put back as they were.
        if isinstance(obj, (sp.Add, sp.Mul)):
            return _assoc, (type(obj), obj.args)
        if isinstance(obj, sp.Pow):
            return _power, obj.args
        if isinstance(obj, sp.Function) and obj.args:
            return _applied, (obj.func, obj.args)
        if not isinstance(obj, (type, types.FunctionType)) or type(obj) in copyreg.dispatch_table:
            return NotImplemented  # not a class or function, or one with its own reducer (SymPy's Function("f"))
        module = getattr(obj, "__module__", "") or ""
        if module.startswith(USER_PREFIX) and module in sys.modules:
            self.sources[module] = getattr(sys.modules[module], "__file__", "") or ""
        if _findable(obj) and module != "__main__":
            return NotImplemented
        if isinstance(obj, type):
            attrs = _data_attributes(obj)
            if attrs is not None:
                return _remake, (obj.__name__, obj.__bases__, attrs, module)
        kind = "class" if isinstance(obj, type) else "function"
        raise pickle.PicklingError(
            f"the {kind} {obj.__qualname__} (defined in {module or 'no module'}) cannot be made again in a fresh "
            "process; define it in a module"
        )


def _findable(obj) -> bool:
    """Whether ``obj`` is what its module and qualified name lead to (pickle's test for sending it by name)."""
    found = sys.modules.get(getattr(obj, "__module__", "") or "")
    for part in getattr(obj, "__qualname__", "").split("."):
        found = getattr(found, part, None)
    return found is obj


def _data_attributes(cls: type) -> dict | None:
    """The attributes ``cls`` adds to its bases when they are all data (no functions), else None."""
    attrs = {k: v for k, v in vars(cls).items() if k not in _COMPUTED}
    if any(isinstance(v, (types.FunctionType, staticmethod, classmethod, property)) for v in attrs.values()):
        return None
    if not all(_findable(b) for b in cls.__bases__):
        return None
    return attrs


def _assoc(cls: type, args: tuple) -> sp.Expr:
    return cls._from_args(args)


def _power(base: sp.Expr, exp: sp.Expr) -> sp.Expr:
    return sp.Pow(base, exp, evaluate=False)


def _applied(func, args: tuple) -> sp.Expr:
    try:
        return func(*args, evaluate=False)
    except TypeError:  # a function class that takes no evaluate=
        return func(*args)


def _remake(name: str, bases: tuple, attrs: dict, module: str) -> type:
    return type(name, bases, {**attrs, "__module__": module})


class _Unpickler(pickle.Unpickler):
    """Imports a derivation module again (by its file, under the loader's name) before taking names from it."""

    def __init__(self, file, sources: dict[str, str]) -> None:
        super().__init__(file)
        self.sources = sources

    def find_class(self, module: str, name: str):
        if module not in sys.modules and module in self.sources:
            from derive.run.loader import load_module

            loaded = load_module(Path(self.sources[module]))
            if loaded.error is not None:
                raise ImportError(str(loaded.error))
        return super().find_class(module, name)


def dumps(task) -> bytes:
    """``task`` as bytes that :func:`loads` rebuilds in a fresh process; ``PicklingError`` (or the error pickle
    raised) when something in it cannot be rebuilt there."""
    buffer = io.BytesIO()
    pickler = _Pickler(buffer)
    pickler.dump(task)
    # NOTE: SymPy numbers its Dummy symbols from a random base plus a process-wide counter, and a trace records
    # them; a forked child starts from the parent's, so the task carries both and a fresh interpreter numbers alike.
    dummies = (sp.Dummy._base_dummy_index, sp.Dummy._count)
    identity = _identity(task.context, task.step) if isinstance(task, StepTask) else ""
    envelope = (pickler.sources, buffer.getvalue(), dummies, identity)
    return pickle.dumps(envelope, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes):
    """The task :func:`dumps` sent, with SymPy's Dummy numbering where the sender's was."""
    sources, payload, dummies, identity = pickle.loads(data)
    task = _Unpickler(io.BytesIO(payload), sources).load()
    sp.Dummy._base_dummy_index, sp.Dummy._count = dummies
    # NOTE: a class sent by name is imported again here, from the module as it is now: a class attribute the parent
    # changed at run time, or a module edited since, would make this a different step from the one the parent keyed
    # (and will cache). The step's key, computed again, must be the parent's.
    if identity and _identity(task.context, task.step) != identity:
        return Mismatch(task.ref.source if task.ref else "the derivation module")
    return task


@dataclass(frozen=True)
class Mismatch:
    """A task rebuilt in a worker that is not the step the parent keyed: ``undecided``, never checked."""

    source: str

    def __call__(self) -> StepResult:
        return StepResult(
            Evidence.UNDECIDED,
            f"the step rebuilt in a fresh worker differs from the one in this process (a class changed at run time, "
            f"or {self.source} changed while it was checked); define classes in a module without changing them later",
        )
