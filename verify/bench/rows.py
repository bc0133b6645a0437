"""One measured figure per row: the schema of reports/bench.csv, shared by every part of the benchmark."""

from __future__ import annotations

from dataclasses import dataclass, fields

from .timing import Stats


@dataclass
class Row:
    section: str  # example, scaling, matmul, suite
    case: str
    implementation: str = ""
    width: int | None = None
    batch: int | None = None
    repeats: int | None = None
    number: int | None = None  # calls per timed sample
    median_s: float | None = None
    min_s: float | None = None
    max_s: float | None = None
    q1_s: float | None = None
    q3_s: float | None = None
    ratio: float | None = None  # to the fastest of its group, or to torch in the scaling section
    gflops: float | None = None
    target: str = ""
    status: str = ""  # met, missed, skipped, failed, or empty for context figures
    note: str = ""

    def timed(self, stats: Stats) -> Row:
        self.repeats, self.median_s, self.min_s, self.max_s = stats.repeats, stats.median, stats.minimum, stats.maximum
        self.q1_s, self.q3_s = stats.q1, stats.q3
        return self


COLUMNS = tuple(field.name for field in fields(Row))
