"""Named, sound rewrite rules, each stating one identity with its side conditions.

A rule is data: a name for the identity it states (Mathlib style: ``log_prod``, ``sum_comm``), the identity in
words, its side conditions, and a function that rewrites one subterm or declines. Declining is always safe; a rule
only rewrites when its side conditions follow from the declared assumptions, and it reports which ones it used.
Rules that depend on a derivation's context (definitions, constraints) are made per context by
:func:`context_rules`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from derive.engine.facts import Env, Reasons


@dataclass(frozen=True)
class Rewrite:
    """The result of one rule application and the assumptions it consumed."""

    result: sp.Expr
    assumptions: Reasons = ()
    reverse: bool = False  # True when the rule was used right to left (``c·Σ f`` from ``Σ c·f``)


@dataclass(frozen=True)
class Rule:
    """``name``: ``statement`` provided ``side_conditions``; ``apply`` rewrites a subterm or returns None."""

    name: str
    statement: str
    side_conditions: str
    apply: Callable[[sp.Basic, Env], Rewrite | None]
    introduces_symbols: bool = False  # only definition unfolding may bring in new free symbols


def _registry() -> dict[str, Rule]:
    from derive.engine.rules import calculus, log, sums

    rules = {}
    for module in (log, sums, calculus):
        for rule in module.RULES:
            rules[rule.name] = rule
    return rules


RULES: dict[str, Rule] = _registry()


def context_rules(ctx) -> list[Rule]:
    """The definition-unfolding and constraint rules of one context."""
    from derive.engine.rules.defs import constraint_rules, unfold_rules

    return unfold_rules(ctx) + constraint_rules(ctx)
