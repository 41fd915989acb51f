"""Budgets: a step's own ``budget=`` (validated where it is written, sent to its worker), and a cache whose weaker
verdicts answer only checks under the budget they were reached under."""

from __future__ import annotations

import json
import math
import time

import pytest
import sympy as sp

from derive.checks.steps import Options
from derive.core.context import Context
from derive.core.errors import ModelError
from derive.core.evidence import Evidence, StepResult
from derive.core.model import Derivation
from derive.run.cache import Cache, reusable, step_key
from derive.run.check import check_derivations, step_budget
from derive.run.worker import run_many

x = sp.Symbol("x", positive=True)


def pythagoras(**budget) -> Derivation:
    """sin²x + cos²x = 1: true, and ``numeric`` only (the engine has no trigonometry), after a few tenths of a
    second of points: more than a tiny budget allows."""
    d = Derivation("Pythagoras", Context(), start=sp.sin(x) ** 2 + sp.cos(x) ** 2, name="pythagoras")
    d.step(sp.Integer(1), "Pythagoras' theorem", allow="numeric", name="pyth", **budget)
    return d


def doubling() -> Derivation:
    d = Derivation("Doubling", Context(), start=x + x, name="doubling")
    d.step(2 * x, "collect the terms", name="collect")
    return d


def check(derivation: Derivation, budget: float, cache: Cache | None = None) -> StepResult:
    (report,) = check_derivations([(derivation, "")], Options(budget=budget), cache=cache)
    return report.results[0]


# -- budget= where a step is written ------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [0, -1, math.inf, math.nan, "10", True, [10]])
def test_a_budget_that_is_not_a_positive_number_is_refused_naming_the_file_and_line(bad):
    d = Derivation("t", Context(), start=x + x)
    with pytest.raises(ModelError, match=r"test_budgets\.py:\d+: step 1: budget=.* must be a positive number"):
        d.step(2 * x, "collect", budget=bad)


def test_step_apply_and_example_take_a_budget():
    n = sp.Symbol("n", positive=True)
    d = Derivation("t", Context(), start=n + n)
    assert d.step(2 * n, "collect", budget=20).budget == 20.0
    assert d.apply(lambda e: e / 2, n, "halve", budget=7.5).budget == 7.5
    assert d.example({n: 3}, sp.Integer(3), "at n = 3", budget=1).budget == 1.0
    assert d.step(n, "as it is").budget is None  # the run's
    with pytest.raises(ModelError, match="budget=-2 must be a positive number"):
        d.apply(lambda e: e, n, "same", budget=-2)
    with pytest.raises(ModelError, match="budget=0 must be a positive number"):
        d.example({n: 3}, sp.Integer(3), "at n = 3", budget=0)


def test_a_steps_budget_overrides_the_runs_for_that_step_only():
    slow, plain = pythagoras(budget=30).steps[0], pythagoras().steps[0]
    assert step_budget(slow, Options(budget=5)) == 30.0
    assert step_budget(plain, Options(budget=5)) == 5.0
    assert step_budget(slow, Options(budget=0)) == 0  # a run without a limit (debugging) stays without one


def test_the_steps_budget_reaches_its_worker_both_ways():
    cut = check(pythagoras(budget=0.01), budget=60)  # the step's tiny budget wins over the run's large one
    assert cut.evidence is Evidence.UNDECIDED and "time budget of 0.01 s spent" in cut.detail
    assert check(pythagoras(), budget=0.01).evidence is Evidence.UNDECIDED  # the run's tiny budget
    assert check(pythagoras(budget=60), budget=0.01).evidence is Evidence.NUMERIC  # the step's large one wins


# -- the cache keeps the budget a verdict was reached under --------------------------------------------------------
def test_a_weaker_verdict_answers_a_smaller_budget_and_is_checked_again_under_a_larger_one(tmp_path):
    cache, d = Cache(tmp_path), pythagoras()
    key = step_key(d.context, d.steps[0], 0)
    first = check(d, 30, cache)
    assert first.evidence is Evidence.NUMERIC and not first.cached
    assert json.loads(cache._path(key).read_text())["result"]["budget"] == 30.0

    smaller = check(d, 10, cache)  # what 30 s reached, 10 s could not improve on
    assert smaller.cached and smaller.evidence is Evidence.NUMERIC

    larger = check(d, 60, cache)  # 60 s might reach further: checked again, and the record replaced
    assert not larger.cached and larger.evidence is Evidence.NUMERIC
    assert json.loads(cache._path(key).read_text())["result"]["budget"] == 60.0
    assert check(d, 60, cache).cached


def test_a_steps_own_budget_is_the_one_the_cache_compares(tmp_path):
    cache = Cache(tmp_path)
    assert not check(pythagoras(budget=30), 5, cache).cached  # reached under the step's 30 s, not the run's 5 s
    assert check(pythagoras(budget=30), 60, cache).cached
    assert not check(pythagoras(budget=60), 5, cache).cached


def test_a_conclusive_verdict_answers_any_budget(tmp_path):
    cache, d = Cache(tmp_path), doubling()
    assert check(d, 2, cache).evidence is Evidence.PROVED
    assert check(d, 60, cache).cached and check(d, 0.5, cache).cached


def test_the_reuse_rule():
    numeric, proved = StepResult(Evidence.NUMERIC, seconds=8.0), StepResult(Evidence.PROVED, seconds=8.0)
    assert reusable(numeric, 10.0, 9.0) and reusable(numeric, 10.0, 10.0)
    assert not reusable(numeric, 10.0, 20.0)  # a larger budget: check again
    assert not reusable(numeric, 10.0, 5.0)  # it took 8 s: a 5 s check would have run out of time
    assert not reusable(numeric, 10.0, None)  # a check without a limit
    assert reusable(numeric, None, 9.0) and reusable(numeric, None, None)  # reached without a limit
    assert reusable(StepResult(Evidence.PROVED_FOR_SIZES, seconds=1.0), 5.0, 3.0)
    assert all(reusable(proved, 10.0, b) for b in (1.0, 10.0, 100.0, None))
    assert reusable(StepResult(Evidence.REFUTED, seconds=8.0), 10.0, 100.0)


def test_a_result_that_does_not_answer_stays_and_an_altered_budget_is_never_trusted(tmp_path):
    cache, key = Cache(tmp_path), "cd" * 32
    cache.put(key, StepResult(Evidence.NUMERIC, "40 points", seconds=1.0), 10.0)
    assert cache.get(key, 20.0) is None and cache._path(key).exists()  # kept for a check it does answer
    assert cache.get(key, 10.0).evidence is Evidence.NUMERIC
    record = json.loads(cache._path(key).read_text())
    record["result"]["budget"] = 1000.0  # altered without a matching checksum
    cache._path(key).write_text(json.dumps(record))
    assert cache.get(key, 20.0) is None and not cache._path(key).exists()


# -- the worker pool -----------------------------------------------------------------------------------------------
def _sleeps() -> StepResult:
    time.sleep(60)
    return StepResult(Evidence.PROVED)


def _quick() -> StepResult:
    return StepResult(Evidence.PROVED, "ok")


def test_each_task_runs_under_its_own_budget():
    slow, quick = run_many([_sleeps, _quick], 60, jobs=2, budgets=[0.3, 60])
    assert slow.evidence is Evidence.UNDECIDED and "time budget of 0.3 s spent" in slow.detail
    assert (quick.evidence, quick.detail) == (Evidence.PROVED, "ok")


def test_a_step_that_ran_out_of_its_budget_still_says_why_it_was_not_proved():
    result = check(pythagoras(budget=0.01), 60)
    assert result.evidence is Evidence.UNDECIDED and "time budget" in result.detail
    assert result.why_not and "not proved" in result.why_not[0]
