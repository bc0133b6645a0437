"""The noise envelope: how far a correct program may be from the correctly rounded truth, per quantity and iteration.

Method: Monte Carlo arithmetic (Parker 1997; as in Verificarlo and CADNA's
CESTAC). The reference's own training graph (reference/training.py) is run
``SAMPLES`` times at once in float64, every operation's result and every
constant's conversion to binary perturbed by a random relative error of at
most the unit roundoff (twice that for exp, log and tanh), with a fixed seed
(reference/montecarlo.py). For each quantity and iteration the spread is the
largest distance of a sample from the correctly rounded truth; the envelope is
``MARGIN`` times the spread, the largest over each block of iterations
(``blocks``), rounded up to two significant digits. A comparison allows, at
each value, the larger of the envelope and ``FLOOR_ULPS`` units in the last
place of the true value.

The same method with the unit roundoff of float32 gives the envelope of a
float32 program. golden/README.md states the figures measured with it.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from decimal import ROUND_CEILING, Decimal

import numpy as np

from . import names, tape
from .montecarlo import MonteCarlo
from .spec import Spec
from .training import Training

SAMPLES = 32
SEED = 20241127
MARGIN = 4
FLOOR_ULPS = 4
UNITS = {"float64": 2.0**-53, "float32": 2.0**-24}


def extremes(spec: Spec, iterations: int, precision: str = "float64", progress: Callable[[int], None] | None = None,
             out: np.ndarray | None = None) -> np.ndarray:
    """The smallest and the largest sample of every quantity at every iteration: shape (2, iterations, quantities).

    They need no truth, so that the samples can be run while the truth is derived (reference/goldens.py);
    ``out``, when given, is filled (shared memory, say).
    """
    found = np.empty((2, iterations, len(names.quantities(spec)))) if out is None else out
    with MonteCarlo(SAMPLES, UNITS[precision], SEED) as A:
        for iteration, samples in enumerate(tape.rows(A, Training(spec, A), iterations)):
            if progress is not None and iteration % 1000 == 0:
                progress(iteration)
            found[0, iteration] = samples.min(axis=1)  # NaN when a sample is NaN, as below
            found[1, iteration] = samples.max(axis=1)
    return found


def spread_of(bounds: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """max over the samples of |sample - truth|, from the extremes of the samples.

    Rounded subtraction is monotonic, so the farthest sample from the truth is the smallest or the largest:
    the same doubles as taking every sample. A sample that is not a number, or infinite, gives inf.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        out = np.maximum(np.abs(bounds[0] - truth), np.abs(bounds[1] - truth))
    return np.where(np.isfinite(out), out, np.inf)


def spread(spec: Spec, truth: np.ndarray, precision: str = "float64",
           progress: Callable[[int], None] | None = None) -> np.ndarray:
    """max over the samples of |sample - truth|, one row per iteration of ``truth``, one column per quantity."""
    return spread_of(extremes(spec, len(truth), precision, progress), truth)


def blocks(iterations: int) -> list[tuple[int, int]]:
    """The blocks of iterations the envelope is stored over: by decades.

    Iterations 0 to 9 on their own, then blocks of 10 up to 99, of 100 up to 999, of 1,000 beyond. The
    spread grows with the iterations, fastest at the start, where a wrong constant shows most; blocks
    that grow with the iteration keep the early envelope as tight as per iteration (golden/README.md
    gives the measured cost of blocking).
    """
    found, first = [], 0
    while first < iterations:
        size = 10 ** max(0, len(str(first)) - 1)  # 1 below 10, 10 below 100, ...
        size = min(size, 1000)
        found.append((first, min(first + size, iterations) - 1))
        first += size
    return found


def round_up(value: float) -> float:
    """The smallest number of two significant digits at or above ``value``: the stored envelope never shrinks."""
    if value == 0 or not math.isfinite(value):
        return value
    exact = Decimal(value)
    scale = exact.adjusted() - 1
    return float(exact.scaleb(-scale).to_integral_value(ROUND_CEILING).scaleb(scale))


def envelope(spreads: np.ndarray) -> list[tuple[int, int, list[float]]]:
    """(first, last, the envelope of each quantity) for every block."""
    rows = []
    for first, last in blocks(len(spreads)):
        worst = spreads[first:last + 1].max(axis=0) * MARGIN
        rows.append((first, last, [round_up(float(v)) for v in worst]))
    return rows


def render(spec: Spec, truth: np.ndarray, precision: str = "float64",
           progress: Callable[[int], None] | None = None, bounds: np.ndarray | None = None) -> str:
    """envelope.csv (or envelope_float32.csv): first_iteration, last_iteration, then one column per quantity.

    ``bounds``: the samples' ``extremes``, when they were run already.
    """
    spreads = spread(spec, truth, precision, progress) if bounds is None else spread_of(bounds, truth)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["first_iteration", "last_iteration", *names.quantities(spec)])
    for first, last, values in envelope(spreads):
        writer.writerow([first, last, *(f"{v:.2g}" for v in values)])
    return buffer.getvalue()
