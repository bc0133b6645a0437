"""Why a trajectory left the truth: its first divergence, and the classic mistake that explains it.

``diagnose(obtained)`` compares an obtained trajectory with the golden one,
names the first value beyond tolerance, and then looks for the cause by
computation only: it rebuilds, from the truth's own intermediate quantities
(golden/step1.csv), what each classic mistake would have printed at iteration
0 (or 1), and reports the mistake whose prediction the obtained numbers match.
It never sees which program produced the numbers. When no prediction matches
it says so ("no known mistake matches") rather than guess.

The logic mistakes are predicted with the notes' draft R1..R20, so they are
recognised on the documented 2-2-2 example only; lost precision (float32) is
recognised on any example, and the first divergence is always named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import mistakes, tolerances
from .compare import Divergence, compare_trajectory, read_step1, read_trajectory, ulp_distance
from .spec import DEFAULT_SPEC, load

NO_MATCH = "no known mistake matches"
SAME = 1e-9  # relative agreement between a prediction and the obtained value (logic mistakes differ by far more)
PRECISION_CEILING = 1e-4  # an error above this (of its quantity's size) anywhere is more than lost digits
PRECISION_SPREAD = 0.9  # share of quantities a precision loss reaches at the first divergence


@dataclass(frozen=True)
class Diagnosis:
    first_divergence: Divergence | None  # None: every value within tolerance
    cause: mistakes.Cause | None  # None: passed, or no known mistake matches
    kind: str | None  # "logic", "precision", "unknown" (diverged, cause not recognised) or None (passed)

    def __str__(self) -> str:
        if self.first_divergence is None:
            return "every value within tolerance"
        because = self.cause.sentence if self.cause else NO_MATCH
        return f"first divergence at {self.first_divergence}; likely cause: {because}"


def loosest_tolerance(example: str = "documented") -> Callable[[str], int]:
    """Per quantity, the largest tolerance any implementation has for ``example`` in reference/tolerances.csv.

    A mistake caught under this limit is caught under every implementation's own.
    """
    names = {r["implementation"] for r in tolerances.rows() if r["example"] == example}

    @cache
    def limit(quantity: str) -> int:
        return max([tolerances.tolerance(name, example, quantity) or 0 for name in names] or [0])
    return limit


def diagnose(obtained: pd.DataFrame, *, spec_path: str | Path = DEFAULT_SPEC,
             tolerance_ulp: int | Callable[[str], int] | None = None) -> Diagnosis:
    """Compare ``obtained`` (the golden's first rows, as many as it has) with the goldens of the spec, and explain.

    ``tolerance_ulp`` defaults to ``loosest_tolerance`` of the example.
    """
    spec = load(spec_path)
    folder = Path(spec.source).parent
    if tolerance_ulp is None:
        tolerance_ulp = loosest_tolerance(tolerances.example_key(spec.source))
    expected = read_trajectory(folder / "trajectory.csv").iloc[:len(obtained)].reset_index(drop=True)
    first = compare_trajectory(expected, obtained.reset_index(drop=True), tolerance_ulp).first_divergence
    if first is None:
        return Diagnosis(None, None, None)
    truth = read_step1(folder / "step1.csv")
    columns = [c for c in expected.columns if c != "iteration"]
    limits = np.array([tolerance_ulp(c) if callable(tolerance_ulp) else tolerance_ulp for c in columns])
    beyond = pd.DataFrame(ulp_distance(expected[columns], obtained[columns]) > limits, columns=columns)
    cause = None
    if "R1" in truth:
        cause = mistakes.explain(truth, spec, expected, obtained, beyond, first.iteration, SAME)
    if cause is None:
        cause = precision_loss(expected[columns], obtained[columns], first.iteration)
    return Diagnosis(first, cause, cause.kind if cause else "unknown")


def precision_loss(expected: pd.DataFrame, obtained: pd.DataFrame, iteration: int) -> mistakes.Cause | None:
    """Small errors in nearly every quantity, never large: arithmetic in a shorter float.

    Each error is measured against the largest size its quantity reaches in the
    rows compared, so that a gradient passing near zero does not make a rounding
    error look like a mistake.
    """
    a, b = expected.to_numpy(dtype=np.float64), obtained.to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        errors = np.abs(b - a) / np.abs(a).max(axis=0)
    at_first = errors[iteration]
    worst = float(np.max(errors))  # NaN when anything is not finite: then no precision finding
    if not (worst <= PRECISION_CEILING and (at_first > 0).mean() >= PRECISION_SPREAD):
        return None
    typical = float(np.median(at_first[at_first > 0]))
    return mistakes.Cause(
        mistakes.PRECISION, "precision",
        f"every quantity is off by about {typical:.1g} of its size from iteration {iteration} on, never more than "
        f"{worst:.1g} over {len(errors)} iterations: arithmetic in a shorter float (about "
        f"{round(-np.log2(typical))} bits agree; float32 keeps 24, float64 53), a precision finding, not a logic mistake")
