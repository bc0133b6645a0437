"""Write the rows: reports/bench.csv (every figure) and reports/bench.md (a section the report can include)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from .rows import COLUMNS, Row
from .scaling import BATCHES, LARGE, WIDTHS


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
    if value < 1e-3:
        return f"{value * 1e6:.3g} µs"
    return f"{value * 1e3:.3g} ms" if value < 1 else f"{value:.3g} s"


def spread(row: Row) -> str:
    return f"{seconds(row.min_s)} – {seconds(row.max_s)}" if row.median_s is not None else "–"


def table(header: list[str], lines: Iterable[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(line) + " |" for line in lines), ""]


def figure(row: Row) -> str:
    if row.median_s is None:
        return row.note
    ratio = f", {row.ratio:.2f} x torch" if row.section == "scaling" and row.ratio is not None else ""
    return f"{seconds(row.median_s)} (min–max {spread(row)}){ratio}"


def targets(rows: list[Row]) -> list[str]:
    judged = [r for r in rows if r.target]
    return table(["target", "case", "median (spread)", "status"],
                 ([r.target, f"{r.case}: {r.implementation}", figure(r), r.status or "not judged"] for r in judged))


def example(rows: list[Row]) -> list[str]:
    lines = ([r.case, seconds(r.median_s), spread(r), f"{seconds(r.q1_s)} – {seconds(r.q3_s)}" if r.q1_s else "–",
              f"{r.ratio:.2f}" if r.ratio else "–", r.note] for r in rows if r.section == "example")
    return table(["implementation", "median", "min – max", "IQR", "x fastest", "how"], lines)


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
        return f"{row.ratio:.2f}" if row is not None and row.ratio is not None else "–"

    lines = ([str(w), str(b), *(cell(w, b, n) for n in names), versus(w, b)] for w in WIDTHS for b in BATCHES)
    return table(["width", "batch", "vectorized", "autograd", "torch", "np.dot same shape", "vectorized / torch"],
                 lines)


def suite(rows: list[Row]) -> list[str]:
    lines = ([r.case, f"`{r.implementation}`", seconds(r.median_s), spread(r), str(r.repeats or "–"), r.target,
              r.status, r.note] for r in rows if r.section == "suite")
    return table(["what", "command", "median", "min – max", "runs", "target", "status", "note"], lines)


def markdown(rows: list[Row], machine: dict[str, str], heading: str) -> str:
    peak = [r for r in rows if r.section == "matmul"]
    parts = ["## Benchmarks", "", heading, "",
             *table(["machine", ""], ([k, v] for k, v in machine.items())),
             "### Targets", "", *targets(rows),
             "### The documented example, every implementation", "",
             "Interleaved runs; ratios are of medians to the fastest implementation.", "", *example(rows),
             "### One training step as the network grows (float64)", "",
             "Median time per step (forward, backward, update); GFLOP/s count 6 x batch x parameters flops "
             "(np.dot: 2 x batch x width² for (batch x width) @ (width x width)), from width "
             f"{LARGE} on.", "", *scaling(rows),
             *(f"For scale, {r.case}: {seconds(r.median_s)}, {r.gflops:.1f} GFLOP/s." for r in peak), "",
             *[f"torch: {r.note}\n" for r in rows if r.section == "scaling" and r.status == "skipped"],
             "### The suite itself", "", *suite(rows)]
    return "\n".join(parts).rstrip() + "\n"
