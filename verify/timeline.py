"""The truth as a program can print it: every quantity at every moment it exists, with its envelope.

The golden trajectory has a row per iteration: the forward pass with the
weights the iteration starts with, its gradients, and the weights after its
update. A program may print each of these at another moment, so the timeline
indexes each quantity by the state it belongs to:

- a forward quantity (an output, ``E_total``) at ``t`` in 0..T: the forward
  pass with the weights after ``t`` updates (``t = T``: after training);
- a gradient at ``t`` in 0..T-1: that of iteration ``t``;
- a parameter (``w5_new``, shown as ``w5``) at ``t`` in 0..T: its value after
  ``t`` updates (``t = 0``: as the spec starts it).

``Timeline.at`` gives the true values and envelopes of any such cells at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..reference import names
from .truth import Truth

FORWARD, GRADIENT, PARAMETER = 0, 1, 2


@dataclass(frozen=True, eq=False)
class Timeline:
    truth: Truth

    @cached_property
    def quantities(self) -> list[str]:
        return list(self.truth.quantities)

    @cached_property
    def group(self) -> np.ndarray:
        """FORWARD, GRADIENT or PARAMETER for each quantity."""
        forward = set(names.forward_quantities(self.truth.spec))
        return np.array([FORWARD if q in forward else GRADIENT if q.startswith("dE_d") else PARAMETER
                         for q in self.quantities], np.int64)

    @cached_property
    def initial(self) -> np.ndarray:
        """Each parameter's starting value (NaN for the other quantities)."""
        spec = self.truth.spec
        start = dict(zip(names.parameter_names(spec), [float(v) for v in spec.weights + spec.biases]))
        return np.array([start.get(q.removesuffix("_new"), np.nan) for q in self.quantities])

    @property
    def updates(self) -> int:
        return self.truth.iterations

    def last(self, quantity: np.ndarray) -> np.ndarray:
        """The last valid index of each quantity: T, except T-1 for gradients."""
        return np.where(self.group[quantity] == GRADIENT, self.updates - 1, self.updates)

    def valid(self, quantity: np.ndarray, t: np.ndarray) -> np.ndarray:
        return (t >= 0) & (t <= self.last(quantity))

    def at(self, quantity: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The true values and the envelopes of ``quantity[i]`` at ``t[i]`` (every index valid)."""
        truth, T = self.truth, self.updates
        quantity, t = np.asarray(quantity, np.int64), np.asarray(t, np.int64)
        group = self.group[quantity]
        row = np.where(group == PARAMETER, t - 1, t)  # a parameter after t updates is row t-1's new value
        inside = (row >= 0) & (row < T)
        safe = np.clip(row, 0, T - 1)
        value = np.where(inside, truth.trajectory[safe, quantity], np.nan)
        envelope = truth.envelope[np.clip(np.where(row >= T, T - 1, safe), 0, T - 1), quantity].astype(np.float64)
        after = np.array([truth.after.get(q, np.nan) for q in self.quantities])
        value = np.where((group == FORWARD) & (t == T), after[quantity], value)
        start = (group == PARAMETER) & (t == 0)
        value = np.where(start, self.initial[quantity], value)
        envelope = np.where(start, 0.0, envelope)
        return value, envelope

    def iteration(self, quantity: np.ndarray, t: np.ndarray) -> np.ndarray:
        """The iteration a cell belongs to, as the golden trajectory rows them (-1: before training; T: after)."""
        group = self.group[np.asarray(quantity, np.int64)]
        return np.where(group == PARAMETER, np.asarray(t) - 1, np.asarray(t)).astype(np.int64)

    def order(self, quantity: np.ndarray, t: np.ndarray) -> np.ndarray:
        """A key that sorts cells in the order a run computes them: iteration by iteration, the forward pass,
        then the gradients, then the new parameters."""
        group = self.group[np.asarray(quantity, np.int64)]
        key: np.ndarray = (self.iteration(quantity, t) + 1) * 4 + group
        return key

    def where(self, quantity: int, t: int) -> str:
        """Where a cell sits, in words: 'iteration 12, E_total', 'after training, out_o1', 'before training, w5'."""
        name = self.quantities[quantity]
        group = int(self.group[quantity])
        if group == PARAMETER:
            if t == 0:
                return f"before training, {name.removesuffix('_new')}"
            return f"iteration {t - 1:,}, {name}"
        if group == FORWARD and t == self.updates:
            return f"after training, {name}"
        return f"iteration {t:,}, {name}"
