"""The read stage: what a program printed, as lines of known shapes and the numbers in them.

    reader = Reader()
    for chunk in chunks:
        reader.feed(chunk)           # any size, cut anywhere
    printout = reader.finish()       # a Printout

Nothing here knows the truth or the example: a line is text with numbers in it
(lines.py), each shape is named from its own text (slots.py), and rows of bare
numbers take their names from the header printed above them or from
``columns``. Lines without a number are chatter, counted, a few kept as
examples. The reader holds the line being completed, one batch of lines (about
1 MB) and the numbers read so far; every problem is a one-line ``TraceError``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import re

from .errors import TraceError
from .lines import SLOT, shapes
from .numbers import parse
from .slots import Shape, describe, split_row

MAX_LINE = 65_536  # characters
BATCH_CHARS = 1 << 20
BATCH_LINES = 1 << 14
MAX_KINDS = 4096  # distinct line shapes kept; the lines of any further shape are counted as chatter
EXAMPLES = 5
SHOWN = 80


def show(text: str, limit: int = SHOWN) -> str:
    """A line quoted in a message: repr (control characters escaped), cut to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


@dataclass(frozen=True)
class Kind:
    """Lines of one shape: how they are named, and the first of them."""
    shape: Shape
    names: tuple[str, ...]  # a display name per slot
    example: str  # the first line of this kind, cut to 80 characters
    first_line: int
    header: str | None = None  # the header line naming a row's columns

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(slot.role for slot in self.shape.slots)


@dataclass(frozen=True, eq=False)
class Printout:
    """Every line with a number, in order, and the numbers; what was passed over, counted.

    Data line ``k`` is of kind ``kind[k]``, printed on line ``line[k]``, and its
    numbers are ``values[start[k]:start[k + 1]]``. ``half[i]`` is the exponent of
    half a unit of the last digit printed (``0.29`` gives -3, for 5e-3);
    ``scientific[i]`` says it was printed with an exponent (``3.5e-05``).
    """
    kinds: tuple[Kind, ...]
    kind: np.ndarray
    line: np.ndarray
    start: np.ndarray
    values: np.ndarray
    half: np.ndarray
    scientific: np.ndarray
    lines: int
    chatter: int
    chatter_examples: tuple[tuple[int, str], ...]

    @property
    def data_lines(self) -> int:
        return len(self.kind)


class Reader:
    def __init__(self, *, columns: Sequence[str] | None = None, watch: Sequence[str] = (),
                 max_values: int | None = None, max_line: int = MAX_LINE, strict: bool = False,
                 usual: Sequence[str] = ()):
        """``columns`` names headerless rows; a line naming one of ``watch`` (golden or mapped names) is
        never passed over in silence; a value after one of those or of ``usual`` (loss, o1, w5) written with a
        decimal comma is refused; ``max_values`` bounds the numbers held."""
        self._columns = tuple(columns) if columns else None
        self._watch = _watcher(watch)
        self._comma = _comma_watcher([*watch, *usual])
        self._max_values, self._max_line, self._strict = max_values, max_line, strict
        self._pending: list[str] = []
        self._pending_chars = 0
        self._batch: list[str] = []
        self._batch_chars = 0
        self._lines = 0
        self._started = self._finished = self._after_cr = False
        self._error: TraceError | None = None
        self._kinds: list[Kind] = []
        self._index: dict[str, int] = {}
        self._last_quiet: str | None = None  # the last line of the batch before, when it has words and no number
        self._rows: dict[str, bool] = {}  # shape -> a row of bare numbers
        self._current: dict[str, int] = {}  # a row's shape -> its kind under the header printed last
        self._named_row: int | None = None  # the last kind of rows a header named
        self._parts: list[tuple[np.ndarray, ...]] = []
        self._held = 0
        self._chatter = 0
        self._examples: list[tuple[int, str]] = []

    # -- text in -------------------------------------------------------------------------------------------
    def feed(self, chunk: str) -> None:
        """Take the next piece of the output."""
        if self._error is not None:
            raise self._error
        if self._finished:
            raise TraceError("usage", "feed() after finish(): make a new Reader")
        try:
            self._feed(chunk)
        except TraceError as error:
            self._error = error
            raise

    def _feed(self, chunk: str) -> None:
        if not self._started and chunk:
            self._started = True
            chunk = chunk.removeprefix("\ufeff")
        if self._after_cr and chunk.startswith("\n"):
            chunk = chunk[1:]
        if not chunk:
            return
        self._after_cr = chunk.endswith("\r")
        if "\r" in chunk:  # "\r\n" ends a line, and so does a lone "\r" (progress bars)
            chunk = chunk.replace("\r\n", "\n").replace("\r", "\n")
        pieces = chunk.split("\n")
        if len(pieces) == 1:
            self._pend(chunk)
            return
        tail = pieces.pop()
        if self._pending:
            pieces[0] = "".join(self._pending) + pieces[0]
            self._pending, self._pending_chars = [], 0
        if max(map(len, pieces)) > self._max_line:
            k = next(k for k, line in enumerate(pieces) if len(line) > self._max_line)
            self._long(self._lines + len(self._batch) + k + 1)
        self._batch.extend(pieces)
        self._batch_chars += len(chunk)
        if tail:
            self._pend(tail)
        if self._batch_chars >= BATCH_CHARS or len(self._batch) >= BATCH_LINES:
            self._flush()

    def _pend(self, text: str) -> None:
        self._pending.append(text)
        self._pending_chars += len(text)
        if self._pending_chars > self._max_line:
            self._long(self._lines + len(self._batch) + 1)

    def _long(self, number: int) -> None:
        raise TraceError("long-line", f"line {number:,} is longer than {self._max_line:,} characters: print "
                         "fewer values per line")

    def finish(self) -> Printout:
        """What was read; after the last chunk."""
        if self._error is not None:
            raise self._error
        if self._finished:
            raise TraceError("usage", "finish() called twice")
        try:
            if self._pending:
                self._batch.append("".join(self._pending))
                self._pending = []
            self._flush(last=True)
            self._finished = True
            return self._printout()
        except TraceError as error:
            self._error = error
            raise

    # -- batches -------------------------------------------------------------------------------------------
    def _flush(self, last: bool = False) -> None:
        lines, first = self._batch, self._lines + 1
        lines, held = join_brackets(lines, last)
        self._batch, self._batch_chars = held, sum(map(len, held))
        self._lines += len(lines)
        if lines:
            self._read(lines, first)

    def _read(self, lines: list[str], first: int) -> None:
        if self._comma is not None:
            text = "\n".join(lines)
            found = self._comma(text)
            if found is not None:
                number = first + text.count("\n", 0, found.start())
                raise TraceError("not-a-number", f"line {number:,} writes a value with a decimal comma: "
                                 f"{show(lines[number - first].strip())} (write a point: 0.29, not 0,29)")
        batch = shapes(lines)
        counts = np.fromiter(batch.counts, np.int64, len(lines))
        data = np.flatnonzero(counts)
        said = [k for k in np.flatnonzero(counts == 0).tolist() if batch.shapes[k]]  # chatter and headers
        self._quiet(lines, batch.shapes, said, first)
        if not len(data):
            if said:
                self._last_quiet = batch.shapes[said[-1]]
            return
        # The line just above each data line, when it says something without a number: perhaps a header.
        speaking = counts > 0
        for k in said:
            speaking[k] = _says_something(batch.shapes[k])
        nonblank = np.flatnonzero(speaking)
        above = np.searchsorted(nonblank, data) - 1
        quiet = set(said)
        # Most lines follow a line of numbers, and their shape is known: their kind is one lookup.
        after_data = np.zeros(len(data), bool)
        inside = above >= 0
        after_data[inside] = counts[nonblank[above[inside]]] > 0
        known = {**self._index, **self._current}
        kinds = np.fromiter((known.get(s, -1) for s in map(batch.shapes.__getitem__, data.tolist())), np.int64,
                            len(data))
        for j in np.flatnonzero(~after_data | (kinds < 0)).tolist():
            k = int(data[j])
            a = int(above[j])
            if a >= 0:
                b = int(nonblank[a])
                header = batch.shapes[b] if b in quiet else None
            else:
                header = self._last_quiet
            kinds[j] = self._kind_of(batch.shapes[k], header, k + first, lines[k])
        self._last_quiet = batch.shapes[int(nonblank[-1])] if len(nonblank) and int(nonblank[-1]) in quiet else None
        values, half = parse(batch.numbers, first, lines, counts)
        scientific = np.fromiter(map(_scientific, batch.numbers), bool, len(batch.numbers))
        stored = kinds >= 0
        if not stored.all():  # shapes beyond MAX_KINDS: their lines are chatter
            offsets = np.concatenate(([0], np.cumsum(counts[data])))
            keep = np.concatenate([np.arange(offsets[j], offsets[j + 1]) for j in np.flatnonzero(stored)]) \
                if stored.any() else np.zeros(0, np.int64)
            for j in np.flatnonzero(~stored).tolist():
                self._pass_over(int(data[j]) + first, lines[int(data[j])])
            values, half, data, kinds = values[keep], half[keep], data[stored], kinds[stored]
            scientific = scientific[keep]
        self._held += len(values)
        if self._max_values is not None and self._held > self._max_values:
            raise TraceError("too-many", f"the program printed more than {self._max_values:,} numbers (by line "
                             f"{first + int(data[-1]):,}): print fewer values, or give the iterations it runs "
                             "with --iterations")
        self._parts.append((kinds.astype(np.int32), (data + first).astype(np.int64), counts[data], values, half,
                            scientific))

    def _quiet(self, lines: list[str], shapes_: list[str], said: list[int], first: int) -> None:
        """Lines without a number, but not blank: chatter, or a header naming the rows below it."""
        if not said:
            return
        if self._watch is not None:
            joined = "\n".join(shapes_[k] for k in said)
            if self._watch(joined):
                k: int | None
                k = next(k for k in said if self._watch(shapes_[k]))
                raise TraceError("not-a-number", f"line {k + first:,} names a quantity, but what follows is not a "
                                 f"number: {show(lines[k].strip())} (write ASCII decimals such as 0.25 or -1.5e-05, "
                                 "with a point, not a comma)")
        if self._strict:
            k = next((k for k in said if not _could_be_header(shapes_[k])), None)
            if k is not None:
                raise TraceError("garbage", f"line {k + first:,} is not part of the trace: {show(lines[k])} "
                                 "(strict reading: print nothing but the trace)")
        self._chatter += len(said)
        for k in said[:max(0, EXAMPLES - len(self._examples))]:
            self._pass_over(k + first, lines[k], count=False)

    def _pass_over(self, number: int, line: str, count: bool = True) -> None:
        self._chatter += count
        if len(self._examples) < EXAMPLES:
            self._examples.append((number, line if len(line) <= SHOWN else line[:SHOWN] + "..."))

    def _kind_of(self, shape: str, above: str | None, number: int, line: str) -> int:
        """The kind of a line of this shape (made on first sight), or -1 beyond MAX_KINDS.

        A row of bare numbers right under a header of as many names is named by it, and keeps that kind until
        another header comes; the same row under another header is another kind.
        """
        row = self._rows.get(shape)
        if row is None:
            row = self._rows[shape] = describe(shape).kind == "row"
        key = shape
        if row:
            header = above if above is not None and _could_be_header(above) else None
            if header is None:
                found = self._current.get(shape)
                if found is not None:
                    return found
                named = self._named_row
                # (R's printed vector, "[1] 0.37 0.65 ...", after a table is no row of it)
                if named is not None and len(self._kinds[named].names) != shape.count(SLOT) \
                        and self._columns is None and not shape.lstrip().startswith(f"[{SLOT}]"):
                    width = shape.count(SLOT)
                    raise TraceError("garbage", f"line {number:,} has {width} value{'s' * (width != 1)} where the "
                                     f"header above names {len(self._kinds[named].names)} columns: {show(line)}")
            key = f"{shape}\x01{header or ''}"
        found = self._index.get(key)
        if found is None:
            if len(self._kinds) >= MAX_KINDS:
                return -1
            described = describe(shape)
            names, named_by = described.names, None
            if row:
                names, named_by = self._row_names(described, header)
            _check_json(line, names, number)
            self._kinds.append(Kind(described, names, line.strip()[:SHOWN], number, named_by))
            found = self._index[key] = len(self._kinds) - 1
            if row and named_by is not None:
                self._named_row = found
        if row:
            self._current[shape] = found
        return found

    def _row_names(self, shape: Shape, header: str | None) -> tuple[tuple[str, ...], str | None]:
        width = len(shape.slots)
        if self._columns is not None and len(self._columns) == width:
            return self._columns, "--columns"
        if header is not None:
            names = split_row(header)
            if len(names) == width:
                return tuple(names), header
            if len(names) == width - 1 and not any(c in header for c in ",;|\t"):
                # a table as pandas and R print it: the rows' index has no name in the header
                return (ROW_INDEX, *names), header
        return tuple(f"column {k + 1}" for k in range(width)), None

    def _printout(self) -> Printout:
        parts = self._parts
        if parts:
            kind, line, counts, values, half, scientific = (np.concatenate([p[j] for p in parts]) for j in range(6))
        else:
            kind, line, counts = (np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros(0, np.int64))
            values, half, scientific = np.zeros(0), np.zeros(0, np.int16), np.zeros(0, bool)
        start = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        for array in (kind, line, start, values, half, scientific):
            array.setflags(write=False)
        return Printout(tuple(self._kinds), kind, line, start, values, half, scientific, self._lines,
                        self._chatter, tuple(self._examples))


ROW_INDEX = "row index"  # a table's unnamed first column (pandas, R)
_RULE = set("|-:=+*_~ ")


def _says_something(shape: str) -> bool:
    """Not blank, and not a rule under a table's header (|---|---|, ======)."""
    return bool(shape) and not set(shape) <= _RULE


def _scientific(text: str) -> bool:
    return "e" in text or "E" in text


def _could_be_header(shape: str) -> bool:
    """A line of names: two or more cells, cut as rows are, none of them long prose."""
    if SLOT in shape or len(shape) > 4000:
        return False
    cells = split_row(shape)
    return len(cells) >= 2 and all(any(ch.isalnum() for ch in c) and len(c) <= 40 for c in cells) and \
        not shape.startswith("#")


def _watcher(names: Sequence[str]) -> Callable[[str], bool] | None:
    """A test for a line without numbers that still names a quantity with a value after it (``E_total: 0,29``)."""
    import re

    wanted = [n for n in names if n]
    if not wanted:
        return None
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, sorted(wanted, key=len, reverse=True)))
                         + r")\s*[:=]\s*\S")
    return lambda text: pattern.search(text) is not None


JOINED = 64  # the most lines a bracketed value printed over several lines is read from


def join_brackets(lines: list[str], last: bool) -> tuple[list[str], list[str]]:
    """Lines with a bracketed value printed over several (NumPy's and torch's matrices, a long array wrapped:
    ``[[0.38 0.66]`` then `` [0.48 0.75]]``) made one line, the lines it took left blank so that every line keeps
    its number. A value still open at the end of the lines is held back for the next ones (unless ``last``);
    one that does not close within JOINED lines, or whose next line is not indented, is left as printed."""
    out = list(lines)
    k = 0
    while k < len(out):
        depth = out[k].count("[") - out[k].count("]")
        if depth <= 0:
            k += 1
            continue
        end = k
        while depth > 0 and end + 1 < len(out) and end - k < JOINED and out[end + 1][:1] in (" ", "\t"):
            end += 1
            depth += out[end].count("[") - out[end].count("]")
        if depth > 0 and end + 1 == len(out) and not last and end - k < JOINED:
            return out[:k], out[k:]  # it may close in the lines still to come
        if depth == 0 and end > k:
            out[k] = " ".join(line.strip() for line in out[k:end + 1])
            out[k + 1:end + 1] = [""] * (end - k)
        k = end + 1
    return out, []


def _comma_watcher(names: Sequence[str]) -> Callable[[str], re.Match[str] | None] | None:
    """A test for a value of a watched name written with a decimal comma (``E_total: 0,29``)."""
    import re

    wanted = [n for n in names if n]
    if not wanted:
        return None
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, sorted(wanted, key=len, reverse=True)))
                         + r")(?:[ \t]*[:=][ \t]*|[ \t]+)[+-]?[0-9]+,[0-9]")
    # the value's part alone is quick to look for (a CSV row has no blank or colon before its commas); the names
    # are tried only just before each place it is found
    value = re.compile(r"(?:[:=][ \t]*|[ \t])[+-]?[0-9]+,[0-9]")
    reach = max(map(len, wanted)) + 1

    def search(text: str) -> re.Match[str] | None:
        for place in value.finditer(text):
            found = pattern.search(text, max(0, place.start() - reach - 64), place.end())
            if found is not None:
                return found
        return None
    return search


def _check_json(line: str, names: tuple[str, ...], number: int) -> None:
    """A JSON object line that repeats a key: refused, as a CSV header naming a column twice is."""
    text = line.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return
    seen: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        for key, _ in items:
            if key in seen:
                raise TraceError("repeated-name", f"line {number:,} repeats the key {key!r}: print each quantity "
                                 "once per line")
            seen.append(key)
        return dict(items)

    try:
        json.loads(text, object_pairs_hook=pairs, parse_float=str, parse_int=str, parse_constant=str)
    except (ValueError, RecursionError):
        return
    seen.clear()


def read_text(text: str, **options: Any) -> Printout:
    """Read a whole output already in hand (fed in 1 MB pieces, as a program's output would be)."""
    reader = Reader(**options)
    for start in range(0, len(text), BATCH_CHARS):
        reader.feed(text[start:start + BATCH_CHARS])
    return reader.finish()
