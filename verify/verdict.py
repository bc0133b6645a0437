"""A verdict: the one result of verifying one program on one example, worded the same everywhere.

It carries the status (with its exit code), one line of reason, what was
compared (``coverage``: which quantities, at which iterations, to how many
digits), the comparison itself, the likely cause of a failure, hints, notes
(which copy of a program ran, lines ignored) and timings. ``line()`` is what
the command line prints last and what the report shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from .compare import FINAL, Comparison
from .status import Status

NO_MATCH = "no known mistake matches: the catalogue of mistakes holds none that gives these values"


@dataclass(frozen=True)
class Verdict:
    status: Status
    reason: str  # one line
    program: str = ""
    example: str = ""
    comparison: Comparison | None = None
    cause: object | None = None  # verify.mistakes.diagnose.Cause
    hints: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)  # "run" (the program), "verify" (everything else)
    kind: str | None = None  # for errored: a stable label of what went wrong
    diagnosed: bool = False  # the catalogue of mistakes was searched (whether or not one matched)

    @property
    def exit_code(self) -> int:
        return self.status.exit_code

    @property
    def coverage(self) -> str:
        return coverage(self.comparison) if self.comparison is not None else ""

    @property
    def largest(self) -> float | None:
        """The largest error as a fraction of what is allowed at its point (above 1 fails)."""
        return self.comparison.max_ratio if self.comparison is not None else None

    def with_note(self, note: str) -> Verdict:
        return replace(self, notes=self.notes + (note,)) if note else self

    def who(self) -> str:
        return " on ".join(filter(None, [self.program, self.example]))

    def line(self) -> str:
        """STATUS: who: what was compared; the largest error or the first divergence; why."""
        parts = [f"{self.status.value.upper()}: " + (f"{self.who()}: " if self.who() else "")]
        if self.comparison is not None:
            parts.append(f"{self.coverage}; {self.reason}")
        else:
            parts.append(self.reason)
        text = "".join(parts)
        if self.cause is not None:
            text += f"; likely cause: {self.cause}"
        elif self.diagnosed:
            text += f"; {NO_MATCH}"
        return text


def ratio_text(ratio: float) -> str:
    """A fraction of the allowed: never rounded up to 1 when it is below (0.997, not 1)."""
    if not math.isfinite(ratio):
        return "not finite"
    if ratio >= 10:
        return f"{ratio:,.0f}"
    text = f"{ratio:.2g}"
    return f"{math.floor(ratio * 1000) / 1000:.3f}" if ratio < 1 <= float(text) else text


def passed_reason(comparison: Comparison) -> str:
    worst = comparison.worst
    return (f"largest error {ratio_text(worst.ratio)} of the allowed ({worst.where})" if worst
            else "every value exact")


def failed_reason(comparison: Comparison) -> str:
    return f"first divergence at {comparison.first_divergence}"


def _quantities(comparison: Comparison, total: int) -> str:
    found = comparison.quantities
    if len(found) == total and total > 3:
        return f"all {total} quantities"
    if len(found) <= 3:
        return ", ".join(found)
    return f"{len(found)} of {total} quantities"


def _iterations(comparison: Comparison, run: int) -> str:
    iterations = comparison.iterations
    if len(iterations) and iterations[0] == FINAL:
        return f"the final state (after {run:,} updates)"
    if len(iterations) == 1:
        return f"iteration {int(iterations[0]):,}"
    if len(iterations) == run and int(iterations[-1]) == run - 1:
        return f"every iteration ({run:,})"
    steps = np.diff(iterations)
    every = f", every {int(steps[0]):,}th" if len(steps) and (steps == steps[0]).all() and steps[0] > 1 else ""
    return f"{len(iterations):,} iterations ({int(iterations[0]):,} to {int(iterations[-1]):,}{every})"


def _precision(comparison: Comparison) -> str:
    """'full precision', '9 decimals', '8 to 9 decimals' or, for exponent or %g forms, '10 significant digits'."""
    checked = comparison.checked
    half, value = comparison.resolution[checked], np.abs(comparison.got[checked])
    coarse = half > np.spacing(np.abs(comparison.expected[checked])) * 2
    if not coarse.any():
        return "full precision"
    decimals = np.round(-np.log10(2 * half[coarse])).astype(int)
    with np.errstate(divide="ignore"):
        significant = decimals + np.floor(np.log10(np.where(value[coarse] > 0, value[coarse], 1))).astype(int) + 1
    low, high = int(decimals.min()), int(decimals.max())
    if high - low > 1:  # %g-style output: a fixed count of significant digits, trailing zeros dropped
        text = f"{int(significant.max())} significant digits"
    else:
        text = f"{low} decimals" if low == high else f"{low} to {high} decimals"
    return text if coarse.all() else f"{text} for some values"


def coverage(comparison: Comparison) -> str:
    """What was compared, e.g. 'E_total at every iteration (10,000), 9 decimals, printed after each update'."""
    text = (f"{_quantities(comparison, comparison.total)} at {_iterations(comparison, comparison.run)}, "
            f"{_precision(comparison)}")
    missing = comparison.checked.size - comparison.values_checked
    if missing:
        text += f" ({missing:,} of {comparison.checked.size:,} values not printed)"
    if comparison.layout.after_update:
        text += ", printed after each update"
    return text


def errored(reason: str, kind: str, **more) -> Verdict:
    return Verdict(Status.ERRORED, reason, kind=kind, **more)


def skipped(reason: str, **more) -> Verdict:
    return Verdict(Status.SKIPPED, reason, **more)
