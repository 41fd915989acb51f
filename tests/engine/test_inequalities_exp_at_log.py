"""1 + t ≤ eᵗ at t = log y (derive.engine.inequalities.lemmas): the textbook proof of log y ≤ y − 1 written with
``by="add_one_le_exp"`` is traced by that lemma; it needs y > 0, and a false variant is never proved."""

from __future__ import annotations

import sympy as sp
from sympy import log

from derive import Context
from derive.checks.relations import verify_inequality
from derive.core.evidence import Evidence
from derive.core.model import Relation
from derive.engine.inequalities import prove_inequality

x = sp.Symbol("x", positive=True)
xr = sp.Symbol("x", real=True)


def test_add_one_le_exp_bounds_a_log_from_above_when_it_is_named():
    trace, _ = prove_inequality(log(x), x - 1, False, Context(), hints=("add_one_le_exp",))
    assert trace is not None and trace[0].rule == "add_one_le_exp"
    assert "x > 0" in trace[0].assumptions and sp.sympify(trace[0].result) == x - 1
    # unnamed, the search still starts with log_le_sub_one_of_pos, as before
    trace, _ = prove_inequality(log(x), x - 1, False, Context())
    assert trace[0].rule == "log_le_sub_one_of_pos"


def test_add_one_le_exp_at_a_log_needs_a_positive_argument():
    c = Context()
    trace, attempts = prove_inequality(log(xr), xr - 1, False, c, hints=("add_one_le_exp",))
    assert trace is None
    assert any(lemma == "add_one_le_exp" and "> 0" in why for lemma, _, why in attempts.declined)
    assert verify_inequality(log(xr), xr - 1, Relation.LE, c).evidence is not Evidence.PROVED


def test_a_false_variant_is_never_proved_with_the_hint():
    c = Context()
    for lhs, rhs, strict in ((x - 1, log(x), False), (log(x), x - 1, True), (log(x), x - 2, False)):
        assert prove_inequality(lhs, rhs, strict, c, hints=("add_one_le_exp",))[0] is None
    assert verify_inequality(log(x), x - 1, Relation.LT, c).evidence is Evidence.REFUTED  # equality at x = 1
