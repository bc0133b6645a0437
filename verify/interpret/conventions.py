"""How a program printed: the conventions a run's records may follow, each a hypothesis about printing only.

For the records of a run (its body):

- labelled: record r is iteration ``label - count_from``, labels counted from
  0 or from 1;
- unlabelled: record r is iteration ``r * every + offset``, every N
  iterations from iteration 0 or from N - 1 (``(i + 1) % N == 0``);
- the outputs and the loss are those before the iteration's update (the
  golden convention) or after it (recomputed with the updated weights);
- the parameters are those after the update (``w5_new``, the golden
  convention) or before it (the weights the iteration starts with).

A value printed once, before or after the records (or with no records at
all), is placed on its own: before training, after the first update, the
last iteration's forward pass (``print(loss)`` after the loop), or after
training, as its name says or its value shows.

None of these says what the program computes: the spec, the iteration count,
the learning rate and the arithmetic come from the command line, never from
the trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..timeline import FORWARD, GRADIENT, PARAMETER, Timeline

# Where a value printed on its own may sit, per moment: (forward, gradient, parameter) timeline places as
# functions of T, the run's updates.
# a moment -> the places of its forward values, its gradients and its parameters, given the number of updates
MOMENTS: dict[str, tuple[Callable[[int], int], Callable[[int], int], Callable[[int], int]]] = {
    "initial": (lambda T: 0, lambda T: 0, lambda T: 0),
    "first-update": (lambda T: 1, lambda T: 0, lambda T: 1),
    "last-iteration": (lambda T: T - 1, lambda T: T - 1, lambda T: T),
    "final": (lambda T: T, lambda T: T - 1, lambda T: T),
}
MOMENT_WORDS = {"initial": "before training", "first-update": "after the first update",
                "last-iteration": "from the last iteration (its forward pass)", "final": "after training"}


@dataclass(frozen=True)
class Convention:
    """How a run's records line up with the truth."""
    count_from: int | None  # labelled: the label of iteration 0 (0 or 1); None when unlabelled
    every: int = 1  # unlabelled: a record every N iterations
    offset: int = 0  # unlabelled: the iteration of the first record
    forward_after: bool = False  # outputs and loss printed after the update
    parameters_before: bool = False  # parameters printed before the update
    # a quantity printed twice in a record ("loss before = .., loss after = ..", Keras's loss and val_loss): the
    # second value is one update later than the first
    repeat_after: bool = False

    def iterations(self, records: int, labels: np.ndarray | None) -> np.ndarray:
        if labels is not None:
            return labels - (self.count_from or 0)
        return np.arange(records, dtype=np.int64) * self.every + self.offset

    def shifts(self) -> np.ndarray:
        """The timeline place of each group (forward, gradient, parameter) relative to the record's iteration."""
        shift = np.zeros(3, np.int64)
        shift[FORWARD] = 1 if self.forward_after else 0
        shift[PARAMETER] = 0 if self.parameters_before else 1
        return shift

    def words(self, groups: set[int], labelled: bool) -> list[str]:
        """The convention in words, of what the run prints (groups present)."""
        found = []
        if labelled:
            found.append(f"labels from {self.count_from}")
        elif self.every > 1 or self.offset:
            found.append(f"a record every {self.every:,} iterations from iteration {self.offset:,}")
        if FORWARD in groups:
            found.append(f"the forward pass {'after' if self.forward_after else 'before'} each update")
        if PARAMETER in groups:
            found.append(f"the parameters {'before' if self.parameters_before else 'after'} each update")
        if self.repeat_after:
            found.append("a quantity's second value in a record one update later")
        return found


def labelled_conventions(count_from: int | None, forward_after: bool | None) -> list[Convention]:
    """Every labelled convention the options allow, simplest first."""
    found = []
    for parameters_before in (False, True):
        for c, after in ((0, False), (1, False), (1, True), (0, True)):
            if count_from is not None and c != count_from:
                continue
            if forward_after is not None and after != forward_after:
                continue
            found.append(Convention(c, forward_after=after, parameters_before=parameters_before))
    return found


def unlabelled_conventions(records: int, updates: int, every: int | None, count_from: int | None,
                           forward_after: bool | None, seen: tuple[int, ...] = ()) -> list[Convention]:
    """Every unlabelled convention that fits ``records`` in a run of ``updates``, simplest first; ``seen`` are
    steps the printed values themselves show (where the second record's value sits in the truth)."""
    if every is not None:
        steps = [every]
    else:
        steps = list(seen)
        if records > 1:
            for n in (updates / records, updates / (records - 1)):
                steps += [s for s in _round_numbers(n) if s not in steps]
                steps += [int(np.floor(n)), int(np.ceil(n))]
        # a few records in a long run come every N iterations; as many records as iterations, every one
        steps = steps + [1] if 2 * records < updates else [1] + steps
    found = []
    for parameters_before in (False, True):
        for n in dict.fromkeys(s for s in steps if s >= 1):
            offsets = [0] if n == 1 else [0, n - 1]
            if every is not None and count_from is not None:
                offsets = [0 if count_from == 0 else n - 1]
            for offset in offsets:
                for after in (False, True):
                    if forward_after is not None and after != forward_after:
                        continue
                    last = (records - 1) * n + offset
                    if last > updates:
                        continue
                    found.append(Convention(None, n, offset, after, parameters_before))
    return found


def _round_numbers(n: float) -> list[int]:
    """Round step sizes near ``n`` (10, 20, 25, 50, 100, ...): how people choose how often to print."""
    if n < 2:
        return []
    found = []
    scale = 10 ** int(np.floor(np.log10(n)))
    for base in (1, 2, 2.5, 5, 10):
        step = int(base * scale)
        if 0.8 * n <= step <= 1.25 * n:
            found.append(step)
    return found


def counts_updates(label_name: str) -> bool:
    """A label named as the updates done ("weights after iteration 5", "loss after epoch 5")."""
    return "after" in label_name.lower().split()


def label_is_updates(convention: Convention) -> bool:
    """The conventions in which a record labelled N shows the state after N updates."""
    return (convention.count_from, convention.forward_after, convention.parameters_before) in ((1, True, False),
                                                                                                (0, False, True))


def body_places(convention: Convention, iterations: np.ndarray, record: np.ndarray, group: np.ndarray,
                repeat: np.ndarray) -> np.ndarray:
    """The timeline place of each body cell under ``convention`` (cells of records ``record``, groups ``group``;
    ``repeat`` marks a quantity's later values in its record)."""
    return iterations[record] + convention.shifts()[group] + (repeat if convention.repeat_after else 0)


def repeats(record: np.ndarray, quantity: np.ndarray, width: int) -> np.ndarray:
    """Which cells (in printed order) repeat a quantity already printed in their record: 1 for the second value,
    2 for the third, ..."""
    key = record.astype(np.int64) * width + quantity
    order = np.argsort(key, kind="stable")
    ranked = np.zeros(len(key), np.int64)
    sorted_key = key[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_key)) + 1] if len(key) else np.zeros(0, np.int64)
    run = np.repeat(starts, np.diff(np.r_[starts, len(key)]))
    ranked[order] = np.arange(len(key)) - run
    return ranked


def single_places(moment: str, group: np.ndarray, updates: int) -> np.ndarray:
    forward, gradient, parameter = (f(updates) for f in MOMENTS[moment])
    return np.where(group == FORWARD, forward, np.where(group == GRADIENT, gradient, parameter))


def single_moments(position: str, hint: str | None, has_body: bool) -> list[str]:
    """The moments a value printed on its own may sit at, the likeliest first: those its name's word says, or else
    by where it was printed (before the records: initial; after them: the end; with no records at all: any)."""
    if position == "before" and has_body:
        order = ["initial", "first-update"]
    elif position == "after":
        order = ["final", "last-iteration"]
    elif position == "before":
        order = ["initial", "first-update"]
    else:
        order = ["initial", "final", "last-iteration", "first-update"]
    if hint is not None:
        # the name says when: "Final loss" is the end of the run (after it, or its last iteration's pass), never
        # before training, whatever its value (a program that never trains prints its initial loss as final)
        return [hint, "last-iteration"] if hint == "final" else [hint]
    return order


def valid(timeline: Timeline, quantity: np.ndarray, t: np.ndarray) -> bool:
    return bool(np.all(timeline.valid(quantity, t)))
