"""A verdict: the one result of verifying one program on one example, worded the same everywhere.

It carries the status (with its exit code), one line of reason, what was
compared (``coverage``: which quantities, at which iterations, to how many
digits, and what was too coarse to check), how the output was read
(``reading``), the comparison itself, the cause of a failure when a known
mistake reproduces the printed numbers, and otherwise where the program leaves
the truth (``where``), the stages, hints, notes and timings. ``line()`` is what
the command line prints last and what the report shows; ``record()`` is the
same for machines (``--format json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from .compare import Comparison, Point, at, ratio_text
from .stages import Stage, stages
from .status import Status

if TYPE_CHECKING:  # the diagnosis builds on the verdicts' comparison: imported for its type only
    from .explain import Cause

NO_MATCH = "no known mistake matches"
TOO_FEW = "too few printed digits to name a mistake"  # begins a ``where`` when the values could not tell
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Verdict:
    status: Status
    reason: str  # one line
    program: str = ""
    example: str = ""
    comparison: Comparison | None = None
    reading: str = ""  # how the output was read, in words
    cause: Cause | None = None  # a known mistake that reproduces the printed numbers
    where: str = ""  # where the program leaves the truth, by stage (a failure no known mistake explains)
    hints: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)  # "run" (the program), "verify" (everything else)
    kind: str | None = None  # for errored: a stable label of what went wrong
    diagnosed: bool = False  # the catalogue of mistakes was searched (whether or not one matched)
    unread: int = 0  # printed values not read as any quantity of the example (numbers of chatter aside)

    @property
    def exit_code(self) -> int:
        return self.status.exit_code

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @property
    def coverage(self) -> str:
        if self.comparison is None:
            return ""
        unread = f"; {self.unread:,} other printed value{'s' if self.unread > 1 else ''} not read as quantities " \
                 "(--verbose names them)" if self.unread else ""
        return coverage(self.comparison) + unread

    @property
    def largest(self) -> float | None:
        """The largest error as a fraction of what is allowed at its point (above 1 fails)."""
        return self.comparison.max_ratio if self.comparison is not None and self.comparison.values_checked else None

    @property
    def first_divergence(self) -> Point | None:
        return self.comparison.first_divergence if self.comparison is not None else None

    @property
    def stages(self) -> tuple[Stage, ...]:
        return stages(self.comparison) if self.comparison is not None else ()

    def with_note(self, note: str) -> Verdict:
        return replace(self, notes=self.notes + (note,)) if note else self

    def who(self) -> str:
        return " on ".join(filter(None, [self.program, self.example]))

    def line(self) -> str:
        """STATUS: who: what was compared; how it was read; the largest error or the first divergence; why."""
        text = f"{self.status.value.upper()}: " + (f"{self.who()}: " if self.who() else "")
        parts = []
        if self.comparison is not None:
            parts.append(self.coverage)
        if self.reading:
            parts.append(f"read as: {self.reading}")
        parts.append(self.reason)
        text += "; ".join(p for p in parts if p)
        if self.cause is not None:
            text += f"; likely cause: {self.cause}"
        elif self.diagnosed and self.where.startswith(TOO_FEW):
            text += f"; {self.where}"
        elif self.diagnosed:
            text += f"; {NO_MATCH}" + (f": {self.where}" if self.where else "")
        return text

    def record(self) -> dict[str, Any]:
        """This verdict for machines: the object `--format json` prints (schema in verify/schema/verdict.json)."""
        first = self.first_divergence
        return {
            "schema": SCHEMA_VERSION, "status": self.status.value, "exit_code": self.exit_code,
            "program": self.program, "example": self.example, "line": self.line(), "reason": self.reason,
            "kind": self.kind, "coverage": self.coverage, "reading": self.reading,
            "values_checked": self.comparison.values_checked if self.comparison is not None else 0,
            "values_too_coarse": self.comparison.values_coarse if self.comparison is not None else 0,
            "largest_ratio": _number(self.largest),
            "first_divergence": None if first is None else {
                "where": first.where, "quantity": first.quantity, "expected": _number(first.expected),
                "got": _number(first.got), "ratio": _number(first.ratio), "line": first.line},
            "cause": None if self.cause is None else str(self.cause),
            "cause_category": getattr(self.cause, "category", None),
            "where": self.where or None,
            "stages": [{"name": s.name, "status": s.status, "values": s.values, "largest_ratio": _number(s.largest),
                        "first_divergence": s.first_divergence} for s in self.stages],
            "hints": list(self.hints), "notes": list(self.notes),
            "seconds": {k: round(v, 6) for k, v in self.seconds.items()},
        }


def _number(value: float | None) -> float | str | None:
    """JSON has no infinity or NaN: those are written as text."""
    if value is None:
        return None
    return float(value) if np.isfinite(value) else str(value)


def passed_reason(comparison: Comparison) -> str:
    worst = comparison.worst
    return (f"largest error {ratio_text(worst.ratio)} of the allowed ({worst.where})" if worst
            else "every value exact")


def failed_reason(comparison: Comparison) -> str:
    first = comparison.first_divergence
    if first is not None and not np.isfinite(first.got):
        word = "NaN" if np.isnan(first.got) else "infinite"
        return f"{first.quantity} is {word} from {first.where.rsplit(', ', 1)[0]} on (line {first.line:,})"
    return f"first divergence {at(str(first))}"


def _quantities(comparison: Comparison) -> str:
    found = comparison.quantities
    total = len(comparison.timeline.quantities)
    if len(found) == total and total > 3:
        return f"all {total} quantities"
    if len(found) <= 3:
        return ", ".join(found)
    return f"{len(found)} of {total} quantities"


def ordinal(n: int) -> str:
    """1,000th, 3,333rd, 22nd, 11th."""
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def _iterations(comparison: Comparison) -> str:
    timeline = comparison.timeline
    checked = comparison.checked
    at = np.unique(timeline.iteration(comparison.cells.quantity[checked], comparison.cells.t[checked]))
    T = timeline.updates
    words = []
    inside = at[(at >= 0) & (at < T)]
    if len(inside) == 1:
        words.append(f"iteration {int(inside[0]):,}")
    elif len(inside) == T:
        words.append(f"every iteration ({T:,})")
    elif len(inside) == 2:
        words.append(f"iterations {int(inside[0]):,} and {int(inside[1]):,}")
    elif len(inside):
        steps = np.diff(inside)
        every = f", every {ordinal(int(steps[0]))}" if (steps == steps[0]).all() and steps[0] > 1 else ""
        words.append(f"{len(inside):,} iterations ({int(inside[0]):,} to {int(inside[-1]):,}{every})")
    if (at < 0).any():
        words.insert(0, "before training")
    if (at >= T).any():
        words.append(f"after training ({T:,} updates)")
    return " and ".join(words) if words else "no iteration"


def _precision(comparison: Comparison) -> str:
    """'full precision', '9 decimals', '8 to 9 decimals' or, for exponent or %g forms, '10 significant digits'."""
    checked = comparison.checked
    half, value = comparison.resolution[checked], np.abs(comparison.cells.got[checked])
    coarse = half > np.spacing(np.abs(comparison.expected[checked])) * 2
    if not coarse.any():
        return "full precision"
    decimals = np.round(-np.log10(2 * half[coarse])).astype(int)
    with np.errstate(divide="ignore"):
        significant = decimals + np.floor(np.log10(np.where(value[coarse] > 0, value[coarse], 1))).astype(int) + 1
    low, high = int(decimals.min()), int(decimals.max())
    if high - low > 1:
        text = f"{int(significant.max())} significant digits"
    else:
        text = f"{low} decimals" if low == high else f"{low} to {high} decimals"
    return text if coarse.all() else f"{text} for some values"


def coverage(comparison: Comparison) -> str:
    """What was compared: 'E_total at 10 iterations (999 to 9,999, every 1,000th), 9 decimals'."""
    if comparison.values_checked == 0:
        return f"nothing checkable ({comparison.values_coarse:,} values too coarse)"
    text = f"{_quantities(comparison)} {at(_iterations(comparison))}, {_precision(comparison)}"
    if comparison.values_coarse:
        coarse = comparison.values_coarse
        text += f" ({coarse:,} value{'s' if coarse != 1 else ''} too coarse to check)"
    return text


def errored(reason: str, kind: str, **more: Any) -> Verdict:
    return Verdict(Status.ERRORED, reason, kind=kind, **more)


def skipped(reason: str, **more: Any) -> Verdict:
    return Verdict(Status.SKIPPED, reason, **more)
