"""Run one check in a forked worker process that can be killed (SYMPY_PITFALLS.md, item 13).

SymPy has no timeouts and cannot be interrupted from inside; a thread timer leaves the work running. So each
check runs in a child process: the parent waits on a pipe for at most the budget, then kills the child and
reports ``undecided``. The child's address space is capped (``RLIMIT_AS``) so a runaway expansion cannot take
the machine's memory.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import time
import traceback
from collections.abc import Callable

from derive.core.evidence import Evidence, StepResult

#: Bytes of address space per worker (``DERIVE_MEMORY_LIMIT`` in MiB); a step that needs more is undecided.
MEMORY_LIMIT = int(os.environ.get("DERIVE_MEMORY_LIMIT", "4096")) * 1024**2


def _child(conn, fn: Callable[[], StepResult]) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (ImportError, ValueError, OSError):
        pass
    try:
        result = fn()
    except MemoryError:
        result = StepResult(Evidence.UNDECIDED, "memory limit reached")
    except Exception as exc:  # noqa: BLE001 - reported to the user as undecided with the cause
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        result = StepResult(Evidence.UNDECIDED, f"internal error: {last}")
    try:
        conn.send(result)
    except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable result: report it rather than die silently
        conn.send(StepResult(Evidence.UNDECIDED, f"internal error: result not transferable: {exc}"))
    conn.close()


def run_isolated(fn: Callable[[], StepResult], budget: float) -> StepResult:
    """``fn()`` in a forked child, or ``undecided`` once ``budget`` seconds are spent."""
    return run_many([fn], budget, jobs=1)[0]


Task = Callable[[], StepResult] | StepResult


def run_many(
    tasks: list[Task], budget: float, jobs: int = 1, on_result: Callable[[int, StepResult], None] | None = None
) -> list[StepResult]:
    """Run ``tasks`` in up to ``jobs`` forked workers, each under ``budget`` seconds.

    A task that is already a ``StepResult`` (an assumption, a cache hit) is passed through. ``on_result(i, r)`` is
    called in task order as soon as every earlier task has finished, so a progress table reads like a serial run.
    """
    results: list[StepResult | None] = [None] * len(tasks)
    reported = 0

    def finish(index: int, result: StepResult) -> None:
        nonlocal reported
        results[index] = result
        while reported < len(results) and results[reported] is not None:
            if on_result:
                on_result(reported, results[reported])
            reported += 1

    if budget <= 0 or os.environ.get("DERIVE_NO_FORK"):  # debugging: run in-process, no isolation
        for i, task in enumerate(tasks):
            finish(i, task if isinstance(task, StepResult) else task())
        return results  # type: ignore[return-value]

    ctx = multiprocessing.get_context("fork")  # children inherit the loaded derivations: nothing to pickle in
    pending = list(enumerate(tasks))
    active: dict = {}  # connection -> (index, process, start)
    try:
        while pending or active:
            while pending and len(active) < max(jobs, 1):
                index, task = pending.pop(0)
                if isinstance(task, StepResult):
                    finish(index, task)
                    continue
                parent, child = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(child, task), daemon=True)
                proc.start()
                child.close()
                active[parent] = (index, proc, time.perf_counter())
            if not active:
                continue
            soonest = min(start for _, _, start in active.values()) + budget
            ready = multiprocessing.connection.wait(list(active), timeout=max(soonest - time.perf_counter(), 0))
            for conn in ready:
                index, proc, start = active.pop(conn)
                finish(index, _collect(conn, proc, start))
            now = time.perf_counter()
            for conn, (index, proc, start) in list(active.items()):
                if now - start >= budget:
                    del active[conn]
                    _stop(conn, proc)
                    finish(
                        index, StepResult(Evidence.UNDECIDED, f"time budget of {budget:g} s spent", seconds=now - start)
                    )
    finally:
        for conn, (_, proc, _) in active.items():
            _stop(conn, proc)
    return results  # type: ignore[return-value]


def _collect(conn, proc, start: float) -> StepResult:
    try:
        result = conn.recv()
    except EOFError:
        result = StepResult(Evidence.UNDECIDED, "the worker died (memory limit?)")
    _stop(conn, proc)
    result.seconds = time.perf_counter() - start
    return result


def _stop(conn, proc) -> None:
    if proc.is_alive():
        proc.kill()
    proc.join()
    conn.close()
