"""A check that runs past its budget is stopped and comes back undecided; the run goes on."""

from __future__ import annotations

import time

from derive.core.evidence import Evidence, StepResult
from derive.run.worker import run_isolated


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
    from derive.run.check import check_derivations
    from derive.verify.steps import Options

    def stable(reports):
        return [[{k: v for k, v in s.items() if k != "seconds"} for s in r.to_json()["steps"]] for r in reports]

    order = []
    serial = check_derivations([(flagship, "")], Options(), jobs=1)
    parallel = check_derivations(
        [(flagship, "")], Options(), jobs=4, progress=lambda report, step, result: order.append(step.name)
    )
    assert stable(parallel) == stable(serial)
    assert order == [s.name for s in flagship.steps]


def test_a_step_that_makes_sympy_slow_is_undecided_on_time_and_the_run_continues(tmp_path, capsys):
    import json

    from derive.entry.cli import main

    module = tmp_path / "slow.py"
    module.write_text(
        "from sympy import symbols\nfrom derive import Context, Derivation\n"
        "a, b, c, d = symbols('a b c d')\n"
        "slow = Derivation('slow', Context(), start=(a + b) ** 80 * (c + d) ** 80)\n"
        "slow.step((a*c + a*d + b*c + b*d) ** 80, 'expanding takes SymPy minutes', name='expand')\n"
        "slow.step((a*c + a*d + b*c + b*d) ** 80, 'nothing changes', name='same')\n"
    )
    start = time.perf_counter()
    assert main(["check", "--json", "--budget", "1", "--jobs", "1", str(module)]) == 1
    elapsed = time.perf_counter() - start
    steps = json.loads(capsys.readouterr().out)["derivations"][0]["steps"]
    assert [s["evidence"] for s in steps] == ["undecided", "proved"]
    assert "time budget of 1 s spent" in steps[0]["detail"]
    assert steps[0]["seconds"] < 2.0  # budget + 1 s
    assert elapsed < 30  # the run went on instead of waiting for SymPy


def test_a_step_past_the_memory_cap_is_undecided(monkeypatch):
    import derive.run.worker as worker

    monkeypatch.setattr(worker, "MEMORY_LIMIT", 512 * 1024**2)

    def hungry():
        block = bytearray(2 * 1024**3)
        return StepResult(Evidence.PROVED, str(len(block)))

    result = run_isolated(hungry, budget=20)
    assert result.evidence is Evidence.UNDECIDED
    assert "memory limit" in result.detail
