"""What the report keeps of one verdict: small, picklable, and enough to draw every table and chart.

A ``Verdict`` holds the whole comparison (every value of every iteration) and
a cause that refers to the catalogue's callables; the report needs neither
once it has ``Result``: the status and its wording, the largest error as a
fraction of the envelope, the first divergence, and three digests of the
comparison: the largest ratio per run of iterations (``curve``), per quantity
and block of iterations (``heat``), and the diverging quantity's values beside
the truth from just before its first divergence (``track``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..compare import Comparison, Point, ratio_text
from ..status import Status
from ..ulps import describe
from ..verdict import Verdict

CURVE_POINTS = 240
HEAT_BLOCKS = 20
TRACK_POINTS = 240
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Divergence:
    iteration: int  # -1 before training, the run's length after it
    quantity: str
    expected: float
    got: float
    ratio: float
    where: str
    distance: str  # ULPs and relative, or 'not finite' / 'opposite sign'

    @staticmethod
    def of(point: Point) -> Divergence:
        return Divergence(point.iteration, point.quantity, point.expected, point.got, point.ratio, point.where,
                          describe(point.expected, point.got))


@dataclass(frozen=True)
class Series:
    """Values against iterations: x the iteration, y one or more lines of values."""
    x: np.ndarray
    lines: dict[str, np.ndarray]


@dataclass(frozen=True)
class Heat:
    quantities: list[str]
    blocks: list[tuple[int, int]]  # first and last iteration of each block
    ratio: np.ndarray  # quantities x blocks; nan where nothing was checked


@dataclass(frozen=True)
class Result:
    program: str
    example: str
    status: Status
    reason: str
    line: str  # Verdict.line(): the one wording used everywhere
    coverage: str = ""
    largest: float | None = None
    first: Divergence | None = None
    cause: str | None = None
    hints: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    kind: str | None = None
    seconds: float | None = None  # the program's own run, when it ran
    curve: Series | None = None
    heat: Heat | None = None
    track: Series | None = None

    @property
    def largest_text(self) -> str:
        return "" if self.largest is None else ratio(self.largest)

    def record(self, timed: bool) -> dict[str, Any]:
        """The machine-readable summary of this result (summary.json, summary.csv)."""
        first = self.first
        found = {"program": self.program, "example": self.example, "status": self.status.value,
                 "exit_code": self.status.exit_code, "largest_ratio": _number(self.largest),
                 "first_divergence_iteration": None if first is None else
                 ("final" if first.where.startswith("after training") else first.iteration),
                 "first_divergence_quantity": None if first is None else first.quantity,
                 "first_divergence_expected": None if first is None else _number(first.expected),
                 "first_divergence_got": None if first is None else _number(first.got),
                 "cause": self.cause, "kind": self.kind, "reason": self.reason, "line": self.line}
        if timed:
            found["seconds"] = self.seconds
        return found


def power_of_ten(exponent: int) -> str:
    return "10" + str(exponent).translate(SUPERSCRIPT)


def ratio(value: float) -> str:
    """A ratio for people: '0.28', '3,473', '1.9 × 10⁴¹', 'not finite'."""
    if np.isfinite(value) and value >= 1e6:
        mantissa, exponent = f"{value:.1e}".split("e")
        return f"{mantissa} × {power_of_ten(int(exponent))}"
    return ratio_text(value)


def _number(value: float | None) -> float | str | None:
    """JSON has no infinity or NaN: those are written as text."""
    if value is None:
        return None
    return float(value) if np.isfinite(value) else str(value)


def _iterations(comparison: Comparison) -> np.ndarray:
    """The iteration of each compared value (after training: the run's length)."""
    return comparison.timeline.iteration(comparison.cells.quantity, comparison.cells.t)


def _runs(count: int, most: int) -> list[np.ndarray]:
    """Consecutive indices split into at most ``most`` runs of nearly equal length."""
    return [part for part in np.array_split(np.arange(count), min(count, most)) if len(part)]


def _largest(ratio: np.ndarray) -> float:
    """The largest ratio of some values, nan when none was checked (infinity counts)."""
    checked = ratio[~np.isnan(ratio)]
    return float(checked.max()) if checked.size else np.nan


def _blocks(comparison: Comparison, most: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """The iterations values were compared at, in order, split into at most ``most`` blocks; and each value's
    block."""
    at = _iterations(comparison)
    checked = comparison.checked
    distinct = np.unique(at[checked]) if checked.any() else np.unique(at)
    runs = _runs(len(distinct), most)
    block = np.searchsorted(distinct, at)
    which = np.zeros(len(distinct), np.int64)
    for k, run in enumerate(runs):
        which[run] = k
    return distinct, [np.flatnonzero(which[np.clip(block, 0, len(distinct) - 1)] == k) for k in range(len(runs))]


def curve(comparison: Comparison) -> Series:
    """The largest error ÷ allowance over all quantities, per run of iterations (at most CURVE_POINTS)."""
    distinct, blocks = _blocks(comparison, CURVE_POINTS)
    at = _iterations(comparison)
    ratio = comparison.ratio
    return Series(np.array([at[b].min() for b in blocks]), {"largest": np.array([_largest(ratio[b]) for b in blocks])})


def heat(comparison: Comparison) -> Heat:
    """The largest error ÷ allowance per quantity and block of iterations."""
    distinct, blocks = _blocks(comparison, HEAT_BLOCKS)
    at = _iterations(comparison)
    ratio = comparison.ratio
    quantities = comparison.quantities
    index = [comparison.timeline.quantities.index(q) for q in quantities]
    table = np.array([[_largest(ratio[b][comparison.cells.quantity[b] == q]) for b in blocks] for q in index])
    return Heat(list(quantities), [(int(at[b].min()), int(at[b].max())) for b in blocks], table)


def track(comparison: Comparison, first: Point) -> Series:
    """The diverging quantity, program and truth, from a little before its first divergence to the end."""
    q = comparison.timeline.quantities.index(first.quantity)
    at = _iterations(comparison)
    rows = np.flatnonzero((comparison.cells.quantity == q) & comparison.checked)
    rows = rows[np.argsort(at[rows], kind="stable")]
    start = int(np.argmax(at[rows] >= first.iteration))
    lead = max(2, (len(rows) - start) // 20)  # a few values of agreement before it, for the eye
    rows = rows[max(0, start - lead):]
    picked = rows[np.unique(np.linspace(0, len(rows) - 1, min(len(rows), TRACK_POINTS)).round().astype(int))]
    return Series(at[picked].astype(float), {"truth": comparison.expected[picked],
                                              "program": comparison.cells.got[picked]})


def of(verdict: Verdict) -> Result:
    """The report's digest of a verdict."""
    comparison = verdict.comparison
    first = comparison.first_divergence if comparison is not None else None
    common: dict[str, Any] = dict(
        program=verdict.program, example=verdict.example, status=verdict.status, reason=verdict.reason,
        line=verdict.line(), cause=None if verdict.cause is None else str(verdict.cause),
        hints=verdict.hints, notes=verdict.notes, kind=verdict.kind, seconds=verdict.seconds.get("run"))
    if comparison is None or comparison.values_checked == 0:
        return Result(**common)
    return Result(**common, coverage=verdict.coverage, largest=verdict.largest,
                  first=Divergence.of(first) if first is not None else None, curve=curve(comparison),
                  heat=heat(comparison), track=track(comparison, first) if first is not None else None)
