"""A streaming reader of traces: text goes in chunk by chunk, a ``Trace`` of numbers comes out.

    reader = TraceReader(quantities)          # golden names, e.g. reference.names.quantities(spec)
    for chunk in chunks:
        reader.feed(chunk)
    trace = reader.finish()

The reader keeps only the line being completed and a batch of lines (about
1 MB) besides the numbers already read; the format is detected from the first
meaningful lines (see detect.py). Every problem is a one-line ``TraceError``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from . import pairs, rows
from .batch import Entries, Tally
from .detect import FORMATS, Decision, Detector
from .errors import TraceError
from .names import Lexicon, NameMap
from .numbers import half_units

MAX_LINE = 65_536  # characters
BATCH_CHARS = 1 << 20
BATCH_LINES = 1 << 14  # also bounds the time a batch takes, so a time limit is seen promptly
UNDECIDED_LINES = 1_000  # lines kept while the format is not known; older ones are counted as ignored
UNDECIDED_CHARS = 1 << 20


@dataclass(frozen=True, eq=False)
class Trace:
    """What a program printed, as numbers: one record per iteration.

    ``values[q]`` has one float64 per record, NaN where that record has no
    ``q`` (a printed value is never NaN: non-finite values are errors);
    ``present[q]`` is the same as a boolean mask. ``resolution[q]`` is half a
    unit of the last digit printed (NaN where absent). ``iterations`` are the
    printed labels when ``labelled``, else 0, 1, 2, ...
    """

    format: str  # name-value, csv, jsonl or columns
    layout: str  # how it was cut: "name:value", "name = value", "name value", "pairs", comma, tab, ...
    quantities: tuple[str, ...]  # golden names present, in the order first seen
    iterations: np.ndarray
    labelled: bool
    values: dict[str, np.ndarray]
    present: dict[str, np.ndarray]
    resolution: dict[str, np.ndarray]
    lines: int
    ignored_lines: int
    ignored_examples: tuple[tuple[int, str], ...]  # (line number, text cut to 80 characters)
    unknown_names: dict[str, int]  # name -> times printed (at most 100 names)
    suggestions: dict[str, str]  # unknown name -> the quantity it probably misspells

    @property
    def records(self) -> int:
        return len(self.iterations)

    def to_frame(self):
        """A pandas DataFrame: ``iteration``, then one column per quantity present (NaN where a record lacks it)."""
        import pandas as pd  # only here: reading needs numpy alone

        return pd.DataFrame({"iteration": self.iterations, **self.values})

    def notes(self) -> list[str]:
        """One line each on what was passed over: ignored lines, names that are not quantities."""
        notes = []
        if self.ignored_lines:
            number, text = self.ignored_examples[0]
            notes.append(f"ignored {self.ignored_lines:,} lines that are not part of the trace, first "
                         f"(line {number}): {text!r}")
        if self.unknown_names:
            listed = [f"{name} ({times:,}x" + (f"; did you mean {self.suggestions[name]!r}?" if name in
                                                 self.suggestions else "") + ")"
                      for name, times in self.unknown_names.items()]
            notes.append("ignored names that are not quantities of the example: " + ", ".join(listed))
        return notes


class TraceReader:
    def __init__(self, quantities: list[str], *, format: str | None = None, names: NameMap | None = None,
                 columns: list[str] | None = None, strict: bool = False, max_records: int | None = None,
                 max_line: int = MAX_LINE):
        if format is not None and format not in FORMATS:
            raise TraceError("usage", f"unknown trace format {format!r} (use one of: {', '.join(FORMATS)})")
        if columns is not None and format not in (None, "columns"):
            raise TraceError("usage", f"columns= names headerless columns; it does not go with format={format!r}")
        if max_records is not None and max_records < 0:
            raise TraceError("usage", f"max_records must be 0 or more, not {max_records}")
        self._lexicon = Lexicon(list(quantities), names)
        if not self._lexicon.quantities:
            raise TraceError("usage", "no quantities to read: pass the golden names of the example")
        if columns is not None:
            columns = list(columns)
            rows.check_columns(columns, self._lexicon)
            format = "columns"
        self._tally = Tally(self._lexicon, strict)
        self._detector = Detector(self._lexicon, format, columns)
        self._decision: Decision | None = None
        self._max_records, self._max_line = max_records, max_line
        self._pending: list[str] = []
        self._pending_chars = 0
        self._batch: list[str] = []
        self._batch_chars = 0
        self._lines = 0  # lines moved into batches so far
        self._undecided: deque[tuple[int, str]] = deque()
        self._undecided_chars = 0
        self._first_example: str | None = None
        self._started = self._finished = self._after_cr = False
        self._error: TraceError | None = None
        # Records so far: the entries of each batch, and where each record starts.
        width = len(self._lexicon.columns)
        self._parts: list[tuple[np.ndarray, ...]] = []
        self._record_lines: list[np.ndarray] = []
        self._records = 0
        self._position = np.full(width, -1, np.int64)  # name-value: order in which columns were first seen
        self._next_position = 0
        self._last = np.iinfo(np.int64).max  # position (name-value) or line (rows) of the last entry

    # -- text in -------------------------------------------------------------------------------------------
    def feed(self, chunk: str) -> None:
        """Take the next piece of the output (any size, cut anywhere)."""
        if self._error is not None:
            raise self._error
        if self._finished:
            raise TraceError("usage", "feed() after finish(): make a new TraceReader")
        try:
            self._feed(chunk)
        except TraceError as error:
            self._error = error  # what is read after a problem would be misread: the same error again
            raise

    def _feed(self, chunk: str) -> None:
        if not self._started and chunk:
            self._started = True
            chunk = chunk.removeprefix("\ufeff")  # a byte order mark, as some Windows programs print
        if self._after_cr and chunk.startswith("\n"):  # the "\n" of a "\r\n" cut in two
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
        self._check_lengths(pieces)
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

    def _check_lengths(self, lines: list[str]) -> None:
        if max(map(len, lines)) > self._max_line:
            k = next(k for k, line in enumerate(lines) if len(line) > self._max_line)
            self._long(self._lines + len(self._batch) + k + 1)

    def _long(self, number: int) -> None:
        raise TraceError("long-line", f"line {number} is longer than {self._max_line:,} characters: a trace "
                         "line holds a name and a number, or one row of numbers; print fewer values per line")

    def finish(self) -> Trace:
        """The trace read; after the last chunk."""
        if self._error is not None:
            raise self._error
        if self._finished:
            raise TraceError("usage", "finish() called twice")
        try:
            return self._finish()
        except TraceError as error:
            self._error = error
            raise

    def _finish(self) -> Trace:
        if self._pending:
            self._batch.append("".join(self._pending))
            self._pending = []
        self._flush()
        self._finished = True
        if self._decision is None:
            raise self._detector.undecided(self._lines, self._first_example)
        return self._trace()

    # -- batches -------------------------------------------------------------------------------------------
    def _flush(self) -> None:
        lines, first = self._batch, self._lines + 1
        self._batch, self._batch_chars = [], 0
        self._lines += len(lines)
        if not lines:
            return
        if self._decision is None:
            lines, first = self._detect(lines, first)
        if lines:
            self._read(lines, first)

    def _detect(self, lines: list[str], first: int) -> tuple[list[str], int]:
        """Look for the format; once found, the lines to read (those kept while looking, then the rest)."""
        tally = self._tally
        for k, line in enumerate(lines):
            number = first + k
            if not line.strip() and not self._undecided:
                tally.ignore(number, line)  # a blank line before anything: ignored in every format
                continue
            if self._first_example is None:
                self._first_example = line.strip()
            self._undecided.append((number, line))
            self._undecided_chars += len(line)
            decision = self._detector.look(number, line)
            if decision is not None:
                break
            if tally.strict:
                self._refuse_chatter()
            while len(self._undecided) > UNDECIDED_LINES or self._undecided_chars > UNDECIDED_CHARS:
                old_number, old = self._undecided.popleft()
                self._undecided_chars -= len(old)
                tally.ignore(old_number, old)
        else:
            return [], first
        self._decision = decision
        kept = list(self._undecided)
        self._undecided.clear()
        if decision.header is not None:  # csv: what came before the header was not the trace
            for number, line in kept:
                if number < decision.header:
                    self._tally.ignore(number, line)
            kept = [(n, line) for n, line in kept if n > decision.header]
        return [line for _, line in kept] + lines[k + 1:], kept[0][0]

    def _refuse_chatter(self) -> None:
        """Strict reading: before the format is known, only a header and pair lines may wait."""
        for number, line in list(self._undecided)[:-1]:
            text = line.strip()
            if not (text and (pairs.split_pairs(text) or rows.json_object(text)
                              or pairs.known_pair(text, self._lexicon))):
                self._tally.ignore(number, line)

    def _read(self, lines: list[str], first: int) -> None:
        decision, tally = self._decision, self._tally
        if decision.format == "name-value":
            self._group_pairs(pairs.read_batch(lines, first, decision.separator, tally), first)
        elif decision.format == "jsonl":
            self._group_rows(rows.read_json(lines, first, tally), first)
        else:
            self._group_rows(rows.read_rows(lines, first, decision.layout, tally), first)

    def _group_pairs(self, entries: Entries, first: int) -> None:
        """A record ends where a name comes that does not follow the previous one in the first record's order."""
        if not len(entries):
            return
        position = self._positions(entries.columns)
        before = np.concatenate(([self._last], position[:-1]))
        self._last = int(position[-1])
        self._store(entries, first, position <= before)

    def _group_rows(self, entries: Entries, first: int) -> None:
        """Each line with values is a record."""
        if not len(entries):
            return
        line = entries.lines + first
        before = np.concatenate(([self._last], line[:-1]))
        self._last = int(line[-1])
        self._positions(entries.columns)
        self._store(entries, first, line != before)

    def _positions(self, columns: np.ndarray) -> np.ndarray:
        """The order in which each column was first seen; columns new in this batch are numbered here."""
        position = self._position[columns]
        if (position < 0).any():
            new = columns[position < 0]
            _, at = np.unique(new, return_index=True)
            for column in new[np.sort(at)].tolist():
                self._position[column] = self._next_position
                self._next_position += 1
            position = self._position[columns]
        return position

    def _store(self, entries: Entries, first: int, starts: np.ndarray) -> None:
        record = self._records - 1 + np.cumsum(starts)
        begun = entries.lines[starts] + first
        self._records += len(begun)
        if self._max_records is not None and self._records > self._max_records:
            line = int(begun[self._max_records - (self._records - len(begun))])
            raise TraceError("too-many", f"the program printed more than {self._max_records:,} iterations "
                             f"(one more begins at line {line:,}): if it runs more, give its count with --iterations")
        self._parts.append((record, entries.columns, entries.values, entries.half_exponents))
        self._record_lines.append(begun)

    # -- trace out -----------------------------------------------------------------------------------------
    def _trace(self) -> Trace:
        lexicon = self._lexicon
        if self._records == 0:
            raise TraceError("empty", "the trace has no values: every line read was chatter or names that "
                             "are not quantities")
        # One column per name seen (in the order seen), column-major: each quantity's values are contiguous.
        slot = self._position
        table = np.full((self._records, self._next_position), np.nan, order="F")
        units = np.full(table.shape, np.nan, order="F")
        parts, self._parts = self._parts, []  # let each batch's numbers go once in the table
        while parts:
            record, column, value, half = parts.pop()
            table[record, slot[column]] = value
            units[record, slot[column]] = half_units(half)
        starts = np.concatenate(self._record_lines)
        table.setflags(write=False)  # a Trace is frozen, its numbers too
        units.setflags(write=False)
        label = slot[lexicon.label]
        iterations, labelled = self._labels(table[:, label] if label >= 0 else np.full(self._records, np.nan),
                                            starts)
        iterations.setflags(write=False)
        seen = [c for c in np.argsort(slot).tolist() if slot[c] >= 0 and c != lexicon.label]
        names = [lexicon.quantities[c] for c in seen]
        values = {q: table[:, slot[c]] for q, c in zip(names, seen)}
        resolution = {q: units[:, slot[c]] for q, c in zip(names, seen)}
        tally = self._tally
        unknown = dict(tally.unknown.most_common())
        return Trace(
            format=self._decision.format, layout=self._layout_name(), quantities=tuple(names),
            iterations=iterations, labelled=labelled, values=values,
            present={q: _frozen(~np.isnan(v)) for q, v in values.items()},
            resolution=resolution,
            lines=self._lines, ignored_lines=tally.ignored, ignored_examples=tuple(tally.examples),
            unknown_names=unknown,
            suggestions={n: h for n in unknown if (h := lexicon.hint(n)) is not None})

    def _labels(self, labels: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, bool]:
        missing = np.isnan(labels)
        if missing.all():
            return np.arange(len(labels), dtype=np.int64), False
        if missing.any():
            k = int(np.flatnonzero(missing)[0])
            raise TraceError("missing-label", f"the iteration that begins at line {starts[k]:,} has no iteration "
                             "label while others have one: label every iteration, or none")
        if (np.abs(labels) > 2.0 ** 53).any():
            raise TraceError("not-a-number", "an iteration label is beyond 2**53")
        iterations = labels.astype(np.int64)
        back = np.flatnonzero(np.diff(iterations) <= 0)
        if len(back):
            k = int(back[0]) + 1
            raise TraceError("out-of-order", f"line {starts[k]:,}: iteration {iterations[k]:,} comes after "
                             f"iteration {iterations[k - 1]:,} (line {starts[k - 1]:,}); labels must increase: "
                             "the program printed iterations out of order or twice")
        return iterations, True

    def _layout_name(self) -> str:
        decision = self._decision
        if decision.format == "name-value":
            return {":": "name:value", "=": "name = value", " ": "name value", None: "pairs"}[decision.separator]
        if decision.layout is not None:
            return rows.SEPARATOR_NAMES[decision.layout.separator]
        return "json"


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def read_text(text: str, quantities: list[str], **options) -> Trace:
    """Read a whole trace already in hand (fed in 1 MB pieces, as a program's output would be)."""
    reader = TraceReader(quantities, **options)
    for start in range(0, len(text), BATCH_CHARS):
        reader.feed(text[start:start + BATCH_CHARS])
    return reader.finish()
