"""Proof for every size: normalise both sides with named rules, then compare exactly.

Attempts, in order, each a fresh trace: the hinted rules alone (when the step names some), all rules without
unfolding definitions, then with the definitions unfolded. When both sides are provably positive (products of
probabilities), the same attempts also run on their logarithms: log is injective on the positive reals
(``log_injective``), and ``log_prod``/``log_pow`` turn products into sums the sum rules can handle.

A cited derivation's equation (:class:`derive.engine.citation.Cited` among the hints) is a rule of the hinted
attempts, left to right in one attempt and right to left in the next (both at once would loop).

When the normal forms differ, sums over one body whose ranges differ by constants are aligned
(:mod:`derive.engine.align`) and the sides normalised and compared again. When no attempt concludes, a claim about
sums or products over a size is tried by induction on it (:mod:`derive.engine.induction`).
"""

from __future__ import annotations

import sympy as sp

from derive.core.context import Context
from derive.core.evidence import TraceEntry
from derive.engine import induction
from derive.engine.align import align
from derive.engine.citation import rules as cited_rules
from derive.engine.citation import split
from derive.engine.compare import exactly_equal
from derive.engine.defined import may_be_undefined
from derive.engine.facts import Env, positive
from derive.engine.rewrite import EngineError, Rewriter
from derive.engine.rules import RULES, Rule, context_rules, rule_name

#: Rules always available to a hinted attempt: pure algebra that no proof should have to ask for.
ALGEBRA = ("sum_add", "mul_add", "mul_sum")
ALIGN_ROUNDS = 2  # alignments of the normal forms per attempt (a split term may need rules, then another split)


def attempts(ctx: Context, hints: tuple[str | Rule, ...], one_sided: frozenset[str] = frozenset()) -> list[list[Rule]]:
    """The rule sets to try, smallest first; ``hints`` are the step's ``by=`` (rule names or rules);
    ``one_sided`` names definitions whose head occurs on one side only."""
    hints, cited = split(hints)
    hints = tuple(rule_name(h) for h in hints)
    base = list(RULES.values())
    ctx_rules = context_rules(ctx)
    unfold = [r for r in ctx_rules if r.introduces_symbols]
    constraints = [r for r in ctx_rules if not r.introduces_symbols]
    out: list[list[Rule]] = []
    everything = {r.name: r for r in base + ctx_rules}
    hinted = [everything[n] for n in everything if n in hints or n in ALGEBRA]
    for c in cited:  # each direction alone, with the hinted rules, then with every rule
        for rule in cited_rules(c):
            out += [[rule, *hinted], [rule, *base, *constraints], [rule, *unfold, *base, *constraints]]
    if hints:
        out.append(hinted)
    out.append(base + constraints)
    for name in sorted(one_sided):  # one definition at a time keeps the trace short
        out.append([r for r in unfold if r.name == name] + base + constraints)
    if len(one_sided) > 1:
        out.append([r for r in unfold if r.name in one_sided] + base + constraints)
    out.append(unfold + base + constraints)
    return out


def prove_equal(
    lhs: sp.Expr, rhs: sp.Expr, ctx: Context, hints: tuple[str | Rule, ...] = (), by_induction: bool = True
) -> list[TraceEntry] | None:
    """The trace of a proof that ``lhs = rhs`` for all sizes, or None when the rules do not conclude (or a side may
    have no value at an allowed point: :mod:`derive.engine.defined`)."""
    env = Env(ctx)
    if may_be_undefined(lhs, rhs, env):
        return None
    trace = _prove_directly(lhs, rhs, ctx, hints)
    if trace is None and by_induction:
        trace = _prove_by_induction(lhs, rhs, ctx, hints)
    return trace


def _prove_directly(lhs: sp.Expr, rhs: sp.Expr, ctx: Context, hints: tuple[str | Rule, ...]) -> list[TraceEntry] | None:
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
            start = len(trace)
            if _normalize_and_compare(left, right, env, rules, trace):
                return trace
            # The rules may take a sum apart before it meets its partner (exp(N − k) becomes exp(N)·exp(−k), and
            # the reflected sum no longer matches): align the sides as written, then normalise.
            aligned = align(left, right, env)
            if aligned is not None:
                del trace[start:]
                trace.extend(aligned[2])
                if _normalize_and_compare(aligned[0], aligned[1], env, rules, trace):
                    return trace
    return None


def _normalize_and_compare(left: sp.Expr, right: sp.Expr, env: Env, rules: list[Rule], trace: list) -> bool:
    """Normalise both sides into ``trace`` and compare exactly, aligning their sums between rounds."""
    for round_ in range(ALIGN_ROUNDS + 1):
        try:
            left = Rewriter(env, rules, "lhs", trace).normalize(left)
            right = Rewriter(env, rules, "rhs", trace).normalize(right)
        except EngineError:
            return False
        if exactly_equal(left, right, env.ctx):
            trace.append(TraceEntry(rule="ring_nf", side="both", target=sp.srepr(sp.Tuple(left, right))))
            return True
        aligned = align(left, right, env) if round_ < ALIGN_ROUNDS else None
        if aligned is None:
            return False
        left, right, steps = aligned
        trace.extend(steps)
    return False


def _prove_by_induction(lhs: sp.Expr, rhs: sp.Expr, ctx: Context, hints) -> list[TraceEntry] | None:
    """Base at the smallest size, step from N − 1 to N (see :mod:`derive.engine.induction`)."""
    for size in induction.candidates(lhs, rhs, ctx):
        base_l, base_r, base_ctx = induction.base_case(lhs, rhs, ctx, size)
        base = _prove_directly(base_l, base_r, base_ctx, hints)
        if base is None:
            continue
        for mu in induction.multipliers(lhs, rhs, size):
            step_l, step_r, step_ctx = induction.step_case(lhs, rhs, ctx, size, mu)
            step = _prove_directly(step_l, step_r, step_ctx, hints)
            if step is not None:
                n0 = ctx.sizes[size]
                return [
                    induction.trace_entry("induction_base", (base_l, base_r), (f"{size} = {n0}",)),
                    *base,
                    induction.trace_entry(
                        "induction_step", (step_l, step_r), (f"{size} ≥ {n0 + 1}", f"μ = {sp.sstr(mu)}")
                    ),
                    *step,
                ]
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
