"""Repeated, interleaved timing and the statistics quoted in the report.

Interleaving (every candidate once per round, round after round) spreads the
machine's slow moments over all candidates alike, so ratios between them stay
meaningful on a noisy machine.
"""

from __future__ import annotations

import statistics
import timeit
from collections.abc import Callable
from dataclasses import dataclass


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


def _timer(function: Callable[[], object]) -> timeit.Timer:
    # timeit switches the garbage collector off; the implementations run with it on in real use
    return timeit.Timer(function, setup="import gc; gc.enable()")


def interleaved(candidates: dict[str, Callable[[], object]], repeats: int,
                numbers: dict[str, int] | None = None) -> dict[str, Stats]:
    """Seconds per call of each candidate: ``repeats`` rounds, each timing ``numbers[name]`` calls (default 1) of every candidate."""
    numbers = numbers or {}
    timers = {name: _timer(function) for name, function in candidates.items()}
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, timer in timers.items():
            number = numbers.get(name, 1)
            samples[name].append(timer.timeit(number) / number)
    return {name: Stats.of(values) for name, values in samples.items()}


def calls_per_sample(function: Callable[[], object], seconds: float) -> int:
    """Enough calls that one sample lasts about ``seconds`` (at least one call)."""
    number, taken = _timer(function).autorange()
    return max(1, round(number * seconds / taken))
