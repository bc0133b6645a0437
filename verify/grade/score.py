"""A graded submission: its verdict, each stage's points by the rubric, and the total.

Everything here is plain data that survives JSON (the verdict as its record),
so that a rerun can keep the result of an unchanged submission and every
output format reads the same thing.

How each stage earns its points (the rubric's docstring says why):

- verified and passed: all of them; failed: none;
- not shown or too coarse: its ``if-not-shown`` share when a later stage it
  feeds is shown right (a loss right at every printed iteration could not be
  with wrong gradients), or when one diagnosed cause (with no equal
  alternative) lies in a later stage or in none (a printing mistake); none
  otherwise. A stage after the cause earns nothing, shown or not (it would
  carry the mistake on), so printing less never earns more;
- not run (the submission crashed, printed nothing usable, or was stopped
  before printing anything checkable): none;
- a run stopped at the time limit or by a crash keeps what it verified, and
  its trajectory is errored (cut short: "verified to iteration 4,000 of
  10,000, then timed out after 60 s"), not failed, unless a value of it was
  wrong; it earns nothing, and the stages before it are not blamed;
- a submission that does not print a quantity the rubric requires scores 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..compare import at
from ..mistakes import variants as mistakes
from ..stages import STAGES, TITLES, Stage
from ..status import Status
from ..verdict import Verdict
from .rubric import Rubric

NOT_RUN = "not run"
CUT_SHORT = "errored"  # a stage whose run was stopped (time limit, crash) before it could be verified to its end
UNSHOWN = ("not shown", "too coarse")

# Where each kind of catalogued mistake lives: the stages its code is in. Kinds that are about printing, counting
# or the arithmetic's precision live in no stage of the computation and blame none.
GRADIENTS = ("output-gradients", "hidden-gradients")
CAUSE_STAGES: dict[str, tuple[str, ...]] = {
    mistakes.HALF_FORGOTTEN: GRADIENTS, mistakes.SIGN: GRADIENTS, mistakes.NO_SLOPE: GRADIENTS,
    mistakes.SLOPE_ARGUMENT: GRADIENTS, mistakes.WRONG_INPUT: GRADIENTS,
    mistakes.UPDATED_WEIGHTS: ("hidden-gradients",), mistakes.TRANSPOSED: ("hidden-gradients",),
    mistakes.ONE_PATH: ("hidden-gradients",), mistakes.HIDDEN_SLOPE: ("hidden-gradients",),
    mistakes.BIAS_LEFT_OUT: ("forward",), mistakes.BIAS_DOUBLED: ("forward",), mistakes.FORWARD_SWAP: ("forward",),
    mistakes.FORWARD_INDEX: ("forward",), mistakes.START_VALUE: ("forward",),
    mistakes.REDUCTION: ("loss",), mistakes.LOSS_SCALE: (),
    mistakes.ROUNDED: ("updates",), mistakes.LEARNING_RATE: ("updates",), mistakes.LEARNING_RATE_VALUE: ("updates",),
    mistakes.BIASES_TRAINED: ("updates",), mistakes.BIASES_FIXED: ("updates",), mistakes.ONE_AT_A_TIME: ("updates",),
    mistakes.ACCUMULATED: ("updates",), mistakes.OPTIMIZER: ("updates",),
    mistakes.ITERATIONS: (), mistakes.PRINTING: (), mistakes.PRECISION: (),
}



@dataclass(frozen=True)
class StageScore:
    name: str  # one of STAGES
    status: str  # passed, failed, errored (cut short), not shown, too coarse, not run
    points: float
    max_points: float
    values: int = 0
    largest: float | str | None = None  # largest error ÷ envelope (text for infinity or NaN)
    first_divergence: str | None = None
    note: str = ""  # why these points, when it is not plain

    @property
    def title(self) -> str:
        return TITLES[self.name]

    @property
    def passed(self) -> bool:
        """Verified and within the envelope: the only status reported as passed anywhere."""
        return self.status == "passed"

    def line(self) -> str:
        text = f"{self.name}: {self.status}, {of_points(self.points, self.max_points)}"
        if self.first_divergence:
            text += f"; first divergence {at(self.first_divergence)}"
        return text + (f"; {self.note}" if self.note else "")


@dataclass(frozen=True)
class Graded:
    name: str
    hash: str
    verdict: dict[str, Any]  # Verdict.record()
    stages: tuple[StageScore, ...]
    score: float
    max_score: float
    printed: tuple[str, ...] = ()  # the quantities compared
    missing: tuple[str, ...] = ()  # quantities the rubric requires that the submission does not print
    reached: str = ""  # for a run stopped at the time limit: how far it was verified
    seconds: float = 0.0  # the whole grading of this submission, wall time
    settings: str = ""  # the hash of everything a grade depends on besides the submission
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> Status:
        return Status(self.verdict["status"])

    @property
    def line(self) -> str:
        """The verdict line."""
        return str(self.verdict["line"])

    @property
    def cause(self) -> str | None:
        return self.verdict.get("cause")

    @property
    def cause_category(self) -> str | None:
        return self.verdict.get("cause_category")

    def summary(self) -> str:
        """'alice: 7 of 10 points, FAILED: ...' on one line."""
        return f"{self.name}: {of_points(self.score, self.max_score)}, {self.line}"

    def record(self) -> dict[str, Any]:
        data = asdict(self)
        data["stages"] = [asdict(s) for s in self.stages]
        return data

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Graded:
        found = dict(data)
        found["stages"] = tuple(StageScore(**s) for s in data["stages"])
        found["printed"] = tuple(data.get("printed", ()))
        found["missing"] = tuple(data.get("missing", ()))
        return cls(**found)


def of_points(earned: float, total: float) -> str:
    """'7 of 10 points', '1 of 1 point'."""
    return f"{points(earned)} of {points(total)} point{'' if total == 1 else 's'}"


def points(value: float) -> str:
    """2.0 -> '2', 1.5 -> '1.5'."""
    return f"{value:g}"


def grade(verdict: Verdict, rubric: Rubric, *, name: str, hash: str = "", timeout: float | None = None,
          seconds: float = 0.0, settings: str = "") -> Graded:
    """The verdict scored by the rubric."""
    comparison = verdict.comparison
    printed = tuple(comparison.quantities) if comparison is not None and comparison.values_checked else ()
    cut_short = verdict.kind in ("hang", "exit-status") and comparison is not None and comparison.values_checked > 0
    reached = _reached(verdict, timeout) if cut_short else ""
    measured = {s.name: s for s in verdict.stages}
    if verdict.status in (Status.ERRORED, Status.SKIPPED) and not cut_short or not measured:
        why = verdict.reason if len(verdict.reason) <= 200 else verdict.reason[:197] + "..."
        stages = tuple(StageScore(n, NOT_RUN, 0.0, rubric.points[n], note=why) for n in STAGES)
    else:
        stages = _scored(verdict, rubric, measured, reached)
    missing = tuple(q for q in rubric.required if q not in printed)
    record = verdict.record()
    if missing:
        required = f"does not print {', '.join(missing)}, which the rubric requires"
        stages = tuple(StageScore(**{**asdict(s), "points": 0.0, "note": "; ".join(filter(None, [
            s.note, f"scored 0: {required}"]))}) for s in stages)
        if verdict.status is Status.PASSED:  # what it printed is right, but the exercise is not done: failed
            record.update(status=Status.FAILED.value, exit_code=Status.FAILED.exit_code,
                          line=record["line"].replace("PASSED:", "FAILED:", 1) + f"; {required}",
                          reason=f"{record['reason']}; {required}")
    score = sum(s.points for s in stages)
    return Graded(name, hash, record, stages, score, rubric.total, printed, missing, reached, seconds, settings)


def _scored(verdict: Verdict, rubric: Rubric, measured: dict[str, Stage], reached: str) -> tuple[StageScore, ...]:
    status = {n: measured[n].status for n in STAGES}
    notes = dict.fromkeys(STAGES, "")
    if reached:
        if status["trajectory"] != "failed":  # what it printed was right: the run, not the values, went wrong
            status["trajectory"] = CUT_SHORT
        notes["trajectory"] = f"cut short: {reached}"
    elif verdict.status is Status.FAILED and "failed" not in status.values():
        status["trajectory"], notes["trajectory"] = "failed", verdict.reason
    # a stage is shown right where it passed, or, for a run cut short, where everything it printed passed
    right = {n: measured[n].status == "passed" for n in STAGES}
    cause = verdict.cause
    at_fault: int | None = None  # the stage the one diagnosed cause lies in (len(STAGES): in none of them)
    if cause is not None and not cause.also and cause.category in CAUSE_STAGES:
        places = CAUSE_STAGES[cause.category]
        at_fault = min(STAGES.index(p) for p in places) if places else len(STAGES)
    found = []
    for k, n in enumerate(STAGES):
        full = rubric.points[n]
        stage = measured[n]
        later = [m for m in STAGES[k + 1:] if right[m]]
        if status[n] == "passed":
            earned = full
        elif status[n] in ("failed", CUT_SHORT):
            earned = 0.0
        elif later:
            earned = rubric.if_not_shown[n] * full
            notes[n] = f"not shown; {later[0]} is shown right, which it feeds"
        elif at_fault is not None and k < at_fault:
            earned = rubric.if_not_shown[n] * full
            notes[n] = "not shown; the diagnosed cause lies " + (
                f"in {STAGES[at_fault]}, after it" if at_fault < len(STAGES) else "in no stage of the computation")
        else:
            earned, notes[n] = 0.0, "not shown, and nothing shows it right: " + (
                "the diagnosed cause lies in it or before it" if at_fault is not None
                else "a later stage fails and no single cause was diagnosed")
        found.append(StageScore(n, status[n], earned, full, stage.values, _number(stage.largest),
                                stage.first_divergence, notes[n]))
    return tuple(found)


def _reached(verdict: Verdict, timeout: float | None) -> str:
    comparison = verdict.comparison
    assert comparison is not None
    timeline = comparison.timeline
    checked = comparison.checked
    last = int(timeline.iteration(comparison.cells.quantity[checked], comparison.cells.t[checked]).max())
    if verdict.kind == "exit-status":
        ended = verdict.reason.split(", then ", 1)[-1].split(";")[0]  # "failed with exit status 1"
    else:
        ended = f"timed out after {timeout:g} s" if timeout else "timed out"
    return f"verified to iteration {max(last, 0):,} of {timeline.updates:,}, then {ended}"


def _number(value: float | None) -> float | str | None:
    if value is None:
        return None
    return float(value) if value == value and abs(value) != float("inf") else str(value)
