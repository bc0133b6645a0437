"""Run the report's work on every core: the jobs, and any other task, longest first.

The programs in this process (autograd above all) are bound by the
interpreter, so threads would not overlap them: the work goes to worker
processes, forked from this one so that nothing is imported twice. Forking is
done before this process starts any thread of its own. Where fork is not
available, or with one worker, everything runs here, in order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass


@dataclass(frozen=True)
class Task:
    """A picklable call: ``function(argument)``, with a rough cost for the order of starting."""
    function: Callable
    argument: object
    cost: float


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Done:
    """The value of a task run here, with the interface of a Future."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


def start(tasks: Sequence[Task], workers: int) -> tuple[list[Future | Done], Callable[[], None]]:
    """Start every task; returns one future per task (in the order given) and a function that ends the pool."""
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [Done(t.function(t.argument)) for t in tasks], lambda: None
    pool = ProcessPoolExecutor(max_workers=min(workers, len(tasks)) or 1,
                               mp_context=multiprocessing.get_context("fork"))
    order = sorted(range(len(tasks)), key=lambda k: -tasks[k].cost)
    futures: dict[int, Future] = {}
    for k in order:
        futures[k] = pool.submit(tasks[k].function, tasks[k].argument)
    return [futures[k] for k in range(len(tasks))], lambda: pool.shutdown(wait=True, cancel_futures=True)
