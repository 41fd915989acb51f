"""One corpus statement: a claim ``lhs <relation> rhs`` under a derive ``Context``, its source and its truth.

A statement translated from Mathlib names the lemma (``Finset.sum_range_succ``) and the file it is stated in;
``truth`` is what the mathematics says, independently of what derive proves. A false variant names the lemma it
perturbs and says in ``note`` what was changed (an off-by-one range, a dropped hypothesis, a wrong exponent).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from derive import Context


@dataclass(frozen=True)
class Statement:
    """A claim with its provenance; ``label`` is unique within a corpus."""

    label: str
    lemma: str  # the Mathlib lemma translated (or perturbed, for a false variant)
    source: str  # the Mathlib file stating it
    context: Context
    lhs: sp.Expr
    rhs: sp.Expr
    relation: str = "="
    truth: bool = True
    note: str = ""  # how the Lean hypotheses were translated, or what a false variant changed
    hints: tuple[str, ...] = field(default_factory=tuple)


def true(
    lemma: str, source: str, ctx: Context, lhs, rhs, relation: str = "=", note: str = "", tag: str = ""
) -> Statement:
    """A faithful translation of ``lemma``: true under the declarations of ``ctx``."""
    label = lemma if not tag else f"{lemma} [{tag}]"
    return Statement(label, lemma, source, ctx, sp.sympify(lhs), sp.sympify(rhs), relation, True, note)


def false(lemma: str, source: str, ctx: Context, lhs, rhs, change: str, relation: str = "=") -> Statement:
    """A false variant of ``lemma``: ``change`` says what differs from the Mathlib statement."""
    label = f"{lemma} (false: {change})"
    return Statement(label, lemma, source, ctx, sp.sympify(lhs), sp.sympify(rhs), relation, False, change)
