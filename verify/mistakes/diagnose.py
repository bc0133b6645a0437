"""Why a trace left the truth: the catalogue's variant that it matches, found by computation.

Each applicable variant (verify/mistakes/variants.py) is run in float64 for as
many iterations as the first divergence needs, and the trace's values up to
that iteration are compared with it under the same rule as with the truth
(envelope, floor and printed rounding), with a slack of ``SLACK`` for the
variant's own rounding. The float32 finding is judged by the float32
envelope instead: the values are within what float32 arithmetic can do. The
best match is named with the number of digits it agrees to; when nothing
matches, the diagnosis says so rather than guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ...reference import envelope
from ..compare import FINAL, Comparison, LayoutError
from ..truth import Truth
from . import variants

SLACK = 4


@dataclass(frozen=True)
class Cause:
    mistake: variants.Mistake
    digits: int  # how many significant digits the trace agrees with the variant to
    printed: bool  # the agreement is to every digit the program printed

    @property
    def category(self) -> str:
        return self.mistake.category

    @property
    def kind(self) -> str:
        return self.mistake.kind

    def __str__(self) -> str:
        if self.mistake.kind == "convention":
            return self.mistake.sentence
        if self.mistake.kind == "precision":
            return f"{self.mistake.sentence} (every value within the float32 envelope)"
        agree = "to every printed digit" if self.printed else f"to {self.digits} digits"
        return f"{self.mistake.sentence} (matches '{self.mistake.name}' {agree})"


def _horizon(comparison: Comparison, truth: Truth) -> int:
    first = comparison.first_divergence
    return truth.iterations if first.iteration == FINAL else first.iteration


def _selected(comparison: Comparison, horizon: int) -> np.ndarray:
    iterations = np.where(comparison.iterations == FINAL, horizon, comparison.iterations)
    return iterations <= horizon


def _variant_truth(truth: Truth, mistake: variants.Mistake, iterations: int) -> Truth | None:
    try:
        own, rows, after = mistake.trajectory(truth.spec, iterations)
    except (ArithmeticError, ValueError):
        return None
    columns = [own.index(q) if q in own else None for q in truth.quantities]
    trajectory = np.column_stack([rows[:, c] if c is not None else np.full(iterations, np.nan) for c in columns])
    forward = dict(zip(own[:len(after)], after))
    return replace(truth, iterations=iterations, trajectory=trajectory,
                   after={q: forward.get(q, np.nan) for q in truth.after},
                   envelope=truth.envelope[:iterations] * SLACK)


def printed_after_update(matching: Comparison) -> Cause:
    """The cause when the same values pass as the forward pass after each update (``matching``)."""
    return Cause(variants.PRINTED_AFTER_UPDATE, *_digits(matching))


def _digits(comparison: Comparison) -> tuple[int, bool]:
    checked = comparison.checked
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.abs(comparison.got - comparison.expected) / np.abs(comparison.expected)
    worst = float(np.max(np.where(checked & (comparison.expected != 0), relative, 0.0), initial=0.0))
    printed = bool(np.all(np.abs(comparison.got - comparison.expected)[checked]
                          <= comparison.resolution[checked] * 1.000001)) and comparison.resolution.max() > 0
    return (17 if worst == 0 else max(0, min(17, math.floor(-math.log10(worst))))), printed


def float32_envelope_holds(truth: Truth, comparison: Comparison, horizon: int) -> bool:
    rows = _selected(comparison, horizon)
    iterations = horizon + 1 if not comparison.layout.final else truth.iterations
    spreads = envelope.spread(truth.spec, truth.trajectory[:iterations], "float32")
    single = replace(truth, iterations=iterations, trajectory=truth.trajectory[:iterations],
                     envelope=spreads * envelope.MARGIN * SLACK, precision="float32")
    try:
        return comparison.again(single, rows=rows).passed
    except LayoutError:
        return False


def _partial_updates(truth: Truth, comparison: Comparison) -> list[variants.Mistake]:
    """When only some new parameter values are off at the first divergence, the update of just those."""
    first = comparison.first_divergence
    if first.iteration == FINAL or not first.quantity.endswith("_new"):
        return []
    row = int(np.flatnonzero(comparison.iterations == first.iteration)[0])
    ratio = np.nan_to_num(comparison.ratio[row], nan=0.0)
    off = [q.removesuffix("_new") for c, q in enumerate(comparison.quantities) if q.endswith("_new") and ratio[c] > 1]
    trained = [q for q in comparison.quantities if q.endswith("_new")]
    return variants.update_mistakes(truth.spec, off) if 0 < len(off) < len(trained) else []


def diagnose(truth: Truth, comparison: Comparison) -> Cause | None:
    """The mistake that explains a failed comparison, or None when no known one does."""
    if comparison.first_divergence is None:
        return None
    horizon = _horizon(comparison, truth)
    rows = _selected(comparison, horizon)
    iterations = truth.iterations if comparison.layout.final else horizon + 1
    matches: list[Cause] = []
    for mistake in variants.catalogue(truth.spec) + _partial_updates(truth, comparison):
        if mistake.kind == "precision":
            if float32_envelope_holds(truth, comparison, horizon):
                matches.append(Cause(mistake, 7, False))
            continue
        against = _variant_truth(truth, mistake, iterations)
        if against is None:
            continue
        try:
            found = comparison.again(against, rows=rows)
        except LayoutError:
            continue
        if found.passed:
            matches.append(Cause(mistake, *_digits(found)))
    logic = [c for c in matches if c.kind == "logic"]
    best = max(logic, key=lambda c: c.digits, default=None)
    return best or (matches[0] if matches else None)
