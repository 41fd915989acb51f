"""derive: machine-checked derivations, written up as LaTeX, PDF and Markdown."""

from __future__ import annotations

from derive.evidence import Counterexample, Evidence, StepResult, TraceEntry
from derive.model import Context, Derivation, Relation, Step

__version__ = "0.1.0"

__all__ = [
    "Context",
    "Counterexample",
    "Derivation",
    "Evidence",
    "Relation",
    "Step",
    "StepResult",
    "TraceEntry",
    "__version__",
]
