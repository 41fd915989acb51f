"""derive: machine-checked derivations, written up as LaTeX, PDF and Markdown.

The names below are imported on first use (PEP 562), so that ``import derive`` (and the pytest plugin, which
every pytest run in an environment with derivekit loads) does not import SymPy until a derivation is built.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from derive.core.version import VERSION as __version__

_EXPORTS = {
    "Context": "derive.core.model",
    "Counterexample": "derive.core.evidence",
    "Derivation": "derive.core.model",
    "Evidence": "derive.core.evidence",
    "Relation": "derive.core.model",
    "Step": "derive.core.model",
    "StepResult": "derive.core.evidence",
    "TraceEntry": "derive.core.evidence",
    "verify": "derive.run.check",
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
    from derive.core.evidence import Counterexample, Evidence, StepResult, TraceEntry
    from derive.core.model import Context, Derivation, Relation, Step
    from derive.run.check import verify


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'derive' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
