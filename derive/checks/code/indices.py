"""Where an index can point, for every size: the least and greatest values of an index the code computes, from
the ranges of the loop indices, the data and the values, so that a translated ``q[i]`` is known to be a member
of the family (Python reads ``q[-1]`` as the last element, and ``q[K]`` raises, which no member means)."""

from __future__ import annotations

import sympy as sp

from derive.core.context import Context


class IndexRanges:
    """The ranges of the 0-based loop indices open at a point of the translation, and the context's."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.bounds: dict[sp.Symbol, tuple[sp.Expr, sp.Expr]] = {}

    def in_range(self, index: sp.Expr, length: sp.Expr) -> bool:
        """``0 ≤ index ≤ length − 1`` for every size: from the ranges of the loop indices, data and values."""
        if not index.is_integer:
            return False
        low, high = self.extent(sp.expand(index))
        if low is None:
            return False
        return self.nonnegative(low) and self.nonnegative(length - 1 - high)

    def extent(self, e: sp.Expr):
        """The least and greatest values of an expression linear in bounded integers (loop indices, data,
        values), or (None, None)."""
        low = high = sp.Integer(0)
        for term, coeff in e.as_coefficients_dict().items():
            if term == 1 or term.free_symbols <= set(self.ctx.sizes):
                low, high = low + coeff * term, high + coeff * term
                continue
            ends = self.term_bounds(term)
            if ends is None or not coeff.is_number:
                return None, None
            a, b = (ends[0], ends[1]) if coeff > 0 else (ends[1], ends[0])
            low, high = low + coeff * a, high + coeff * b
        return low, high

    def term_bounds(self, term: sp.Expr):
        if term in self.bounds:
            return self.bounds[term]
        if term in self.ctx.integer_values:
            return self.ctx.integer_values[term]
        if isinstance(term, sp.Indexed) and term.base in self.ctx.datasets:
            spec = self.ctx.datasets[term.base]
            (lo, hi) = spec.index
            if len(term.indices) == 1 and self.in_range(term.indices[0] - lo, hi - lo + 1):
                return spec.values
        return None

    def nonnegative(self, e: sp.Expr) -> bool:
        """``e ≥ 0`` for every size at or above its declared minimum."""
        at = {s: sp.Symbol(f"{s.name}_extra", integer=True, nonnegative=True) + m for s, m in self.ctx.sizes.items()}
        value = sp.expand(sp.sympify(e).xreplace(at))
        return bool(value.is_nonnegative)
