"""Compare what a program printed with the truth, value by value, under one tolerance for every program.

A value passes when its distance from the correctly rounded truth is at most
the allowance at that point: the larger of the noise envelope and a floor of a
few ULPs of the true value (reference/envelope.py), plus half a unit of the
last digit the program printed. So ``round(E, 9)`` is verified at exactly what
it claims, and a full-precision value at what a correct float64 program can
reach.

What is compared (``Layout``): values of any subset of the quantities, at any
increasing set of iterations; the outputs and E_total of the forward pass
either before each iteration's update (the golden's convention) or after it
(``after_update``); or one record holding the final state (``final``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..reference import names
from .truth import Truth
from .ulps import describe, in_ulps, ulp_distance

FINAL = -1  # the iteration label of the state after the last update


class LayoutError(Exception):
    """Values that cannot be placed against the truth (an iteration beyond the run, say); one line."""


@dataclass(frozen=True)
class Point:
    """One compared value."""
    iteration: int  # FINAL for the state after the last update
    quantity: str
    expected: float
    got: float
    allowed: float  # absolute
    envelope: float  # absolute, the floor included
    resolution: float  # half a unit of the last printed digit

    @property
    def error(self) -> float:
        return abs(self.got - self.expected) if np.isfinite(self.got) else np.inf

    @property
    def ratio(self) -> float:
        return self.error / self.allowed if self.allowed > 0 else (0.0 if self.error == 0 else np.inf)

    @property
    def where(self) -> str:
        return f"after training, {self.quantity}" if self.iteration == FINAL else \
            f"iteration {self.iteration:,}, {self.quantity}"

    def allowance(self) -> str:
        text = f"{in_ulps(self.envelope, self.expected):,.0f} ULPs" if self.expected else f"{self.envelope:.2g}"
        if self.resolution > self.envelope / 100:
            text += f" plus the printed rounding ({self.resolution:.2g})"
        return text

    def __str__(self) -> str:
        times = f"{self.ratio:,.0f}" if self.ratio >= 10 else f"{self.ratio:.2g}"
        return (f"{self.where}: expected {self.expected!r}, got {self.got!r}: {describe(self.expected, self.got)}, "
                f"{times} times the allowed {self.allowance()}")


@dataclass(frozen=True)
class Layout:
    """How printed values line up with the golden trajectory."""
    after_update: bool = False
    final: bool = False


@dataclass(frozen=True)
class Comparison:
    quantities: list[str]
    iterations: np.ndarray  # one per record (FINAL for the final state)
    expected: np.ndarray  # records x quantities
    got: np.ndarray
    checked: np.ndarray  # False where a record has no value for a quantity
    allowed: np.ndarray
    envelope: np.ndarray
    resolution: np.ndarray
    layout: Layout
    run: int  # the iterations of the run compared with
    total: int  # the quantities of the trajectory

    @property
    def ratio(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            error = np.where(np.isfinite(self.got), np.abs(self.got - self.expected), np.inf)
            ratio = np.where(self.allowed > 0, error / self.allowed, np.where(error == 0, 0.0, np.inf))
        return np.where(self.checked, ratio, np.nan)

    @property
    def values_checked(self) -> int:
        return int(self.checked.sum())

    def point(self, r: int, c: int) -> Point:
        return Point(int(self.iterations[r]), self.quantities[c], float(self.expected[r, c]), float(self.got[r, c]),
                     float(self.allowed[r, c]), float(self.envelope[r, c]), float(self.resolution[r, c]))

    def again(self, truth: Truth, iterations: np.ndarray | None = None, layout: Layout | None = None,
              rows=slice(None)) -> Comparison:
        """The same printed values (of ``rows``) placed anew: against another truth, at other iterations, or in
        another layout; LayoutError when they cannot be placed so."""
        pick = lambda array: {q: array[rows, c] for c, q in enumerate(self.quantities)}  # noqa: E731
        return compare(truth, self.iterations[rows] if iterations is None else iterations, pick(self.got),
                       pick(self.resolution), layout or self.layout, pick(self.checked))

    @property
    def first_divergence(self) -> Point | None:
        """The first value beyond its allowance, in iteration order, then column order."""
        beyond = np.argwhere(np.nan_to_num(self.ratio, nan=0.0) > 1)
        return self.point(*beyond[0]) if len(beyond) else None

    @property
    def worst(self) -> Point | None:
        ratio = np.nan_to_num(self.ratio, nan=-1.0)
        if ratio.size == 0 or ratio.max() < 0:
            return None
        return self.point(*np.unravel_index(np.argmax(ratio), ratio.shape))

    @property
    def passed(self) -> bool:
        return self.values_checked > 0 and self.first_divergence is None

    @property
    def max_ratio(self) -> float:
        worst = self.worst
        return worst.ratio if worst else 0.0

    def per_quantity(self) -> pd.DataFrame:
        """For each quantity: the largest error as a fraction of its allowance, in ULPs, relative, and where."""
        ratio = np.nan_to_num(self.ratio, nan=-1.0)
        ulps = np.where(self.checked, ulp_distance(self.expected, self.got), 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            relative = np.where(self.checked & (self.expected != 0),
                                np.abs(self.got - self.expected) / np.abs(self.expected), 0.0)
        worst = ratio.argmax(axis=0) if len(ratio) else np.zeros(len(self.quantities), dtype=int)
        return pd.DataFrame({"max_ratio": ratio.max(axis=0, initial=0.0), "max_ulps": ulps.max(axis=0, initial=0.0),
                             "max_relative": relative.max(axis=0, initial=0.0),
                             "worst_iteration": self.iterations[worst] if len(ratio) else worst,
                             "values": self.checked.sum(axis=0)},
                            index=pd.Index(self.quantities, name="quantity"))


def printed_resolution(values: np.ndarray, half_units: np.ndarray) -> np.ndarray:
    """Half a unit of the last printed digit, or 0 where the column is printed to round-trip precision.

    A program printing shortest round-trip decimals (Python's repr, JavaScript's String, Ruby's to_s)
    writes 0.25 for the double 0.25: few digits, yet exact. So when any value of a column carries 16 or
    more significant digits, every value of it is taken as the very double the program held.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(values != 0, half_units / np.abs(values), np.inf)
    return np.zeros_like(half_units) if np.nanmin(relative, initial=np.inf) <= 5e-16 else half_units


def compare(truth: Truth, iterations: np.ndarray, values: dict[str, np.ndarray],
            resolution: dict[str, np.ndarray] | None = None, layout: Layout = Layout(),
            present: dict[str, np.ndarray] | None = None) -> Comparison:
    """Place each record's values against the truth; LayoutError when a record cannot be placed.

    ``present`` marks, per quantity, the records that hold a value (default: all of them): a value that is
    there and not finite fails, a value that is not there is not checked.
    """
    quantities = [q for q in truth.quantities if q in values]
    if not quantities:
        raise LayoutError("no value to compare: the trace names none of the quantities "
                          f"({', '.join(truth.quantities)})")
    iterations = np.asarray(iterations, dtype=np.int64)
    last = truth.iterations - 1
    if layout.final:
        iterations = np.full(len(iterations), FINAL)
    elif len(iterations) and iterations.max() > last:
        beyond = int(iterations[iterations > last][0])
        raise LayoutError(f"the trace has iteration {beyond:,}, but the run has {truth.iterations:,} iterations "
                          f"(0 to {last:,}): give the program's iteration count with --iterations")
    forward = set(names.forward_quantities(truth.spec))
    shape = (len(iterations), len(quantities))
    expected, env = np.empty(shape), np.empty(shape)
    for c, q in enumerate(quantities):
        col = truth.column(q)
        moved = q in forward and (layout.after_update or layout.final)
        rows = np.where(iterations == FINAL, last, iterations)
        if moved:
            shifted = np.minimum(rows + (0 if layout.final else 1), last)
            expected[:, c] = truth.trajectory[shifted, col]
            expected[(rows + (0 if layout.final else 1) > last) | (iterations == FINAL), c] = truth.after[q]
            env[:, c] = truth.envelope[shifted, col]
        else:
            expected[:, c] = truth.trajectory[rows, col]
            env[:, c] = truth.envelope[rows, col]
    env = np.maximum(env, truth.floor(expected))
    got = np.column_stack([np.asarray(values[q], dtype=np.float64) for q in quantities])
    half = np.zeros(shape) if resolution is None else np.column_stack(
        [printed_resolution(np.asarray(values[q], dtype=np.float64),
                            np.nan_to_num(np.asarray(resolution.get(q, np.zeros(len(iterations))), dtype=np.float64)))
         for q in quantities])
    checked = np.ones(shape, dtype=bool) if present is None else np.column_stack(
        [np.asarray(present.get(q, np.ones(len(iterations), dtype=bool)), dtype=bool) for q in quantities])
    return Comparison(quantities, iterations, expected, np.where(checked, got, 0.0), checked, env + half, env, half,
                      layout, truth.iterations, len(truth.quantities))


def from_frame(frame: pd.DataFrame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """An in-process program's trajectory table as iterations and values (full precision)."""
    columns = [c for c in frame.columns if c != "iteration"]
    iterations = frame["iteration"].to_numpy() if "iteration" in frame else np.arange(len(frame))
    return iterations, {c: frame[c].to_numpy(dtype=np.float64) for c in columns}
