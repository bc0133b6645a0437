"""Run the report's work on every core: the jobs, and any other task, longest first.

The programs in this process (autograd above all) are bound by the
interpreter, so threads would not overlap them: the work goes to worker
processes, forked from this one so that nothing is imported twice. Forking is
done before this process starts any thread of its own. Where fork is not
available, or with one worker, everything runs here, in order.

Nothing outlives the report. A worker dies with it, even when it is killed
by SIGKILL, and leaves Ctrl-C to it. When the report is interrupted (Ctrl-C,
SIGTERM) it sends SIGTERM to the workers: each stops the program it was
verifying (and everything that program started), then exits; a worker still
there after a grace is killed.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

from ..trace import procs

GRACE = 10.0  # seconds a worker has to stop its program and exit, once told to
STOPPED = 130  # a worker's exit status when told to stop


@dataclass(frozen=True)
class Task:
    """A picklable call: ``function(argument)``, with a rough cost for the order of starting."""
    function: Callable[[Any], object]
    argument: object
    cost: float


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Done:
    """The value of a task run here, with the interface of a Future."""

    def __init__(self, value: object):
        self.value = value

    def result(self) -> object:
        return self.value


class _Stopped(BaseException):
    """SIGTERM in a worker that is running a task."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stopped


def _ignore(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C reaches the whole process group; the report, not its workers, answers it. (A handler rather than
    SIG_IGN, which the programs a worker starts would inherit.)"""


def _worker(parent: int) -> None:
    procs.die_with_parent(parent)
    signal.signal(signal.SIGINT, _ignore)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # an idle worker just ends


def _call(task: Task) -> object:
    """``task`` in a worker: SIGTERM unwinds it (its program is stopped on the way out), then ends the worker."""
    signal.signal(signal.SIGTERM, _stop)
    try:
        return task.function(task.argument)
    except _Stopped:
        os._exit(STOPPED)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _end(pool: ProcessPoolExecutor) -> None:
    """Stop every worker of ``pool`` now: SIGTERM, a grace to stop their programs, then SIGKILL."""
    workers = list((pool._processes or {}).values())  # no public way before Python 3.14's terminate_workers
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.join(GRACE)
    for worker in workers:
        if worker.is_alive():
            worker.kill()
            worker.join()
    pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def start(tasks: Sequence[Task], workers: int) -> Iterator[list[Future[object] | Done]]:
    """Start every task; yields one future per task (in the order given). On leaving, the pool is ended: after
    the last task when all went well, at once (every program stopped) when the block was left by an exception."""
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield [Done(t.function(t.argument)) for t in tasks]
        return
    pool = ProcessPoolExecutor(max_workers=min(workers, len(tasks)) or 1,
                               mp_context=multiprocessing.get_context("fork"), initializer=_worker,
                               initargs=(os.getpid(),))
    try:
        order = sorted(range(len(tasks)), key=lambda k: -tasks[k].cost)
        futures: dict[int, Future[object]] = {}
        for k in order:
            futures[k] = pool.submit(_call, tasks[k])
        yield [futures[k] for k in range(len(tasks))]
    except BaseException:
        _end(pool)
        raise
    pool.shutdown(wait=True, cancel_futures=True)
