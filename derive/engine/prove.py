"""Proof for every size: normalise both sides with named rules, then compare exactly.

Attempts, in order, each a fresh trace: the hinted rules alone (when the step names some), all rules without
unfolding definitions, then with the definitions unfolded. When both sides are provably positive (products of
probabilities), the same attempts also run on their logarithms: log is injective on the positive reals
(``log_injective``), and ``log_prod``/``log_pow`` turn products into sums the sum rules can handle.
"""

from __future__ import annotations

import sympy as sp

from derive.core.context import Context
from derive.core.evidence import TraceEntry
from derive.engine.compare import exactly_equal
from derive.engine.facts import Env, positive
from derive.engine.rewrite import EngineError, Rewriter
from derive.engine.rules import RULES, Rule, context_rules, rule_name

#: Rules always available to a hinted attempt: pure algebra that no proof should have to ask for.
ALGEBRA = ("sum_add", "mul_add", "mul_sum")


def attempts(ctx: Context, hints: tuple[str | Rule, ...], one_sided: frozenset[str] = frozenset()) -> list[list[Rule]]:
    """The rule sets to try, smallest first; ``hints`` are the step's ``by=`` (rule names or rules);
    ``one_sided`` names definitions whose head occurs on one side only."""
    hints = tuple(rule_name(h) for h in hints)
    base = list(RULES.values())
    ctx_rules = context_rules(ctx)
    unfold = [r for r in ctx_rules if r.introduces_symbols]
    constraints = [r for r in ctx_rules if not r.introduces_symbols]
    out: list[list[Rule]] = []
    if hints:
        everything = {r.name: r for r in base + ctx_rules}
        out.append([everything[n] for n in everything if n in hints or n in ALGEBRA])
    out.append(base + constraints)
    for name in sorted(one_sided):  # one definition at a time keeps the trace short
        out.append([r for r in unfold if r.name == name] + base + constraints)
    if len(one_sided) > 1:
        out.append([r for r in unfold if r.name in one_sided] + base + constraints)
    out.append(unfold + base + constraints)
    return out


def prove_equal(
    lhs: sp.Expr, rhs: sp.Expr, ctx: Context, hints: tuple[str | Rule, ...] = ()
) -> list[TraceEntry] | None:
    """The trace of a proof that ``lhs = rhs`` for all sizes, or None when the rules do not conclude."""
    env = Env(ctx)
    both_positive = _positivity(lhs, rhs, env)
    for rules in attempts(ctx, hints, _one_sided(lhs, rhs, ctx)):
        for through_log in (False, True) if both_positive else (False,):
            trace: list[TraceEntry] = []
            left, right = lhs, rhs
            if through_log:
                trace.append(
                    TraceEntry(
                        rule="log_injective",
                        side="both",
                        assumptions=both_positive,
                        target=sp.srepr(sp.Tuple(lhs, rhs)),
                        result=sp.srepr(sp.Tuple(sp.log(lhs), sp.log(rhs))),
                    )
                )
                left, right = sp.log(lhs), sp.log(rhs)
            try:
                left = Rewriter(env, rules, "lhs", trace).normalize(left)
                right = Rewriter(env, rules, "rhs", trace).normalize(right)
            except EngineError:
                continue
            if exactly_equal(left, right, ctx):
                trace.append(TraceEntry(rule="ring_nf", side="both", target=sp.srepr(sp.Tuple(left, right))))
                return trace
    return None


def _positivity(lhs: sp.Expr, rhs: sp.Expr, env: Env) -> tuple[str, ...] | None:
    a, b = positive(lhs, env), positive(rhs, env)
    if a is None or b is None:
        return None
    return tuple(dict.fromkeys(a + b))


def _one_sided(lhs: sp.Expr, rhs: sp.Expr, ctx: Context) -> frozenset[str]:
    """Definitions whose head occurs in exactly one side: unfolding just those often suffices."""

    def heads(e: sp.Expr) -> set[str]:
        return {d.name for d in ctx.definitions for node in sp.preorder_traversal(e) if d.matches(node)}

    return frozenset(heads(lhs) ^ heads(rhs))
