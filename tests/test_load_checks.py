"""The checks a derivation module meets when it is imported (derive.core.names, through the loader), and the check of
stated assumptions the checker runs in its worker (derive.checks.assumptions)."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.core.context import Context
from derive.core.model import Kind
from derive.run.loader import bundled_proofs, load, load_module

HEADER = "import sympy as sp\nfrom derive import Context, Derivation\nctx = Context()\nM = ctx.size('M')\n"


def module(tmp_path, body: str):
    path = tmp_path / "mistake.py"
    path.write_text(HEADER + body)
    (loaded,) = load([path])
    return loaded


def test_each_load_time_mistake_is_a_load_error_naming_file_line_and_step(tmp_path):
    fine = module(tmp_path, "c = ctx.value('c', (1, M))\nd = Derivation('t', ctx, start=c)\nd.step(c, 'same')\n")
    assert fine.error is None and fine.derivations
    mistakes = {
        # 1. a namesake of the declared c
        "c = ctx.value('c', (1, M))\nd = Derivation('t', ctx, start=c)\nd.step(sp.Symbol('c'), 'same')\n": (
            "line 7",
            "step 1: c here is Symbol('c') but the context declares c as an integer in 1..M (ctx.value)",
        ),
        # 2. a Cyrillic а beside a Latin a
        "d = Derivation('t', ctx, start=sp.Symbol('a'))\nd.step(sp.Symbol('\u0430'), 'same')\n": (
            "line 6",
            "step 1: two different symbols print alike",
        ),
        # 3. a positive index running over -M - 2..1
        "k = sp.Symbol('k', integer=True, positive=True)\nd = Derivation('t', ctx, start=M)\n"
        "d.step(sp.Sum(k, (k, -M - 2, 1)) + M, 'add nothing')\n": (
            "line 7",
            "step 1: the summation index k is declared positive=True, which its range -M - 2..1 does not imply",
        ),
    }
    for body, (line, message) in mistakes.items():
        loaded = module(tmp_path, body)
        error = str(loaded.error)
        assert f"mistake.py: failed to import: {line}: ModelError: {message}" in error, error


# -- 4. an assumption contradicted wherever it can be evaluated ---------------------------------------------------
def test_an_assumption_false_at_every_point_is_reported_with_the_points():
    from derive.checks.assumptions import contradicted_assumption

    ctx = Context()
    K = ctx.size("K")
    q = ctx.positive("q", index=(1, K), sums_to_one=True)
    i = sp.Symbol("i", integer=True)
    total = sp.Sum(q[i], (i, 1, K))
    assert contradicted_assumption(total, sp.Integer(1), ctx) == ""  # true
    assert contradicted_assumption(sp.Sum(q[i] ** 2, (i, 1, K)), sp.Rational(1, 2), ctx) == ""  # true at K = 2
    message = contradicted_assumption(total, 1 + total, ctx)
    assert message.startswith("the assumption is false at every point tried")
    assert "at K = 2, q = (1/2, 1/2): left side = 1, right side = 2" in message


def test_assumptions_that_cannot_be_evaluated_or_hold_somewhere_are_not_reported():
    from derive.checks.assumptions import contradicted_assumption

    L = sp.Function("L")
    ctx = Context()
    N = ctx.size("N")
    assert contradicted_assumption(L(N), N + 1, ctx) == ""  # L is undefined: nothing to evaluate
    assert contradicted_assumption(N, 4 - N, ctx) == ""  # holds at N = 2
    assert contradicted_assumption(sp.Integer(1), sp.Integer(2), ctx) == ""  # one point is too few to judge
    assert contradicted_assumption(N, 3 * N, ctx).count("left side = ") == 3  # N = 1, 2, 3: false at each


def test_the_bundled_assumed_factorisations_are_not_flagged():
    from derive.checks.assumptions import contradicted_assumption

    assumed = []
    for name in ("iid_cross_entropy.py", "bernoulli_likelihood.py"):
        loaded = load_module(bundled_proofs() / name)
        for d in loaded.derivations:
            assumed += [(d, s) for s in d.steps if s.kind is Kind.ASSUME]
    assert len(assumed) == 2
    for d, step in assumed:
        assert contradicted_assumption(step.claim_lhs, step.expr, d.context) == "", (d.name, step.name)


def test_a_plain_number_is_a_step_expression_and_text_or_a_float_is_not():
    from fractions import Fraction

    from derive import Derivation
    from derive.core.errors import ModelError

    d = Derivation("numbers", Context(), start=sp.Symbol("a", positive=True) - sp.Symbol("a", positive=True))
    assert d.step(0, "a - a").expr == sp.Integer(0)
    assert d.step(Fraction(0, 3), "still zero").expr == sp.Integer(0)
    for bad in ("0", 0.0, True):
        with pytest.raises(ModelError, match="expected a SymPy expression"):
            d.step(bad, "not an expression")
