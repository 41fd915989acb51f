"""Run one check in a forked worker process that can be killed (SYMPY_PITFALLS.md, item 13).

SymPy has no timeouts and cannot be interrupted from inside; a thread timer leaves the work running. So each
check runs in a child process: the parent waits on a pipe for at most the budget, then kills the child and
reports ``undecided``. The child's address space is capped (``RLIMIT_AS``) so a runaway expansion cannot take
the machine's memory.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from collections.abc import Callable

from derive.evidence import Evidence, StepResult

MEMORY_LIMIT = 4 * 1024**3  # bytes of address space per worker


def _child(conn, fn: Callable[[], StepResult]) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):
        pass
    try:
        result = fn()
    except MemoryError:
        result = StepResult(Evidence.UNDECIDED, "memory limit reached")
    except Exception as exc:  # noqa: BLE001 - reported to the user as undecided with the cause
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        result = StepResult(Evidence.UNDECIDED, f"internal error: {last}")
    conn.send(result)
    conn.close()


def run_isolated(fn: Callable[[], StepResult], budget: float) -> StepResult:
    """``fn()`` in a forked child, or ``undecided`` once ``budget`` seconds are spent."""
    if budget <= 0 or os.environ.get("DERIVE_NO_FORK"):
        return fn()
    ctx = multiprocessing.get_context("fork")  # the child inherits the loaded derivation: nothing to pickle in
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn), daemon=True)
    start = time.perf_counter()
    proc.start()
    child.close()
    try:
        if parent.poll(budget):
            try:
                result = parent.recv()
            except EOFError:
                result = StepResult(Evidence.UNDECIDED, "the worker died (memory limit?)")
        else:
            result = StepResult(Evidence.UNDECIDED, f"time budget of {budget:g} s spent")
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent.close()
    result.seconds = time.perf_counter() - start
    return result
