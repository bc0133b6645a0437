"""The ledger of published figures (golden/documented/published.csv): read and checked before anything runs.

Columns: ``figure`` (what the notes call it), ``published`` (the value as
printed), ``quantity`` (a golden name) and ``iteration``: for the outputs and
E_total the forward pass of that iteration (0 before training), for
``w*_new`` the weights after that iteration's update, and the spec's
iteration count N for the state after the last update. Anything else is
refused with one line naming the file and the row.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...reference import names
from ...reference.inputs import MISSING, Unreadable, read_bounded
from ...reference.spec import Spec

COLUMNS = ("figure", "published", "quantity", "iteration")
MAX_BYTES = 4 << 20  # the notes' ledger is a few hundred bytes
DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


class LedgerError(Exception):
    """A ledger that cannot be read or does not fit the spec; the message is one line."""


@dataclass(frozen=True)
class Figure:
    figure: str
    published: str  # as printed
    quantity: str
    iteration: int

    @property
    def decimals(self) -> int:
        return len(self.published.partition(".")[2])


def _row(number: int, row: dict[str | Any, str | Any], spec: Spec, where: str) -> Figure:
    at = f"{where}, row {number}"
    published = (row.get("published") or "").strip()
    if not DECIMAL.fullmatch(published):
        raise LedgerError(f"{at}: published value {published!r} is not a plain decimal number (e.g. 0.298371109)")
    try:
        iteration = int(row.get("iteration") or "")
    except ValueError:
        raise LedgerError(f"{at}: iteration {row.get('iteration')!r} is not a whole number") from None
    if not 0 <= iteration <= spec.iterations:
        raise LedgerError(f"{at}: iteration {iteration:,} is outside 0 to {spec.iterations:,} (the spec's count)")
    quantity = (row.get("quantity") or "").strip()
    known = names.forward_quantities(spec) if iteration == spec.iterations else names.quantities(spec)
    if quantity not in known:
        state = "after the last update" if iteration == spec.iterations else f"at iteration {iteration:,}"
        raise LedgerError(f"{at}: no quantity {quantity!r} {state} (known: {', '.join(known)})")
    figure = (row.get("figure") or "").strip() or f"{quantity} at iteration {iteration:,}"
    return Figure(figure, published, quantity, iteration)


def read(path: Path, spec: Spec) -> list[Figure]:
    """Every figure of the ledger at ``path``, checked against ``spec``; LedgerError otherwise."""
    where = f"--ledger {path}"
    try:
        text = read_bounded(path, MAX_BYTES).decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        table = list(reader)
        header = tuple(reader.fieldnames or ())
    except Unreadable as why:
        advice = "" if why.kind == MISSING else f"; a ledger is a CSV file of the columns {', '.join(COLUMNS)}"
        raise LedgerError(f"{where}: {why}{advice}") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise LedgerError(f"{where}: cannot be read ({error})") from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise LedgerError(f"{where}: no column {missing[0]!r} (the columns are {', '.join(COLUMNS)})")
    if not table:
        raise LedgerError(f"{where}: no figures in it")
    return [_row(number, row, spec, where) for number, row in enumerate(table, start=2)]
