"""A check that runs past its budget is stopped and comes back undecided; the run goes on."""

from __future__ import annotations

import time

from derive.evidence import Evidence, StepResult
from derive.worker import run_isolated


def test_a_check_past_its_budget_is_undecided():
    def slow():
        time.sleep(60)
        return StepResult(Evidence.PROVED)

    result = run_isolated(slow, budget=0.5)
    assert result.evidence is Evidence.UNDECIDED
    assert "time budget of 0.5 s spent" in result.detail


def test_an_exception_in_a_check_is_undecided_with_its_cause():
    def broken():
        raise ValueError("bad input to sympy")

    result = run_isolated(broken, budget=5)
    assert result.evidence is Evidence.UNDECIDED
    assert "ValueError: bad input to sympy" in result.detail


def test_a_result_comes_back_from_the_worker():
    result = run_isolated(lambda: StepResult(Evidence.PROVED, "ok"), budget=5)
    assert (result.evidence, result.detail) == (Evidence.PROVED, "ok")


def test_parallel_results_equal_serial_and_come_in_order(flagship):
    from derive.checker import Options, check_derivations

    def stable(reports):
        return [[{k: v for k, v in s.items() if k != "seconds"} for s in r.to_json()["steps"]] for r in reports]

    order = []
    serial = check_derivations([(flagship, "")], Options(), jobs=1)
    parallel = check_derivations(
        [(flagship, "")], Options(), jobs=4, progress=lambda report, step, result: order.append(step.name)
    )
    assert stable(parallel) == stable(serial)
    assert order == [s.name for s in flagship.steps]
