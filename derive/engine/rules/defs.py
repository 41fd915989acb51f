"""Rules made from a context: unfolding each stated definition, and each sum-to-one constraint."""

from __future__ import annotations

import sympy as sp

from derive.core.model import Context, Definition
from derive.engine.facts import Env, in_range
from derive.engine.rules import Rewrite, Rule


def definition_text(d: Definition) -> str:
    return d.text or f"{sp.sstr(d.lhs)} = {sp.sstr(d.rhs)}"


def _unfolder(d: Definition):
    def apply(e: sp.Basic, env: Env) -> Rewrite | None:
        out = d.unfold(e)
        return None if out is None else Rewrite(out)

    return apply


def unfold_rules(ctx: Context) -> list[Rule]:
    return [
        Rule(d.name, f"{sp.sstr(d.lhs)} = {sp.sstr(d.rhs)}", "definition", _unfolder(d), introduces_symbols=True)
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
            f"Σ_i {spec.base}_i = 1",
            "declared constraint",
            _sums_to_one(spec),
        )
        for spec in ctx.families.values()
        if spec.sums_to_one
    ]
