"""The interpret stage: which quantity each printed column is, and where each record sits in the truth.

    reading = interpret(found, timeline, Options())     # found: the read stage's Records

A reading is a hypothesis about how the program printed, never about what it
computes: the names of its columns (mapping.py) and its printing conventions
(conventions.py). Every convention the options allow is tried; the one whose
placement explains the most printed values (within their allowance) is the
reading, the simplest first where several explain as many. A failing program
is read the same way: its forward pass at the first records is still right,
which is where its conventions show. The reading says itself in words, and
names any other reading that fits as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..compare import Cells, compare, rounding
from ..timeline import FORWARD, PARAMETER, Timeline
from ..trace.errors import TraceError
from ..trace.reader import Printout
from ..trace.records import Block, Records, Run
from . import conventions as conv
from .conventions import Convention
from .mapping import Read, read_columns
from .names import NameMap
from .vocabulary import says_new

# a block's reads: the block, where it sits ("before", "after", ...) and each column's read
Singles = list[tuple[Block, str, list[Read]]]
Ids = dict[tuple[int, int, int], int]  # (kind, slot, occurrence) of a column -> its id
Resolutions = dict[int, tuple[np.ndarray, np.ndarray]]  # column id -> (value indices, their resolutions)


@dataclass(frozen=True)
class Options:
    """What the user says about how the program prints; None where it is to be inferred."""
    names: NameMap | None = None
    count_from: int | None = None
    forward_after: bool | None = None
    final: bool = False
    every: int | None = None


@dataclass(frozen=True)
class ColumnRead:
    name: str
    quantity: str | None
    how: str
    values: int


@dataclass(frozen=True)
class RunRead:
    convention: conv.Convention | None  # None when the run has no records, only values printed on their own
    records: int
    labelled: bool
    label_name: str
    groups: frozenset[int]
    singles: tuple[tuple[str, str, str], ...]  # (printed name, quantity, moment) of values printed on their own
    alternatives: tuple[str, ...]  # other readings that fit as well, in words
    beyond: tuple[tuple[int, int], ...]  # (line, label) of records beyond the run
    ties: tuple[tuple[conv.Convention, Cells], ...] = ()  # conventions explaining as many values, and their cells
    body: Cells | None = None  # the cells of the records under ``convention``
    outside: Cells | None = None  # the values of records placed beyond the run (or before it)
    ends: Cells | None = None  # values printed after training, placed at the other end moment (last / after)


@dataclass(frozen=True, eq=False)
class Reading:
    cells: Cells
    runs: tuple[RunRead, ...]
    columns: tuple[ColumnRead, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def unread(self) -> int:
        """How many printed values were read as no quantity (labels, remarks, hidden neurons, constants aside)."""
        return sum(c.values for c in self.columns if c.quantity is None and not c.how)

    def variants(self) -> list[tuple[Reading, Cells]]:
        """This reading and those that differ from it in one run's convention only, where that convention explains
        as many printed values: for a failing program, the explain stage weighs them all."""
        found: list[tuple[Reading, Cells]] = [(self, self.cells)]
        for k, run in enumerate(self.runs):
            for convention, cells in run.ties:
                rest = self.cells.subset(~_in(self.cells, run.body)) if run.body is not None else self.cells
                swapped = tuple(replace(r, convention=convention, body=cells, ties=()) if j == k else r
                                for j, r in enumerate(self.runs))
                joined = Cells.joined([rest, cells])
                found.append((replace(self, cells=joined, runs=swapped), joined))
            if run.ends is not None and len(run.ends):  # "Final error:" as after training, or as the last loss
                moved = np.isin(self.cells.line * 1_000_003 + self.cells.column,
                                run.ends.line * 1_000_003 + run.ends.column)
                joined = Cells.joined([self.cells.subset(~moved), run.ends])
                words = tuple((n, q, {"final": "last-iteration", "last-iteration": "final"}.get(m, m))
                              for n, q, m in run.singles)
                flipped = tuple(replace(r, singles=words, ends=None) if j == k else r for j, r in enumerate(self.runs))
                found.append((replace(self, cells=joined, runs=flipped), joined))
        return found

    def words(self) -> str:
        """The reading, in words: how names were read, and the printing conventions."""
        how = {"value": " (by value)", "analogy": " (by analogy)"}
        parts = list(dict.fromkeys(f"{c.name!r} as {c.quantity}" + how.get(c.how, "")
                                   for c in self.columns
                                   if c.quantity is not None and c.how != "--name" and c.name != c.quantity))
        said = [f"read {', '.join(parts[:4])}{', ...' if len(parts) > 4 else ''}"] if parts else []
        many = len(self.runs) > 1
        for k, run in enumerate(self.runs):
            found = []
            if run.convention is not None and run.records:
                found += run.convention.words(set(run.groups), run.labelled)
            found += _singles_words(run.singles)
            if found:
                said.append((f"run {k + 1}: " if many else "") + ", ".join(found))
        return "; ".join(said)


def _in(cells: Cells, part: Cells) -> np.ndarray:
    """Which of ``cells`` are among ``part`` (the same printed value, at the same place)."""
    key = cells.line * 1_000_003 + cells.column
    return np.isin(key, part.line * 1_000_003 + part.column)


def interpret(found: Records, timeline: Timeline, options: Options = Options()) -> Reading:
    """The reading of a printout's records (see the module's docstring); TraceError (one line) when the records
    cannot be placed at all (labels below 0, --final with several records)."""
    printout = found.printout
    ids: dict[tuple[int, int, int], int] = {}
    reads_by_id: dict[int, tuple[str, Read, int]] = {}
    prepared = []
    for run in found.runs:
        _check_labels(run, printout)
        body_reads = read_columns(printout, run.body, timeline, options.names, _first_moments(run, timeline)) \
            if run.body.records else []
        alone = "alone" if not run.body.records else None
        singles = [(block, alone or position, read_columns(printout, block, timeline, options.names,
                                                           _single_moments(alone or position, timeline)))
                   for position, blocks in (("before", run.before), ("after", run.after)) for block in blocks]
        for block, reads in [(run.body, body_reads)] + [(b, r) for b, _, r in singles]:
            for column, read in zip(block.columns, reads):
                key = (column.kind, column.slot, column.occurrence)
                column_id = ids.setdefault(key, len(ids))
                count = int(np.sum(block.cells[:, block.columns.index(column)] >= 0))
                old = reads_by_id.get(column_id)
                reads_by_id[column_id] = (column.name, read, count + (old[2] if old else 0))
        prepared.append((run, body_reads, singles))
    _only_series(prepared, printout, timeline, reads_by_id, ids)
    resolution = _resolutions(found, ids)
    cells, runs = [], []
    for run, body_reads, singles in prepared:
        if options.final and (run.body.records > 1 or len(found.runs) > 1):
            raise TraceError("layout", f"--final compares one record, the state after training, but the trace has "
                             f"{run.body.records:,} records: drop --final")
        placed, described = _place_run(run, body_reads, singles, timeline, options, ids, resolution, printout)
        cells += placed
        runs.append(described)
    columns = tuple(ColumnRead(name, timeline.quantities[read.quantity] if read.quantity is not None else None,
                               read.how, count) for name, read, count in reads_by_id.values())
    return Reading(Cells.joined(cells), tuple(runs), columns, _notes(columns))


BARE = re.compile(r"#\d+$|column \d+$")  # how a value printed without a name is called


def _only_series(prepared: list[tuple[Run, list[Read], Singles]], printout: Printout, timeline: Timeline,
                 reads_by_id: dict[int, tuple[str, Read, int]], ids: Ids) -> None:
    """Nothing read, and one series of plain values printed, of the loss's size: read it as the loss, as a
    person would ("the only thing it prints is the loss"), and say so."""
    if any(read.quantity is not None for _, read, _ in reads_by_id.values()):
        return
    # a series printed bare ("#1"): a named one ("acc", "banana") is something else the program computes
    plain = [(k, name) for k, (name, read, _) in reads_by_id.items() if read.how == "" and BARE.match(name)]
    if len(plain) != 1 or "E_total" not in timeline.quantities:
        return
    column_id, name = plain[0]
    loss = timeline.quantities.index("E_total")
    for run, body_reads, singles in prepared:
        for block, reads in [(run.body, body_reads)] + [(b, r) for b, _, r in singles]:
            for c, column in enumerate(block.columns):
                if ids[(column.kind, column.slot, column.occurrence)] != column_id:
                    continue
                first = block.cells[np.flatnonzero(block.cells[:, c] >= 0)[0], c]
                value = float(printout.values[first])
                places = np.array([0, 1, timeline.updates - 1, timeline.updates])
                truth, _ = timeline.at(np.full(4, loss), places)
                if np.isfinite(value) and value > 0 and np.any((value / truth > 1 / 3) & (value / truth < 3)):
                    reads[c] = Read(loss, "the only series printed", reads[c].moment)
                    reads_by_id[column_id] = (name, reads[c], reads_by_id[column_id][2])


def _check_labels(run: Run, printout: Printout) -> None:
    if run.labels is not None and len(run.labels) and run.labels.min() < 0:
        k = int(np.flatnonzero(run.labels < 0)[0])
        raise TraceError("layout", f"line {int(run.body.lines[k]):,} labels an iteration {int(run.labels[k]):,}: "
                         "iterations are labelled from 0 or 1, never below")


def _first_moments(run: Run, timeline: Timeline) -> list[int]:
    """Where the first record of a run may sit, for matching its values to quantities."""
    if run.labels is not None:
        first = int(run.labels[0])
        return sorted({t for t in (first - 1, first, first + 1) if 0 <= t <= timeline.updates})
    steps = {c.every for c in conv.unlabelled_conventions(run.body.records, timeline.updates, None, None, None)}
    return sorted({0, 1} | {t for n in steps for t in (n - 1, n)})


def _single_moments(position: str, timeline: Timeline) -> list[int]:
    T = timeline.updates
    return sorted({0, 1} if position == "before" else {T - 1, T} if position == "after" else {0, 1, T - 1, T})


def _resolutions(found: Records, ids: Ids) -> Resolutions:
    """Half a unit of each printed value's rounding, read over the whole column (compare.rounding): value index
    -> resolution, gathered per column id."""
    printout = found.printout
    per_column: dict[int, list[np.ndarray]] = {}
    for run in found.runs:
        for block in (run.body, *run.before, *run.after):
            for c, column in enumerate(block.columns):
                column_id = ids[(column.kind, column.slot, column.occurrence)]
                index = block.cells[:, c]
                per_column.setdefault(column_id, []).append(index[index >= 0])
    out: Resolutions = {}
    for column_id, parts in per_column.items():
        index = np.concatenate(parts)
        out[column_id] = (index, rounding(printout.values[index], printout.half[index], printout.scientific[index]))
    # A column that never changes says nothing of its rounding: printed on a line whose other numbers are
    # printed to round-trip precision, it is too ("0.6" beside "0.35891647971788465").
    exact_kinds = {kind for (kind, _, _), column_id in ids.items() if not out[column_id][1].any()
                   and len(out[column_id][0]) > 1}
    for (kind, _, _), column_id in ids.items():
        index, resolved = out[column_id]
        if kind in exact_kinds and resolved.any() and np.all(printout.values[index] == printout.values[index[0]]):
            out[column_id] = (index, np.zeros_like(resolved))
    return out


def _lookup(resolution: Resolutions, column_id: int, index: np.ndarray) -> np.ndarray:
    where, found = resolution[column_id]
    order = np.argsort(where)
    return found[order][np.searchsorted(where[order], index)]


def _block_cells(block: Block, reads: list[Read], printout: Printout, ids: Ids, resolution: Resolutions,
                 timeline: Timeline) -> tuple[np.ndarray, ...] | None:
    """The body's mapped cells, before placing: (value index, quantity, group, record, column id, resolution)."""
    parts = []
    for c, (read_column, read) in enumerate(zip(block.columns, reads)):
        if read.quantity is None:
            continue
        rows = np.flatnonzero(block.cells[:, c] >= 0)
        index = block.cells[rows, c]
        column_id = ids[(read_column.kind, read_column.slot, read_column.occurrence)]
        parts.append((index, np.full(len(rows), read.quantity), rows, np.full(len(rows), column_id),
                      _lookup(resolution, column_id, index), np.full(len(rows), c)))
    if not parts:
        return None
    index, quantity, record, column, res, source = (np.concatenate([p[j] for p in parts]) for j in range(6))
    order = np.argsort(index, kind="stable")
    index, quantity, record, column, res, source = (a[order] for a in (index, quantity, record, column, res, source))
    line = printout.line[np.searchsorted(printout.start, index, side="right") - 1]
    return index, quantity, timeline.group[quantity], record, column, res, line, source


def _place_run(run: Run, body_reads: list[Read], singles: Singles, timeline: Timeline, options: Options, ids: Ids,
               resolution: Resolutions, printout: Printout) -> tuple[list[Cells], RunRead]:
    T = timeline.updates
    placed: list[Cells] = []
    convention: Convention | None
    alternatives: tuple[str, ...]
    beyond: tuple[tuple[int, int], ...]
    ties: tuple[tuple[Convention, Cells], ...]
    body_cells: Cells | None
    outside: Cells | None
    convention, alternatives, beyond, ties, body_cells, outside = None, (), (), (), None, None
    groups: set[int] = set()
    body = _block_cells(run.body, body_reads, printout, ids, resolution, timeline) if run.body.records else None
    if body is not None and not options.final:
        index, quantity, group, record, column, res, line, _ = body
        groups = set(np.unique(group).tolist())
        got = printout.values[index]
        if run.labels is not None:
            if options.every:
                raise TraceError("usage", "--every N places unlabelled records, but this trace labels its "
                                 "iterations: drop --every")
            candidates = conv.labelled_conventions(options.count_from, options.forward_after)
            if conv.counts_updates(run.label_name):  # "weights after iteration 5": the state after 5 updates
                candidates = [c for c in candidates if conv.label_is_updates(c)] or candidates
        else:
            candidates = conv.unlabelled_conventions(run.body.records, T, options.every, options.count_from,
                                                     options.forward_after, _steps_seen(timeline, body, got))
        if any(read.quantity is not None and timeline.group[read.quantity] == PARAMETER and says_new(column.name)
               for column, read in zip(run.body.columns, body_reads)):  # "w5_new", "new w5": after the update
            candidates = [c for c in candidates if not c.parameters_before] or candidates
        repeat = conv.repeats(record, quantity, len(timeline.quantities))
        if repeat.any():  # a quantity printed twice in a record: at one moment, or the second one update later
            later = [replace(c, repeat_after=True) for c in candidates]
            named = {run.body.columns[int(c)].name for c in body[7][repeat > 0]}
            # "loss before = .., loss after = ..": the second one's name says it is after the update
            candidates = later if any(says_new(name) for name in named) else candidates + later
        scored = []
        for k, candidate in enumerate(candidates):
            iterations = candidate.iterations(run.body.records, run.labels)
            t = conv.body_places(candidate, iterations, record, group, repeat)
            inside = timeline.valid(quantity, t)
            cells = Cells(quantity[inside], t[inside], got[inside], res[inside], column[inside], line[inside])
            explained = compare(timeline, cells).explained() if len(cells) else 0
            natural = bool(np.all((iterations >= 0) & (iterations <= T - 1)))
            scored.append(((bool(inside.all()), explained, natural, -k), candidate, cells, inside, t))
        scored.sort(key=lambda s: s[0], reverse=True)
        best = scored[0]
        convention, cells, inside = best[1], best[2], best[3]
        placed.append(cells)
        body_cells = cells
        if not inside.all():
            records_beyond = sorted(set(record[~inside].tolist()))
            labels = run.labels if run.labels is not None else best[1].iterations(run.body.records, None)
            beyond = tuple((int(run.body.lines[r]), int(labels[r])) for r in records_beyond[:3])
            out = ~inside
            outside = Cells(quantity[out], best[4][out], got[out], res[out], column[out], line[out])
        tied = [s for s in scored[1:] if s[0][:2] == best[0][:2] and not np.array_equal(s[4], best[4])]
        alternatives = tuple(", ".join(s[1].words(groups, run.labels is not None)) for s in tied)[:2]
        ties = tuple((s[1], s[2]) for s in tied if s[3].all())[:3]
    elif body is not None:  # --final: the one record is the state after training
        singles = [(run.body, "after", body_reads)] + list(singles)
    reaches_end = True
    if convention is not None and run.body.records:
        iterations = convention.iterations(run.body.records, run.labels)
        step = int(np.median(np.diff(iterations))) if len(iterations) > 1 else 1
        reaches_end = int(iterations[-1]) + max(step, 1) > T - 1
    found_singles, ends = [], []
    for block, position, reads in singles:
        made = _block_cells(block, reads, printout, ids, resolution, timeline)
        if made is None:
            continue
        index, quantity, group, _, column, res, line, source = made
        got = printout.values[index]
        previous = None  # the moment of the value printed before in this block
        for j in range(len(index)):
            read = reads[int(source[j])]
            moments = ["final"] if options.final else conv.single_moments(position, read.moment,
                                                                        bool(run.body.records))
            if not reaches_end:  # the records stop short of the run's end: the run may have, too
                moments = [m for m in moments if m != "last-iteration"]
            name = block.columns[int(source[j])].name
            if group[j] == PARAMETER and says_new(name):  # "w5_new", "w5+": after an update, never before training
                moments = [m for m in moments if m != "initial"]
            options_ = []
            for moment in moments:
                t = conv.single_places(moment, group[j:j + 1], T)
                if not timeline.valid(quantity[j:j + 1], t).all():
                    continue
                cell = Cells(quantity[j:j + 1], t, got[j:j + 1], res[j:j + 1], column[j:j + 1], line[j:j + 1])
                compared = compare(timeline, cell)
                distance = abs(np.log(abs(float(got[j])) / abs(float(compared.expected[0])))) \
                    if got[j] != 0 and compared.expected[0] != 0 and np.isfinite(got[j]) else np.inf
                options_.append((moment, cell, compared.explained(), distance))
            if not options_:
                continue
            chosen = next((o for o in options_ if o[2]), None)
            if chosen is None and read.moment is not None:  # its name says when: "final loss" is after training
                chosen = next((o for o in options_ if o[0] == read.moment), None)
            if chosen is None and previous is not None and read.moment is None:
                # a value that sits nowhere (wrong, NaN or zero) belongs with what was printed just before it
                # ("loss after training: 0.0011" then "o1 = 0.02", "final loss: nan" then "weights: nan nan ...")
                chosen = next((o for o in options_ if o[0] == previous), None)
            moment, cell = (chosen or min(options_, key=_farness))[:2]
            previous = moment
            placed.append(cell)
            found_singles.append((name, timeline.quantities[int(quantity[j])], moment))
            other = {"final": "last-iteration", "last-iteration": "final"}.get(moment)
            if other in moments and group[j] == FORWARD:
                t = conv.single_places(other, group[j:j + 1], T)
                ends.append(Cells(quantity[j:j + 1], t, got[j:j + 1], res[j:j + 1], column[j:j + 1], line[j:j + 1]))
    described = RunRead(convention, run.body.records, run.labels is not None, run.label_name, frozenset(groups),
                        tuple(found_singles), alternatives, beyond, ties=ties, body=body_cells,
                        ends=Cells.joined(ends), outside=outside)
    return placed, described


def _steps_seen(timeline: Timeline, body: tuple[np.ndarray, ...], got: np.ndarray) -> tuple[int, ...]:
    """How many iterations apart the first records of an unlabelled run are, where their values say it: the
    places in the truth where a forward quantity printed in the first and second records sits."""
    index, quantity, group, record, column, res, line, _ = body
    forward = np.flatnonzero((group == FORWARD) & (record <= 1))
    if not len(forward) or record.max() < 1:
        return ()
    q = int(quantity[forward[0]])
    first = forward[(quantity[forward] == q) & (record[forward] == 0)]
    second = forward[(quantity[forward] == q) & (record[forward] == 1)]
    if not len(first) or not len(second):
        return ()
    series, envelope = timeline.at(np.full(timeline.updates + 1, q), np.arange(timeline.updates + 1))
    allowed = np.maximum(envelope, timeline.truth.floor(series))
    places = []
    for k in (first[0], second[0]):
        near = np.flatnonzero(np.abs(series - got[k]) <= allowed + res[k])
        if len(near) == 0 or len(near) > 3:
            return ()
        places.append(near)
    return tuple(sorted({int(b - a) for a in places[0] for b in places[1] if b > a}))


def _farness(option: tuple[Any, ...]) -> float:
    """How far a value placed at a moment is from the truth there, relatively: a value that matches no moment
    is placed where it is nearest."""
    cell: Cells = option[1]
    return float(option[3]) if len(option) > 3 else abs(np.log(abs(cell.got[0]) + 1e-300))


def _singles_words(singles: tuple[tuple[str, str, str], ...]) -> list[str]:
    """Where the values printed once were placed, moment by moment: the names at each (up to three, then a count),
    or all at once when they share one moment."""
    by_moment: dict[str, list[str]] = {}
    for name, _, moment in singles:
        by_moment.setdefault(moment, []).append(name)
    if len(singles) > 3 and len(by_moment) == 1:
        (moment,) = by_moment
        return [f"the {len(singles)} values printed once, {conv.MOMENT_WORDS[moment]}"]
    said = []
    for moment, names in by_moment.items():
        shown = ", ".join(repr(n) for n in names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        said.append(f"{shown} {conv.MOMENT_WORDS[moment]}")
    return said


def _notes(columns: tuple[ColumnRead, ...]) -> tuple[str, ...]:
    unread = [c for c in columns if c.quantity is None and c.how not in ("label", "a remark")]
    notes = []
    hidden = [c.name for c in unread if c.how.startswith("a hidden")]
    if hidden:
        notes.append(f"not checked, not in the trajectory: {', '.join(hidden[:6])}")
    constants = [c.name for c in unread if c.how == "a constant of the spec"]
    if constants:
        notes.append(f"not checked, constants of the spec: {', '.join(constants[:6])}")
    other = [f"{c.name} ({c.values:,}x)" for c in unread if not c.how]
    if other:
        notes.append(f"ignored, not a quantity of the example: {', '.join(other[:8])}"
                     + (" ..." if len(other) > 8 else ""))
    return tuple(notes)


__all__ = ["ColumnRead", "Options", "Reading", "RunRead", "interpret", "FORWARD", "PARAMETER"]
