"""Gradescope's results.json for one submission: its score, and a test per stage (schema: schemas/gradescope.json).

The format is Gradescope's autograder specification ("Output format"): a
top-level ``score``, ``execution_time`` and ``output``, and ``tests``, each
with ``name``, ``number``, ``score``, ``max_score``, ``status`` (passed or
failed), ``output`` and ``visibility``. A stage reads ``passed`` only when it
was verified and passed; a stage not shown is ``failed`` whatever points the
rubric gives it, and its output says so.
"""

from __future__ import annotations

import math
from typing import Any

from ..score import Graded
from .text import NUMBERS, overall, stage_output, test_name

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
RESULTS = "/autograder/results/results.json"  # where Gradescope reads it
SUBMISSION = "/autograder/submission"  # where Gradescope puts the submission


def results(graded: Graded, visibility: str = "visible") -> dict[str, Any]:
    return {
        "score": graded.score,
        "execution_time": math.ceil(graded.seconds),  # whole seconds, as Gradescope's example gives them
        "output": overall(graded),
        "output_format": "text",
        "tests": [{"name": test_name(stage), "number": NUMBERS[stage.name], "score": stage.points,
                   "max_score": stage.max_points, "status": "passed" if stage.passed else "failed",
                   "output": stage_output(graded, stage), "output_format": "text", "visibility": visibility}
                  for stage in graded.stages],
        "extra_data": {"backprop_verify": graded.verdict},
    }
