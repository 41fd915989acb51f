"""derive: machine-checked derivations, written up as LaTeX, PDF and Markdown.

The names below are imported on first use (PEP 562), so that ``import derive`` (and the pytest plugin, which
every pytest run in an environment with derivekit loads) does not import SymPy until a derivation is built.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS = {
    "Context": "derive.model",
    "Counterexample": "derive.evidence",
    "Derivation": "derive.model",
    "Evidence": "derive.evidence",
    "Relation": "derive.model",
    "Step": "derive.model",
    "StepResult": "derive.evidence",
    "TraceEntry": "derive.evidence",
    "verify": "derive.checker",
}

__all__ = [  # noqa: F822 - the names are provided by __getattr__ below
    "Context",
    "Counterexample",
    "Derivation",
    "Evidence",
    "Relation",
    "Step",
    "StepResult",
    "TraceEntry",
    "__version__",
    "verify",
]

if TYPE_CHECKING:  # for type checkers and editors; at run time the names load lazily
    from derive.checker import verify
    from derive.evidence import Counterexample, Evidence, StepResult, TraceEntry
    from derive.model import Context, Derivation, Relation, Step


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'derive' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
