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


TINY = sp.Float(10) ** -12  # below this a number's sign is not told from its digits alone
#: Functions that jump: ``evalf(strict=True)`` certifies the digits of their value, not the side of the jump
#: their argument is on, so sign(atan(2) + atan(1/2) − π/2) comes out 1 although the argument is exactly 0.
DISCONTINUOUS = (
    sp.sign,
    sp.floor,
    sp.ceiling,
    sp.frac,
    sp.Mod,
    sp.Heaviside,
    sp.Piecewise,
    sp.arg,
    sp.atan2,
    sp.acot,
    sp.acoth,
    sp.DiracDelta,
    sp.SingularityFunction,
    sp.KroneckerDelta,
)


def certified_constant(expr: sp.Expr) -> sp.Float | None:
    """The value of a number written as an expression (``log 8 − 3 log 2``, ``atan(…)``), to 15 certified digits,
    or None when it cannot be certified. SymPy's own ``is_positive`` on such a number decides from a low-precision
    evalf and calls a hidden 0 positive (``atan(3 log 2 − log 8) > 0``, SYMPY_PITFALLS.md): ``strict=True``
    raises instead of returning digits it cannot certify, which is what a hidden 0 does."""
    if expr.has(*DISCONTINUOUS):
        return None
    try:
        # strict evalf is not certified through every function (asinh of a hidden 0 gives 1e-135), so the value
        # must also be the same at two precisions and far from 0: a hidden 0 is noise that moves with precision
        value, again = (sp.N(expr, digits, strict=True, maxn=400) for digits in (30, 45))
    except (sp.core.evalf.PrecisionExhausted, ValueError, TypeError, ArithmeticError):
        return None
    if not (isinstance(value, sp.Float) and isinstance(again, sp.Float)) or abs(value) < TINY:
        return None
    return value if abs(value - again) <= abs(value) * sp.Float(10) ** -20 else None
