"""Read a program's trace into a trajectory table, or say precisely why it cannot be read.

Two formats (see implementations/TRACE_PROTOCOL.md):

* ``name-value``: one ``name:value`` line per quantity, the names of one
  iteration always in the order of the name map, iteration after iteration;
* ``csv``: a header row of names, then one row per iteration; an optional
  ``iteration`` column must count 0, 1, 2, ...

Values are decimal strings parsed exactly (correctly rounded to float64), so a
shortest round-trip repr such as ``3.510854812251263e-05`` comes back as the
very double the program held. The work is done on whole columns with
numpy/pandas, never line by line in Python.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from .errors import TraceError
from .names import NameMap

FORMATS = ("name-value", "csv")

# A decimal number, or a spelling of NaN or infinity (these get their own diagnosis, not "not a number").
_NUMBER = r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|(?i:nan|inf|infinity))"


def parse(text: str, fmt: str, names: NameMap, iterations: int) -> pd.DataFrame:
    """The trace as a table: ``iteration`` (0, 1, ...) then one float64 column per golden quantity."""
    if fmt == "name-value":
        return parse_name_value(text, names, iterations)
    if fmt == "csv":
        return parse_csv(text, names, iterations)
    raise TraceError("usage", f"unknown trace format {fmt!r} (use one of: {', '.join(FORMATS)})")


def parse_name_value(text: str, names: NameMap, iterations: int) -> pd.DataFrame:
    if not text.strip():
        raise TraceError("empty", f"the program printed nothing; expected {iterations * len(names.order):,} "
                         "lines name:value")
    lines = np.array(text.replace("\r\n", "\n").removesuffix("\n").split("\n"))
    _first(np.strings.count(lines, ":") != 1, "garbage",
           lambda k: f"line {k + 1} is not name:value: {_show(lines[k])}")
    name, _, value = np.strings.partition(lines, ":")
    name = np.strings.strip(name)

    order = names.order
    _first(~np.isin(name, order), "unknown-name",
           lambda k: f"line {k + 1}: unknown name {_show(name[k])} (the name map {names.source} "
                     f"knows {', '.join(order)})")
    width = len(order)
    _first(name != np.resize(np.array(order), len(name)), None, lambda k: _out_of_order(k, name, order))
    if len(name) % width:
        k = len(name)
        raise TraceError("truncated", f"the trace stops in the middle of iteration {k // width} "
                         f"(after line {k}, {order[k % width]} is missing)")

    numbers = _numbers(value, lambda k: f"line {k + 1}: the value of {name[k]} is not a number: "
                                        f"{_show(value[k])}",
                       lambda k: f"line {k + 1}: {name[k]} is {value[k].strip()} in iteration {k // width}")
    table = pd.DataFrame(numbers.reshape(-1, width), columns=[names.to_golden[n] for n in order])
    _check_count(table, iterations, lambda i: f"iteration {i} (lines {i * width + 1}-{(i + 1) * width})")
    table.insert(0, "iteration", np.arange(len(table)))
    return table


def parse_csv(text: str, names: NameMap, iterations: int) -> pd.DataFrame:
    if not text.strip():
        raise TraceError("empty", f"the program printed nothing; expected a CSV header and {iterations:,} rows")
    try:
        cells = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False,
                            skip_blank_lines=True)
    except pd.errors.ParserError as exc:
        raise TraceError("garbage", f"the CSV trace is malformed: {str(exc).splitlines()[-1].strip()}") from None
    header = [h.strip() for h in cells.iloc[0]]
    rows = cells.iloc[1:].reset_index(drop=True)
    rows.columns = header
    known = names.order + ["iteration"]
    for column in header:
        if column not in known:
            raise TraceError("unknown-name", f"CSV header: unknown column {column!r} (the name map "
                             f"{names.source} knows {', '.join(names.order)})")
        if header.count(column) > 1:
            raise TraceError("repeated-name", f"CSV header: column {column!r} appears more than once")
    for name in names.order:
        if name not in header:
            raise TraceError("missing-name", f"CSV header: no column {name!r}")
    if rows.empty:
        raise TraceError("too-few", f"the CSV trace has a header but no rows; expected {iterations:,}")

    flat = rows[names.order].to_numpy().astype(str).ravel()
    width = len(names.order)

    def where(k: int) -> str:
        return f"row {k // width + 2}, column {names.order[k % width]}"  # row 1 is the header

    numbers = _numbers(flat, lambda k: f"{where(k)}: not a number: {_show(flat[k])}",
                       lambda k: f"{where(k)}: the value is {flat[k]}")
    table = pd.DataFrame(numbers.reshape(-1, width), columns=[names.to_golden[n] for n in names.order])
    if "iteration" in header:
        _check_iteration_column(np.strings.strip(rows["iteration"].to_numpy().astype(str)))
    _check_count(table, iterations, lambda i: f"iteration {i} (CSV row {i + 2}, after row {i + 1})")
    table.insert(0, "iteration", np.arange(len(table)))
    return table


def _numbers(values: np.ndarray, not_number, non_finite) -> np.ndarray:
    """Exact float64 values of the strings (correctly rounded), or a TraceError naming the first bad one."""
    values = np.strings.strip(values)
    try:
        if (np.strings.count(values, "_") > 0).any():  # float() would read 1_000 as 1000
            raise ValueError
        numbers = values.astype(np.float64)
    except ValueError:
        # Only on this failure path is each string looked at on its own, to name the first bad one.
        _first([re.fullmatch(_NUMBER, v) is None for v in values], "not-a-number", not_number)
        raise TraceError("not-a-number", "a value is not a number float64 can hold") from None
    _first(~np.isfinite(numbers), "non-finite", non_finite)
    return numbers


def _check_iteration_column(column: np.ndarray) -> None:
    _first(~np.strings.isdigit(column), "not-a-number",
           lambda k: f"row {k + 2}, column iteration: not a whole number: {_show(column[k])}")
    counted = column.astype(np.int64)
    repeated = np.flatnonzero(counted[1:] <= counted[:-1])
    if len(repeated):
        k = repeated[0] + 1
        kind = "duplicated-iteration" if counted[k] in counted[:k] else "out-of-order"
        raise TraceError(kind, f"row {k + 2}: iteration {counted[k]} comes after iteration {counted[k - 1]} "
                         "(iterations must count 0, 1, 2, ... once each)")
    _first(counted != np.arange(len(counted)), "missing-iteration",
           lambda k: f"row {k + 2}: iteration {counted[k]} where {k} was due (an iteration is missing)")


def _check_count(table: pd.DataFrame, iterations: int, locate) -> None:
    got = len(table)
    if got < iterations:
        raise TraceError("too-few", f"the trace has {got:,} iterations, the example {iterations:,}: the program "
                         "stopped early")
    if got > iterations:
        values = table.to_numpy()
        same = np.flatnonzero((values[1:] == values[:-1]).all(axis=1))
        if len(same):
            raise TraceError("duplicated-iteration", f"{locate(same[0] + 1)} repeats the previous iteration "
                             "exactly: an iteration was printed twice")
        raise TraceError("too-many", f"the trace has {got:,} iterations, the example {iterations:,}: set the "
                         "program's iteration count from the spec")


def _out_of_order(k: int, name: np.ndarray, order: list[str]) -> TraceError:
    width = len(order)
    start = k - k % width
    got, due = str(name[k]), order[k % width]
    where = f"line {k + 1}, iteration {k // width}"
    if got in set(name[start:k]):
        return TraceError("repeated-name", f"{where}: {got} appears a second time where {due} was due")
    return TraceError("missing-name", f"{where}: {due} is missing ({got} came where {due} was due)")


def _first(bad, kind: str | None, message) -> None:
    """Raise for the first True in ``bad``; ``message(k)`` is the text, or a ready TraceError when kind is None."""
    hits = np.flatnonzero(np.asarray(bad, dtype=bool))
    if len(hits):
        found = message(int(hits[0]))
        raise found if kind is None else TraceError(kind, found)


def _show(text: str, limit: int = 60) -> str:
    text = str(text)  # numpy's str_ would show its type in repr
    return repr(text if len(text) <= limit else text[:limit] + "...")
