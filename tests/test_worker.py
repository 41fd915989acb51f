"""A check that runs past its budget is stopped and comes back undecided; the run goes on."""

from __future__ import annotations

import time

import pytest

from derive.core.evidence import Evidence, StepResult
from derive.run.worker import run_isolated


# NOTE: the checks below are module-level functions, not closures: a process that runs threads (an xdist worker
# after IPython's history thread started) is never forked, and a closure cannot be sent to a fresh interpreter.
def _slow() -> StepResult:
    time.sleep(60)
    return StepResult(Evidence.PROVED)


def _broken() -> StepResult:
    raise ValueError("bad input to sympy")


def test_a_check_past_its_budget_is_undecided():
    result = run_isolated(_slow, budget=0.5)
    assert result.evidence is Evidence.UNDECIDED
    assert "time budget of 0.5 s spent" in result.detail


def test_an_exception_in_a_check_is_undecided_with_its_cause():
    result = run_isolated(_broken, budget=5)
    assert result.evidence is Evidence.UNDECIDED
    assert "ValueError: bad input to sympy" in result.detail


def test_a_result_comes_back_from_the_worker():
    result = run_isolated(_returns_proved, budget=5)
    assert (result.evidence, result.detail) == (Evidence.PROVED, "ok")


def test_parallel_results_equal_serial_and_come_in_order(flagship):
    from derive.checks.steps import Options
    from derive.run.check import check_derivations

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
    result = run_isolated(_hungry, budget=20)
    assert result.evidence is Evidence.UNDECIDED
    assert "memory limit" in result.detail


# -- start methods: tasks are data that a fresh interpreter rebuilds -------------------------------------------
SMALL_MODULE = '''"""A small derivation: a run-time notation class and a reference implementation."""
import sympy as sp
from derive import Context, Derivation
from derive.notation import conditional

ctx = Context()
theta = sp.Symbol("theta", positive=True)
p = conditional("p", theta)
x = sp.Symbol("x", positive=True)
r = ctx.probability("r")


def doubled(v):
    return 2 * v


small = Derivation("small", ctx, start=sp.log(p(x) * p(x)))
small.step(2 * sp.log(p(x)), "the log of a square", name="log-square")
small.step(sp.log(p(x)), "half of it", name="wrong")
small.reference(doubled, args=(r,), formula=2 * r)
'''


def _check_small(tmp_path, method: str, monkeypatch) -> list[tuple[str, str, str]]:
    from derive.checks.steps import Options
    from derive.run.check import check_derivations
    from derive.run.loader import load_module

    module = tmp_path / "small.py"
    module.write_text(SMALL_MODULE)
    loaded = load_module(module)
    assert loaded.error is None, loaded.error
    monkeypatch.setenv("DERIVE_START_METHOD", method)
    (report,) = check_derivations([(d, str(module)) for d in loaded.derivations], Options(budget=30), jobs=2)
    return [(s.name, r.evidence.value, r.detail) for s, r in zip(report.derivation.steps, report.results)]


def test_a_derivation_module_is_checked_alike_under_spawn_forkserver_and_fork(tmp_path, monkeypatch):
    forked = _check_small(tmp_path, "fork", monkeypatch)
    assert [evidence for _, evidence, _ in forked] == ["proved", "undecided", "proved"], forked
    assert "internal error" not in str(forked)
    assert _check_small(tmp_path, "spawn", monkeypatch) == forked
    assert _check_small(tmp_path, "forkserver", monkeypatch) == forked


def _forever() -> StepResult:
    while True:
        pass


def _hungry() -> StepResult:
    block = bytearray(2 * 1024**3)
    return StepResult(Evidence.PROVED, str(len(block)))


def test_spawn_keeps_the_hard_budget_and_the_memory_cap(monkeypatch):
    import derive.run.worker as worker

    # the budget counts from the moment the child has rebuilt its task, not from the interpreter's start
    result = run_isolated(_forever, budget=1, method="spawn")
    assert result.evidence is Evidence.UNDECIDED and "time budget of 1 s spent" in result.detail
    assert result.seconds < 3
    monkeypatch.setattr(worker, "MEMORY_LIMIT", 512 * 1024**2)
    result = run_isolated(_hungry, budget=20, method="spawn")
    assert result.evidence is Evidence.UNDECIDED and "memory limit" in result.detail


def test_a_process_that_runs_threads_is_never_forked(monkeypatch):
    import threading

    import derive.run.worker as worker

    monkeypatch.setenv("DERIVE_START_METHOD", "fork")
    assert worker.start_method() == ("fork" if worker.may_fork() else "forkserver")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert worker.start_method() in ("forkserver", "spawn")  # asked for fork, but a thread runs
        assert run_isolated(_returns_proved, budget=30).evidence is Evidence.PROVED
        # a closure cannot be sent to a fresh interpreter, and cannot be forked: undecided, saying why
        result = run_isolated(lambda: StepResult(Evidence.PROVED), budget=30)
        assert result.evidence is Evidence.UNDECIDED
        assert "cannot be sent to a forkserver worker" in result.detail and "runs threads" in result.detail
    finally:
        stop.set()
        thread.join()


def _returns_proved() -> StepResult:
    return StepResult(Evidence.PROVED, "ok")


def test_a_class_with_methods_from_main_is_sent_by_reference_to_its_module(tmp_path, monkeypatch):
    """What pickle cannot rebuild (here a class that claims to come from ``__main__``, as a notebook cell's does) is
    checked by importing the derivation module again, when the derivation has one."""
    import sympy as sp

    from derive.checks.steps import Options
    from derive.core.context import Context
    from derive.core.model import Derivation
    from derive.run.check import step_task
    from derive.run.tasks import dumps

    class Twice(sp.Function):
        def _eval_is_positive(self):
            return True

    Twice.__module__ = "__main__"
    x = sp.Symbol("x", positive=True)
    d = Derivation("twice", Context(), start=Twice(x) + Twice(x))
    d.step(2 * Twice(x), "collect")
    task = step_task(d, d.steps[0], Options())
    with pytest.raises(Exception, match="Twice .*defined in __main__"):
        dumps(task)
    assert task.by_reference() is None  # no module: under fork it runs as it is, elsewhere it is undecided
    module = tmp_path / "small.py"
    module.write_text(SMALL_MODULE)
    from derive.run.loader import load_module

    (small,) = load_module(module).derivations
    reloaded = step_task(small, small.steps[0], Options()).by_reference()
    result = run_isolated(reloaded, budget=30, method="spawn")
    assert (result.evidence, result.detail) == (Evidence.PROVED, "for all sizes")


def test_an_unevaluated_expression_arrives_as_it_was_written():
    """SymPy's own unpickling calls each class again, which evaluates: 1/2·1 + 1/4·2 would arrive as 1, log(1/2, 2)
    as −1 and 7**(3*10**8) would be computed. A task keeps them as written, so a fresh process checks the same claim
    (and the same mutants) as a forked one."""
    import sympy as sp

    from derive.run.tasks import dumps, loads

    half, quarter = sp.Rational(1, 2), sp.Rational(1, 4)
    written = sp.Add(
        sp.Mul(half, 1, evaluate=False),
        sp.Mul(quarter, 2, evaluate=False),
        sp.log(half, 2, evaluate=False),
        sp.Pow(7, 3 * 10**8, evaluate=False),
        evaluate=False,
    )
    assert sp.srepr(loads(dumps(written))) == sp.srepr(written)


def test_a_class_changed_at_run_time_is_not_checked_as_its_module_defines_it(tmp_path, monkeypatch):
    """A class sent by name is imported again in a spawned worker, from its module: an attribute the derivation
    module changed at run time would be lost, and a false claim proved there (found by a review)."""
    (tmp_path / "models_t1.py").write_text(
        "from sympy import Symbol\nfrom derive.notation import ConditionalProbability\n\n"
        "class P(ConditionalProbability):\n    given = Symbol('theta', real=True)\n"
    )
    module = tmp_path / "attr_t1.py"
    module.write_text(
        "from sympy import Symbol, Derivative, Integer, log\nfrom derive import Context, Derivation\n"
        "from models_t1 import P\nphi = Symbol('phi', real=True)\nP.given = phi\nctx = Context()\n"
        "x = Symbol('x', real=True)\nd = Derivation('t', ctx, start=Derivative(log(P(x)), phi), name='t')\n"
        "d.step(Integer(0), 'P does not depend on phi (wrong)', name='s')\n"
    )
    from derive.checks.steps import Options
    from derive.run.check import check_derivations
    from derive.run.loader import load_module

    monkeypatch.syspath_prepend(str(tmp_path))
    loaded = load_module(module)
    assert loaded.error is None, loaded.error
    monkeypatch.setenv("DERIVE_START_METHOD", "spawn")
    (report,) = check_derivations([(d, str(module)) for d in loaded.derivations], Options(budget=30), jobs=1)
    (result,) = report.results
    assert result.evidence is Evidence.UNDECIDED and "differs from the one in this process" in result.detail
