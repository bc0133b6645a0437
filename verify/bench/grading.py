"""Part 7: grading a class, as a teacher types it: ``backprop-verify grade CLASS --run 'sh run.sh' --jobs 2``.

The class is 30 Python submissions of the documented example, the Python and
NumPy programs of tests/corpus (correct and buggy, in turn, under new names),
graded afresh (``--force``) with two workers, without and with the sandbox.
The targets: the class in at most 60 s on 2 cores; the tool's own cost per
submission (everything but the program's run, the sandbox's start counted in
the run) at most 0.5 s, shown apart for passed submissions and for failed ones,
whose cost is mostly the search for the mistake. Left out, with a row saying
why, outside a checkout (the corpus is not installed) or, for the sandbox,
without bubblewrap.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import tomllib
from pathlib import Path

from .rows import Row, skipped
from .suite import ROOT, command, last_line
from .timing import Stats, processes

CORPUS = ROOT / "tests" / "corpus"
SIZE = 30
WORKERS = 2
CLASS_TARGET = 60.0
OWN_TARGET = 0.5
LANGUAGES = ("python", "numpy")


def python_cases() -> list[str]:
    """The corpus's Python and NumPy programs of the documented example as specified, a correct one then a buggy."""
    found = []
    for case in sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.endswith("-bug")):
        facts = tomllib.loads((CORPUS / case / "case.toml").read_text(encoding="utf-8"))
        if facts["language"] in LANGUAGES and not facts["options"] and (CORPUS / f"{case}-bug").is_dir():
            found += [case, f"{case}-bug"]
    return found


def build(folder: Path) -> None:
    cases = python_cases()
    for k in range(SIZE):
        shutil.copytree(CORPUS / cases[k % len(cases)], folder / f"student-{k + 1:02d}")


def own_costs(out: Path) -> tuple[list[float], list[float]]:
    """Seconds of each submission's grading beyond its program's run: (passed ones, failed ones)."""
    graded = json.loads((out / "grades.json").read_text(encoding="utf-8"))
    found: dict[str, list[float]] = {"passed": [], "failed": []}
    for g in graded:
        if g["verdict"]["status"] in found:
            found[g["verdict"]["status"]].append(g["seconds"] - g["verdict"]["seconds"].get("run", 0.0))
    return found["passed"], found["failed"]


def measure(repeats: int) -> list[Row]:
    if not (CORPUS.is_dir() and (ROOT / ".git").exists()):
        why = f"not in a checkout ({CORPUS} is missing)"
        return [skipped("grade", f"{SIZE} Python submissions", why, target=f"< {CLASS_TARGET:g} s")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as scratch:
        folder = Path(scratch) / "class"
        build(folder)
        for sandboxed in (False, True):
            case = f"{SIZE} Python submissions, {WORKERS} workers" + (", sandboxed" if sandboxed else "")
            if sandboxed and shutil.which("bwrap") is None:
                rows.append(skipped("grade", case, "bwrap is not on PATH (apt-get install bubblewrap)",
                                    target=f"< {CLASS_TARGET:g} s"))
                continue
            out = Path(scratch) / ("out-sandboxed" if sandboxed else "out")
            argv = [*command("backprop-verify"), "grade", str(folder), "--run", "sh run.sh", "--jobs", str(WORKERS),
                    "--force", "--out", str(out), *(["--sandbox"] if sandboxed else [])]
            stats, quoted = processes(argv, repeats)
            shown = f"backprop-verify grade CLASS --run 'sh run.sh' --jobs {WORKERS}" + \
                (" --sandbox" if sandboxed else "")
            row = Row("grade", case, shown, number=1, note=last_line(quoted.output)).timed(stats)
            if quoted.status not in (0, 1):  # 1: some submissions failed, as they should
                row.failed(f"exit status {quoted.status}")
            rows.append(row.within(CLASS_TARGET))
            passed, failed = own_costs(out)
            for which, costs in (("passed", passed), ("failed", failed)):
                if not costs:
                    continue
                mine = Row("grade", f"the tool's own cost per {which} submission" +
                           (", sandboxed" if sandboxed else ""), "grading beyond the program's run",
                           number=len(costs), note=f"median of {len(costs)} submissions; largest "
                           f"{max(costs):.2f} s" + ("; mostly the search for the mistake" if which == "failed"
                                                    else "")).timed(Stats.of(costs))
                mine.median_s = statistics.median(costs)
                rows.append(mine.within(OWN_TARGET))
    return rows
