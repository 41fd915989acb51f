"""A cited derivation's conclusion compiled into a rule or a lemma (derive.engine.citation): it applies where the
cited declarations follow from the citing ones, shows the substitution and the cited name, and never proves what
its statement does not give."""

from __future__ import annotations

import pytest
import sympy as sp

from derive import Context, Derivation
from derive.core.errors import ModelError
from derive.engine.citation import Cited, NotCitable, conclusion, lemma, rules
from derive.engine.facts import Env
from derive.engine.inequalities import prove_inequality
from derive.engine.prove import prove_equal

x = sp.Symbol("x", positive=True)
k = sp.Symbol("k", integer=True)


def log_bound() -> Derivation:
    """log x ≤ x − 1 for x > 0."""
    d = Derivation("log bound", Context(), start=sp.log(x), name="log-bound")
    d.step(x - 1, "the tangent of log at 1", relation="<=", by="log_le_sub_one_of_pos")
    return d


def distributions(sums_to_one: bool = True):
    ctx = Context()
    K = ctx.size("K")
    p = ctx.positive("p", index=(1, K), sums_to_one=sums_to_one)
    q = ctx.positive("q", index=(1, K), sums_to_one=sums_to_one)
    return ctx, K, p, q


def test_conclusion_composes_the_chain():
    d = Derivation("chain", Context(), start=sp.log(x), name="chain")
    d.step(sp.log(x), "the same", name="same")
    d.step(x - 1, "bound", relation="<=", name="bound")
    d.step(x, "bigger", relation="<", name="bigger")
    assert conclusion(d) == (sp.log(x), Cited.of(d).relation, x)
    assert Cited.of(d).relation.value == "<"
    mixed = Derivation("mixed", Context(), start=x, name="mixed")
    mixed.step(x + 1, "up", relation="<=")
    mixed.step(x, "down", relation=">=")
    with pytest.raises(NotCitable, match="mixes"):
        Cited.of(mixed)


def test_scalar_equation_is_a_rule_both_ways():
    a, b = sp.symbols("a b", positive=True)
    d = Derivation("log of a product", Context(), start=sp.log(a * b), name="log-product")
    d.step(sp.log(a) + sp.log(b), "log rule", by="log_mul")
    cited = Cited.of(d)
    u, v = sp.symbols("u v", positive=True)
    forward, backward = rules(cited)
    trace = prove_equal(sp.log(u * v) + 1, sp.log(u) + sp.log(v) + 1, Context(), (cited,), by_induction=False)
    assert trace is not None
    used = [t for t in trace if t.rule == "log-product"]
    assert used and any("a ↦ u" in s or "a ↦ v" in s for s in used[0].assumptions)
    # at a point outside the declarations (u real, of either sign) the rule does not fire
    w = sp.Symbol("w", real=True)
    assert forward.apply(sp.log(w * u), Env(Context())) is None
    assert backward.apply(sp.log(u) + sp.log(v), Env(Context())) is not None


def test_inequality_lemma_under_a_sum_and_a_positive_factor():
    """Gibbs' key step: Σ p_k log(q_k/p_k) ≤ Σ p_k (q_k/p_k − 1), citing log x ≤ x − 1 at x := q_k/p_k."""
    ctx, K, p, q = distributions()
    lhs = sp.Sum(p[k] * sp.log(q[k] / p[k]), (k, 1, K))
    rhs = sp.Sum(p[k] * (q[k] / p[k] - 1), (k, 1, K))
    trace, _ = prove_inequality(lhs, rhs, False, ctx, (Cited.of(log_bound()),))
    assert trace is not None
    (used,) = [t for t in trace if t.rule == "log-bound"]
    assert any(s.startswith("cites log-bound: x ↦ q[") for s in used.assumptions)


def test_side_condition_refused_outside_the_declarations():
    """log x ≤ x − 1 holds for x > 0 only: at a real y, at −x, at x − 2, it offers nothing and proves nothing."""
    cited = lemma(Cited.of(log_bound()))
    y = sp.Symbol("y", real=True)
    env = Env(Context())
    for term in (sp.log(y), sp.log(-x), sp.log(x - 2)):
        assert cited.bounds(term, env, term) == []
    assert cited.bounds(sp.log(x + 1), env, sp.log(x + 1))[0].value == x
    trace, _ = prove_inequality(sp.log(y**3), y**3 - 1, False, Context(), (Cited.of(log_bound()),))
    assert trace is None


def test_family_declarations_must_follow():
    """A cited statement about distributions (Σ p = 1) does not apply to families that need not sum to one."""
    cited_ctx, K, p, q = distributions()
    d = Derivation("sum to one", cited_ctx, start=sp.Sum(p[k], (k, 1, K)), name="sum-one")
    d.step(1, "declared")
    ctx, N, r, s = distributions(sums_to_one=False)
    (forward, _) = rules(Cited.of(d))
    assert forward.apply(sp.Sum(r[k], (k, 1, N)), Env(ctx)) is None
    ctx2, M, r2, _ = distributions()
    done = forward.apply(sp.Sum(r2[k], (k, 1, M)), Env(ctx2))
    assert done is not None and done.result == 1
    assert any("K ↦ K" not in a and "p ↦ p" not in a for a in done.assumptions)


def test_false_citation_is_refused():
    """A claim the cited result does not give is not proved by citing it: log x ≤ x − 2 citing log x ≤ x − 1."""
    trace, _ = prove_inequality(sp.log(x), x - 2, False, Context(), (Cited.of(log_bound()),))
    assert trace is None
    u = sp.Symbol("u", positive=True)
    assert prove_equal(sp.log(u), u - 1, Context(), (Cited.of(log_bound()),), by_induction=False) is None


def test_the_model_refuses_citing_itself_or_nothing():
    d = Derivation("self", Context(), start=x, name="self")
    with pytest.raises(ModelError, match="cannot cite itself"):
        d.step(x, "circular", by=d)
    with pytest.raises(ModelError, match="cannot cite itself"):
        d.step(x, "circular", by="self")
    empty = Derivation("empty", Context(), start=x, name="empty")
    with pytest.raises(ModelError, match="has no steps"):
        d.step(x, "nothing", by=empty)
    step = d.step(x, "cites", by=[log_bound(), "log_mul", "some-result"])
    assert step.citations == ("log-bound", "some-result") and step.hints == ("log_mul",)
    with pytest.raises(ModelError, match="unknown rule 'no_such_rule'"):
        d.step(x, "typo", by="no_such_rule")


# -- the conclusion is what the checked lines establish (adversarial review, F3, F4, F5) -------------------------
def test_the_conclusion_starts_from_the_start_never_the_unchecked_subject():
    """F3: ``subject=`` is only shown; no check relates it to the start, so the conclusion must not read it."""
    ctx = Context()
    K = ctx.size("K")
    d = Derivation("subject unchecked", ctx, start=sp.Integer(0), subject=K**2, name="bad-subject")
    d.step(sp.Integer(10**6), "a number", relation="<=")
    lhs, relation, rhs = conclusion(d)
    assert (lhs, relation.value, rhs) == (0, "≤", 10**6)


def test_a_transform_after_an_inequality_is_not_citable():
    """F4: x² ≤ x² + 1 then 1/· of both sides does not give 1/x² ≤ 1/(x² + 1): refused, naming the step."""
    d = Derivation("apply after <=", Context(), start=x**2, name="inv-apply")
    d.step(x**2 + 1, "adding 1", relation="<=")
    d.apply(lambda e: 1 / e, 1 / (x**2 + 1), "take reciprocals", name="flip")
    with pytest.raises(NotCitable, match=r"flip.*after a ≤"):
        conclusion(d)


def test_a_transform_after_equations_concludes_the_checked_transformed_claim():
    """A transform after ``=`` lines only: the conclusion is the apply step's checked claim ``f(current) REL last``."""
    a, b = sp.symbols("a b", positive=True)
    d = Derivation("log of a product", Context(), start=a * b, name="logged")
    d.step(b * a, "commute")
    d.apply(sp.log, sp.log(a) + sp.log(b), "take logs", by="log_mul")
    d.step(sp.log(a) + sp.log(b) + 1, "add one", relation="<")
    lhs, relation, rhs = conclusion(d)
    assert (lhs, relation.value, rhs) == (sp.log(b * a), "<", sp.log(a) + sp.log(b) + 1)


def test_a_size_inside_a_range_is_the_same_pattern_variable():
    """F5: Σ_{k=1}^{K+1} q_k = 1 for q over 1 … K + 1 is no statement about a q over 1 … M + 1 summed to g + 1,
    nor to M (K ↦ M − 1 would need q over 1 … M); it is about Σ_{k=1}^{M+1} at K ↦ M."""
    cited_ctx = Context()
    K = cited_ctx.size("K")
    q = cited_ctx.positive("q", index=(1, K + 1), sums_to_one=True)
    d = Derivation("sum to one", cited_ctx, start=sp.Sum(q[k], (k, 1, K + 1)), name="q-sums")
    d.step(1, "q sums to one")
    (forward, _) = rules(Cited.of(d))
    ctx = Context()
    M = ctx.size("M")
    mine = ctx.positive("q", index=(1, M + 1), sums_to_one=True)
    g = sp.Function("g", positive=True, integer=True)(sp.Symbol("t", positive=True))
    env = Env(ctx)
    assert forward.apply(sp.Sum(mine[k], (k, 1, g + 1)), env) is None
    assert forward.apply(sp.Sum(mine[k], (k, 1, M)), env) is None
    done = forward.apply(sp.Sum(mine[k], (k, 1, M + 1)), env)
    assert done is not None and done.result == 1
