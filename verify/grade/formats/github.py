"""GitHub Actions: an annotation per submission that did not pass, and a Markdown summary for $GITHUB_STEP_SUMMARY.

Annotations are workflow commands on standard output (``::error title=...::...``):
an error for a failed or errored submission, a notice for a stage not shown;
the runner shows them on the run and, with ``file=``, on the file. The summary
is Markdown: a table of the submissions and their stages, then each verdict.
"""

from __future__ import annotations

from ...escape import for_markdown, for_terminal
from ...stages import STAGES
from ..score import Graded, points

SYMBOL = {"passed": "✅", "failed": "❌", "not shown": "➖", "too coarse": "➖", "errored": "⚠️", "not run": "⚠️"}


def _data(text: str) -> str:
    """A workflow command's text: control characters escaped (it is printed), then GitHub's own escapes."""
    return for_terminal(text).replace("%", "%25")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotate(graded: Graded) -> list[str]:
    title = f"backprop-verify: {graded.name} {points(graded.score)}/{points(graded.max_score)}"
    if graded.status.value == "passed" and not graded.missing:
        found = []
    else:
        found = [f"::error title={_property(title)}::{_data(graded.line)}"]
    unshown = [s.name for s in graded.stages if s.status in ("not shown", "too coarse")]
    if unshown:
        found.append(f"::notice title={_property(title)}::{_data('not verified (not shown): ' + ', '.join(unshown))}")
    return found


def summary(class_: list[Graded], title: str) -> str:
    lines = [f"## {title}", "", f"{len(class_)} submissions, {sum(g.status.value == 'passed' for g in class_)} passed.",
             "", "| submission | score | " + " | ".join(STAGES) + " |",
             "|:--|--:|" + ":-:|" * len(STAGES)]
    for g in class_:
        cells = [f"{SYMBOL[s.status]} {points(s.points)}/{points(s.max_points)}" for s in g.stages]
        lines.append(f"| {for_markdown(g.name)} | {points(g.score)}/{points(g.max_score)} | {' | '.join(cells)} |")
    lines += ["", "✅ verified and passed, ❌ failed, ➖ not shown (not verified itself: it earns the rubric's "
              "share only when a later stage it feeds is shown right), ⚠️ cut short or not run.", ""]
    for g in class_:
        lines.append(f"- **{for_markdown(g.name)}**: {for_markdown(g.line)}")
    return "\n".join(lines) + "\n"
