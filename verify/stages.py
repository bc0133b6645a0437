"""The stages of backpropagation, as a teacher grades them: each judged on its own, from the same comparison.

The first five are the first training step, iteration 0, the notes' worked
step; the sixth is everything after it:

1. ``forward``: the forward pass, the outputs;
2. ``loss``: E_total;
3. ``output-gradients``: the gradients of the output layer's parameters;
4. ``hidden-gradients``: the gradients of the hidden layers' parameters;
5. ``updates``: the parameters after the first update;
6. ``trajectory``: every value after the first step, through training.

A stage whose values the program does not print is ``not shown``; one whose
printed values are all too coarse to tell is ``too coarse``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..reference import names
from ..reference.spec import Spec
from .compare import Comparison, at, ratio_text
from .timeline import FORWARD, GRADIENT, PARAMETER

STAGES = ("forward", "loss", "output-gradients", "hidden-gradients", "updates", "trajectory")
TITLES = {"forward": "the forward pass", "loss": "the loss", "output-gradients": "the output layer's gradients",
          "hidden-gradients": "the hidden layers' gradients", "updates": "the first update",
          "trajectory": "the trajectory after the first step"}


@dataclass(frozen=True)
class Stage:
    name: str  # one of STAGES
    status: str  # "passed", "failed", "not shown", "too coarse"
    values: int  # values checked
    largest: float | None  # largest error as a fraction of the allowed
    first_divergence: str | None  # where and how the stage first leaves the truth

    @property
    def title(self) -> str:
        return TITLES[self.name]

    def line(self) -> str:
        text = f"{self.name}: {self.status}"
        if self.values:
            text += (f" ({self.values:,} value{'s' if self.values != 1 else ''}, largest error "
                     f"{ratio_text(self.largest or 0.0)} of the allowed)")
        if self.first_divergence:
            text += f"; first divergence {at(self.first_divergence)}"
        return text


def stage_of(comparison: Comparison) -> np.ndarray:
    """The stage (an index of STAGES) of each compared value."""
    timeline = comparison.timeline
    spec = timeline.truth.spec
    last_layer = {f"dE_d{p}" for p in _last_layer_parameters(spec)}
    quantities = timeline.quantities
    q, t = comparison.cells.quantity, comparison.cells.t
    group = timeline.group[q]
    iteration = timeline.iteration(q, t)
    names_ = np.array(quantities, dtype=object)[q]
    step1 = np.where(group == FORWARD, np.where(names_ == "E_total", 1, 0),
                     np.where(group == GRADIENT, np.where(np.isin(names_, list(last_layer)), 2, 3), 4))
    first = (iteration == 0) | ((group == PARAMETER) & (t == 1))
    before = (group == PARAMETER) & (t == 0)  # the starting parameters belong to the forward pass
    found = np.where(first, step1, 5)
    return np.where(before, 0, found)


def _last_layer_parameters(spec: Spec) -> list[str]:
    weights = names.weight_names(spec)
    last = len(spec.weight_layers[-1]) * len(spec.weight_layers[-1][0])
    biases = names.bias_names(spec)
    return weights[-last:] + (biases[-len(spec.bias_layers[-1]):] if biases else [])


def stages(comparison: Comparison) -> tuple[Stage, ...]:
    """Every stage's verdict (see the module's docstring)."""
    which = stage_of(comparison)
    found = []
    for k, name in enumerate(STAGES):
        mine = which == k
        if not mine.any():
            found.append(Stage(name, "not shown", 0, None, None))
            continue
        part = comparison.subset(mine)
        if part.values_checked == 0:
            found.append(Stage(name, "too coarse", 0, None, None))
            continue
        first = part.first_divergence
        found.append(Stage(name, "failed" if first else "passed", part.values_checked, part.max_ratio,
                           None if first is None else first.where))
    return tuple(found)
