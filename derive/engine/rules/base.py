"""The rule type: a named identity as data (its pattern and result, its side conditions) with the function that
applies it.

The registry (:mod:`derive.engine.rules`) imports the families (``log``, ``sums``, ``calculus``, ``defs``), which
import this module: the type lives apart from the registry, so no module of the package imports its own importer.
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
class Identity:
    """What a rule states, as SymPy data: ``lhs = rhs`` for every value of the pattern variables that satisfies
    every one of ``conditions``.

    The pattern variables are the free symbols and ``IndexedBase`` families of ``lhs`` and ``rhs``: ``x``, ``y`` are
    any complex numbers, ``f_k`` any complex family, ``a``, ``b`` the integer bounds of a sum (a range that does not
    run backwards, unless a condition says which ranges are meant). A condition is a SymPy relation (``x > 0``,
    ``v <= b``) or an applied predicate (``Q.real(y)``, ``Q.integer(v)``); one that mentions a sum's index
    (``f_k > 0``) holds for every index in the range. What a condition cannot say is said by the pattern: ``c`` in
    ``c·Σ_k f_k`` is a symbol apart from ``k``, so "c does not depend on k".

    ``instance`` marks an identity that is one instance of the rule's schema (``sum_expand`` at ``a = 1, b = 3``)
    rather than its general statement; the rule's ``statement`` then gives the schema.
    """

    lhs: sp.Expr
    rhs: sp.Expr
    conditions: tuple[sp.Basic, ...] = ()
    instance: bool = False


@dataclass(frozen=True)
class Rule:
    """``name``: ``identity`` (or ``statement``) provided its conditions; ``apply`` rewrites a subterm or returns None.

    ``statement`` (Markdown, math between dollars) states a schema the identity can only instantiate (``diff``,
    ``sum_expand``); ``side_conditions`` (words) says what neither the pattern nor a SymPy relation says, such as
    what the rule checks before it fires. The rule table of docs/writing-derivations.md is generated from these
    (:mod:`derive.engine.rules.table`).
    """

    name: str
    apply: Callable[[sp.Basic, Env], Rewrite | None]
    identity: Identity | None = None
    statement: str = ""
    side_conditions: str = ""
    introduces_symbols: bool = False  # only definition unfolding may bring in new free symbols


@dataclass(frozen=True)
class Inference:
    """A named step of a proof trace that is not a registered rewrite: a schema of the rules a context makes
    (``<name>_def``) or a step the prover takes itself (``ring_nf``). It has a row in the rule table."""

    name: str
    statement: str  # Markdown, math between dollars
    side_conditions: str = ""


def rule_name(hint: str | Rule) -> str:
    """The name of a ``by=`` hint, which is a rule's name or the rule itself."""
    return hint.name if isinstance(hint, Rule) else hint
