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

from . import names
from .montecarlo import MonteCarlo
from .spec import Spec
from .training import Training

SAMPLES = 32
SEED = 20241127
MARGIN = 4
FLOOR_ULPS = 4
UNITS = {"float64": 2.0**-53, "float32": 2.0**-24}


def spread(spec: Spec, truth: np.ndarray, precision: str = "float64",
           progress: Callable[[int], None] | None = None) -> np.ndarray:
    """max over the samples of |sample - truth|, one row per iteration of ``truth``, one column per quantity."""
    iterations = len(truth)
    out = np.empty_like(truth)
    with MonteCarlo(SAMPLES, UNITS[precision], SEED) as A:
        training = Training(spec, A)
        for iteration in range(iterations):
            if progress is not None and iteration % 1000 == 0:
                progress(iteration)
            samples = training.step().row(A, spec.train_biases)
            with np.errstate(invalid="ignore"):
                out[iteration] = np.abs(samples - truth[iteration][:, None]).max(axis=1)
    return np.where(np.isfinite(out), out, np.inf)


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
           progress: Callable[[int], None] | None = None) -> str:
    """envelope.csv (or envelope_float32.csv): first_iteration, last_iteration, then one column per quantity."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["first_iteration", "last_iteration", *names.quantities(spec)])
    for first, last, values in envelope(spread(spec, truth, precision, progress)):
        writer.writerow([first, last, *(f"{v:.2g}" for v in values)])
    return buffer.getvalue()
