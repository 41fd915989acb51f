"""derive: machine-checked derivations, written up as LaTeX, PDF and Markdown.

The names below are imported on first use (PEP 562), so that ``import derive`` (and the pytest plugin, which
every pytest run in an environment with derivekit loads) does not import SymPy until a derivation is built.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING

from derive.core import hooks as _hooks
from derive.core.version import VERSION as __version__

_EXPORTS = {
    "Context": "derive.core.context",
    "Counterexample": "derive.core.evidence",
    "Derivation": "derive.core.model",
    "E": "derive.core.expectation",
    "Evidence": "derive.core.evidence",
    "Normal": "derive.core.expectation",
    "Relation": "derive.core.model",
    "Step": "derive.core.model",
    "StepResult": "derive.core.evidence",
    "TraceEntry": "derive.core.evidence",
    "normal_pdf": "derive.core.expectation",
    "verify": "derive.run.check",
}

__all__ = [  # noqa: F822 - the names are provided by __getattr__ below
    "Context",
    "Counterexample",
    "Derivation",
    "E",
    "Evidence",
    "Normal",
    "Relation",
    "Step",
    "StepResult",
    "TraceEntry",
    "__version__",
    "normal_pdf",
    "verify",
]

if TYPE_CHECKING:  # for type checkers and editors; at run time the names load lazily
    from derive.core.context import Context
    from derive.core.evidence import Counterexample, Evidence, StepResult, TraceEntry
    from derive.core.expectation import E, Normal, normal_pdf
    from derive.core.model import Derivation, Relation, Step
    from derive.run.check import verify


# -- what the model needs from the layers above it (derive.core.hooks), each imported on its first call ----------
def _rule_names():
    from derive.engine.inequalities import LEMMAS
    from derive.engine.rules import RULES

    return {**RULES, **LEMMAS}


def _index_problem(var, lo, hi, ctx) -> str:
    from derive.checks.wellformed import index_assumptions

    return index_assumptions(var, lo, hi, ctx)


def _reference(function, args, formula, ctx):
    from derive.checks.code import Reference, validate

    ref = Reference(function, args)
    validate(ref, formula, ctx)
    return ref


def _check(derivation, **options):
    from derive.entry.notebook import check

    return check(derivation, **options)


_hooks.provide("rule_names", _rule_names)
_hooks.provide("index_problem", _index_problem)
_hooks.provide("reference", _reference)
_hooks.provide("check", _check)


# -- Jupyter: %load_ext derive, and the same on import inside a running IPython ----------------------------------
def load_ipython_extension(ipython) -> None:
    """``%load_ext derive``: derivations display as their write-ups (IPython's formatter registry), and the
    ``%%derive`` cell magic checks the derivations a cell builds."""
    from derive.entry.notebook_magic import load_ipython_extension as load

    load(ipython)


#: IPython's formatter for each kind of output, and the function of derive.entry.notebook that formats a Derivation
_DISPLAYS = {"text/markdown": "derivation_markdown", "text/latex": "derivation_latex", "text/plain": "_pretty"}


def _display(function: str):
    """The notebook's ``function``, imported when a derivation is first shown."""

    def show(*args):
        from derive.entry import notebook

        return getattr(notebook, function)(*args)

    return show


def _derive_cell_magic(line: str, cell: str):
    """``%%derive [NAME] [--budget SECONDS] [--seed N] [--no-cache] [--strict]``: run the cell, then check and
    display every derivation it built; a refuted step fails the cell (``%load_ext derive`` for the full help)."""
    __tracebackhide__ = True  # noqa: F841 - IPython leaves this frame out of a traceback from the cell's code
    from derive.entry.notebook_magic import derive

    return derive(line, cell)


def _register_if_in_ipython() -> None:
    """Inside a running IPython (a notebook), register the displays by class name and the ``%%derive`` magic by
    a stand-in: nothing heavy is imported until a derivation is shown or the magic runs, and ``import derive`` is
    enough (no ``%load_ext`` needed)."""
    ipython_module = sys.modules.get("IPython")
    shell = ipython_module.get_ipython() if ipython_module is not None else None
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    for kind, function in _DISPLAYS.items():
        formatters[kind].for_type_by_name("derive.core.model", "Derivation", _display(function))
    shell.register_magic_function(_derive_cell_magic, magic_kind="cell", magic_name="derive")


_register_if_in_ipython()


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'derive' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
