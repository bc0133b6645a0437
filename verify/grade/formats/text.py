"""The words every format shares: a stage's test name and what it says, and what the whole submission says."""

from __future__ import annotations

from ..score import UNSHOWN, Graded, StageScore, of_points

NUMBERS = {"forward": "1", "loss": "2", "output-gradients": "3", "hidden-gradients": "4", "updates": "5",
           "trajectory": "6"}


def test_name(stage: StageScore) -> str:
    """'3. output-gradients: the output layer's gradients'."""
    return f"{NUMBERS[stage.name]}. {stage.name}: {stage.title}"


def stage_message(stage: StageScore) -> str:
    """One line: the stage's status and points, and why."""
    words = {"passed": "verified: every value within the envelope",
             "failed": "failed",
             "errored": "errored: the run was cut short before this stage could be verified to its end",
             "not shown": "not shown: the submission prints no value of this stage, so it was not verified",
             "too coarse": "too coarse: every value of this stage was printed with too few digits to verify",
             "not run": "not run: nothing could be verified"}[stage.status]
    text = f"{words} ({of_points(stage.points, stage.max_points)})"
    if stage.first_divergence:
        text += f"; first divergence at {stage.first_divergence}"
    if stage.values and stage.largest is not None:
        largest = stage.largest if isinstance(stage.largest, str) else f"{stage.largest:.3g}"
        text += f"; {stage.values:,} values, largest error {largest} of the allowed"
    return text + (f"; {stage.note}" if stage.note else "")


def stage_output(graded: Graded, stage: StageScore) -> str:
    """The stage's message, and for a failed stage the verdict line (which names the likely cause)."""
    lines = [stage_message(stage)]
    if stage.status in ("failed", "errored", "not run") or (stage.status in UNSHOWN and not stage.points):
        lines.append(graded.line)
    return "\n".join(lines)


def overall(graded: Graded) -> str:
    """What the whole submission says: its score, the verdict line, how far a stopped run got, what is missing."""
    lines = [of_points(graded.score, graded.max_score), graded.line]
    if graded.reached:
        lines.append(graded.reached)
    if graded.missing:
        lines.append(f"does not print {', '.join(graded.missing)}, which the rubric requires: scored 0")
    lines += [f"hint: {hint}" for hint in graded.verdict.get("hints", [])]
    return "\n".join(lines)
