"""The compare stage: each printed value against the truth at its place, under one tolerance for every program.

A value passes when its distance from the correctly rounded truth is at most
the allowance there: the larger of the noise envelope and a floor of a few
ULPs of the true value (reference/envelope.py), plus half a unit of the last
digit the program printed. How the program rounds is read per printed column:

- a column in which some value has 16 or more significant digits is printed
  to round-trip precision: each value is the very double the program held;
- otherwise the column keeps a fixed number of decimals (``%.9f``,
  ``round(x, 4)`` whose zeros are dropped) or of significant digits (``%g``,
  ``%e``), whichever most of its values show, and each value is judged at
  that rounding, never at a coarser one than its digits show;
- ``0`` and ``0.0`` are how a program prints an exact zero, unless the column
  shows it rounds to more decimals than that.

A value printed as zero by a rounding that also holds the truth (``0.00``
for 3.5e-05) is too coarse to tell the truth from a wrong value: it is not
counted as checked, and the coverage says so. A value
that is not finite where the truth is fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from .timeline import Timeline
from .truth import Truth
from .ulps import describe, in_ulps, ulp_distance

if TYPE_CHECKING:
    import pandas as pd

FULL_PRECISION = 16  # significant digits from which a column is taken as printed to round-trip precision


@dataclass(frozen=True, eq=False)
class Cells:
    """What a reading places against the truth: one entry per printed value.

    ``quantity[i]`` indexes the truth's quantities, ``t[i]`` the timeline (see timeline.py),
    ``resolution[i]`` is half a unit of the rounding the value was printed with (``rounding``, read per
    printed column), ``column[i]`` the printed column it comes from, ``line[i]`` the line it was printed on.
    """
    quantity: np.ndarray
    t: np.ndarray
    got: np.ndarray
    resolution: np.ndarray
    column: np.ndarray
    line: np.ndarray

    def __len__(self) -> int:
        return len(self.quantity)

    @classmethod
    def joined(cls, parts: list[Cells]) -> Cells:
        if not parts:
            return cls(*(np.zeros(0, dtype) for dtype in (np.int64, np.int64, np.float64, np.float64, np.int64,
                                                          np.int64)))
        return cls(*(np.concatenate([getattr(p, a) for p in parts]) for a in FIELDS))

    def subset(self, keep: np.ndarray) -> Cells:
        return Cells(*(getattr(self, a)[keep] for a in FIELDS))

    def moved(self, t: np.ndarray) -> Cells:
        """The same values placed at other moments."""
        return Cells(self.quantity, t, self.got, self.resolution, self.column, self.line)


FIELDS = ("quantity", "t", "got", "resolution", "column", "line")


@dataclass(frozen=True)
class Point:
    """One compared value, for people."""
    quantity: str
    t: int
    iteration: int  # as the golden trajectory rows it: -1 before training, T after it
    where: str
    expected: float
    got: float
    allowed: float
    envelope: float
    resolution: float
    line: int

    @property
    def error(self) -> float:
        return abs(self.got - self.expected) if np.isfinite(self.got) else np.inf

    @property
    def ratio(self) -> float:
        return self.error / self.allowed if self.allowed > 0 else (0.0 if self.error == 0 else np.inf)

    def allowance(self) -> str:
        text = f"{in_ulps(self.envelope, self.expected):,.0f} ULPs" if self.expected else f"{self.envelope:.2g}"
        if self.resolution > self.envelope / 100:
            text += f" plus the printed rounding ({self.resolution:.2g})"
        return text

    def __str__(self) -> str:
        if not np.isfinite(self.got):
            return f"{self.where}: expected {self.expected!r}, got {self.got} (line {self.line:,})"
        return (f"{self.where}: expected {self.expected!r}, got {self.got!r}: {describe(self.expected, self.got)}, "
                f"{ratio_text(self.ratio)} times the allowed {self.allowance()}")


def at(where: str) -> str:
    """A place as a sentence continues it: 'at iteration 12, E_total', 'after training, out_o1'."""
    return where if where.startswith(("before", "after")) else f"at {where}"


def ratio_text(ratio: float) -> str:
    """A fraction of the allowed, as every message says it: never rounded up to 1 when it is below."""
    import math

    if not math.isfinite(ratio):
        return "not finite"
    if ratio >= 10:
        return f"{ratio:,.0f}"
    text = f"{ratio:.2g}"
    return f"{math.floor(ratio * 1000) / 1000:.3f}" if ratio < 1 <= float(text) else text


@dataclass(frozen=True, eq=False)
class Comparison:
    timeline: Timeline
    cells: Cells
    expected: np.ndarray
    envelope: np.ndarray  # the floor included
    resolution: np.ndarray  # of the printed rounding, as read per column
    coarse: np.ndarray  # too coarsely printed to tell the truth from zero: not checked
    notes: tuple[str, ...] = field(default=())

    @property
    def truth(self) -> Truth:
        return self.timeline.truth

    @property
    def quantities(self) -> list[str]:
        """The quantities compared, in the truth's order."""
        present = np.unique(self.cells.quantity[self.checked])
        return [self.timeline.quantities[q] for q in present.tolist()]

    @cached_property
    def checked(self) -> np.ndarray:
        return ~self.coarse

    @property
    def allowed(self) -> np.ndarray:
        return self.envelope + self.resolution

    @cached_property
    def ratio(self) -> np.ndarray:
        """Error as a fraction of the allowed, per cell: inf for a value not finite, NaN for a coarse one."""
        got, expected, allowed = self.cells.got, self.expected, self.allowed
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            error = np.where(np.isfinite(got), np.abs(got - expected), np.inf)
            ratio = np.where(allowed > 0, error / allowed, np.where(error == 0, 0.0, np.inf))
        ratio = np.where(np.isnan(ratio), np.inf, ratio)  # a NaN ratio is a failure, never a pass
        return np.where(self.checked, ratio, np.nan)

    @property
    def values_checked(self) -> int:
        return int(self.checked.sum())

    @property
    def values_coarse(self) -> int:
        return int(self.coarse.sum())

    @cached_property
    def _time(self) -> np.ndarray:
        return self.timeline.order(self.cells.quantity, self.cells.t)

    def point(self, i: int) -> Point:
        q, t = int(self.cells.quantity[i]), int(self.cells.t[i])
        iteration = int(self.timeline.iteration(np.array([q]), np.array([t]))[0])
        return Point(self.timeline.quantities[q], t, iteration, self.timeline.where(q, t), float(self.expected[i]),
                     float(self.cells.got[i]), float(self.allowed[i]), float(self.envelope[i]),
                     float(self.resolution[i]), int(self.cells.line[i]))

    @cached_property
    def beyond(self) -> np.ndarray:
        """The cells beyond their allowance, in the order the run computes them."""
        found = np.flatnonzero(np.nan_to_num(self.ratio, nan=0.0) > 1)
        return found[np.lexsort((self.cells.line[found], self._time[found]))]

    @property
    def first_divergence(self) -> Point | None:
        return self.point(int(self.beyond[0])) if len(self.beyond) else None

    @property
    def worst(self) -> Point | None:
        ratio = np.nan_to_num(self.ratio, nan=-1.0)
        if not len(ratio) or ratio.max() < 0:
            return None
        return self.point(int(np.argmax(ratio)))

    @property
    def passed(self) -> bool:
        return self.values_checked > 0 and not len(self.beyond)

    @property
    def max_ratio(self) -> float:
        worst = self.worst
        return worst.ratio if worst else 0.0

    def explained(self) -> int:
        """How many checked values are within their allowance: the evidence a reading or a mistake gathers."""
        return int(np.sum(np.nan_to_num(self.ratio, nan=np.inf) <= 1))

    def subset(self, keep: np.ndarray) -> Comparison:
        """The same comparison, of some cells only."""
        return Comparison(self.timeline, self.cells.subset(keep), self.expected[keep], self.envelope[keep],
                          self.resolution[keep], self.coarse[keep], self.notes)

    def per_quantity(self) -> pd.DataFrame:
        """For each quantity: the largest error as a fraction of its allowance, in ULPs, relative, and where."""
        rows = []
        for q in self.quantities:
            mine = np.flatnonzero((self.cells.quantity == self.timeline.quantities.index(q)) & self.checked)
            ratio = self.ratio[mine]
            k = int(mine[np.argmax(ratio)])
            got, expected = self.cells.got[mine], self.expected[mine]
            with np.errstate(divide="ignore", invalid="ignore"):
                relative = np.where(expected != 0, np.abs(got - expected) / np.abs(expected), 0.0)
            rows.append({"quantity": q, "max_ratio": float(ratio.max()),
                         "max_ulps": float(ulp_distance(expected, got).max()),
                         "max_relative": float(np.nan_to_num(relative, nan=np.inf).max()),
                         "where": self.timeline.where(int(self.cells.quantity[k]), int(self.cells.t[k])),
                         "values": len(mine)})
        import pandas as pd  # only for a verbose table: not on the way of every verdict

        return pd.DataFrame(rows).set_index("quantity") if rows else pd.DataFrame()


def _significant(values: np.ndarray, half: np.ndarray) -> np.ndarray:
    """The significant digits each value was printed with (0 for a printed zero)."""
    with np.errstate(divide="ignore"):
        magnitude = np.floor(np.log10(np.abs(values)))
    return np.where(values != 0, -(half.astype(np.int64) + 1) + magnitude + 1, 0)


def rounding(got: np.ndarray, half: np.ndarray, scientific: np.ndarray | None = None) -> np.ndarray:
    """Half a unit of the rounding each value of one printed column carries (see the module's docstring).

    Values printed with an exponent and without one are read apart: a column may switch between them (``%g``,
    Python's ``repr`` below 1e-4, PyTorch's tensors).
    """
    if scientific is not None and scientific.any() and not scientific.all():
        out = np.empty(len(got))
        for form in (False, True):
            mine = scientific == form
            out[mine] = rounding(got[mine], half[mine])
        if (_significant(got[np.isfinite(got)], half[np.isfinite(got)].astype(np.int64)) >= FULL_PRECISION).any():
            return np.zeros(len(got))
        return out
    half = half.astype(np.int64)
    finite = np.isfinite(got)
    text = np.where(finite, 5.0 * 10.0 ** np.clip(half, -400, 400).astype(np.float64), 0.0)
    if not finite.any():
        return text
    values, halves = got[finite], half[finite]
    significant = _significant(values, halves)
    if significant.max(initial=0) >= FULL_PRECISION:
        return np.zeros_like(text)
    decimals = -(halves + 1)
    zero_spelling = (values == 0) & (halves >= -2)  # 0, 0.0, -0, -0.0
    shown = ~zero_spelling
    if not shown.any():  # nothing but zeros, as programs print an exact zero
        return np.where(finite & (got == 0) & (half >= -2), 0.0, text)
    most_decimals, most_digits = decimals[shown].max(), significant[shown].max()
    fixed = int(np.sum(decimals[shown] == most_decimals))
    by_digits = int(np.sum(significant[shown] == most_digits))
    with np.errstate(divide="ignore"):
        magnitude = np.floor(np.log10(np.abs(np.where(values == 0, 1.0, values))))
    if fixed >= by_digits:
        model = np.full(len(values), 0.5 * 10.0 ** -float(most_decimals))
    else:
        model = 0.5 * 10.0 ** (magnitude - most_digits + 1)
        model = np.where(values == 0, 0.5 * 10.0 ** -float(most_decimals), model)
    out = text.copy()
    out[finite] = np.minimum(text[finite], model)
    return out


def compare(timeline: Timeline, cells: Cells, notes: tuple[str, ...] = ()) -> Comparison:
    """Each cell against the truth at its place (every place valid: see Timeline.valid)."""
    truth = timeline.truth
    expected, envelope = timeline.at(cells.quantity, cells.t)
    envelope = np.where(np.isfinite(envelope), envelope, 0.0)  # a non-finite envelope is never used
    envelope = np.maximum(envelope, truth.floor(expected))
    resolution = cells.resolution
    # a printed zero whose rounding also holds the truth: it cannot tell the truth from a wrong value
    coarse = (cells.got == 0) & (resolution > 0) & (np.abs(expected) <= resolution) & (expected != 0)
    return Comparison(timeline, cells, expected, envelope, resolution, coarse, notes)
