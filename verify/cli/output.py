"""How the commands print verdicts: one line each (details behind --verbose, stages behind --stages), or one JSON
object each (--format json), and a closing summary.

Every line that may carry a program's text goes through ``show``, which escapes control characters (JSON escapes
them itself).
"""

from __future__ import annotations

import json
import sys

from ..escape import for_terminal
from ..status import Status
from ..verdict import Verdict

OUTPUT_FORMATS = ("text", "json")


def details(verdict: Verdict) -> list[str]:
    lines = [f"  note: {note}" for note in verdict.notes]
    if verdict.comparison is not None and verdict.comparison.values_checked:
        table = verdict.comparison.per_quantity()
        table["max_ratio"] = table["max_ratio"].map(lambda r: f"{r:.3g}")
        table["max_ulps"] = table["max_ulps"].map(lambda u: f"{u:,.0f}")
        table["max_relative"] = table["max_relative"].map(lambda r: f"{r:.2g}")
        lines += ["  " + line for line in table.to_string().splitlines()]
    if verdict.seconds:
        lines.append("  seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in verdict.seconds.items()))
    return lines


def show(line: str) -> None:
    """Print one line that may hold what a program printed or is named: control characters are escaped, so that
    nothing it wrote can move the cursor, clear the screen or start a line of its own."""
    print(for_terminal(line))


def print_verdict(verdict: Verdict, verbose: bool = False, form: str = "text", stages: bool = False) -> None:
    if form == "json":
        print(json.dumps(verdict.record()))
        sys.stdout.flush()
        return
    if verbose:
        for line in details(verdict):
            show(line)
    if stages:
        for stage in verdict.stages:
            show(f"  stage {stage.line()}")
    for hint in verdict.hints:
        show(f"  hint: {hint}")
    show(verdict.line())
    sys.stdout.flush()


def summary(verdicts: list[Verdict]) -> str:
    """'4 passed, 0 failed, 0 errored, 2 skipped (neuron.rb on documented: ..., ...)'."""
    counts = {status: sum(v.status is status for v in verdicts) for status in Status}
    text = ", ".join(f"{n} {status.value}" for status, n in counts.items())
    skipped = [v.who() for v in verdicts if v.status is Status.SKIPPED]
    return text + (f"; skipped: {', '.join(skipped)}" if skipped else "")
