"""Row formats, one record per row: CSV with a header, headerless columns, JSON lines.

A CSV header is a line of names followed by a row of as many numbers, cut at
commas, semicolons, tabs or runs of blanks (the first that fits). Headerless
columns are named by the caller (``columns=[...]``, ``-`` skips a column).
A row with the right number of fields and at least one number is data; empty
fields are values not printed. Other lines (chatter, a repeated header) are
ignored, but a row of numbers with the wrong number of fields is an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from .batch import Collector, Entries, Tally, check_labels, show
from .errors import TraceError
from .names import Lexicon
from .numbers import Numbers, is_value

SEPARATORS = (",", ";", "\t", " ")
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", " ": "blanks"}


@dataclass(frozen=True)
class Layout:
    separator: str  # ",", ";", "\t", or " " for any run of blanks
    columns: tuple[int | None, ...]  # the reader's column of each field, None for a field not read
    names: tuple[str, ...]  # the printed name of each field
    trailing: bool = False  # every line ends with a separator (printed after each field, the last too)


def fields(line: str, separator: str, trailing: bool = False) -> list[str]:
    if separator == " ":
        return line.split()
    if trailing:
        line = line.rstrip().removesuffix(separator)
    return [field.strip() for field in line.split(separator)]


def header_names(line: str, separator: str, trailing: bool = False) -> list[str]:
    return [name.strip('"').strip() for name in fields(line, separator, trailing)]


def _ends_with(separator: str, *lines: str) -> bool:
    return separator != " " and all(line.rstrip().endswith(separator) for line in lines)


def _used(text: str) -> list[str]:
    """The separators that occur in ``text``, blanks last (a single field has no separator: blanks)."""
    return [s for s in SEPARATORS if s in text or s == " "]


def header_layout(header: str, row: str, lexicon: Lexicon, *, known: bool = True) -> Layout | None:
    """The layout when ``header`` names the fields of ``row``, a row of numbers.

    With ``known`` the header must name at least one quantity or the label;
    without, any header of names fits (used to say why a trace was not read).
    """
    for separator in _used(header + row):
        trailing = _ends_with(separator, header, row)
        names = header_names(header, separator, trailing)
        values = fields(row, separator, trailing)
        if len(names) != len(values) or not _numbers_and_gaps(values):
            continue
        if not all(names) or any(map(is_value, names)):
            continue
        columns = tuple(map(lexicon.column, names))
        if known and all(c is None for c in columns):
            continue
        _refuse_twice(names, columns, lexicon)
        return Layout(separator, columns, tuple(names), trailing)
    return None


def _refuse_twice(names: list[str], columns: tuple[int | None, ...], lexicon: Lexicon) -> None:
    taken = [c for c in columns if c is not None]
    for column in set(taken):
        if taken.count(column) > 1:
            twice = [n for n, c in zip(names, columns) if c == column]
            raise TraceError("repeated-name", f"the CSV header names {lexicon.columns[column]} more than once "
                             f"({', '.join(map(repr, twice))}): print each quantity in one column")


def _numbers_and_gaps(values: list[str]) -> bool:
    """A row of data: numbers, and perhaps empty cells."""
    return any(values) and all(is_value(v) for v in values if v)


def columns_layout(names: list[str], row: str, lexicon: Lexicon) -> Layout | None:
    """The layout of headerless ``row`` when it is as many numbers as ``names`` (``-``: a column not read)."""
    for separator in _used(row):
        trailing = _ends_with(separator, row)
        values = fields(row, separator, trailing)
        if len(values) == len(names) and all(map(is_value, values)):
            return Layout(separator, tuple(None if n == "-" else lexicon.column(n) for n in names), tuple(names),
                          trailing)
    return None


def check_columns(names: list[str], lexicon: Lexicon) -> None:
    """Refuse column names that are neither quantities, nor the label, nor ``-``."""
    if not names:
        raise TraceError("usage", "columns=[] names no column: give one name per printed column")
    for name in names:
        if name != "-" and lexicon.column(name) is None:
            raise TraceError("unknown-name", f"columns: {lexicon.describe(name)} is not a quantity of this "
                             f"example (known: {', '.join(lexicon.columns)}; '-' skips a column)")
    taken = [n for n in names if n != "-"]
    if len(set(map(lexicon.column, taken))) < len(taken):
        raise TraceError("usage", f"columns: a quantity is named twice in {names}")


def read_rows(lines: list[str], first: int, layout: Layout, tally: Tally) -> Entries:
    fast = _fast_rows(lines, first, layout, tally)
    if fast is None:
        rest, parts = range(len(lines)), []
    else:
        rest, parts = fast[1], [fast[0]]
    if len(rest):
        collector = Collector(tally, first)
        for k in rest:
            _read_row(lines[k], k, layout, collector, tally)
        parts.append(collector.entries())
    return Entries.joined(parts)


def _read_row(line: str, k: int, layout: Layout, collector: Collector, tally: Tally) -> None:
    parts = fields(line.strip(), layout.separator, layout.trailing)
    width = len(layout.columns)
    if len(parts) != width:
        if parts and all(map(is_value, parts)):
            raise TraceError("garbage", f"line {collector.first + k} has {len(parts)} values where the header "
                             f"names {width} columns: {show(line.strip())}")
        tally.ignore(collector.first + k, line)
        return
    if not any(map(is_value, parts)):  # chatter, or the header printed again
        tally.ignore(collector.first + k, line)
        return
    for text, column, name in zip(parts, layout.columns, layout.names):
        if column is None:
            if name != "-":
                tally.unknown_name(name)
        elif text:
            collector.add(k, column, text, name)


def _fast_rows(lines: list[str], first: int, layout: Layout, tally: Tally):
    """(entries of the clean rows, indices of the other lines), or None when a row needs a diagnosis."""
    width, separator = len(layout.columns), layout.separator
    if layout.trailing:
        lines = [line.rstrip().removesuffix(separator) for line in lines]
    if separator == " ":
        split = [line.split() for line in lines]
        where = [k for k, parts in enumerate(split) if len(parts) == width]
        flat = [text for k in where for text in split[k]]
    else:
        counts = list(map(str.count, lines, repeat(separator)))
        if counts.count(width - 1) == len(lines):
            where, picked = range(len(lines)), lines
        else:
            where = [k for k, n in enumerate(counts) if n == width - 1]
            picked = [lines[k] for k in where]
        flat = list(map(str.strip, separator.join(picked).split(separator))) if picked else []
    read = [(j, c) for j, c in enumerate(layout.columns) if c is not None]
    texts = [t for j, _ in read for t in flat[j::width]]  # column after column
    if "" in texts:
        return None
    found = Numbers(texts)
    if found.bad >= 0:
        return None
    where = np.asarray(where, np.int64)
    rows, count = len(where), len(read)
    columns = np.repeat(np.array([c for _, c in read], np.int64), rows)
    label = np.flatnonzero(columns == tally.lexicon.label)
    if len(label):
        check_labels([texts[k] for k in label.tolist()], where[label % rows], first)
    for name, column in zip(layout.names, layout.columns):
        if column is None and name != "-":
            tally.unknown_name(name, rows)

    def row_major(a: np.ndarray) -> np.ndarray:
        return a.reshape(count, rows).T.ravel()

    rest = np.setdiff1d(np.arange(len(lines)), where, assume_unique=True)
    return Entries(np.repeat(where, count), row_major(columns), row_major(found.values),
                   row_major(found.half_exponents)), rest


def json_object(line: str) -> dict | None:
    """The object on a JSON line, numbers kept as their text; None for any other line."""
    text = line.strip()
    if not text.startswith("{"):
        return None
    try:
        found = json.loads(text, parse_float=str, parse_int=str, parse_constant=str)
    except (ValueError, RecursionError):
        return None
    return found if isinstance(found, dict) else None


def read_json(lines: list[str], first: int, tally: Tally) -> Entries:
    collector = Collector(tally, first)
    lexicon = tally.lexicon
    for k, line in enumerate(lines):
        found = json_object(line)
        if found is None:
            tally.ignore(first + k, line)
            continue
        for key, value in found.items():
            name = key.strip()
            column = lexicon.column(name)
            if column is None:
                tally.unknown_name(name)
            elif isinstance(value, str):
                collector.add(k, column, value.strip(), name)
            elif value is not None:
                raise TraceError("not-a-number", f"line {first + k}: the value of {name} is not a number: "
                                 f"{show(json.dumps(value))}")
    return collector.entries()
