"""Signs from a declared integer value ``lo ≤ v ≤ hi`` (``ctx.value("k", (1, N - 1))``): ``v > 0`` when
``lo > 0``, and ``c·v + rest > 0`` when ``rest + c·lo > 0`` (``c > 0``) or ``rest + c·hi > 0`` (``c < 0``),
because ``c·(v − lo) ≥ 0`` and ``|c|·(hi − v) ≥ 0``; ``≥ 0`` the same way. So ``N − k > 0`` for ``k ≤ N − 1``.

Kept apart from :mod:`derive.engine.facts`, which calls these with its own sign queries (passed in, so that this
module does not import it back).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import sympy as sp

if TYPE_CHECKING:
    from derive.engine.facts import Env

Reasons = tuple[str, ...]
Query = Callable[[sp.Basic, "Env"], "Reasons | None"]


def value_sign(expr: sp.Symbol, env: Env, lower_sign: Query) -> Reasons | None:
    """``v > 0`` (or ``≥ 0``, by ``lower_sign``) for a declared integer value ``v`` whose lower end shows it."""
    lo, _ = env.ctx.integer_values[expr]
    why = lower_sign(lo, env)
    return None if why is None else (*why, f"{lo} ≤ {expr}")


def value_gap(expr: sp.Add, env: Env, rest_sign: Query) -> Reasons | None:
    """``c·v + rest`` with ``v`` the only declared integer value in ``expr``, ``c`` a nonzero number, signed by
    ``rest_sign`` (positive or nonneg) of ``rest + c·lo`` (``c > 0``) or ``rest + c·hi`` (``c < 0``)."""
    values = [v for v in expr.free_symbols if v in env.ctx.integer_values and not _bound(v, env)]
    if len(values) != 1:
        return None
    v = values[0]
    coeff = expr.coeff(v)
    if not (coeff.is_Number and coeff != 0) or v in (expr - coeff * v).free_symbols:
        return None
    lo, hi = env.ctx.integer_values[v]
    end = lo if coeff > 0 else hi
    rest = sp.expand(expr - coeff * v + coeff * end)
    shown = rest_sign(rest, env)
    why = f"{lo} ≤ {v}" if coeff > 0 else f"{v} ≤ {hi}"
    return None if shown is None else tuple(dict.fromkeys((why, *shown)))


def _bound(v: sp.Symbol, env: Env) -> bool:
    """``v`` is the index of an enclosing sum here: its range is that sum's, not its declaration's."""
    return any(var == v for var, _, _ in env.bounds)
