"""Which quantity each printed column is: the user's map first, then the names people use, then the values.

In that order of strength: a ``--name``/``--names`` map; a golden name in any
spelling; a usual name (vocabulary.py), a list or a repeated name by position;
and, for a column nothing names, its values: the first printed values are
matched against every quantity at the first moments a run prints (even a
buggy program's forward pass is right there), and the column is read as the
one quantity they match, if exactly one does. A value-matched column must
change from record to record, carry three significant digits at least, and
not equal one of the spec's own constants (a target or the learning rate),
and not be named as something else (acc, lr, time). Constant columns that
equal such a constant are read only under a weight's or a gradient's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ...reference import names as golden_names
from ..compare import rounding
from ..timeline import Timeline
from ..trace.errors import TraceError
from ..trace.reader import ROW_INDEX, Printout, show
from ..trace.records import Block, Column
from .names import LABEL, NameMap
from .vocabulary import candidates, is_hidden, is_other, moment

MIN_DIGITS = 3


@dataclass(frozen=True)
class Read:
    """How one printed column is read."""
    quantity: int | None  # index in the truth's quantities, None when not compared
    how: str  # "--name", "golden name", "usual name", "position", "value", or why it is not read
    moment: str | None  # a word of its name saying when it was printed: initial, first-update, final


def _constants(timeline: Timeline) -> np.ndarray:
    spec = timeline.truth.spec
    numbers = [float(spec.learning_rate)] + [float(v) for e in spec.examples for v in e.inputs + e.targets]
    return np.array(numbers)


def _base(name: str) -> str:
    return re.sub(r"\[\d+\]", "", name).strip()


def _user(name: str, base: str, mapping: NameMap | None, quantities: list[str]) -> int | str | None:
    if mapping is None:
        return None
    for key in (name, base):
        target = mapping.to_golden.get(key)
        if target is not None:
            return LABEL if target == LABEL else quantities.index(target)
    return None


def read_columns(printout: Printout, block: Block, timeline: Timeline, mapping: NameMap | None,
                 first_moments: list[int]) -> list[Read]:
    """How each column of ``block`` is read; ``first_moments`` are the timeline places the block's first record
    may hold (for matching values)."""
    quantities = timeline.quantities
    spec = timeline.truth.spec
    outputs = golden_names.output_columns(spec)
    trained = golden_names.trained_names(spec)
    sizes: dict[str, int] = {}
    for column in block.columns:
        sizes[_base(column.name)] = sizes.get(_base(column.name), 0) + 1
    values = _values(printout, block)
    reads = []
    for c, column in enumerate(block.columns):
        reads.append(_read_one(column, values[:, c], printout, block, c, timeline, mapping, outputs, trained,
                               sizes.get(_base(column.name), 1), first_moments, quantities))
    return _strongest(_by_analogy(block, _spec_lists(block, reads, values, timeline), quantities))


STRENGTH = {"--name": 0, "golden name": 1, "usual name": 2, "position": 3, "value": 4, "analogy": 4}
_BARE = re.compile(r"#\d+$|column \d+$")


def _by_analogy(block: Block, reads: list[Read], quantities: list[str]) -> list[Read]:
    """Names read by value teach how the program names the rest: where two or more say the same thing ('w5_1'
    is w5_new and 'w6_1' is w6_new), a name of that form nothing else reads is read so too ('w1_1' as w1_new),
    whatever its value. Without this, a wrong value under such a name would be read as nothing."""
    support: dict[tuple[str, str], int] = {}
    for column, read in zip(block.columns, reads):
        if read.how != "value" or read.quantity is None or _BARE.match(column.name):
            continue
        quantity = quantities[read.quantity]
        for number in set(re.findall(r"\d+", column.name)) & set(re.findall(r"\d+", quantity)):
            key = (_template(column.name, number), _template(quantity, number))
            support[key] = support.get(key, 0) + 1
    learned = [(re.compile(re.escape(name).replace(r"\{k\}", r"(\d+)") + "$"), quantity)
               for (name, quantity), count in support.items() if count >= 2]
    if not learned:
        return reads
    taken = {r.quantity for r in reads if r.quantity is not None}
    out = list(reads)
    for c, (column, read) in enumerate(zip(block.columns, reads)):
        if read.quantity is not None or read.how:
            continue
        for pattern, quantity in learned:
            found = pattern.match(column.name)
            name = quantity.replace("{k}", found.group(1)) if found else None
            if name in quantities and quantities.index(name) not in taken:
                out[c] = Read(quantities.index(name), "analogy", read.moment)
                taken.add(quantities.index(name))
                break
    return out


def _spec_lists(block: Block, reads: list[Read], values: np.ndarray, timeline: Timeline) -> list[Read]:
    """A list read by position whose values never change and are, in order, an example's inputs ("Predictions:
    0.05,0.10 -> ..."): the inputs printed, not the outputs. (Values that are the targets are read: outputs that
    print as the targets are a finding the comparison reports, not a label to drop.)"""
    spec = timeline.truth.spec
    known = [tuple(float(v) for v in e.inputs) for e in spec.examples]
    groups: dict[str, list[int]] = {}
    for c, (column, read) in enumerate(zip(block.columns, reads)):
        if read.how == "position":
            groups.setdefault(_base(column.name), []).append(c)
    out = list(reads)
    for members in groups.values():
        series = [values[:, c][~np.isnan(values[:, c])] for c in members]
        if not all(len(v) and np.all(v == v[0]) for v in series):
            continue
        if tuple(float(v[0]) for v in series) in known:
            for c in members:
                out[c] = Read(None, "a constant of the spec", None)
    return out


def _template(text: str, number: str) -> str:
    """``text`` with its first ``number`` (a whole number, not part of a longer one) as ``{k}``."""
    return re.sub(rf"(?<!\d){number}(?!\d)", "{k}", text, count=1)


def _strongest(reads: list[Read]) -> list[Read]:
    """One record gives a quantity one value: where columns are read as the same quantity, those read more weakly
    than the strongest are read as nothing (``E_total = 0.0011, avg_loss = 0.0123``: avg_loss is not the loss)."""
    best: dict[int, int] = {}
    for read in reads:
        if read.quantity is not None and read.how in STRENGTH:
            best[read.quantity] = min(best.get(read.quantity, 9), STRENGTH[read.how])
    return [Read(None, "", r.moment) if r.quantity is not None and r.how in STRENGTH and
            STRENGTH[r.how] > best[r.quantity] else r for r in reads]


def _values(printout: Printout, block: Block) -> np.ndarray:
    cells = block.cells
    return np.where(cells >= 0, printout.values[np.maximum(cells, 0)], np.nan)


def _read_one(column: Column, series: np.ndarray, printout: Printout, block: Block, c: int, timeline: Timeline,
              mapping: NameMap | None, outputs: list[str], trained: list[str], size: int, first_moments: list[int],
              quantities: list[str]) -> Read:
    name, base = column.name, _base(column.name)
    when = moment(name)
    if base != name and column.role != "remark":
        golden = candidates(base, quantities, outputs, trained)
        if (golden and golden[0].how == "golden name") or (mapping is not None and base in mapping.to_golden):
            kind = printout.kinds[column.kind]
            raise TraceError("repeated-name", f"line {kind.first_line:,} gives {base} more than one value "
                             f"({show(kind.example)}): print one value per name")
    if name == ROW_INDEX:
        return Read(None, "the table's row index", None)
    user = _user(name, base, mapping, quantities)
    if user == LABEL or column.role in ("label", "total", "counter"):
        return Read(None, "label", None)
    if isinstance(user, int):
        return Read(user, "--name", when)
    printed = series[~np.isnan(series)]
    if column.role == "remark":
        return Read(None, "a remark", None)
    found = candidates(name, quantities, outputs, trained)
    if not found and base != name and _repeated(printout, column):
        # "loss = a, loss = b", or "Epoch 5: loss = a" printed twice: each is the loss (at which moment, the
        # conventions say); a list after one name ("Error: [0.27, 0.02]") is read by position instead
        found = [c for c in candidates(base, quantities, outputs, trained) if c.quantity == "E_total"]
    if found and (found[0].how == "golden name" or found[0].quantity == "E_total"):
        return Read(quantities.index(found[0].quantity), found[0].how, when)  # a loss is a loss, constant or not
    constant = len(printed) > 1 and bool(np.all(printed == printed[0]))
    # a weight or a gradient named as one is read, whatever it holds ("w5 = 0.5" that never changes fails); an
    # output's usual name may be the target's ("y1 = 0.01"), so a constant of the spec under it is not read
    named = bool(found) and found[0].how == "usual name" and not found[0].quantity.startswith("out_")
    if constant and not named and bool(np.all(np.isin(printed, _constants(timeline)))):
        return Read(None, "a constant of the spec", None)
    if found and (found[0].how != "position" or size in (len(outputs), len(trained))):
        return Read(quantities.index(found[0].quantity), found[0].how, when)
    if is_hidden(base):
        return Read(None, "a hidden neuron's value (not in the trajectory)", None)
    if is_other(base):  # an accuracy of 0.5 is not a weight of 0.5
        return Read(None, "", when)
    return _by_value(printed, printout, block, c, timeline, first_moments, constant, when)


def _repeated(printout: Printout, column: Column) -> bool:
    """A column indexed because its name is printed again (on its line, or on another line of its record), not
    because it holds a place in a list."""
    return printout.kinds[column.kind].shape.slots[column.slot].position == 0


def _by_value(printed: np.ndarray, printout: Printout, block: Block, c: int, timeline: Timeline,
              first_moments: list[int], constant: bool, when: str | None) -> Read:
    if not len(printed) or (constant and block.records > 2) or not np.isfinite(printed[0]):
        return Read(None, "", when)
    first = int(block.cells[np.flatnonzero(block.cells[:, c] >= 0)[0], c])
    value, half = printout.values[first], printout.half[first]
    resolution = float(rounding(np.array([value]), np.array([half]))[0])  # this one value's own rounding
    digits = _digits(value, int(half))
    if digits < MIN_DIGITS and resolution > 0:
        return Read(None, "", when)
    quantities = np.arange(len(timeline.quantities))
    matches = set()
    for t in first_moments:
        valid = timeline.valid(quantities, np.full(len(quantities), t))
        q = quantities[valid]
        expected, envelope = timeline.at(q, np.full(len(q), t))
        allowed = np.maximum(envelope, timeline.truth.floor(expected)) + resolution
        matches.update(q[np.abs(expected - value) <= allowed].tolist())
    if len(matches) == 1:
        return Read(matches.pop(), "value", when)
    return Read(None, "", when)


def _digits(value: float, half: int) -> int:
    if value == 0:
        return 0
    return int(-(half + 1) + np.floor(np.log10(abs(value))) + 1)
