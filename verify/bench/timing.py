"""Repeated, interleaved timing of calls and of whole processes, and the statistics quoted in the report.

Interleaving (every candidate once per round, round after round) spreads the
machine's slow moments over all candidates alike, so ratios between them stay
meaningful on a noisy machine. A process is timed from its start to its exit,
its output captured (or discarded) as a caller's would be.
"""

from __future__ import annotations

import statistics
import subprocess
import time
import timeit
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Stats:
    """Seconds per call over the repeats."""

    median: float
    minimum: float
    maximum: float
    q1: float
    q3: float
    repeats: int

    @classmethod
    def of(cls, samples: list[float]) -> Stats:
        if len(samples) < 2:
            only = samples[0]
            return cls(only, only, only, only, only, len(samples))
        q1, _, q3 = statistics.quantiles(samples, n=4, method="inclusive")
        return cls(statistics.median(samples), min(samples), max(samples), q1, q3, len(samples))

    def scaled(self, factor: float) -> Stats:
        """The same figures times ``factor`` (per iteration, say)."""
        return Stats(self.median * factor, self.minimum * factor, self.maximum * factor, self.q1 * factor,
                     self.q3 * factor, self.repeats)


def _timer(function: Callable[[], object]) -> timeit.Timer:
    # timeit switches the garbage collector off; the implementations run with it on in real use
    return timeit.Timer(function, setup="import gc; gc.enable()")


def interleaved(candidates: Mapping[str, Callable[[], object]], repeats: int,
                numbers: dict[str, int] | None = None, settle: float = 0.0) -> dict[str, Stats]:
    """Seconds per call of each candidate: ``repeats`` rounds, each timing ``numbers[name]`` calls (default 1).

    ``settle``: seconds to wait before each sample, so that the worker threads a library left spinning
    (OpenBLAS's, torch's) have gone to sleep and do not take the cores from the next candidate.
    """
    numbers = numbers or {}
    timers = {name: _timer(function) for name, function in candidates.items()}
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, timer in timers.items():
            number = numbers.get(name, 1)
            if settle:
                time.sleep(settle)
            samples[name].append(timer.timeit(number) / number)
    return {name: Stats.of(values) for name, values in samples.items()}


def calls_per_sample(function: Callable[[], object], seconds: float) -> int:
    """Enough calls that one sample lasts about ``seconds`` (at least one call)."""
    number, taken = _timer(function).autorange()
    return max(1, round(number * seconds / taken))


@dataclass(frozen=True)
class Process:
    """One run of a command: seconds from start to exit, its exit status, and what it printed (when kept)."""

    seconds: float
    status: int
    output: str


def process(argv: list[str], *, stdin: bytes | None = None, cwd: Path | None = None, env: dict[str, str] | None = None,
            keep: bool = True) -> Process:
    """Run ``argv`` to its end; standard output and error kept together, or discarded when ``keep`` is false."""
    sink = subprocess.PIPE if keep else subprocess.DEVNULL
    started = time.perf_counter()
    done = subprocess.run(argv, input=stdin, stdout=sink, stderr=subprocess.STDOUT if keep else subprocess.DEVNULL,
                          cwd=cwd, env=env)
    seconds = time.perf_counter() - started
    return Process(seconds, done.returncode, (done.stdout or b"").decode("utf-8", "replace"))


def processes(argv: list[str], repeats: int, **options: Any) -> tuple[Stats, Process]:
    """Seconds per run over ``repeats`` runs, and the run to quote: the first that failed, else the last."""
    runs = [process(argv, **options) for _ in range(repeats)]
    return Stats.of([r.seconds for r in runs]), next((r for r in runs if r.status != 0), runs[-1])
