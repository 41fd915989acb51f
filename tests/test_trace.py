"""Proof traces are replayable: every recorded rewrite, re-applied, gives the same result, and the chain closes."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.core.evidence import Evidence
from derive.core.hygiene import alpha_equal
from derive.core.model import Kind, Relation
from derive.engine.compare import exactly_equal
from derive.engine.facts import Env
from derive.engine.rewrite import replace_at
from derive.engine.rules import RULES, context_rules
from derive.run.check import check_step
from derive.run.loader import bundled_proofs, load

STRUCTURAL = {"log_injective", "ring_nf", "evaluate"}


def replay(derivation, step, trace):
    rules = {**RULES, **{r.name: r for r in context_rules(derivation.context)}}
    sides = {"lhs": step.claim_lhs, "rhs": step.expr}
    for entry in trace:
        if entry.rule == "log_injective":
            sides = {"lhs": sp.log(sides["lhs"]), "rhs": sp.log(sides["rhs"])}
            continue
        if entry.rule in STRUCTURAL:
            continue
        before, target, result = (eval_srepr(t, derivation) for t in (entry.before, entry.target, entry.result))
        # the checker renames bound indices apart before it starts: equal up to those names
        assert alpha_equal(before, sides[entry.side]), f"{entry.rule}: trace does not continue the {entry.side}"
        sides[entry.side] = before
        bounds = eval_srepr(entry.bounds, derivation)
        env = Env(derivation.context, tuple(tuple(b) for b in bounds))
        rewrite = rules[entry.rule].apply(target, env)
        # Equal up to the names of bound indices (unfolding a definition freshens them each time).
        assert rewrite is not None and alpha_equal(rewrite.result, result), f"{entry.rule} does not replay"
        after = replace_at(before, tuple(entry.path), result)
        assert after == eval_srepr(entry.after, derivation)
        sides[entry.side] = after
    return sides


def eval_srepr(text, derivation):
    # srepr output is Python source for SymPy constructors; evaluate it with SymPy's namespace and the
    # derivation's own function classes (p(.|θ), H) only.
    namespace = {name: getattr(sp, name) for name in dir(sp)}
    exprs = [derivation.start] + [e for s in derivation.steps for e in (s.expr, s.claim_lhs)]
    exprs += [e for d in derivation.context.definitions for e in (d.lhs, d.rhs)]
    known = {}
    for e in exprs:
        for f in e.atoms(sp.Function):
            namespace[type(f).__name__] = type(f)
            known[type(f).__name__] = type(f)
        for node in sp.preorder_traversal(e):  # derive's own node classes (E under a Normal, a finite E)
            namespace.setdefault(type(node).__name__, type(node))
    # srepr writes Function('f') and drops f's assumptions (positive=True): give back the derivation's own class.
    namespace["Function"] = lambda name, **kw: known.get(name) or sp.Function(name, **kw)
    return eval(text, namespace)  # noqa: S307 - text comes from our own trace, never from outside


# Every '=' claim of every bundled derivation: its rewriting proof replays rule by rule.
REWRITING_PROOFS = [
    pytest.param(d, s, id=f"{d.name}::{s.name}")
    for item in load([bundled_proofs()])
    for d in item.derivations
    for s in d.steps
    if s.kind is Kind.STEP and s.relation is Relation.EQ
]


@pytest.mark.parametrize(("derivation", "step"), REWRITING_PROOFS)
def test_each_proved_step_replays(derivation, step):
    result = check_step(derivation, step)
    assert result.evidence is Evidence.PROVED
    sides = replay(derivation, step, result.trace)
    assert exactly_equal(sides["lhs"], sides["rhs"], derivation.context)


def test_grouping_by_counts_uses_the_rules_it_should(flagship):
    step = next(s for s in flagship.steps if s.name == "group-by-counts")
    labels = [t.label() for t in check_step(flagship, step).trace]
    assert "log_injective [q_i > 0]" in labels
    assert "sum_comm" in labels
    assert "sum_kronecker_delta [x_k integer, 1 ≤ x_k ≤ K]" in labels
