"""One measured figure per row: the schema of reports/bench.csv, shared by every part of the benchmark.

A row with a target is judged: "met" or "missed" by its median, "failed" when
what it times did not do its work (a command's exit status, a verdict that
is not passed), "skipped" with the reason when it could not be run here. A
row without a target is context.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .timing import Stats

SECTIONS = ("example", "reference", "envelope", "truth", "verify", "scaling", "matmul", "suite", "grade")
STATUSES = ("met", "missed", "failed", "skipped", "")


@dataclass
class Row:
    section: str  # one of SECTIONS
    case: str
    implementation: str = ""
    width: int | None = None
    batch: int | None = None
    repeats: int | None = None
    number: int | None = None  # calls (or iterations) per timed sample
    median_s: float | None = None
    min_s: float | None = None
    max_s: float | None = None
    q1_s: float | None = None
    q3_s: float | None = None
    ratio: float | None = None  # to the fastest of its group, or to torch in the scaling section
    gflops: float | None = None
    target: str = ""
    status: str = ""  # one of STATUSES
    note: str = ""

    def timed(self, stats: Stats) -> Row:
        self.repeats, self.median_s, self.min_s, self.max_s = stats.repeats, stats.median, stats.minimum, stats.maximum
        self.q1_s, self.q3_s = stats.q1, stats.q3
        return self

    def within(self, limit_s: float) -> Row:
        """Judge the median against a target of ``limit_s`` seconds (a failed row stays failed)."""
        self.target = f"< {limit_s:g} s"
        if self.status != "failed":
            self.status = "met" if self.median_s is not None and self.median_s < limit_s else "missed"
        return self

    def failed(self, why: str) -> Row:
        self.status = "failed"
        self.note = "; ".join(filter(None, [self.note, why]))
        return self


def skipped(section: str, case: str, why: str, implementation: str = "", target: str = "") -> Row:
    return Row(section, case, implementation, target=target, status="skipped", note=f"skipped: {why}")


COLUMNS = tuple(field.name for field in fields(Row))
