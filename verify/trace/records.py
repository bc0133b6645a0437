"""Records: which printed lines belong to one iteration, what labels them, and what was printed around them.

Still without the truth, from the shapes of the lines alone:

1. An iteration label is a whole number that grows from line to line: a
   decorated header (``=== T = 1000 ===``, ``Epoch 5/100``), a progress counter
   (``1000/10000``), a value named like a label (``epoch``, ``iteration``,
   ``step``, ``t``, ...), or the first column of a row. Headers come first,
   then named labels, then counters, then first columns; a number that never
   changes (Keras' ``1/1``) is no label.
2. Labelled: a record begins where the label changes, and holds every line
   until the next change; a label that goes down begins another run (the
   program trained again). Unlabelled: the lines of the kinds printed most
   often repeat in a pattern, one record per repetition.
3. Lines printed before the first record are the run's prologue, lines of
   kinds that only come after the last record its epilogue (a summary, the
   final weights): never merged into a record, each value of them is placed
   on its own. When no kind of line repeats, every line is of that sort.
4. A kind printed several times in one record (``Weight: 0.37`` eight times)
   gives one column per occurrence, in printed order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .lines import LABEL_WORDS, SLOT
from .reader import Printout

DOMINANT = 16  # a kind printed at least 1/16 as often as the most printed one shapes the records


@dataclass(frozen=True)
class Column:
    """One printed series: the ``slot``-th number of ``kind``'s ``occurrence``-th line in each record."""
    kind: int
    slot: int
    occurrence: int
    name: str
    role: str  # value, counter, total, remark


@dataclass(frozen=True, eq=False)
class Block:
    """Records of columns: ``cells[r, c]`` indexes the printout's values (-1: record r lacks column c)."""
    columns: tuple[Column, ...]
    cells: np.ndarray
    lines: np.ndarray  # the line each record begins on

    @property
    def records(self) -> int:
        return len(self.cells)


@dataclass(frozen=True, eq=False)
class Run:
    """One training run as printed: its records, their labels, and the lines before and after them."""
    body: Block
    labels: np.ndarray | None  # one whole number per record, None when unlabelled
    label_name: str  # how the label is printed ("epoch", "counter", "column 1"), "" when unlabelled
    before: tuple[Block, ...]  # prologue: the lines printed before the records, as one record (or none)
    after: tuple[Block, ...]  # epilogue: those after them, likewise

    @property
    def labelled(self) -> bool:
        return self.labels is not None


@dataclass(frozen=True, eq=False)
class Records:
    printout: Printout
    runs: tuple[Run, ...]
    label_column: tuple[int, int] | None  # (kind, slot) of the label, the first of them


def _whole(values: np.ndarray, half: np.ndarray) -> bool:
    """Every value is a whole number printed as one (1000, or 1000.0), not beyond 2**53."""
    return bool(len(values)) and bool(np.all((values == np.round(values)) & (np.abs(values) <= 2.0 ** 53)
                                             & ((half == -1) | (half == -2))))


def _slot_values(printout: Printout, kind: int, slot: int) -> tuple[np.ndarray, np.ndarray]:
    where = np.flatnonzero(printout.kind == kind)
    index = printout.start[where] + slot
    return printout.values[index], printout.half[index]


GUESSED = 3  # the rank of a label guessed from a first column of whole numbers, the weakest
PERIOD = re.compile(r"\b(?:every|each|per)\s*$", re.I)


def _label_rank(printout: Printout, kind: int, slot: int) -> int | None:
    """How strongly this slot reads as the iteration label (lower is stronger), None when it cannot be one."""
    found = printout.kinds[kind]
    role = found.shape.slots[slot].role
    name = found.names[slot].lower().strip()
    before = found.shape.text.split(SLOT)[slot] if found.shape.text.count(SLOT) > slot else ""
    if found.shape.slots[slot].unit == "%":
        rank = None  # a percentage of the run, never the iteration
    elif PERIOD.search(before):
        rank = None  # "loss every 1000 iterations:" says how often, not which iteration
    elif found.shape.kind == "header":
        rank = 0 if role != "total" else None
    elif role == "total" or role == "remark":
        rank = None
    elif name in LABEL_WORDS or name.split()[-1:] and name.split()[-1] in LABEL_WORDS or \
            name.rstrip("s") in LABEL_WORDS:
        rank = 1
    elif role == "counter":
        rank = 2
    elif slot == 0 and (name.startswith("column") or name.startswith("#")) and len(found.names) > 1:
        rank = GUESSED
    else:
        rank = None
    if rank is None:
        return None
    values, half = _slot_values(printout, kind, slot)
    if not _whole(values, half) or len(values) < 1:
        return None
    if len(values) > 1 and (np.all(values == values[0]) or np.all(np.diff(values) <= 0)):
        return None  # constant (Keras' 1/1) or never growing: not an iteration
    return rank


def label_sources(printout: Printout) -> list[tuple[int, int]]:
    """The (kind, slot) pairs that label records: those of the strongest kind of label found."""
    found: list[tuple[int, int, int]] = []
    for kind, described in enumerate(printout.kinds):
        for slot in range(len(described.shape.slots)):
            rank = _label_rank(printout, kind, slot)
            if rank is not None:
                found.append((rank, kind, slot))
                break  # one label per line: the first
    # a first column of whole numbers is only a guess at a label: not where its lines are few beside another
    # kind's many (R's matrix rows "[1,] 0.37 0.65" beside the run's "[1] 1001 0.0011" lines)
    lines = np.bincount(printout.kind[printout.kind >= 0], minlength=len(printout.kinds))
    found = [(rank, kind, slot) for rank, kind, slot in found if rank < GUESSED or 2 * lines[kind] >= lines.max()]
    # a label printed once ("iterations: 10000" after the loop, "Epoch 5000:" alone) labels no run where another
    # kind of label is printed on many lines
    most = max((lines[kind] for _, kind, _ in found), default=0)
    if most >= 3:
        found = [(rank, kind, slot) for rank, kind, slot in found if lines[kind] > 1]
    if not found:
        return []
    best = min(rank for rank, _, _ in found)
    return [(kind, slot) for rank, kind, slot in found if rank == best]


def records(printout: Printout) -> Records:
    """The runs of records in a printout (see the module's docstring)."""
    if printout.data_lines == 0:
        return Records(printout, (), None)
    sources = label_sources(printout)
    if sources:
        runs = _labelled(printout, sources)
    else:
        runs = [_unlabelled(printout)]
    return Records(printout, tuple(runs), sources[0] if sources else None)


def _labelled(printout: Printout, sources: list[tuple[int, int]]) -> list[Run]:
    n = printout.data_lines
    label = np.full(n, np.nan)
    minors = set()
    for kind, slot in sources:
        where = np.flatnonzero(printout.kind == kind)
        label[where] = printout.values[printout.start[where] + slot]
        minor = _minor(printout, kind, slot, label[where])
        if minor is not None:  # "epoch 3 step 200", the steps counted again in each epoch
            label[where] = minor[1]
            minors.add((kind, minor[0]))
    labelled = np.flatnonzero(~np.isnan(label))
    values = label[labelled]
    change = np.concatenate(([True], values[1:] != values[:-1]))
    starts = labelled[change]  # the first line of each record
    record_labels = values[change]
    restart = np.concatenate(([False], record_labels[1:] < record_labels[:-1]))
    run_of_record = np.cumsum(restart)
    record = np.full(n, -1, np.int64)
    record[starts] = np.arange(len(starts))
    record = np.maximum.accumulate(record)  # each line belongs to the last record begun before it
    source = {(k, s) for k, s in sources} | minors
    name = printout.kinds[sources[0][0]].names[sources[0][1]]
    prologue_kinds = set(printout.kind[:starts[0]].tolist())
    runs = []
    for r in range(int(run_of_record[-1]) + 1):
        own = np.flatnonzero(run_of_record == r)
        first, last = int(own[0]), int(own[-1])
        lines = np.flatnonzero((record >= first) & (record <= last))
        if r == 0:
            before = np.arange(starts[0])
        else:
            before = lines[np.isin(printout.kind[lines], list(prologue_kinds)) & (record[lines] == first - 1)]
        if r + 1 <= int(run_of_record[-1]):  # a prologue kind after the run's last record belongs to the next run
            nxt = int(np.flatnonzero(run_of_record == r + 1)[0])
            tail = np.flatnonzero(record == nxt - 1)
            lines = np.setdiff1d(lines, tail[np.isin(printout.kind[tail], list(prologue_kinds))])
        body_lines, after = _epilogue(printout, lines, record, last)
        runs.append(_run(printout, body_lines, record[body_lines] - first, record_labels[first:last + 1],
                         name, before, after, source))
    return runs


def _minor(printout: Printout, kind: int, slot: int, major: np.ndarray) -> tuple[int, np.ndarray] | None:
    """A second label after ``slot`` on the same lines that starts again as the first grows ("epoch 3 step 200",
    steps from 0 in each epoch): its slot, and the iteration both say, ``major * period + minor``, the period
    being the steps of one epoch (the largest step, and one step more). None where there is no such label, or
    the iterations would not grow."""
    slots = printout.kinds[kind].shape.slots
    for other in range(slot + 1, len(slots)):
        # "step 200" named, or "epoch 3 step 200" where "step" was read as the unit of the 3
        unit = slots[other - 1].unit.lower()
        if _label_rank(printout, kind, other) != 1 and not (unit in LABEL_WORDS and not slots[other].name):
            continue
        minor, half = _slot_values(printout, kind, other)
        if len(minor) < 3 or not _whole(minor, half) or not np.any(np.diff(minor) < 0) or minor.min() < 0:
            return None
        steps = np.diff(minor)
        step = float(steps[steps > 0].min()) if np.any(steps > 0) else 1.0
        label = major * (minor.max() + step) + minor
        return (other, label) if np.all(np.diff(label) > 0) else None
    return None


def _epilogue(printout: Printout, lines: np.ndarray, record: np.ndarray, last: int) -> tuple[np.ndarray, np.ndarray]:
    """The lines of the last record whose kinds no earlier record printed: a summary after training."""
    tail = lines[record[lines] == last]
    earlier = lines[record[lines] < last]
    if not len(earlier):
        return lines, np.zeros(0, np.int64)
    seen = set(printout.kind[earlier].tolist())
    summary = tail[~np.isin(printout.kind[tail], list(seen))]
    if len(summary):
        # only from the first summary line on: a line of a known kind after it is part of the summary too
        summary = tail[tail >= summary[0]]
    return np.setdiff1d(lines, summary), summary


def _unlabelled(printout: Printout) -> Run:
    kinds = printout.kind
    counts = np.bincount(kinds, minlength=len(printout.kinds))
    none = np.zeros(0, np.int64)
    if counts.max() < 2:  # every line printed once: they stand alone, together
        return _run(printout, none, none, None, "", np.arange(len(kinds)), none, set())
    anchor = int(np.argmax(counts))  # the most printed kind (the first seen, on a tie) shapes the records
    where = np.flatnonzero(kinds == anchor)
    first, last = int(where[0]), int(where[-1])
    inside = set(kinds[first:last + 1].tolist())
    before = np.flatnonzero(np.arange(len(kinds)) < first)
    lead = before[np.isin(kinds[before], list(inside))]  # a kind of the records printed just before them
    start = int(lead[0]) if len(lead) and not len(np.setdiff1d(np.arange(lead[0], first), lead)) else first
    tail = np.arange(last + 1, len(kinds))
    belongs = np.isin(kinds[tail], list(inside))
    stop = last + 1 + (int(np.argmin(belongs)) if not belongs.all() else len(tail))
    body = np.arange(start, stop)
    sequence = kinds[body]
    period = _period(sequence)
    if period:
        record = np.arange(len(body)) // period
    else:
        begins = (sequence == sequence[0]) & np.concatenate(([True], sequence[1:] != sequence[0]))
        record = np.cumsum(begins) - 1
    return _run(printout, body, record, None, "", np.arange(start), np.arange(stop, len(kinds)), set())


def _period(sequence: np.ndarray, tries: int = 64) -> int | None:
    """The shortest p with sequence[i] == sequence[i + p] throughout (the last repetition may be cut short)."""
    candidates = np.flatnonzero(sequence[1:] == sequence[0])[:tries] + 1
    p: int
    for p in candidates.tolist():
        if np.array_equal(sequence[p:], sequence[:-p]):
            return p
    return None


def _run(printout: Printout, lines: np.ndarray, record: np.ndarray, labels: np.ndarray | None, label_name: str,
         before: np.ndarray, after: np.ndarray, sources: set[tuple[int, int]]) -> Run:
    body = _block(printout, lines, record, sources)
    alone: Callable[[np.ndarray], tuple[Block, ...]] = \
        lambda lines_: (_block(printout, lines_, np.zeros(len(lines_), np.int64), set()),) if len(lines_) \
        else ()  # noqa: E731
    return Run(body, None if labels is None else labels.astype(np.int64), label_name, alone(before), alone(after))


def _block(printout: Printout, lines: np.ndarray, record: np.ndarray, sources: set[tuple[int, int]]) -> Block:
    """The records of ``lines`` (record ``record[j]`` holds line ``lines[j]``) as a table of value indices."""
    lines = np.asarray(lines, np.int64)
    if not len(lines):
        return Block((), np.zeros((0, 0), np.int64), np.zeros(0, np.int64))
    kinds = printout.kind[lines]
    records = int(record.max()) + 1
    # The occurrence of each line's kind within its record, in printed order.
    order = np.lexsort((lines, kinds, record))
    key = record[order] * (len(printout.kinds) + 1) + kinds[order]
    first_of_group = np.concatenate(([True], key[1:] != key[:-1]))
    group_start = np.maximum.accumulate(np.where(first_of_group, np.arange(len(key)), 0))
    occurrence = np.empty(len(lines), np.int64)
    occurrence[order] = np.arange(len(key)) - group_start + 1
    most: dict[int, int] = {}
    for k, o in zip(kinds.tolist(), occurrence.tolist()):
        most[k] = max(most.get(k, 0), o)
    columns: list[Column] = []
    index: dict[tuple[int, int, int], int] = {}
    for kind in sorted(most, key=lambda k: int(lines[kinds == k][0])):
        described = printout.kinds[kind]
        for o in range(1, most[kind] + 1):
            for slot, (name, role) in enumerate(zip(described.names, described.roles)):
                shown = name if most[kind] == 1 else f"{name}[{o}]"
                if (kind, slot) in sources:
                    role = "label"
                index[(kind, slot, o)] = len(columns)
                columns.append(Column(kind, slot, o, shown, role))
    cells = np.full((records, len(columns)), -1, np.int64)
    for kind, o in {(k, o) for k, o in zip(kinds.tolist(), occurrence.tolist())}:
        mine = np.flatnonzero((kinds == kind) & (occurrence == o))
        width = len(printout.kinds[kind].names)
        for slot in range(width):
            cells[record[mine], index[(kind, slot, o)]] = printout.start[lines[mine]] + slot
    starts = np.full(records, np.iinfo(np.int64).max)
    np.minimum.at(starts, record, printout.line[lines])
    return Block(tuple(columns), cells, starts)
