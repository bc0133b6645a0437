"""Charts as geometry for the page's inline SVG: axes with a few readable ticks, whatever the values.

- ``ratio_chart``: error ÷ envelope against the iteration, log scale, the line at 1
  drawn; values below the axis sit on it, values that are not finite on the
  top edge, marked.
- ``track_chart``: a program's value beside the truth's, linear scale.
- ``heat_cells``: error ÷ envelope per quantity and block of iterations, in bands.

The templates draw what these return; nothing here writes markup.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .result import Heat, Series, power_of_ten

WIDTH, HEIGHT = 420, 190
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 34
MOST_TICKS = 6

Box = tuple[float, float, float, float]  # left, top, right, bottom
Scale = Callable[[Any], Any]  # a value, or an array of them, to its position on the chart

# Bands of error ÷ envelope: (upper bound, label, CSS class).
BANDS = [(0.01, "≤ 0.01", "b0"), (0.1, "≤ 0.1", "b1"), (0.5, "≤ 0.5", "b2"), (1.0, "≤ 1", "b3"),
         (1e3, "1 to 10³: fails", "b4"), (math.inf, "> 10³ or not finite: fails", "b5")]


@dataclass
class Chart:
    width: float
    height: float
    box: Box
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    lines: list[tuple[str, str, str]]  # (label, path data, CSS class)
    threshold: float | None = None  # the y of ratio 1
    marks: list[tuple[float, float, str]] = field(default_factory=list)  # (x, y, title) of non-finite values
    x_label: str = "iteration"
    y_label: str = ""


def decade_label(exponent: int) -> str:
    if -3 <= exponent <= 3:
        return f"{10.0 ** exponent:g}" if exponent < 0 else f"{10 ** exponent:,}"
    return power_of_ten(exponent)


def nice_step(span: float, most: int = MOST_TICKS) -> float:
    """1, 2 or 5 times a power of ten, so that ``span`` holds at most ``most`` steps."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / most
    power = 10 ** math.floor(math.log10(raw))
    step: float = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return step


def linear_ticks(low: float, high: float) -> list[float]:
    step = nice_step(high - low)
    first = math.ceil(low / step - 1e-9) * step
    return [first + k * step for k in range(int((high - first) / step + 1e-9) + 1)]


def number_labels(values: list[float]) -> list[str]:
    """The fewest significant digits that tell the ticks apart."""
    for digits in range(2, 12):
        labels = [f"{v:.{digits}g}" for v in values]
        if len(set(labels)) == len(labels):
            return labels
    return [repr(v) for v in values]


def _x_scale(x: np.ndarray, box: Box) -> tuple[Scale, list[tuple[float, str]]]:
    left, _, right, _ = box
    low, high = float(np.min(x)), float(np.max(x))
    high = high if high > low else low + 1

    def scale(v: Any) -> Any:
        return left + (v - low) / (high - low) * (right - left)

    ticks = [t for t in linear_ticks(low, high) if low <= t <= high]
    return scale, [(scale(t), f"{t:,.0f}") for t in ticks]


def _path(xs: np.ndarray, ys: np.ndarray) -> str:
    """Path data through the points, broken where a y is nan."""
    parts: list[str] = []
    pen = "M"
    for x, y in zip(xs, ys, strict=True):
        if np.isnan(y):
            pen = "M"
            continue
        parts.append(f"{pen}{x:.1f},{y:.1f}")
        pen = "L"
    return " ".join(parts)


def _box(width: float, height: float) -> Box:
    return LEFT, TOP, width - RIGHT, height - BOTTOM


def _log_axis(low: int, high: int, box: Box) -> tuple[Scale, list[tuple[float, str]]]:
    """Decades ``low`` to ``high`` (exponents) over the box's height: the mapping of exponents, and the ticks."""
    _, top, _, bottom = box

    def to_y(e: Any) -> Any:
        return bottom - (e - low) / (high - low) * (bottom - top)

    step = max(1, math.ceil((high - low) / MOST_TICKS))
    return to_y, [(to_y(e), decade_label(e)) for e in range(low, high + 1) if e % step == 0]


def ratio_chart(series: Series, width: float = WIDTH, height: float = HEIGHT) -> Chart:
    """Error ÷ envelope, log scale from a decade below the smallest value to one above the largest (≥ 10)."""
    box = _box(width, height)
    y = series.lines["largest"]
    finite = y[np.isfinite(y)]
    positive = finite[finite > 0]
    low = min(-1, math.floor(math.log10(positive.min()))) if positive.size else -3
    low = max(low, -12)
    high = max(1, math.ceil(math.log10(finite.max())) if finite.size and finite.max() > 0 else 1)
    if not np.all(np.isfinite(y[~np.isnan(y)])):
        high += 1  # room above the finite values for the marks of those that are not
    to_y, y_ticks = _log_axis(low, high, box)
    x_scale, x_ticks = _x_scale(series.x, box)
    xs = x_scale(series.x.astype(float))
    with np.errstate(divide="ignore"):
        exponents = np.where(np.isfinite(y), np.log10(np.maximum(y, 10.0 ** low)), high)
    ys = np.where(np.isnan(y), np.nan, to_y(np.clip(exponents, low, high)))
    marks = [(float(x), box[1], f"iteration {int(i):,}: not finite")
             for x, i, v in zip(xs, series.x, y, strict=True) if not np.isnan(v) and not np.isfinite(v)]
    return Chart(width, height, box, x_ticks, y_ticks, [("largest error ÷ envelope", _path(xs, ys), "ratio")],
                 threshold=to_y(0.0), marks=marks[:50], y_label="error ÷ envelope")


def _value_axis(values: np.ndarray, box: Box) -> tuple[Scale, list[tuple[float, str]]]:
    """A linear axis fitted to the values, or a log one when they are positive and span over three decades."""
    _, top, _, bottom = box
    low, high = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
    if low > 0 and high / low > 1e3:
        low_e, high_e = math.floor(math.log10(low)), math.ceil(math.log10(high))
        to_exponent_y, decades = _log_axis(low_e, high_e, box)
        return lambda v: to_exponent_y(np.log10(v)), decades
    pad = (high - low) * 0.06 or abs(high) * 0.06 or 1.0
    low, high = low - pad, high + pad

    def to_y(v: Any) -> Any:
        return bottom - (v - low) / (high - low) * (bottom - top)

    ticks = [t for t in linear_ticks(low, high) if low <= t <= high]
    return to_y, list(zip(map(to_y, ticks), number_labels(ticks), strict=True))


def track_chart(series: Series, quantity: str, width: float = WIDTH, height: float = HEIGHT) -> Chart:
    """The program's values and the truth's, on one scale fitted to the finite ones."""
    box = _box(width, height)
    truth, program = series.lines["truth"], series.lines["program"]
    values = np.concatenate([truth, program])
    to_y, y_ticks = _value_axis(values[np.isfinite(values)], box)
    x_scale, x_ticks = _x_scale(series.x, box)
    xs = x_scale(series.x)

    def shown(v: np.ndarray) -> np.ndarray:
        return np.where(np.isfinite(v), to_y(np.where(np.isfinite(v), v, 1.0)), np.nan)

    marks = [(float(x), box[1], f"iteration {int(i):,}: the program's {quantity} is not finite")
             for x, i, v in zip(xs, series.x, program, strict=True) if not np.isfinite(v)]
    return Chart(width, height, box, x_ticks, y_ticks,
                 [("truth", _path(xs, shown(truth)), "truth"), ("program", _path(xs, shown(program)), "program")],
                 marks=marks[:50], y_label=quantity)


def band(ratio: float) -> str:
    """The CSS class of a ratio's band ('nc' where nothing was checked)."""
    if np.isnan(ratio):
        return "nc"
    return next(css for bound, _, css in BANDS if ratio <= bound)


@dataclass
class HeatMap:
    width: float
    height: float
    label_width: float
    cell: tuple[float, float]
    rows: list[tuple[str, str, list[tuple[int, int, str, str]]]]  # quantity, title, runs (first, length, class, title)
    columns: list[tuple[float, str]]  # x and label of a few block starts


def _runs(quantity: str, blocks: list[tuple[int, int]], ratios: np.ndarray) -> list[tuple[int, int, str, str]]:
    """Neighbouring blocks of one band as one run (thousands of cells would weigh megabytes)."""
    runs: list[tuple[int, int, str, str]] = []
    for k, r in enumerate(ratios):
        css = band(r)
        if runs and runs[-1][2] == css:
            first, length, _, _ = runs[-1]
            runs[-1] = (first, length + 1, css, "")
        else:
            runs.append((k, 1, css, ""))
    titled = []
    for first, length, css, _ in runs:
        worst = np.nanmax(ratios[first:first + length]) if css != "nc" else np.nan
        text = "not checked" if css == "nc" else (f"{worst:.3g}" if np.isfinite(worst) else "not finite")
        titled.append((first, length, css, f"{quantity}, iterations {blocks[first][0]:,} to "
                       f"{blocks[first + length - 1][1]:,}: largest {text}"))
    return titled


def heat_cells(heat: Heat, cell_width: float = 14, cell_height: float = 11, label_width: float = 96) -> HeatMap:
    rows = []
    for q, ratios in zip(heat.quantities, heat.ratio, strict=True):
        worst = np.nan if np.all(np.isnan(ratios)) else np.nanmax(ratios)
        rows.append((q, f"{q}: largest {worst:.3g}" if not np.isnan(worst) else f"{q}: not checked",
                     _runs(q, heat.blocks, ratios)))
    every = max(1, math.ceil(len(heat.blocks) / 4))
    columns = [(label_width + k * cell_width, f"{first:,}") for k, (first, _) in enumerate(heat.blocks)
               if k % every == 0]
    height = len(heat.quantities) * cell_height + 18
    return HeatMap(label_width + len(heat.blocks) * cell_width + 30, height, label_width,
                   (cell_width, cell_height), rows, columns)
