"""Part (d): wall time of the suite itself, each command as a user types it.

Goldens are regenerated in a scratch copy of reference/ and golden/, so the
committed files are never rewritten, and the copy is then compared with them.
The whole default ``nox`` run is timed with its environments reused: if one is
missing, an untimed first run creates it. A command that fails is reported
"failed" with its exit code, never as a met target.
"""

from __future__ import annotations

import filecmp
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .rows import Row
from .timing import Stats

ROOT = Path(__file__).resolve().parent.parent
NOX_DEFAULT_SESSIONS = ("check", "tests", "ruby")


def timed_runs(command: list[str], cwd: Path, repeats: int) -> tuple[Stats, int, str]:
    """Seconds per run of ``command``, the first non-zero exit code (0 if none), and the output of that run or the last."""
    seconds, failure, output = [], 0, ""
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
        seconds.append(time.perf_counter() - started)
        if not failure:
            failure, output = done.returncode, done.stdout + done.stderr
    return Stats.of(seconds), failure, output


def nox_sessions(output: str) -> str:
    """nox's closing summary in one line: each session's result and time."""
    found = re.findall(r"\* (\S+): (\w+), took ([^\n]+)", output)
    return ", ".join(f"{name} {result} in {took.strip()}" for name, result, took in found)


def last_line(output: str) -> str:
    return next(reversed(output.strip().splitlines()), "").strip("= ")


def suite_row(case: str, command: list[str], cwd: Path, repeats: int, limit: float, note: str,
              summary=lambda output: "") -> Row:
    stats, failure, output = timed_runs(command, cwd, repeats)
    row = Row("suite", case, " ".join(Path(command[0]).name if k == 0 else a for k, a in enumerate(command)),
              number=1, target=f"< {limit:g} s", note="; ".join(filter(None, [note, summary(output)]))).timed(stats)
    if failure:
        row.status, row.note = "failed", f"{row.note}; exit {failure}: {last_line(output)}"
    else:
        row.status = "met" if stats.median < limit else "missed"
    return row


def goldens(repeats: int) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-goldens-") as scratch:
        scratch = Path(scratch)
        for folder in ("reference", "golden"):
            shutil.copytree(ROOT / folder, scratch / folder, ignore=shutil.ignore_patterns("__pycache__"))
        rows = [suite_row("goldens: documented example", [sys.executable, "-m", "reference"], scratch, repeats, 3,
                          "python -m reference (SymPy derivation, golden files written)"),
                suite_row("goldens: all examples", [sys.executable, "-m", "reference", "--all"], scratch, repeats, 3,
                          "python -m reference --all")]
        compared = filecmp.dircmp(ROOT / "golden", scratch / "golden")
        differing = compared.diff_files + [f"{d}/{f}" for d, sub in compared.subdirs.items() for f in sub.diff_files]
        same = "regenerated files identical to the committed ones" if not differing else \
            f"regenerated files DIFFER from the committed ones: {', '.join(differing)}"
    for row in rows:
        row.note += f"; {same}"
    return rows


def nox_rows(repeats: int) -> list[Row]:
    nox = shutil.which("nox")
    if nox is None:
        return [Row("suite", "nox (default sessions)", "nox", target="< 30 s", status="skipped",
                    note="skipped: nox is not on PATH")]
    note = "environments reused"
    if not all((ROOT / ".nox" / session).is_dir() for session in NOX_DEFAULT_SESSIONS):
        subprocess.run([nox], cwd=ROOT, capture_output=True)
        note += " (an untimed first run created the missing ones)"
    return [suite_row("nox (default sessions)", [nox], ROOT, repeats, 30, f"plain nox, {note}, installs checked",
                      nox_sessions),
            suite_row("nox -R (default sessions)", [nox, "-R"], ROOT, repeats, 30, f"{note}, installs skipped",
                      nox_sessions)]


def measure(repeats: int, with_nox: bool) -> list[Row]:
    rows = goldens(repeats)
    rows.append(suite_row("pytest", [sys.executable, "-m", "pytest", "-q", "-n", "auto", "-p", "no:cacheprovider"], ROOT, repeats,
                          60, "the whole test suite", last_line))
    if with_nox:
        rows += nox_rows(1)  # each run takes about half a minute
    else:
        rows.append(Row("suite", "nox (default sessions)", "nox", target="< 30 s", status="skipped",
                        note="skipped: --quick"))
    return rows
