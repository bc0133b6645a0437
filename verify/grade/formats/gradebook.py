"""The gradebook: a CSV with one row per submission, one column of points per stage, and the total."""

from __future__ import annotations

import csv
import io

from ...stages import STAGES
from ..score import Graded, points

COLUMNS = ("submission", "score", "max_score", "status", *STAGES, "cause", "verdict")
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # how a cell a spreadsheet would run as a formula starts


def _text(value: str) -> str:
    """Text a spreadsheet shows as text: a leading quote before what would start a formula (a folder named '=1+1')."""
    return "'" + value if value.startswith(FORMULA) else value


def table(class_: list[Graded]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for g in class_:
        earned = {s.name: points(s.points) for s in g.stages}
        writer.writerow([_text(g.name), points(g.score), points(g.max_score), g.status.value,
                         *(earned[name] for name in STAGES), _text(g.cause or ""), _text(g.line)])
    return out.getvalue()
