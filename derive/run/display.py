"""The expressions of a derivation as its author wrote them, for the write-ups only.

SymPy sorts the arguments of ``Add`` and ``Mul`` when it builds them, so the checked expressions have lost the
author's order: ``(y_n - f_n)**2`` is stored as ``(-f_n + y_n)**2``. The checked expressions stay exactly as they
are (the checker never sees anything built here). :func:`shown` obtains *display forms* separately: it executes the
derivation's module a second time under ``sympy.core.parameters.evaluate(False)``, as a throw-away module, and
matches its derivations by name and their steps by name.

A display form is used only when :func:`rebuild`, which evaluates it again bottom-up, gives an expression
structurally equal (``==``) to the checked one, and it names no symbol, function or number the checked expression
lacks (``k*x - x*k`` with a random ``k`` is checked as ``0``: its ``k`` was never seen); otherwise the checked
expression is shown. A class the second run made anew (a factory's, one defined in the module) counts as the checked
class of the same definition only when exactly one checked class has that definition, and the form handed out is
printed with the checked classes (a helper that numbers its constants by a counter makes ``c_2`` in the second run
where the checker saw ``c_1``: ``c_1`` is printed). So what a write-up shows is, once evaluated, exactly what was
checked. A derivation without a source file (a notebook's, the ``derive.verify`` API's) and a module that fails under
``evaluate(False)`` show their checked forms.

The second run executes the module's top level again: its prints are silenced, ``Derivation.check`` does nothing
(returns None) during it, and it gets :data:`DISPLAY_TIMEOUT` seconds (module-level ``expand``/``simplify`` can be
slow or endless without evaluation); past that, the module's forms are shown as checked and a note on stderr says
so, once per module. Side effects of the module (files it writes, data it fetches) happen twice per build.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import importlib
import importlib.util
import io
import itertools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sympy as sp
from sympy.core.parameters import evaluate

from derive.core import hooks
from derive.core.model import Derivation, Step
from derive.run.display_check import Vocabulary, as_checked, faithful, rebuild
from derive.run.loader import _deadline, _ImportTimeout, display_path

# NOTE: libraries import submodules lazily; one imported during the throw-away run stays (dropping it would give a
# second copy of its classes). A new module of any other package is dropped: it was built without evaluation.
_LIBRARIES = ("sympy", "mpmath", "numpy", "latexify")

# NOTE: the second run only changes how the write-ups look: a third of the first run's import limit.
DISPLAY_TIMEOUT = 10.0

__all__ = ["DISPLAY_TIMEOUT", "Shown", "StepForms", "Vocabulary", "as_checked", "faithful", "rebuild", "shown"]


@dataclass(frozen=True)
class StepForms:
    """What a step shows: its right side, its left side, an example's evaluated line and values."""

    expr: sp.Basic
    lhs: sp.Basic
    claim_lhs: sp.Basic
    values: tuple[tuple[sp.Basic, sp.Basic], ...]


@dataclass(frozen=True)
class Shown:
    """The display forms of one derivation (each the checked expression where no faithful display form exists).

    ``fallbacks`` names every line whose display form is missing or does not rebuild to the checked expression
    (``"start"``, ``"subject"``, ``"<step>.expr"``, ``"<step>.lhs"``, ...); empty when every line is as written.
    """

    start: sp.Basic
    subject: sp.Basic
    steps: dict[str, StepForms] = field(default_factory=dict)
    fallbacks: tuple[str, ...] = ()
    written: bool = False  # True when the module ran again and gave this derivation
    definitions: dict[str, tuple[sp.Basic, sp.Basic]] = field(default_factory=dict)  # by name: (lhs, rhs)

    def definition(self, definition) -> tuple[sp.Basic, sp.Basic]:
        """``(lhs, rhs)`` of one of the context's definitions, as written where faithful (for a list of them)."""
        return self.definitions.get(definition.name) or (definition.lhs, definition.rhs)

    def step(self, step: Step) -> StepForms:
        """The forms of ``step`` (its checked ones when it has none)."""
        return self.steps.get(step.name) or StepForms(step.expr, step.lhs, step.claim_lhs, step.values)


def shown(derivation: Derivation) -> Shown:
    """The display forms of ``derivation``: as written where they rebuild to what was checked, else as checked.

    Remembered for the derivation as it is (its expressions and steps, its module's file) in this process, since
    every format of a build asks again."""
    written = _written(derivation.source, derivation.context) if derivation.source else {}
    key = (derivation.name, id(derivation.start), id(derivation.subject), tuple(map(id, derivation.steps)))
    remembered = _SHOWN.get(id(derivation))
    if remembered and remembered[1] == key and remembered[2] is written:
        return remembered[3]
    forms = _shown(derivation, written.get(derivation.name))
    _SHOWN[id(derivation)] = (derivation, key, written, forms)  # the derivation kept, so that its id stays its own
    return forms


def _shown(derivation: Derivation, written: Derivation | None) -> Shown:
    fallbacks: list[str] = []
    ctx = derivation.context
    vocabulary = Vocabulary(
        derivation.start,
        derivation.subject,
        *[e for d in ctx.definitions for e in (d.lhs, d.rhs)],
        *[e for s in derivation.steps for e in (s.expr, s.lhs, s.claim_lhs, *(x for p in s.values for x in p))],
    )

    def choose(what: str, checked, display):
        form = as_checked(display, checked, vocabulary) if display is not None else None
        if form is not None:
            return form
        fallbacks.append(what)
        return checked

    start = choose("start", derivation.start, written.start if written else None)
    subject = choose("subject", derivation.subject, written.subject if written else None)
    steps = {}
    twins = {s.name: s for s in written.steps} if written else {}
    for step in derivation.steps:
        twin = twins.get(step.name)
        pairs = list(zip(step.values, twin.values, strict=False)) if twin else []
        if twin and len(pairs) == len(step.values):
            values = tuple(
                (choose(f"{step.name}.values", k, dk), choose(f"{step.name}.values", v, dv))
                for (k, v), (dk, dv) in pairs
            )
        else:
            values = step.values
            if step.values:
                fallbacks.append(f"{step.name}.values")
        steps[step.name] = StepForms(
            choose(f"{step.name}.expr", step.expr, twin.expr if twin else None),
            choose(f"{step.name}.lhs", step.lhs, twin.lhs if twin else None),
            choose(f"{step.name}.claim_lhs", step.claim_lhs, twin.claim_lhs if twin else None),
            values,
        )
    definitions = {}
    twins = {t.name: t for t in written.context.definitions} if written else {}
    for d in derivation.context.definitions:
        twin = twins.get(d.name)
        lhs = choose(f"definition {d.name}", d.lhs, twin.lhs if twin else None)
        definitions[d.name] = (lhs, choose(f"definition {d.name}", d.rhs, twin.rhs if twin else None))
    return Shown(start, subject, steps, tuple(dict.fromkeys(fallbacks)), written is not None, definitions)


# -- the second run ----------------------------------------------------------------------------------------------
_CACHE: dict[str, tuple[tuple[int, int], dict[str, Derivation]]] = {}
_SHOWN: dict[int, tuple[Derivation, tuple, dict, Shown]] = {}
_RUNS = itertools.count()


def _written(source: str, context: object = None) -> dict[str, Derivation]:
    """The derivations of the module at ``source`` built under ``evaluate(False)``, by name (cached by the file's
    size and modification time); empty when the module cannot run so."""
    path = Path(source)
    try:
        stat = path.stat()
    except OSError:
        return {}
    stamp = (stat.st_size, stat.st_mtime_ns)
    cached = _CACHE.get(str(path))
    if cached is None or cached[0] != stamp:
        try:
            cached = (stamp, _run_unevaluated(path, context))
        except Exception:  # noqa: BLE001 - never an error of the write-ups: they show the checked forms
            cached = (stamp, {})
        _CACHE[str(path)] = cached
    return cached[1]


def _run_unevaluated(path: Path, context: object = None) -> dict[str, Derivation]:
    """Execute the module at ``path`` as a new, throw-away module with evaluation off; its derivations by name.

    The contexts of the checked derivations (``context`` and every loaded one's) are restored after the run: a
    context shared through a helper module is not made anew by it, and what the run declares on it (unevaluated
    bounds, a note twice) must not reach the checked derivation's assumptions."""
    _import_dependencies(path)  # with evaluation on, so that no module the user's imports is built without it
    _import_services()
    name = f"_derive_display_{path.stem}_{next(_RUNS)}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        return {}
    module = importlib.util.module_from_spec(spec)
    before = set(sys.modules)
    sys.modules[name] = module
    quiet = io.StringIO()
    try:
        with (
            contextlib.redirect_stdout(quiet),
            contextlib.redirect_stderr(quiet),
            _unchecked_references(),
            _kept(context),
        ):
            with _deadline(DISPLAY_TIMEOUT), evaluate(False):
                spec.loader.exec_module(module)
    except _ImportTimeout:
        print(
            f"derive: note: {display_path(path)}: shown as checked (SymPy's order), its second run without evaluation"
            f" took over {DISPLAY_TIMEOUT:g} s",
            file=sys.stderr,
        )
        return {}
    except (Exception, SystemExit):  # noqa: BLE001 - the write-ups then show the checked forms
        pass
    finally:
        for new in set(sys.modules) - before:
            if new == name or not new.startswith(_LIBRARIES):
                sys.modules.pop(new, None)
    found: dict[str, Derivation] = {}
    for value in list(vars(module).values()):
        if isinstance(value, Derivation) and value.name not in found:
            found[value.name] = value
    return found


@contextlib.contextmanager
def _kept(context: object = None):
    """Restore, after the block, the state of every checked derivation's context (containers copied: a context's
    declarations replace entries, never change one in place)."""
    from derive.run.loader import LOADED

    contexts = {id(d.context): d.context for found in LOADED.values() for d in found}
    if context is not None:
        contexts[id(context)] = context
    saved = {key: {name: copy.copy(value) for name, value in vars(c).items()} for key, c in contexts.items()}
    try:
        yield
    finally:
        for key, c in contexts.items():
            vars(c).clear()
            vars(c).update(saved[key])


def _import_dependencies(path: Path) -> None:
    """Import what the module at ``path`` imports at its top level, as the loader's run already did (a no-op
    then); a module that cannot be imported is left to the run itself."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return
    for node in tree.body:
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for module in names:
            try:
                importlib.import_module(module)
            except Exception:  # noqa: BLE001, S112 - the module's own run reports nothing here either
                continue


def _import_services() -> None:
    """Import, with evaluation on, what building a derivation imports on its first use (the rule registry, the
    checks of indices and of code): built under ``evaluate(False)``, their patterns would be wrong for the checker
    too, and dropping them after the run would leave two copies of their classes."""
    hooks.call("rule_names")
    importlib.import_module("derive.checks.wellformed")
    importlib.import_module("derive.checks.code")


class _unchecked_references:
    """While the module runs again, ``reference(...)`` records its function without validating it, and
    ``Derivation.check`` does nothing (returns None): the checks are the checker's (they ran on the checked
    derivation), and they cannot run without evaluation (a module-level ``d.check()``, a notebook habit, would
    otherwise check everything again with evaluation off)."""

    def __enter__(self) -> None:
        self.previous: dict[str, Callable | None] = {h: hooks._PROVIDERS.get(h) for h in ("reference", "check")}

        def record(function, args, formula, ctx):
            from derive.checks.code import Reference

            return Reference(function, tuple(args))

        hooks.provide("reference", record)
        hooks.provide("check", lambda *args, **kwargs: None)

    def __exit__(self, *exc) -> None:
        for hook, previous in self.previous.items():
            if previous is not None:
                hooks.provide(hook, previous)
            else:
                hooks._PROVIDERS.pop(hook, None)
