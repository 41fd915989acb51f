"""The registry: every rule is a name of derive.engine.rules, and a rule object serves as a by= hint wherever a name
does."""

from __future__ import annotations

import sympy as sp

import derive.engine.rules as rules
from derive.core.context import Context
from derive.engine.prove import attempts, prove_equal
from derive.engine.rules import RULES, rule_name


def test_every_rule_is_a_name_of_the_package():
    for name, rule in RULES.items():
        assert getattr(rules, name) is rule and rule.name == name
        assert name in rules.__all__


def test_a_rule_object_is_a_hint_as_its_name_is():
    assert rule_name(rules.log_mul) == rule_name("log_mul") == "log_mul"
    ctx = Context()
    by_object = attempts(ctx, (rules.log_mul, "log_pow"))
    by_name = attempts(ctx, ("log_mul", "log_pow"))
    assert [[r.name for r in rs] for rs in by_object] == [[r.name for r in rs] for rs in by_name]
    assert [r.name for r in by_object[0]] == ["log_mul", "log_pow", "sum_add", "mul_add", "mul_sum"]


def test_a_proof_hinted_by_a_rule_object():
    x, y = sp.symbols("x y", positive=True)
    trace = prove_equal(sp.log(x * y), sp.log(x) + sp.log(y), Context(), (rules.log_mul,))
    assert trace is not None and [e.rule for e in trace] == ["log_mul", "ring_nf"]


def test_a_derivation_step_takes_a_rule_object_and_stores_its_name():
    import pytest
    import sympy as sp

    from derive import Context, Derivation
    from derive.engine.rules import log_mul

    x, y = sp.symbols("x y", positive=True)
    d = Derivation("by a rule object", Context(), start=sp.log(x * y))
    step = d.step(sp.log(x) + sp.log(y), "the log of a product of positives", by=log_mul)
    assert step.hints == ("log_mul",)
    with pytest.raises(TypeError, match="by= takes rule names, rules or derivations, not int 3"):
        d.step(sp.log(x) + sp.log(y), "nothing", by=3)
