"""Where a failing program leaves the truth, stage by stage, as a teacher would say it first.

Over every printed value: the forward pass, the loss, the output layer's
gradients, the hidden layers' gradients and the updates, each right
throughout, not shown, or wrong from some iteration on. And from the
program's own numbers: whether its printed loss follows from its printed
outputs, and its printed new weights from its printed gradients, which says
whether a wrong stage is wrong on its own or only because an earlier one is.
"""

from __future__ import annotations

import numpy as np

from ...reference import names
from ..compare import Comparison
from ..timeline import FORWARD, GRADIENT, PARAMETER

GROUPS = ("the forward pass", "the loss", "the output layer's gradients", "the hidden layers' gradients",
          "the updates")
CONSISTENT = 1e-6  # relative: a printed value follows from other printed values within this (rounding aside)


def _group(comparison: Comparison) -> np.ndarray:
    timeline = comparison.timeline
    spec = timeline.truth.spec
    quantities = np.array(timeline.quantities, dtype=object)
    q = comparison.cells.quantity
    group = timeline.group[q]
    last = len(spec.weight_layers[-1]) * len(spec.weight_layers[-1][0])
    output_weights = {f"dE_d{w}" for w in names.weight_names(spec)[-last:]}
    output_weights |= {f"dE_d{b}" for b in names.bias_names(spec)[-len(spec.bias_layers[-1]):]}
    return np.where(group == FORWARD, np.where(quantities[q] == "E_total", 1, 0),
                    np.where(group == GRADIENT, np.where(np.isin(quantities[q], list(output_weights)), 2, 3), 4))


def localise(comparison: Comparison) -> str:
    """'the forward pass and the output layer's gradients right; the hidden layers' gradients wrong from
    iteration 0; the updates wrong from iteration 0, and they follow from the printed gradients'."""
    timeline = comparison.timeline
    group = _group(comparison)
    iteration = timeline.iteration(comparison.cells.quantity, comparison.cells.t)
    beyond = np.zeros(len(group), bool)
    beyond[comparison.beyond] = True
    right, wrong = [], []
    for k, title in enumerate(GROUPS):
        mine = (group == k) & comparison.checked
        if not mine.any():
            continue
        if not beyond[mine].any():
            right.append(title)
            continue
        first = int(iteration[mine & beyond].min())
        wrong.append((first, k, f"{title} wrong from " + ("before training" if first < 0 else
                                                         "after training" if first >= timeline.updates else
                                                         f"iteration {first:,}")))
    wrong.sort()
    parts = []
    earliest = wrong[0][0] if wrong else None
    # a stage that goes wrong later, and was printed right at the iteration the first one went wrong
    at_earliest = (iteration == earliest) & ~beyond & comparison.checked
    later = [GROUPS[k] for first, k, _ in wrong if earliest is not None and first > earliest
             and (at_earliest & (group == k)).any()]
    if right:
        parts.append(f"{_join(right)} right")
    if later and earliest is not None and 0 <= earliest < timeline.updates:
        parts.append(f"{_join(later)} right at iteration {earliest:,}")
    parts += [text for _, _, text in wrong]
    follows = _follows(comparison)
    if follows:
        parts.append(follows)
    return "; ".join(parts)


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _follows(comparison: Comparison) -> str:
    """Whether the printed new parameters follow from the printed gradients, and the printed loss from the
    printed outputs, where the program prints both (at the first divergence's iteration)."""
    timeline = comparison.timeline
    spec = timeline.truth.spec
    cells = comparison.cells
    first = comparison.first_divergence
    if first is None:
        return ""
    said = []
    if spec.optimizer == "sgd":
        checked = _updates_follow(comparison)
        if checked is not None:
            said.append("the printed new weights follow from the printed gradients" if checked else
                        "the printed new weights do not follow from the printed gradients (the update itself is "
                        "wrong)")
    if spec.loss == "half_squared_error" and len(spec.examples) == 1:
        q = np.array(timeline.quantities, dtype=object)[cells.quantity]
        at = timeline.iteration(cells.quantity, cells.t)
        k = _first_iteration(comparison)
        losses = np.flatnonzero((q == "E_total") & (at == k))
        outs = [np.flatnonzero((q == name) & (at == k)) for name in names.output_columns(spec)]
        if len(losses) and all(len(o) for o in outs):
            targets = [float(v) for v in spec.examples[0].targets]
            recomputed = 0.5 * sum((t - cells.got[o[0]]) ** 2 for t, o in zip(targets, outs))
            printed = cells.got[losses[0]]
            close = abs(recomputed - printed) <= CONSISTENT * abs(printed) + comparison.resolution[losses[0]] * 4
            said.append("the printed loss follows from the printed outputs" if close else
                        "the printed loss does not follow from the printed outputs")
    return "; ".join(said)


def _first_iteration(comparison: Comparison) -> int:
    first = int(comparison.beyond[0])
    return int(comparison.timeline.iteration(comparison.cells.quantity[first:first + 1],
                                             comparison.cells.t[first:first + 1])[0])


def _updates_follow(comparison: Comparison) -> bool | None:
    """At the first divergence's iteration: new weight = weight - rate * gradient, from the printed gradients and
    the weights the iteration started with (printed, or the truth's where the program agreed on them)."""
    timeline = comparison.timeline
    cells = comparison.cells
    quantities = timeline.quantities
    k = _first_iteration(comparison)
    q = np.array(quantities, dtype=object)[cells.quantity]
    rate = float(timeline.truth.spec.learning_rate)
    found = []
    for w in names.trained_names(timeline.truth.spec):
        new = np.flatnonzero((q == f"{w}_new") & (cells.t == k + 1))
        grad = np.flatnonzero((q == f"dE_d{w}") & (cells.t == k))
        if not (len(new) and len(grad)):
            continue
        before = np.flatnonzero((q == f"{w}_new") & (cells.t == k))
        if len(before):
            start = cells.got[before[0]]
        else:
            value, _ = timeline.at(np.array([quantities.index(f"{w}_new")]), np.array([k]))
            start = float(value[0])
        expected = start - rate * cells.got[grad[0]]
        tolerance = CONSISTENT * max(abs(expected), 1e-12) + 4 * (comparison.resolution[new[0]] +
                                                                   rate * comparison.resolution[grad[0]])
        found.append(abs(cells.got[new[0]] - expected) <= tolerance)
    if not found:
        return None
    return bool(all(found))


__all__ = ["localise", "GROUPS", "PARAMETER"]
