"""Why a step was not proved (issue 13, item 7): derive.engine.explain names the rule blocked closest to a proof,
the side condition it lacked and the declaration that would supply it; the step's result carries it to the
terminal (-v), the JSON report and a pytest failure."""

from __future__ import annotations

import json

import pytest
import sympy as sp

from derive import Context
from derive.checks.steps import Options, verify_claim, why_not_proved
from derive.core.evidence import Evidence, StepResult
from derive.core.hygiene import freshen
from derive.engine import explain as explain_module
from derive.engine.explain import explain, explain_positive
from derive.engine.facts import Env, in_range, integer, positive, real
from derive.engine.rules import Rewrite, Rule
from derive.entry.cli import ExitCode, main

pytest_plugins = ["pytester"]

i = sp.Symbol("i", integer=True)


def _log_of_product():
    """Σ_i log(q_i r_i) = Σ_i (log q_i + log r_i) with q declared real: log_mul needs q_i > 0."""
    ctx = Context()
    K = ctx.size("K")
    q, r = ctx.real("q", (1, K)), ctx.positive("r", (1, K))
    return ctx, sp.Sum(sp.log(q[i] * r[i]), (i, 1, K)), sp.Sum(sp.log(q[i]) + sp.log(r[i]), (i, 1, K))


def test_explain_names_log_mul_and_the_positivity_a_real_family_lacks():
    ctx, lhs, rhs = _log_of_product()
    for hints in ((), ("log_mul",)):
        lines = explain(freshen(lhs), freshen(rhs), ctx, hints).lines()
        assert lines[0] == (
            'not proved for all sizes: log_mul needs q_i > 0 (declare q with ctx.positive("q", (1, K)) instead of '
            "ctx.real)"
        )
        assert "  log_mul was tried at log(q[i]*r[i]) (left side)" in lines
        assert "  log_mul: log(x*y) = log(x) + log(y) if x > 0, y > 0" in lines  # the rule's side conditions
        assert "  rules that fired: sum_add" in lines
        assert any(line.startswith("  the exact comparison did not close: Sum(log(q[i]*r[i])") for line in lines)


def test_explain_names_a_plain_symbol_and_how_to_declare_it_positive():
    x, y = sp.Symbol("x"), sp.Symbol("y", positive=True)
    (headline, *_) = explain(sp.log(x * y), sp.log(x) + sp.log(y), Context()).lines()
    assert headline.startswith('not proved for all sizes: log_mul needs x > 0 (declare x with sp.Symbol("x", positive')


@pytest.mark.parametrize(
    ("v", "needs"),
    [
        (sp.Symbol("v"), "sum_kronecker_delta needs v integer, 1 ≤ v ≤ K"),  # neither integer nor in range
        (sp.Symbol("v", integer=True), "sum_kronecker_delta needs 1 ≤ v ≤ K"),  # an integer, but where?
    ],
)
def test_explain_names_the_integer_range_a_delta_contraction_needs(v, needs):
    ctx = Context()
    K = ctx.size("K")
    p = ctx.positive("p", (1, K))
    lines = explain(freshen(sp.Sum(sp.KroneckerDelta(i, v) * p[i], (i, 1, K))), p[v], ctx).lines()
    assert lines[0] == f'not proved for all sizes: {needs} (declare v with ctx.value("v", (1, K)))'
    assert (
        "  sum_kronecker_delta: Sum(KroneckerDelta(i, v)*f[i], (i, a, b)) = f[v] if Q.integer(v), a <= v, v <= b"
        in (lines)
    )
    assert not any("sum_comm" in line for line in lines)  # the strategy guard asks for the same facts: said once


def test_explain_names_data_whose_values_are_declared_outside_the_range():
    ctx = Context()
    K, N = ctx.size("K"), ctx.size("N")
    x = ctx.data("x", (1, N), values=(0, K))  # 0 is outside 1..K
    p = ctx.positive("p", (1, K))
    n = sp.Symbol("n", integer=True)
    lhs = freshen(sp.Sum(sp.KroneckerDelta(i, x[n]) * p[i], (i, 1, K), (n, 1, N)))
    (headline, *_) = explain(lhs, freshen(sp.Sum(p[x[n]], (n, 1, N))), ctx).lines()
    assert "needs 1 ≤ x_n ≤ K" in headline and 'ctx.data("x", (1, N), values=(1, K))' in headline


def test_a_step_that_no_declaration_blocks_says_so():
    ctx = Context()
    n = ctx.size("n")
    k = sp.Symbol("k", integer=True)
    lines = explain(freshen(sp.Sum(k**3, (k, 1, n))), n**4, ctx).lines()
    assert lines[0].startswith("not proved for all sizes: no rule was blocked by a missing declaration (")


def test_a_collecting_env_answers_as_the_plain_one_and_records_the_atoms():
    ctx = Context()
    K = ctx.size("K")
    q, z = ctx.positive("q", (1, K)), ctx.real("z", (1, K))
    v, w = sp.Symbol("v"), sp.Symbol("w", integer=True)
    queries = [
        (positive, (z[1] * q[1],)),
        (positive, (q[1] + v,)),
        (positive, (q[0],)),
        (positive, (1 - v,)),
        (real, (v,)),
        (integer, (v,)),
        (in_range, (w, 1, K)),
        (positive, (q[1],)),
        (positive, (sp.Function("f")(v),)),  # an undefined function: its class has no module
        (positive, (sp.log(v),)),  # SymPy's own function: nothing to declare
    ]
    misses: list = []
    for query, args in queries:
        assert query(*args, Env(ctx)) == query(*args, Env(ctx, misses=misses))
    assert list(dict.fromkeys((m.kind, m.atom) for m in misses)) == [  # a query may ask twice on another route
        ("positive", z[1]),
        ("positive", v),
        ("index", q[0]),
        ("below_one", v),
        ("real", v),
        ("integer", v),
        ("range", w),
        ("positive", sp.Function("f")(v)),
    ]


def test_verify_claim_attaches_the_explanation_to_a_step_short_of_proved_and_none_to_a_proof():
    ctx, lhs, rhs = _log_of_product()
    short = verify_claim(lhs, rhs, ctx, ("log_mul",), Options(budget=300))  # a busy machine must not skip it
    assert short.evidence is Evidence.NUMERIC
    assert short.why_not[0].startswith("not proved for all sizes: log_mul needs q_i > 0")
    ctx2 = Context()
    K = ctx2.size("K", minimum=2)
    q = ctx2.positive("q", (1, K))
    proved = verify_claim(sp.log(q[1] * q[2]), sp.log(q[1]) + sp.log(q[2]), ctx2)
    assert proved.evidence is Evidence.PROVED and proved.why_not == ()
    assert "why_not" not in proved.to_json()
    x = sp.Symbol("x", positive=True)
    refuted = verify_claim(sp.log(x**2), sp.log(x) ** 2, Context())
    assert refuted.evidence is Evidence.REFUTED and refuted.why_not == ()  # the counterexample says why


def test_why_not_survives_the_json_round_trip_and_old_results_still_load():
    result = StepResult(Evidence.NUMERIC, "40 points", why_not=("not proved for all sizes: log_mul needs q_i > 0",))
    data = json.loads(json.dumps(result.to_json()))
    assert data["why_not"] == list(result.why_not)
    assert StepResult.from_json(data).why_not == result.why_not
    del data["why_not"]  # stored before the field existed
    assert StepResult.from_json(data).why_not == ()
    with pytest.raises(ValueError, match="why_not"):
        StepResult.from_json({**data, "why_not": "not a list"})


SHORT = """\
from sympy import log

from derive import Context, Derivation

ctx = Context()
K = ctx.size("K", minimum=2)
q = ctx.real("q", index=(1, K))
r = ctx.positive("r", index=(1, K))
d = Derivation("A real factor", ctx, start=log(q[1] * r[1]), name="real-factor")
d.step(log(q[1]) + log(r[1]), "the log of a product", name="split"{allow})
"""

HEADLINE = (
    'not proved for all sizes: log_mul needs q[1] > 0 (declare q with ctx.positive("q", (1, K)) instead of ctx.real)'
)


def test_check_verbose_and_json_show_why_not(tmp_path, capsys):
    path = tmp_path / "short.py"
    path.write_text(SHORT.format(allow=', allow="numeric"'))
    budget = ["--budget", "300"]  # the explanation is skipped when the step's budget is nearly spent
    assert main(["check", "-v", *budget, str(path)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert f"    {HEADLINE}" in out and "      log_mul was tried at log(q[1]*r[1]) (left side)" in out
    assert main(["check", str(path)]) == ExitCode.OK
    assert HEADLINE not in capsys.readouterr().out  # only with -v
    assert main(["check", "--json", *budget, str(path)]) == ExitCode.OK
    (step,) = json.loads(capsys.readouterr().out)["derivations"][0]["steps"]
    assert step["evidence"] == "numeric" and step["why_not"][0] == HEADLINE


def test_a_pytest_failure_says_why_the_step_was_not_proved(pytester):
    pytester.makepyprojecttoml("[tool.pytest.ini_options]\n")
    (pytester.path / "proofs").mkdir()
    (pytester.path / "proofs" / "short.py").write_text(SHORT.format(allow=""))
    result = pytester.runpytest("proofs/short.py", "--derive-budget", "300")
    assert result.ret != 0
    out = result.stdout.str()
    assert f"\n  why not:   {HEADLINE}\n             log_mul was tried at log(q[1]*r[1]) (left side)\n" in out


def test_explain_positive_names_what_a_relation_step_lacks_or_says_no_declaration_decides():
    y = sp.Symbol("y", positive=True)
    assert explain_positive([1 - y], Context()) == (
        'not proved for all sizes: the difference > 0 needs y < 1 (declare y with ctx.probability("y"))',
        "  the difference, rewritten: 1 - y",
    )
    x = sp.Symbol("x", positive=True)
    (headline, _) = explain_positive([x - 1 - sp.log(x)], Context())
    assert headline.endswith("the sign of the difference does not follow from the declarations of its atoms")
    ctx = Context()
    assert explain_positive([1 - ctx.probability("p")], ctx) == ()  # shown positive: nothing to explain


def test_an_engine_guard_that_stopped_the_rewriting_is_named(monkeypatch):
    x = sp.Symbol("x")
    leak = Rule("leak", lambda e, env: Rewrite(e + sp.Symbol("j")) if e == x else None)
    monkeypatch.setattr(explain_module, "attempts", lambda ctx, hints: [[leak]])
    lines = explain(x, x + 1, Context()).lines()
    assert lines[0] == (
        "not proved for all sizes: an engine guard stopped the rewriting: rule leak introduced free symbols ['j']"
    )


def test_no_explanation_past_the_steps_budget_and_one_on_its_own_for_a_step_that_ran_out():
    ctx, lhs, rhs = _log_of_product()
    assert verify_claim(lhs, rhs, ctx, options=Options(budget=0)).why_not == ()
    assert why_not_proved(lhs, rhs, ctx)[0].startswith("not proved for all sizes: log_mul needs q_i > 0")


def test_a_suggestion_that_would_not_be_enough_is_not_made_or_is_said_to_be_so():
    ctx = Context()
    n = ctx.size("n")
    y = ctx.real("y", (1, n))
    gap = sp.Sum(y[i] ** 2, (i, 1, n)) - sp.Sum(y[i], (i, 1, n)) ** 2 / n  # ≥ 0, but not by the signs of the y_i
    (headline, _) = explain_positive([gap], ctx)
    assert "does not follow from the declarations of its atoms" in headline and "ctx.positive" not in headline
    x, z = sp.Symbol("x"), sp.Symbol("z")
    # log(x·(x − z)): x > 0 is missing, and x − z > 0 follows from no declaration of x alone
    (headline, *_) = explain(sp.log(x * (x - z)), sp.log(x) + sp.log(x - z), Context()).lines()
    assert headline.startswith("not proved for all sizes: log_mul needs x > 0") and "not enough alone" in headline


def test_an_inequality_step_short_of_proved_says_why():
    from derive.checks.relations import verify_inequality
    from derive.core.model import Relation

    x = sp.Symbol("x", positive=True)
    result = verify_inequality(x**4 - x**2 + 1, sp.Integer(0), Relation.GT, Context())  # (x² − 1/2)² + 3/4
    assert result.evidence is Evidence.NUMERIC
    assert result.why_not and "lhs - rhs" in "\n".join(result.why_not)


def test_an_inequality_step_names_the_lemma_that_declined_and_its_condition():
    from derive.checks.relations import verify_inequality
    from derive.core.model import Relation
    from derive.engine.explain import explain_lemmas
    from derive.engine.inequalities import prove_inequality

    ctx = Context()
    z = ctx.real("z", (1, 3))  # log t ≤ t − 1 needs t > 0; z_1² may be 0
    proof, attempts = prove_inequality(sp.log(z[1] ** 2), z[1] ** 2 - 1, False, ctx)
    why = "\n".join(explain_lemmas(attempts.declined))
    assert proof is None and "log_le_sub_one_of_pos was tried at log(z[1]**2): needs z[1]**2 > 0" in why, why
    # through the step check the side log(z_1²) is not even real at z_1 = 0: the report says so first
    result = verify_inequality(sp.log(z[1] ** 2), z[1] ** 2 - 1, Relation.LE, ctx)
    assert result.evidence is Evidence.NUMERIC
    assert "a side is not shown real" in "\n".join(result.why_not)
    positive = Context()
    w = positive.positive("w", (1, 3))  # declared positive: the same claim is proved by the lemma
    assert verify_inequality(sp.log(w[1] ** 2), w[1] ** 2 - 1, Relation.LE, positive).evidence is Evidence.PROVED
