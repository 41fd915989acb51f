"""Rules made from a context: unfolding each stated definition, and each sum-to-one constraint."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

from derive.engine.facts import Env, in_range
from derive.engine.rules.base import Identity, Inference, Rewrite, Rule

if TYPE_CHECKING:  # annotations only: the engine needs no more of the model than the objects it is given
    from derive.core.context import Context, Definition


def _unfolder(d: Definition):
    def apply(e: sp.Basic, env: Env) -> Rewrite | None:
        out = d.unfold(e)
        return None if out is None else Rewrite(out)

    return apply


def unfold_rules(ctx: Context) -> list[Rule]:
    return [
        Rule(d.name, _unfolder(d), Identity(d.lhs, d.rhs), side_conditions="definition", introduces_symbols=True)
        for d in ctx.definitions
    ]


def _sums_to_one(spec):
    lo, hi = spec.ranges[0]

    def apply(e: sp.Basic, env: Env) -> Rewrite | None:
        # Σ_{i=lo}^{hi} q_{i, j…} = 1, for other indices j… free of i and within their declared ranges
        if isinstance(e, sp.Sum):
            (var, elo, ehi), *outer = e.limits
            body = e.function
            if isinstance(body, sp.Indexed) and body.base == spec.base and (elo, ehi) == (lo, hi):
                first, *rest = body.indices
                inner = env.inside(outer)
                if (
                    first == var
                    and all(
                        var not in r.free_symbols and in_range(r, a, b, inner) is not None
                        for r, (a, b) in zip(rest, spec.ranges[1:])
                    )
                    and len(rest) == len(spec.ranges) - 1
                ):
                    one = sp.Sum(sp.Integer(1), *outer) if outer else sp.Integer(1)
                    return Rewrite(one, (f"Σ_i {spec.base}_i = 1",))
        return None

    return apply


def constraint_rules(ctx: Context) -> list[Rule]:
    return [
        Rule(
            f"sum_{spec.base}_eq_one",
            _sums_to_one(spec),
            Identity(sp.Sum(spec.base[(_i, *_others(spec))], (_i, *spec.ranges[0])), sp.Integer(1)),
            side_conditions="declared constraint",
        )
        for spec in ctx.families.values()
        if spec.sums_to_one
    ]


_i = sp.Symbol("i", integer=True)


def _others(spec) -> tuple[sp.Symbol, ...]:
    """Names for a family's indices after the first, over which the constraint holds for every value."""
    return tuple(sp.Symbol(f"j{n}", integer=True) for n in range(1, len(spec.ranges)))


#: The rules a context makes, as schemas for the rule table.
SCHEMAS = (
    Inference("<name>_def", "unfold a stated definition", "declared with `ctx.define(lhs, rhs)`"),
    Inference("sum_<q>_eq_one", r"$\sum_{i} q_{i} = 1$", "declared with `sums_to_one=True`"),
)
