"""What a named inequality is: a lemma that, given a subterm ``t`` of a goal, offers bounds ``L ≤ t`` or
``t ≤ U``, each with the side conditions it showed from the declarations.

A bound is offered only when its side conditions were shown (:mod:`derive.engine.facts`); a lemma whose condition
is not shown offers nothing and, when asked to, says which condition failed (for the "why not proved" report).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sympy as sp

from derive.engine.facts import Env

LOWER, UPPER = "lower", "upper"


@dataclass(frozen=True)
class Bound:
    """``value ≤ term`` (``kind`` lower) or ``term ≤ value`` (``kind`` upper), by ``lemma``, licensed by
    ``conditions`` (the declarations' facts it used, as short texts for the trace)."""

    lemma: str
    kind: str
    term: sp.Expr
    value: sp.Expr
    conditions: tuple[str, ...] = ()
    strict: bool = False  # the bound is strict: value < term (term < value)


@dataclass
class Attempts:
    """Lemmas that matched a subterm but declined, with the side condition that was not shown (for the report)."""

    declined: list[tuple[str, sp.Expr, str]] = field(default_factory=list)

    def note(self, lemma: str, term: sp.Expr, condition: str) -> None:
        if len(self.declined) < 50:
            self.declined.append((lemma, term, condition))


#: ``bounds(term, env, goal, attempts)``: the bounds a lemma offers at ``term`` (``goal`` supplies candidates, such
#: as the indices a single term of a sum may be taken at).
Offer = Callable[[sp.Expr, Env, sp.Expr, Attempts], list[Bound]]


@dataclass(frozen=True)
class Lemma:
    """A named standard inequality: Mathlib's name, its statement in LaTeX, its side conditions in words."""

    name: str
    statement: str
    side_conditions: str
    offer: Offer = field(compare=False, repr=False)

    def bounds(self, term: sp.Expr, env: Env, goal: sp.Expr, attempts: Attempts | None = None) -> list[Bound]:
        """The bounds this lemma offers at ``term`` (an empty list when it does not apply or a condition fails)."""
        try:
            return self.offer(term, env, goal, attempts if attempts is not None else Attempts())
        except (TypeError, ValueError, AttributeError, RecursionError, sp.PolynomialError):
            return []
