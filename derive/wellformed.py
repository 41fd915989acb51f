"""What the checker accepts: finite sums with integer bounds over plain indices, and unambiguous symbols.

A claim outside this fragment is reported ``undecided`` with the reason, before any rule runs: the rules and
the sampler are sound only for it (an infinite or half-integer range, or two different symbols printed alike,
would let a correct-looking rewrite state something false, or a write-up say something else than was checked).
"""

from __future__ import annotations

import sympy as sp

from derive.model import Context


def unsupported(lhs: sp.Expr, rhs: sp.Expr, ctx: Context) -> str:
    """Why the claim ``lhs = rhs`` is outside what the checker handles, or '' when it is fine."""
    for side in (lhs, rhs):
        if side.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            return "the claim contains an infinity or nan"
        for node in sp.preorder_traversal(side):
            if isinstance(node, (sp.Sum, sp.Product)):
                for var, lo, hi in node.limits:
                    if not isinstance(var, sp.Symbol):
                        return f"the index {var} of a sum or product is not a symbol"
                    if var in ctx.sizes:
                        return f"the size {var} is used as a summation index"
                    for bound in (lo, hi):
                        if bound.is_integer is not True or bound.is_finite is False:
                            kind = type(node).__name__.lower()
                            return f"the bound {bound} of the {kind} over {var} is not a finite integer"
            if isinstance(node, sp.KroneckerDelta) and len(node.args) != 2:
                return "a Kronecker delta with a range argument"
    names: dict[str, sp.Basic] = {}
    for side in (lhs, rhs):
        for s in side.atoms(sp.Symbol):
            other = names.setdefault(s.name, s)
            if other != s:
                return f"two different symbols are both named {s.name} (different assumptions?)"
    return ""
