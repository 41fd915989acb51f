"""The Mathlib corpus: every statement of ``mathlib_finset``, ``mathlib_intervals``, ``mathlib_geom``, ``mathlib_real``
and ``mathlib_inequalities``.

Each statement is a lemma of Lean's Mathlib (leanprover-community/mathlib4) about finite sums and products, geometric
sums, ``Real.log``/``Real.exp``, absolute values or classical inequalities (Jensen, AM–GM, Cauchy–Schwarz), written
the way Mathlib states it (``Finset.range n`` as ``k = 0 .. n - 1``) under the declarations that the lemma's
hypotheses state; the false variants beside them change one thing (an off-by-one range, a dropped hypothesis, a wrong
exponent, a swapped sign, a wrong closed form).
Each module's docstring says how Lean's types and hypotheses were translated.
"""

from __future__ import annotations

from . import mathlib_finset, mathlib_geom, mathlib_inequalities, mathlib_intervals, mathlib_real
from .statement import Statement


def statements() -> list[Statement]:
    """All statements, true and false, with unique labels."""
    out = mathlib_finset.statements() + mathlib_intervals.statements()
    out += mathlib_geom.statements() + mathlib_real.statements() + mathlib_inequalities.statements()
    labels = [s.label for s in out]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise ValueError(f"duplicate statement labels: {duplicates}")
    return out


if __name__ == "__main__":
    everything = statements()
    print(f"{sum(s.truth for s in everything)} true, {sum(not s.truth for s in everything)} false")
