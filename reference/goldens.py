"""Render the golden files of a spec, write them atomically, or check them against disk.

Every file is rendered in memory first; only then are they written, each to a
temporary file beside its target, and renamed into place once all of them are
staged. A failure while computing or staging leaves the existing goldens as
they were. ``check`` renders afresh and compares with what is on disk; where a
file differs, the fresh text is written beside it as ``NAME.obtained.csv``.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import mpmath
from mpmath.libmp import round_nearest, to_float

from . import names
from .evaluate import STEP1_DIGITS, step1, trajectory
from .identities import check as check_identities
from .network import Network
from .quantities import step1 as step1_quantities
from .spec import Spec

FILES = ("step1.csv", "trajectory.csv", "after_training.csv", "notes_identities.csv")
FINAL_DIGITS = 30  # after thousands of iterations at 50 digits, 30 are certain


class GoldenError(RuntimeError):
    """A golden file that is missing or differs from the reference; the message is one line."""


def _csv(rows: list[list]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def decimal(value: mpmath.mpf) -> str:
    return mpmath.nstr(value, STEP1_DIGITS, strip_zeros=False, min_fixed=-6, max_fixed=6)


def render_step1(network: Network) -> str:
    quantities = step1_quantities(network)
    values = step1(network, {q.name: q.expr for q in quantities})
    rows = [["quantity", "value", "symbol", "description"]]
    rows += [[q.name, decimal(values[q.name]), q.symbol, q.description] for q in quantities]
    return _csv(rows)


def render_trajectory(network: Network) -> tuple[str, str]:
    """trajectory.csv, and after_training.csv: the outputs and loss once every update is done."""
    spec = network.spec
    columns = names.trajectory_columns(spec)
    rows = [columns]
    # One iteration more than the spec asks: its forward pass is the state after the last update.
    for row in trajectory(network, spec.iterations + 1):
        if row[0] < spec.iterations:
            rows.append([row[0], *(repr(to_float(v._mpf_, rnd=round_nearest)) for v in row[1:])])
    head = columns[1:columns.index("E_total") + 1]
    after = [["quantity", "value", "iteration", "description"]]
    after += [[name, mpmath.nstr(v, FINAL_DIGITS, strip_zeros=False, min_fixed=-6, max_fixed=6), spec.iterations,
               f"after {spec.iterations} updates"] for name, v in zip(head, row[1:])]
    return _csv(rows), _csv(after)


def render_identities(network: Network) -> str:
    rows = [["formula", "where", "holds", "method", "difference_at_example"]]
    for v in check_identities(network):
        rows.append([v.formula, v.label, "true" if v.holds else "false", v.method,
                     "0" if v.holds else f"{v.difference_at_example:.6g}"])
    return _csv(rows)


def _render_symbolic(spec: Spec) -> tuple[str, str]:
    network = Network(spec)
    return render_step1(network), render_identities(network)


def render(spec: Spec) -> dict[str, str]:
    """The text of every golden file of ``spec``.

    The symbolic files are rendered in a forked process while this one runs the
    trajectory: on two cores that halves the wait. Without fork, one after the other.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        step1_text, identities_text = _render_symbolic(spec)
        trajectory_text, after_text = render_trajectory(Network(spec))
    else:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            symbolic = pool.submit(_render_symbolic, spec)
            trajectory_text, after_text = render_trajectory(Network(spec))
            step1_text, identities_text = symbolic.result()
    return {"step1.csv": step1_text, "trajectory.csv": trajectory_text, "after_training.csv": after_text,
            "notes_identities.csv": identities_text}


def write(files: dict[str, str], out: Path) -> None:
    """Stage every file, then rename them all into place; on failure nothing changes."""
    out.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, text in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out)
            staged.append((tmp, out / name))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            os.chmod(tmp, 0o644)  # mkstemp makes files private; goldens are ordinary files
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, target in staged:
        os.replace(tmp, target)


def first_difference(expected: str, got: str) -> tuple[int, str, str, str]:
    """(row, column, expected cell, got cell) of the first cell that differs; rows count from 1 after the header."""
    old, new = list(csv.reader(io.StringIO(expected))), list(csv.reader(io.StringIO(got)))
    header = new[0] if new else []
    for r in range(max(len(old), len(new))):
        a = old[r] if r < len(old) else []
        b = new[r] if r < len(new) else []
        for c in range(max(len(a), len(b))):
            x = a[c] if c < len(a) else "<missing>"
            y = b[c] if c < len(b) else "<missing>"
            if x != y:
                column = header[c] if c < len(header) else f"#{c + 1}"
                return r, column, x, y
    return -1, "", "", ""


def check(files: dict[str, str], out: Path) -> list[str]:
    """One line per golden file on disk that differs from ``files``; writes NAME.obtained.csv beside it."""
    problems = []
    for name, text in files.items():
        path = out / name
        obtained = path.with_name(path.stem + ".obtained.csv")
        if not path.exists():
            problems.append(f"{path}: missing; regenerate it with `nox -s golden` (or python -m reference --spec ... --out {out})")
            continue
        on_disk = path.read_text(encoding="utf-8")
        if on_disk == text:
            obtained.unlink(missing_ok=True)
            continue
        obtained.write_text(text, encoding="utf-8")
        row, column, golden, fresh = first_difference(on_disk, text)
        where = "header" if row == 0 else f"row {row}"
        problems.append(f"{path}: {where}, column {column}: golden has {golden!r}, the reference gives {fresh!r}"
                        f" (fresh file written to {obtained})")
    return problems
