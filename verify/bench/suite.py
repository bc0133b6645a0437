"""Part 6: wall time of the suite itself, each command as a user types it.

- ``backprop-verify derive --all --out SCRATCH``: every golden regenerated into
  a scratch folder (the committed ones are never rewritten), then compared
  with the committed files byte for byte;
- ``nox -s tests`` and plain ``nox``, environments reused: when one is
  missing, an untimed first run creates it. Left out, with a row saying why,
  when nox is not on PATH or this is not a checkout;
- ``backprop-verify report``.

A command that fails is a row "failed" with its exit status and its last
line, never a target met.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from ...reference import examples, store
from .rows import Row, skipped
from .timing import Process, processes

ROOT = Path(__file__).resolve().parent.parent.parent
NOX_DEFAULT_SESSIONS = ("lint", "tests", "slow", "report")
# the tests' target; plain nox adds the slow session (programs in many languages, a browser, a sandbox), which
# has none: its time is shown for what it is
NOX_CASES: dict[str, tuple[list[str], float | None]] = {"nox -s tests": (["-s", "tests"], 25.0),
                                                         "nox (default sessions)": ([], None)}
REPORT_TARGET = 5.0


def command(name: str) -> list[str]:
    """How to start ``backprop-verify`` from this interpreter's environment."""
    script = Path(sys.executable).parent / name
    return [str(script)] if script.exists() else [sys.executable, "-m", "verify.cli"]


def nox_summary(output: str) -> str:
    """nox's closing summary in one line: each session's result (and time, where nox gives it)."""
    found = re.findall(r"^nox > \* (\S+): (\w+)(?:, took ([^\n]+))?$", output, re.MULTILINE)
    return ", ".join(f"{name} {result}" + (f" in {took.strip()}" if took else "") for name, result, took in found)


def pytest_summary(output: str) -> str:
    """pytest's closing line (``N passed, ... in S s``), if the output has one."""
    found = re.findall(r"^=* ?(\d+ (?:passed|failed|error)[^=\n]*?) ?=*$", output, re.MULTILINE)
    return found[-1] if found else ""


def failing_tests(output: str, most: int = 4) -> str:
    """The tests pytest's short summary names as failed or in error (``-ra``), the first few."""
    found = list(dict.fromkeys(f"{test} ({kind.lower()})" for kind, test in
                               re.findall(r"^(FAILED|ERROR) (\S+)", output, re.MULTILINE)))
    more = f" and {len(found) - most} more" if len(found) > most else ""
    return f"not passing: {', '.join(found[:most])}{more}" if found else ""


def last_line(output: str) -> str:
    return next(reversed(output.strip().splitlines()), "").strip("= ")


def timed_command(case: str, argv: list[str], shown: str, repeats: int, note: str = "", **options: Any) -> Row:
    """A row of ``repeats`` runs of ``argv``; failed, with the exit status, when a run failed."""
    stats, quoted = processes(argv, repeats, **options)
    row = Row("suite", case, shown, number=1, note=note).timed(stats)
    if quoted.status != 0:
        row.failed(f"exit status {quoted.status}: {last_line(quoted.output)}")
    return row


def differing(scratch: Path) -> list[str]:
    """The golden files regenerated into ``scratch`` that are not byte for byte the committed ones."""
    return [f"{name}/{file}" for name in examples.names()
            for file in store.differing_folders(examples.folder(name), scratch / name)]


def regenerated(repeats: int) -> Row:
    with tempfile.TemporaryDirectory(prefix="bench-goldens-") as scratch:
        row = timed_command("regenerate every golden", [*command("backprop-verify"), "derive", "--all", "--out",
                            scratch], "backprop-verify derive --all --out SCRATCH", repeats)
        if row.status != "failed":
            different = differing(Path(scratch))
            row.target = "identical to the committed goldens"
            row.status = "failed" if different else "met"
            row.note = f"DIFFER: {', '.join(different)}" if different else \
                f"{len(examples.names())} examples, every file identical to the committed one"
    return row


def nox_rows(repeats: int) -> list[Row]:
    nox = shutil.which("nox")
    why = "nox is not on PATH" if nox is None else None
    if not (ROOT / "noxfile.py").is_file() or not (ROOT / ".git").exists():
        why = f"not in a checkout ({ROOT} has no noxfile.py or .git)"
    if why:
        return nox_skipped(why)
    assert nox is not None
    note = "environments reused"
    if not all((ROOT / ".nox" / session).is_dir() for session in NOX_DEFAULT_SESSIONS):
        processes([nox], 1, cwd=ROOT)
        note += " (an untimed first run created the missing ones)"
    rows = []
    for case, (arguments, limit) in NOX_CASES.items():
        stats, quoted = processes([nox, *arguments], repeats, cwd=ROOT)
        row = Row("suite", case, " ".join(["nox", *arguments]), number=1, note=note).timed(stats)
        row = summarised(row, quoted)
        rows.append(row.within(limit) if limit is not None else row)
    return rows


def nox_skipped(why: str) -> list[Row]:
    return [skipped("suite", case, why, " ".join(["nox", *arguments]), f"< {limit:g} s" if limit else "")
            for case, (arguments, limit) in NOX_CASES.items()]


def summarised(row: Row, run: Process) -> Row:
    """The row with nox's sessions and pytest's closing line; failed, with the exit status, when the run failed."""
    said = "; ".join(filter(None, [nox_summary(run.output), pytest_summary(run.output), failing_tests(run.output)]))
    if run.status != 0:
        return row.failed(f"exit status {run.status}; {said}")
    row.note = "; ".join(filter(None, [row.note, said]))
    return row


def measure(repeats: int, with_nox: bool) -> list[Row]:
    rows = [regenerated(repeats)]
    rows += nox_rows(repeats) if with_nox else nox_skipped("--quick")
    report = timed_command("the report", [*command("backprop-verify"), "report"], "backprop-verify report", repeats,
                           "every registered program on every example, into reports/", cwd=ROOT)
    rows.append(report.within(REPORT_TARGET))
    return rows
