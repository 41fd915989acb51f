"""Induction on a size: Σ_{k=a}^{N} f_k = g(N) (or ∏ … = g(N)) for every N the declarations allow.

For a claim ``L(N) = R(N)`` and a declared size ``N ≥ N₀``, let ``D(N) = L(N) − R(N)``, every other symbol and
family held fixed. The proof has two parts, each proved by the ordinary prover (rules, alignment of sums, exact
comparison):

- **base** (``induction_base``): ``L(N₀) = R(N₀)``, the claim at the smallest allowed size;
- **step** (``induction_step``): ``L(N) − μ·L(N − 1) = R(N) − μ·R(N − 1)`` for every ``N ≥ N₀ + 1``, with
  ``μ = 1`` for sums and ``μ`` the factor a product gains from ``N − 1`` to ``N`` (the last factor), so
  ``D(N) = μ·D(N − 1)``.

Then ``D(N) = μ(N)⋯μ(N₀ + 1)·D(N₀) = 0``. The argument evaluates every ``D(j)`` at the same values of everything
else, so each fact a sub-proof uses must hold at every ``j ≤ N``, not only at ``N``: induction is refused when a
definition, a data range or a declared value mentions ``N`` (a hidden dependence: ``p_i = n_i / N``) or an index
range does not grow with it (a lower end in ``N``: q declared on ``N..2N`` says nothing of q_1 at N = 2), and the
sub-proofs run without the sum-to-one constraints of families indexed by ``N`` (Σ_{i=1}^{N} q_i = 1 holds at
``N`` only). Per-element declarations (``q_i > 0`` for ``i ≤ N``) hold at every ``j ≤ N`` and stay.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import sympy as sp

from derive.core.context import Context
from derive.core.evidence import TraceEntry
from derive.core.hygiene import substitute
from derive.engine.rules.base import Inference

INFERENCES = (
    Inference(
        "induction_base",
        r"$P(N_0)$: the claim at the smallest size the declarations allow",
        "proved by the rules; the step must hold too",
    ),
    Inference(
        "induction_step",
        r"$L(N) - \mu L(N-1) = R(N) - \mu R(N-1)$ for $N > N_0$, so $L - R$ vanishes for every $N \geq N_0$",
        r"$\mu = 1$ for sums, the last factor for products; nothing declared depends on $N$ except index ranges "
        "that only grow with it",
    ),
)


def candidates(lhs: sp.Expr, rhs: sp.Expr, ctx: Context) -> list[sp.Symbol]:
    """The sizes a claim can be proved by induction on: they bound a sum or product (or appear in a factorial),
    and nothing declared hides a dependence on them."""
    out = []
    for size in sorted(ctx.sizes, key=str):
        if _bounds_an_operator(size, (lhs, rhs)) and not _hidden_dependence(size, ctx):
            out.append(size)
    return out


def _bounds_an_operator(size: sp.Symbol, exprs) -> bool:
    for e in exprs:
        for node in sp.preorder_traversal(e):
            if isinstance(node, (sp.Sum, sp.Product)) and any(
                size in (lo.free_symbols | hi.free_symbols) for _, lo, hi in node.limits
            ):
                return True
            if isinstance(node, sp.factorial) and size in node.free_symbols:
                return True
    return False


def _hidden_dependence(size: sp.Symbol, ctx: Context) -> bool:
    if any(size in d.rhs.free_symbols or size in d.lhs.free_symbols for d in ctx.definitions):
        return True
    # A declared range must only grow with the size (its lower end free of it, its upper end free of it or the size
    # plus a constant): then what is declared of a member at N is declared of it at every j ≤ N where it exists.
    ranges = [r for spec in (*ctx.families.values(), *ctx.datasets.values()) for r in spec.ranges]
    for lo, hi in ranges:
        if size in sp.sympify(lo).free_symbols:
            return True
        if size in sp.sympify(hi).free_symbols and not sp.expand(hi - size).is_Integer:
            return True
    if any(size in sp.Tuple(*spec.values).free_symbols for spec in ctx.datasets.values()):
        return True
    # a family's bound in the size (z_i ≤ N) declares something else at N − 1: the hypothesis would not apply
    bounds = [b for spec in ctx.families.values() for b in (spec.lower, spec.upper) if b is not None]
    if any(size in sp.sympify(b).free_symbols for b in bounds):
        return True
    return any(size in sp.Tuple(*r).free_symbols for r in ctx.integer_values.values())


def without_constraints(ctx: Context, size: sp.Symbol) -> Context:
    """``ctx`` without the sum-to-one constraints of families whose ranges mention ``size``: a copy (every other
    declaration shared), whose sizes may be changed."""
    out = copy.copy(ctx)
    out.sizes = dict(ctx.sizes)
    out.families = {
        b: (replace(f, sums_to_one=False) if size in sp.Tuple(*(e for r in f.ranges for e in r)).free_symbols else f)
        for b, f in ctx.families.items()
    }
    return out


def multipliers(lhs: sp.Expr, rhs: sp.Expr, size: sp.Symbol) -> list[sp.Expr]:
    """``μ`` to try: 1, then for each product over a range whose upper end is ``size`` plus a constant and whose
    lower end does not mention it, its factor at that upper end."""
    out = [sp.Integer(1)]
    for e in (lhs, rhs):
        for node in sp.preorder_traversal(e):
            if isinstance(node, sp.Product) and len(node.limits) == 1:
                var, lo, hi = node.limits[0]
                if size in hi.free_symbols and size not in lo.free_symbols and sp.expand(hi - size).is_Integer:
                    mu = substitute(node.function, {var: hi})
                    if mu not in out:
                        out.append(mu)
    return out


def trace_entry(rule: str, claim: tuple[sp.Expr, sp.Expr], why: tuple[str, ...]) -> TraceEntry:
    return TraceEntry(rule=rule, side="both", assumptions=why, target=sp.srepr(sp.Tuple(*claim)))


def base_case(lhs: sp.Expr, rhs: sp.Expr, ctx: Context, size: sp.Symbol):
    """The claim at the smallest size, and the context there (constraints on ``size`` dropped)."""
    n0 = ctx.sizes[size]
    fixed = {size: sp.Integer(n0)}
    return substitute(lhs, fixed), substitute(rhs, fixed), without_constraints(ctx, size).at_sizes(fixed)


def step_case(lhs: sp.Expr, rhs: sp.Expr, ctx: Context, size: sp.Symbol, mu: sp.Expr):
    """``L(N) − μ·L(N − 1)`` and ``R(N) − μ·R(N − 1)``, and the context where ``N ≥ N₀ + 1``."""
    before = {size: size - 1}
    step_ctx = without_constraints(ctx, size)
    step_ctx.sizes[size] = ctx.sizes[size] + 1
    return lhs - mu * substitute(lhs, before), rhs - mu * substitute(rhs, before), step_ctx
