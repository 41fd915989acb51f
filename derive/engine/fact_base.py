"""What the fact queries of :mod:`derive.engine.facts` share: declining safely, and recording the base fact a
query missed (:class:`Missing`, for derive.engine.explain's "why not proved")."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp

if TYPE_CHECKING:
    from derive.engine.facts import Env


def declines(query):
    """A SymPy assumption query can raise (``floor(x).is_positive`` evaluates x, and an exact irrational zero
    exhausts evalf's precision): not shown, which is always a safe answer."""

    @functools.wraps(query)
    def safe(*args, **kwargs):
        try:
            return query(*args, **kwargs)
        except (sp.core.evalf.PrecisionExhausted, RecursionError, TypeError, ValueError):
            return None

    return safe


@dataclass(frozen=True)
class Missing:
    """A base fact a query wanted at an atom and the declarations did not give (derive.engine.explain words it).

    ``kind`` is ``positive``, ``nonnegative``, ``real``, ``integer``, ``range`` (``lo ≤ atom ≤ hi``), ``below_one``
    (``atom < 1``, for a ``1 − atom`` to be positive), ``upper`` (``atom ≤ hi``) or ``lower`` (``lo ≤ atom``), for
    a bound of a family member, or ``index`` (a family member outside its declared indices); ``env`` is where the
    atom sat (its enclosing sums' ranges say where an index runs).
    """

    kind: str
    atom: sp.Basic
    env: Env
    lo: sp.Expr | None = None
    hi: sp.Expr | None = None


def miss(env: Env, kind: str, atom: sp.Basic, lo: sp.Expr | None = None, hi: sp.Expr | None = None) -> None:
    """Record that ``atom`` lacks a ``kind`` fact, when ``env`` collects (a no-op for the prover). Returns None,
    the answer of a query that cannot show the fact, so that ``return _miss(...)`` declines and records at once."""
    if env.misses is not None:
        env.misses.append(Missing(kind, atom, env, lo, hi))


def declarable(expr: sp.Basic) -> bool:
    """An atom a declaration can speak about: a symbol, a family member, or an applied function of the author's
    (log(x) > 0 is not declared, it follows or not)."""
    if isinstance(expr, (sp.Symbol, sp.Indexed)):
        return True
    return isinstance(expr, sp.Function) and not (type(expr).__module__ or "").startswith("sympy.")
