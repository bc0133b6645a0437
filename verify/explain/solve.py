"""Mistakes with a number in them, solved from the printed values: a starting weight, or the learning rate used.

- A starting value: when the first record's forward pass is already wrong, each
  parameter in turn is solved for the value that reproduces the printed
  outputs and loss there ("w6 started at 0.54, not 0.45"): a grid of values
  for every parameter in one forward pass (``Copies`` arithmetic), then
  bisection of every bracket at once.
- The learning rate: estimated from a printed update where the program prints
  a parameter's gradient and its new value, else solved from the printed
  values after the first update by a sweep over rates and bisection.

Either is then replayed over the window like any other mistake; the number is
given with the fewest digits that still reproduce the printed values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ...reference import names
from ...reference.arithmetic import Copies
from ...reference.spec import Spec
from ...reference.training import Pass, Training
from ..compare import Cells, Comparison
from ..truth import Truth

GRID = 201
BISECTIONS = 60


class Start:
    """The forward pass at iteration 0 with one trained parameter set to many values at once (one copy each).

    One training is made per number of copies and reused: making one compiles the graph's functions."""

    def __init__(self, truth: Truth):
        self.truth = truth
        self._made: dict[int, Training] = {}

    def forward(self, parameter: int, values: np.ndarray) -> dict[str, np.ndarray]:
        """The forward quantities (outputs, E_total) at iteration 0 with trained parameter ``parameter`` (an index
        of w1, w2, ..., then the biases) set to each of ``values``."""
        spec = self.truth.spec
        n = len(values)
        if n not in self._made:
            self._made[n] = Training(spec, Copies(n))
        training = self._made[n]
        fresh = Training.__new__(Training)
        fresh.__dict__.update(training.__dict__)
        fresh.W = [np.array(w, copy=True) for w in training.W]
        fresh.b = [np.array(b, copy=True) for b in training.b]
        _set(fresh, parameter, values)
        with fresh.A:
            passes = [Pass(*fresh.forward(fresh.W, fresh.b, x), dE_dout=[]) for x in fresh.inputs]
            E = fresh.E_total([p.outs[-1] for p in passes])
            flat = np.asarray(fresh.A.flat([p.outs[-1] for p in passes] + [E]), dtype=np.float64)
        return dict(zip(names.forward_quantities(spec), flat.reshape(-1, n)))


def _set(training: Training, parameter: int, values: Any) -> None:
    set_copy(training, parameter, slice(None), values)


def set_copy(training: Training, parameter: int, copy: int | slice, value: Any) -> None:
    """One copy's value (or every copy's) of trained parameter ``parameter`` (w1, w2, ..., then the biases)."""
    spec = training.spec
    count = 0
    for layer, matrix in enumerate(spec.weight_layers):
        size = len(matrix) * len(matrix[0])
        if parameter < count + size:
            k = parameter - count
            training.W[layer][k // len(matrix[0]), k % len(matrix[0]), copy] = value
            return
        count += size
    for layer, biases in enumerate(spec.bias_layers):
        if parameter < count + len(biases):
            training.b[layer][parameter - count, copy] = value
            return
        count += len(biases)


def start_values(truth: Truth, printed: dict[str, tuple[float, float]]) -> list[tuple[int, float]]:
    """(parameter, value) pairs that reproduce the printed forward values at iteration 0 (``printed``: quantity ->
    (value, allowed)), one parameter changed from the spec; each value as short as it can be written."""
    spec = truth.spec
    start = [float(v) for v in spec.weights + spec.biases]
    parameters = len(names.weight_names(spec)) + (len(names.bias_names(spec)) if spec.train_biases else 0)
    if not printed:
        return []
    # the printed value that is furthest from the truth's says most about what was changed
    at_start = Start(truth)
    truth_now = {q: at_start.forward(0, np.array([start[0]]))[q][0] for q in printed}
    key = max(printed, key=lambda q: abs(printed[q][0] - truth_now[q]) / max(printed[q][1], 1e-300))
    target = printed[key][0]
    found = []
    for parameter in range(parameters):
        centre = start[parameter]
        grid = centre + np.linspace(-4, 4, GRID) * max(1.0, abs(centre))
        values = at_start.forward(parameter, grid)[key] - target
        brackets = np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) <= 0)
        if not len(brackets):
            continue
        low, high = grid[brackets], grid[brackets + 1]
        f_low = values[brackets]
        for _ in range(BISECTIONS):  # every bracket at once
            middle = (low + high) / 2
            f_mid = at_start.forward(parameter, middle)[key] - target
            same = np.sign(f_mid) == np.sign(f_low)
            low, f_low, high = np.where(same, middle, low), np.where(same, f_mid, f_low), np.where(same, high, middle)
        for value in ((low + high) / 2).tolist():
            short = _shortest(at_start, parameter, value, printed)
            if short is not None and short != centre:
                found.append((parameter, short))
    return found


def _shortest(at_start: Start, parameter: int, value: float, printed: dict[str, tuple[float, float]]) -> float | None:
    """The value with the fewest significant digits that reproduces every printed forward value; None if none does."""
    tries = np.array([float(f"{value:.{digits}g}") for digits in range(1, 18)])
    got = at_start.forward(parameter, tries)
    ok = np.all([np.abs(got[q] - v) <= allowed for q, (v, allowed) in printed.items()], axis=0)
    return float(tries[np.argmax(ok)]) if ok.any() else None


def typo_rank(spec: Spec, parameter: int, value: float) -> tuple[int, int]:
    """How likely a starting value is a slip of the spec's: its digits those of the spec's value in another order,
    or one digit changed (0.54 for 0.45) come first, then the fewest digits."""
    written = str((spec.weights + spec.biases)[parameter])
    found = f"{value:g}"
    digits: Callable[[str], list[str]] = lambda text: [c for c in text if c.isdigit()]  # noqa: E731
    mine, theirs = digits(found), digits(written)
    slip = sorted(mine) == sorted(theirs) or (len(mine) == len(theirs) and
                                              sum(a != b for a, b in zip(mine, theirs)) == 1)
    return (0 if slip else 1, len(mine))


def parameter_name(truth: Truth, parameter: int) -> str:
    spec = truth.spec
    return (names.weight_names(spec) + names.bias_names(spec))[parameter]


def rates_from_updates(truth: Truth, cells: Cells, comparison: Comparison) -> float | None:
    """The learning rate a printed update used: (w - w_new) / dE/dw, the same for every parameter printed with
    both, at the first iteration where they are printed."""
    timeline = comparison.timeline
    quantities = timeline.quantities
    q = np.array(quantities, dtype=object)[cells.quantity]
    estimates = []
    for w in names.trained_names(truth.spec):
        for k in sorted(set(cells.t[q == f"dE_d{w}"].tolist()))[:1]:
            new = np.flatnonzero((q == f"{w}_new") & (cells.t == k + 1))
            grad = np.flatnonzero((q == f"dE_d{w}") & (cells.t == k))
            if not len(new) or not len(grad) or cells.got[grad[0]] == 0:
                continue
            before = np.flatnonzero((q == f"{w}_new") & (cells.t == k))
            start = cells.got[before[0]] if len(before) else \
                timeline.at(np.array([quantities.index(f"{w}_new")]), np.array([k]))[0][0]
            estimates.append((start - cells.got[new[0]]) / cells.got[grad[0]])
    if len(estimates) < 2:
        return None
    rates = np.array(estimates)
    middle = float(np.median(rates))
    if not np.all(np.abs(rates - middle) <= 1e-6 * abs(middle)):
        return None
    return middle


def with_rate(training: Training, rates: ArrayLike) -> Training:
    """Every copy of a training with its own learning rate."""
    training.rate = np.asarray(rates, dtype=np.float64)
    return training


__all__ = ["Start", "parameter_name", "rates_from_updates", "set_copy", "start_values", "typo_rank", "with_rate"]
