"""Write the rows: reports/bench.csv (every figure, one per row) and reports/bench.md (the same, for a reader).

bench.md states the machine, BLAS and load first, then every target with its
median and status, then one table per part: medians with their spread.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from .rows import COLUMNS, Row
from .scaling import BATCHES, LARGE, WIDTHS

TITLES = {
    "example": "The documented example (10,000 iterations), every registered program",
    "reference": "The exact reference (MPFR)",
    "envelope": "The noise envelope (Monte Carlo arithmetic)",
    "truth": "The truth of a spec nobody has derived yet (whole command, cold cache)",
    "verify": "Verifying a full trace, beyond the program's own run",
    "suite": "The suite itself",
    "grade": "Grading a class",
}


def write_csv(rows: Iterable[Row], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if getattr(row, c) is None else getattr(row, c) for c in COLUMNS])


def seconds(value: float | None) -> str:
    if value is None:
        return "–"
    if abs(value) < 1e-3:
        return f"{value * 1e6:.3g} µs"
    return f"{value * 1e3:.3g} ms" if abs(value) < 1 else f"{value:.3g} s"


def spread(row: Row) -> str:
    return f"{seconds(row.min_s)} – {seconds(row.max_s)}" if row.median_s is not None else "–"


def table(header: list[str], lines: Iterable[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |" for line in lines), ""]


def figure(row: Row) -> str:
    if row.median_s is None:
        return "–"
    ratio = f", {row.ratio:.3g} x torch" if row.section == "scaling" and row.ratio is not None else ""
    return f"{seconds(row.median_s)} ({spread(row)}){ratio}"


def targets(rows: list[Row]) -> list[str]:
    judged = [r for r in rows if r.target]
    return table(["target", "case", "median (min – max)", "status"],
                 ([r.target, f"{r.case}: {r.implementation}" if r.implementation not in ("", r.case) else r.case,
                   figure(r),
                   r.status or "not judged"] for r in judged))


def timings(rows: list[Row], section: str) -> list[str]:
    """The rows of one part: median, spread, runs, target and status, and how each was measured."""
    lines = ([r.case, r.implementation, seconds(r.median_s), spread(r), str(r.repeats or "–"),
              f"{r.ratio:.2f}" if r.ratio else "–", r.target or "–", r.status or "–", r.note]
             for r in rows if r.section == section)
    return table(["case", "how", "median", "min – max", "runs", "x fastest", "target", "status", "note"], lines)


def scaling(rows: list[Row]) -> list[str]:
    found = {(r.width, r.batch, r.implementation): r for r in rows if r.section == "scaling"}
    names = ["vectorized", "autograd", "torch", "numpy dot"]

    def cell(width: int, batch: int, name: str) -> str:
        row = found.get((width, batch, name))
        if row is None:
            return "–"
        rate = f", {row.gflops:.2f} GFLOP/s" if row.gflops is not None and width >= LARGE else ""
        return f"{seconds(row.median_s)}{rate}"

    def versus(width: int, batch: int) -> str:
        row = found.get((width, batch, "vectorized"))
        if row is None or row.ratio is None:
            return "–"
        return f"{row.ratio:.3g}" + (f" ({row.status})" if row.status else "")

    lines = ([str(w), str(b), *(cell(w, b, n) for n in names), versus(w, b)] for w in WIDTHS for b in BATCHES)
    return table(["width", "batch", "vectorized", "autograd", "torch", "np.dot same shape", "vectorized / torch"],
                 lines)


def part(rows: list[Row], section: str) -> list[str]:
    return [f"### {TITLES[section]}", "", *timings(rows, section)]


def markdown(rows: list[Row], machine: dict[str, str], heading: str) -> str:
    notes = [f"{r.case} ({r.implementation}): {r.status}, {r.note}" for r in rows
             if r.section == "scaling" and r.median_s is None]
    peak = [f"For scale, {r.case}: {seconds(r.median_s)}, {r.gflops:.1f} GFLOP/s." for r in rows
            if r.section == "matmul" and r.median_s is not None and r.gflops is not None]
    parts = ["## Benchmarks", "", heading, "",
             *table(["machine", ""], ([k, v] for k, v in machine.items())),
             "### Targets", "", *targets(rows),
             *part(rows, "example"), *part(rows, "reference"), *part(rows, "envelope"), *part(rows, "truth"),
             *part(rows, "verify"),
             "### One training step as the network grows (float64)", "",
             "Median time per step (forward, backward, update) of a width-width-width sigmoid network; GFLOP/s "
             "count 6 x batch x parameters flops (np.dot: 2 x batch x width² for (batch x width) @ (width x width)), "
             f"from width {LARGE} on.", "", *scaling(rows), *peak, "", *(f"- {n}" for n in notes), "",
             *part(rows, "suite"), *part(rows, "grade")]
    return "\n".join(parts).rstrip() + "\n"
