"""Run each check in a worker process that can be killed (SYMPY_PITFALLS.md, item 13).

SymPy has no timeouts and cannot be interrupted from inside; a thread timer leaves the work running. So each
check runs in a child process: the parent waits on a pipe for at most the budget, then kills the child and
reports ``undecided``. The child's address space is capped (``RLIMIT_AS``) so a runaway expansion cannot take
the machine's memory.

The child is started explicitly with one of multiprocessing's start methods (:func:`start_method`): ``fork``
where the platform has it and the process is single-threaded, else ``forkserver``, else ``spawn``; never ``fork``
from a process that runs threads (Jupyter's kernel does), which may deadlock the child. Under ``spawn`` and
``forkserver`` the task is sent as data (derive.run.tasks); the budget starts once the child has rebuilt it, so
Python's start-up is not counted against the step.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence

from derive.core.evidence import Evidence, StepResult
from derive.run import tasks as task_data

#: Bytes of address space per worker (``DERIVE_MEMORY_LIMIT`` in MiB); a step that needs more is undecided.
MEMORY_LIMIT = int(os.environ.get("DERIVE_MEMORY_LIMIT", "4096")) * 1024**2
#: Seconds a child may take to start and rebuild its task before the budget starts (a fresh interpreter imports
#: SymPy, and a task sent by reference imports its derivation module again).
STARTUP_LIMIT = 120.0
#: What a forkserver imports once, so that each child it forks starts with the checker loaded.
PRELOAD = ["derive.run.tasks", "derive.checks.code", "derive.notation"]
METHODS = ("fork", "forkserver", "spawn")
_READY = "ready"
MEMORY_REACHED = "memory limit reached"


def start_method() -> str:
    """The start method for workers: ``DERIVE_START_METHOD`` when set (``fork`` is refused, falling back to the
    next one, while the process runs threads), else ``fork`` on Linux when single-threaded, else ``forkserver``
    where there is one, else ``spawn`` (Windows; macOS, where fork is unsafe with system frameworks)."""
    available = multiprocessing.get_all_start_methods()
    wanted = os.environ.get("DERIVE_START_METHOD", "")
    if wanted and wanted not in METHODS:
        raise ValueError(f"DERIVE_START_METHOD must be one of {', '.join(METHODS)}, not {wanted!r}")
    if wanted in available and (wanted != "fork" or may_fork()):
        return wanted
    if "fork" in available and may_fork() and sys.platform != "darwin" and not wanted:
        return "fork"
    return "forkserver" if "forkserver" in available else "spawn"


def may_fork() -> bool:
    """Whether forking is safe here: the platform has ``fork`` and no other thread runs (a thread holding a lock
    at the fork leaves it locked forever in the child)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _cap(memory_limit: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (ImportError, ValueError, OSError):
        pass


def _run(fn: Callable[[], StepResult]) -> StepResult:
    try:
        return fn()
    except MemoryError:
        return StepResult(Evidence.UNDECIDED, MEMORY_REACHED)
    except Exception as exc:  # noqa: BLE001 - reported to the user as undecided with the cause
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return StepResult(Evidence.UNDECIDED, f"internal error: {last}")


def _send(conn, result: StepResult) -> None:
    try:
        conn.send(result)
    except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable result: report it rather than die silently
        conn.send(StepResult(Evidence.UNDECIDED, f"internal error: result not transferable: {exc}"))


def _child(conn, task: Callable[[], StepResult], memory_limit: int) -> None:
    """A forked child: run the one task it inherited."""
    _cap(memory_limit)
    conn.send(_READY)
    _send(conn, _run(task))
    conn.close()


def _serve(conn, memory_limit: int) -> None:
    """A fresh interpreter (spawn, forkserver): rebuild and run the tasks it is sent, one after another, until it
    is sent ``b""``. SymPy's cache is cleared between tasks, so each starts as in a new process; after running out
    of memory the worker ends."""
    from sympy.core.cache import clear_cache

    _cap(memory_limit)
    while (payload := conn.recv_bytes()) != b"":
        try:
            fn = task_data.loads(payload)
        except Exception as exc:  # noqa: BLE001 - as in _run
            fn = _cannot_rebuild(exc)
        conn.send(_READY)
        result = _run(fn)
        _send(conn, result)
        if result.detail == MEMORY_REACHED:
            break
        clear_cache()
    conn.close()


def unlimited(budget: float) -> bool:
    """Whether checks run in-process without a time limit: a budget of 0 or less, or ``DERIVE_NO_FORK`` set (for
    debugging). The cache stores what such a run concludes as reached without a limit (derive.run.cache)."""
    return budget <= 0 or bool(os.environ.get("DERIVE_NO_FORK"))


def _timed(task: Callable[[], StepResult]) -> StepResult:
    """``task()`` with the seconds it took, as a worker's result has them."""
    start = time.perf_counter()
    result = task()
    result.seconds = time.perf_counter() - start
    return result


def _cannot_rebuild(exc: Exception) -> Callable[[], StepResult]:
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return lambda: StepResult(Evidence.UNDECIDED, f"internal error: the task could not be rebuilt: {last}")


def run_isolated(fn: Callable[[], StepResult], budget: float, method: str | None = None) -> StepResult:
    """``fn()`` in a child process, or ``undecided`` once ``budget`` seconds are spent."""
    return run_many([fn], budget, jobs=1, method=method)[0]


Task = Callable[[], StepResult] | StepResult


def run_many(
    tasks: list[Task],
    budget: float,
    jobs: int = 1,
    on_result: Callable[[int, StepResult], None] | None = None,
    method: str | None = None,
    budgets: Sequence[float] | None = None,
) -> list[StepResult]:
    """Run ``tasks`` in up to ``jobs`` child processes, each under ``budget`` seconds (``budgets[i]`` for task ``i``
    when given: a step's own ``budget=``).

    A task that is already a ``StepResult`` (an assumption, a cache hit) is passed through. ``on_result(i, r)`` is
    called in task order as soon as every earlier task has finished, so a progress table reads like a serial run.
    ``method`` is the start method (default :func:`start_method`): under ``fork`` each task gets a child of its
    own; under ``spawn`` and ``forkserver`` up to ``jobs`` fresh interpreters serve the tasks one after another
    (starting one costs about a second of imports), and one that is killed is replaced.
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

    if unlimited(budget):  # debugging: run in-process, no isolation
        for i, task in enumerate(tasks):
            finish(i, task if isinstance(task, StepResult) else _timed(task))
        return results  # type: ignore[return-value]

    method = method or start_method()
    if method == "fork" and not may_fork():
        raise ValueError("fork is not safe here: the process runs threads (or the platform has no fork)")
    pending = list(enumerate(tasks))
    active: dict = {}  # connection -> _Worker running a task
    idle: list[_Worker] = []  # fresh interpreters waiting for a task
    try:
        while pending or active:
            while pending and len(active) < max(jobs, 1):
                index, task = pending.pop(0)
                launch = task if isinstance(task, StepResult) else _prepare(task, method)
                if isinstance(launch, StepResult):
                    finish(index, launch)
                    continue
                ctx, payload, sent = launch
                worker = (idle.pop() if idle else _Worker(ctx, served=True)) if sent else _Worker(ctx, payload)
                worker.give(index, payload if sent else None, budget if budgets is None else budgets[index])
                active[worker.conn] = worker
            if not active:
                continue
            deadline = min(w.deadline() for w in active.values())
            ready = multiprocessing.connection.wait(list(active), timeout=max(deadline - time.perf_counter(), 0))
            for conn in ready:
                worker = active[conn]
                message = _receive(conn)
                if message == _READY and not worker.started:
                    worker.started, worker.start = True, time.perf_counter()  # the budget starts now
                    continue
                del active[conn]
                result = message if isinstance(message, StepResult) else None
                if result is None:
                    result = StepResult(Evidence.UNDECIDED, "the worker died (memory limit?)")
                result.seconds = time.perf_counter() - worker.start
                if worker.served and message is not None and result.detail != MEMORY_REACHED:
                    idle.append(worker)
                else:
                    worker.stop()
                finish(worker.index, result)
            now = time.perf_counter()
            for conn, worker in list(active.items()):
                if now >= worker.deadline():
                    del active[conn]
                    worker.stop()
                    spent = (
                        f"time budget of {worker.budget:g} s spent" if worker.started else "the worker did not start"
                    )
                    finish(worker.index, StepResult(Evidence.UNDECIDED, spent, seconds=now - worker.start))
    finally:
        for worker in active.values():
            worker.stop()
        for worker in idle:
            worker.close()
    return results  # type: ignore[return-value]


class _Worker:
    """A child process: a forked one runs the one task it inherits; a ``served`` one (a fresh interpreter) is sent
    tasks as bytes, one after another."""

    def __init__(self, ctx, task: Callable[[], StepResult] | None = None, *, served: bool = False) -> None:
        self.served = served
        self.conn, child = ctx.Pipe(duplex=served)
        target, args = (_serve, (child, MEMORY_LIMIT)) if served else (_child, (child, task, MEMORY_LIMIT))
        self.proc = ctx.Process(target=target, args=args, daemon=True)
        self.proc.start()
        child.close()
        self.index, self.start, self.started, self.budget = -1, time.perf_counter(), False, 0.0

    def give(self, index: int, payload: bytes | None, budget: float) -> None:
        self.index, self.start, self.started, self.budget = index, time.perf_counter(), False, budget
        if payload is not None:
            self.conn.send_bytes(payload)

    def deadline(self) -> float:
        return self.start + (self.budget if self.started else STARTUP_LIMIT)

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()

    def close(self) -> None:
        """End a served worker that is waiting for a task."""
        try:
            self.conn.send_bytes(b"")
            self.proc.join(timeout=5)
        except OSError:
            pass
        self.stop()


def _prepare(task: Callable[[], StepResult], method: str):
    """``(context, payload, sent)`` to start ``task`` with: in memory under fork; otherwise as bytes, by value or
    by reference (derive.run.tasks), or in memory under fork when it cannot be sent and the process may fork.
    A ``StepResult`` saying why when none of these is possible."""
    if method == "fork":
        return multiprocessing.get_context("fork"), task, False
    try:
        return _context(method), task_data.dumps(task), True
    except Exception as exc:  # noqa: BLE001 - pickle raises many kinds; each means "cannot be sent"
        why = f"{type(exc).__name__}: {exc}"
    alternative = getattr(task, "by_reference", lambda: None)()
    if alternative is not None:
        try:
            return _context(method), task_data.dumps(alternative), True
        except Exception as exc:  # noqa: BLE001 - as above
            why = f"{type(exc).__name__}: {exc}"
    if may_fork():
        return multiprocessing.get_context("fork"), task, False
    return StepResult(Evidence.UNDECIDED, f"cannot be sent to a {method} worker ({why}), and this process runs threads")


def _context(method: str):
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(PRELOAD)
    return ctx


def _receive(conn):
    try:
        return conn.recv()
    except (EOFError, OSError):
        return None
