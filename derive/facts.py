"""Side conditions: what the declared assumptions license (positivity, reality, integrality, ranges).

Each query returns the assumptions it used, as short texts for the proof trace (``q_i > 0``,
``1 ≤ x_k ≤ K``), or ``None`` when it cannot show the fact. ``None`` means "not shown", never "false".
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derive.model import Context

Reasons = tuple[str, ...]


@dataclass(frozen=True)
class Env:
    """Where a subterm sits: the context and the ranges of the enclosing sums' indices."""

    ctx: Context
    bounds: tuple[tuple[sp.Symbol, sp.Expr, sp.Expr], ...] = ()

    def inside(self, limits) -> Env:
        """Enter a Sum/Product: its limits are listed innermost first, ``bounds`` keeps outermost first."""
        return Env(self.ctx, self.bounds + tuple((v, lo, hi) for v, lo, hi in reversed(limits)))


def _base_fact(expr: sp.Basic, env: Env) -> str:
    """How a declared symbol prints in a reason: ``q_i > 0`` for a family, ``N ≥ 1`` for a size."""
    if isinstance(expr, sp.Indexed):
        return f"{expr.base}_i > 0"
    return f"{expr} > 0"


def positive(expr: sp.Basic, env: Env) -> Reasons | None:
    """Reasons that ``expr > 0`` for every value the assumptions allow, or None."""
    if expr.is_Number:
        return () if expr.is_extended_real and expr > 0 else None
    if isinstance(expr, sp.Indexed) and expr.base in env.ctx.families and not _declared_index(expr, env):
        return None  # q_0 or q_{K+1}: no positivity was declared there
    if isinstance(expr, (sp.Indexed, sp.Symbol)):
        return (_base_fact(expr, env),) if expr.is_positive else None
    if isinstance(expr, (sp.Mul, sp.Add)):
        return _all(positive(a, env) for a in expr.args)
    if isinstance(expr, sp.Pow):
        base = positive(expr.base, env)
        exp = real(expr.exp, env)
        return None if base is None or exp is None else base + exp
    if isinstance(expr, sp.Product):
        return positive(expr.function, env.inside(expr.limits))
    if isinstance(expr, sp.exp):
        return real(expr.args[0], env)
    if isinstance(expr, sp.Function) and expr.is_positive:
        return (f"{getattr(expr.func, 'symbol_name', expr.func)}(·) > 0",)
    return None


def real(expr: sp.Basic, env: Env) -> Reasons | None:
    """Reasons that ``expr`` is real; SymPy's assumptions on declared symbols decide the atoms."""
    if isinstance(expr, (sp.Sum, sp.Product)):
        return real(expr.function, env.inside(expr.limits))
    if isinstance(expr, (sp.Add, sp.Mul)):
        return _all(real(a, env) for a in expr.args)
    if isinstance(expr, sp.log):
        return positive(expr.args[0], env)
    if expr.is_extended_real and expr.is_finite is not False:
        return ()
    return None


def integer(expr: sp.Basic, env: Env) -> Reasons | None:
    """Reasons that ``expr`` is an integer (declared integer data, sizes, indices)."""
    if expr.is_integer:
        if isinstance(expr, sp.Indexed):
            return (f"{expr.base}_k integer",)
        return ()
    return None


def nonnegative(expr: sp.Expr, env: Env) -> bool:
    """True if ``expr ≥ 0`` follows from the declared size minimums (sizes are integers ≥ their minimum)."""
    shifted = sp.expand(
        expr.xreplace({s: sp.Dummy(s.name, integer=True, nonnegative=True) + m for s, m in env.ctx.sizes.items()})
    )
    return shifted.is_nonnegative is True


def in_range(expr: sp.Expr, lo: sp.Expr, hi: sp.Expr, env: Env) -> Reasons | None:
    """Reasons that ``lo ≤ expr ≤ hi``: from a data declaration or the range of an enclosing index."""
    ranges: list[tuple[sp.Expr, sp.Expr, str]] = []
    if isinstance(expr, sp.Indexed) and expr.base in env.ctx.datasets and _declared_index(expr, env):
        spec = env.ctx.datasets[expr.base]
        ranges.append((spec.values[0], spec.values[1], f"{spec.values[0]} ≤ {expr.base}_k ≤ {spec.values[1]}"))
    for var, vlo, vhi in reversed(env.bounds):  # innermost first: an inner binding shadows an outer one
        if var == expr:
            # Σ_{var=vlo}^{vhi} ranges over vlo..vhi only when vhi ≥ vlo - 1 (Karr: else it runs backwards).
            if nonnegative(vhi - vlo + 1, env):
                ranges.append((vlo, vhi, f"{vlo} ≤ {var} ≤ {vhi}"))
            break
    if expr.is_Integer:
        ranges.append((expr, expr, ""))
    for rlo, rhi, why in ranges:
        if nonnegative(rlo - lo, env) and nonnegative(hi - rhi, env):
            return (why,) if why else ()
    return None


def _declared_index(expr: sp.Indexed, env: Env) -> bool:
    """The index of a declared data value or family member lies in its declared range (x_0 is not declared)."""
    spec = env.ctx.datasets.get(expr.base) or env.ctx.families.get(expr.base)
    if spec is None or len(expr.indices) != len(spec.ranges):
        return spec is None
    return all(in_range(i, lo, hi, env) is not None for i, (lo, hi) in zip(expr.indices, spec.ranges))


def _all(parts) -> Reasons | None:
    out: list[str] = []
    for p in parts:
        if p is None:
            return None
        out.extend(r for r in p if r not in out)
    return tuple(out)
