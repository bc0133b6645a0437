"""PrairieLearn's results.json for one submission (schema: schemas/prairielearn.json).

The format is PrairieLearn's external grading ("Grading results"): ``gradable``,
``score`` in [0, 1], ``message``, ``output`` and ``tests``, each with ``name``,
``description``, ``points``, ``max_points``, ``message`` and ``output``. A
submission is not gradable only when the grading itself could not be done
(the goldens are missing, the options are wrong): a crash or a build error is
the submission's own, and scores 0.
"""

from __future__ import annotations

from typing import Any

from ..score import Graded
from .text import overall, stage_message, stage_output, test_name

RESULTS = "/grade/results/results.json"  # where PrairieLearn reads it
SUBMISSION = "/grade/student"  # where PrairieLearn puts the student's files
NOT_THE_SUBMISSIONS = ("golden", "usage")  # verdict kinds that say the grading, not the submission, went wrong


def results(graded: Graded) -> dict[str, Any]:
    if graded.verdict.get("kind") in NOT_THE_SUBMISSIONS:
        return {"gradable": False, "format_errors": [graded.line], "message": graded.line}
    return {
        "gradable": True,
        "score": graded.score / graded.max_score if graded.max_score else 0.0,
        "message": graded.line,
        "output": overall(graded),
        "tests": [{"name": test_name(stage), "description": stage.title, "points": stage.points,
                   "max_points": stage.max_points, "message": stage_message(stage),
                   "output": stage_output(graded, stage)} for stage in graded.stages],
    }
