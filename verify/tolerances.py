"""The tolerance table: how many float64 ULPs each implementation may be from the truth.

``reference/tolerances.csv`` is the one place tolerances are written. Each row
names an implementation, an example (``documented`` for golden/example.toml,
otherwise the name of the example's folder under golden/), a quantity (a
trajectory column, or ``*`` for all the others), the tolerance in ULPs, the
maximum error measured when it was set, and why. The policy: a tolerance is
set from the measured maximum with a margin of at most 4x, and is never
loosened to make a test pass.
"""

from __future__ import annotations

import csv
from pathlib import Path

from collections.abc import Callable

from .spec import DEFAULT_SPEC

TABLE = Path(__file__).with_name("tolerances.csv")
MAX_MARGIN = 4


def example_key(spec_source: str | Path) -> str:
    """``documented`` for the documented example, else the folder name of the spec under golden/."""
    path = Path(spec_source).resolve()
    return "documented" if path == DEFAULT_SPEC else path.parent.name


def rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(row for row in handle if not row.startswith("#")))


def tolerance(implementation: str, example: str, quantity: str = "*") -> int | None:
    """The tolerance in ULPs, or None when the table has no row for this implementation and example."""
    found = {r["quantity"]: int(r["tolerance_ulp"]) for r in rows()
             if r["implementation"] == implementation and r["example"] == example}
    return found.get(quantity, found.get("*"))


class MissingTolerance(LookupError):
    """The table has no row for what is being compared; the message says what to add."""


def limits(implementation: str, example: str) -> Callable[[str], int]:
    """The tolerance of every quantity, as a function; MissingTolerance when the table lacks a row."""
    if not any(r["implementation"] == implementation and r["example"] == example for r in rows()):
        raise MissingTolerance(f"reference/tolerances.csv has no row for implementation {implementation!r}, "
                               f"example {example!r}: measure it and add one")

    def limit(quantity: str) -> int:
        value = tolerance(implementation, example, quantity)
        if value is None:
            raise MissingTolerance(f"reference/tolerances.csv has no {implementation!r} row for "
                                   f"{quantity!r} and no '*' row")
        return value
    return limit
