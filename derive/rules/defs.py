"""Rules made from a context: unfolding each stated definition, and each sum-to-one constraint."""

from __future__ import annotations

import sympy as sp

from derive.facts import Env
from derive.hygiene import substitute
from derive.model import Context, Definition
from derive.rules import Rewrite, Rule


def definition_text(d: Definition) -> str:
    return d.text or f"{sp.sstr(d.lhs)} = {sp.sstr(d.rhs)}"


def _unfolder(d: Definition):
    def apply(e: sp.Basic, env: Env) -> Rewrite | None:
        if not d.matches(e):
            return None
        actual = tuple(e.indices) if isinstance(e, sp.Indexed) else tuple(e.args)
        if len(actual) != len(d.params):
            return None
        return Rewrite(substitute(d.rhs, dict(zip(d.params, actual))))

    return apply


def unfold_rules(ctx: Context) -> list[Rule]:
    return [
        Rule(d.name, f"{sp.sstr(d.lhs)} = {sp.sstr(d.rhs)}", "definition", _unfolder(d), introduces_symbols=True)
        for d in ctx.definitions
    ]


def _sums_to_one(base: sp.IndexedBase, lo: sp.Expr, hi: sp.Expr):
    def apply(e: sp.Basic, env: Env) -> Rewrite | None:
        if isinstance(e, sp.Sum) and len(e.limits) == 1:
            var, elo, ehi = e.limits[0]
            if e.function == base[var] and (elo, ehi) == (lo, hi):
                return Rewrite(sp.Integer(1), (f"Σ_i {base}_i = 1",))
        return None

    return apply


def constraint_rules(ctx: Context) -> list[Rule]:
    return [
        Rule(
            f"sum_{spec.base}_eq_one",
            f"Σ_i {spec.base}_i = 1",
            "declared constraint",
            _sums_to_one(spec.base, *spec.index),
        )
        for spec in ctx.families.values()
        if spec.sums_to_one
    ]
