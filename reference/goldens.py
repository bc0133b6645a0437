"""Render the golden files of a spec, write them (all or none), or check them against disk byte for byte.

The files of one example:

- ``step1.csv``: every quantity of the first iteration, 40 significant digits;
- ``trajectory.csv``: every iteration, each value the correctly rounded float64;
- ``after_training.csv``: the outputs and loss after the last update, 30 digits;
- ``notes_identities.csv``: the notes' formulas (or, beyond the notes' family,
  the layer-local closed forms), each decided by SymPy;
- ``envelope.csv``: the noise envelope (reference/envelope.py);
- ``derivation.csv``: what they were derived from (the spec's fingerprint and
  iteration count, which every comparison checks first) and with what settings.

``check`` renders afresh and compares bytes; where a file differs, the fresh
text is written beside it as ``NAME.obtained.csv``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import mpmath
import numpy as np

from . import envelope, evaluate, identities, local_identities, names
from .evaluate import STEP1_BITS, TRAJECTORY_BITS, as_mpf
from .network import Network
from .quantities import step1 as step1_quantities
from .spec import Spec
from .writer import read_regular, write_all, write_file

STEP1_DIGITS = 40
FINAL_DIGITS = 30
DERIVATION = "derivation.csv"
FILES = ("step1.csv", "trajectory.csv", "after_training.csv", "notes_identities.csv", "envelope.csv", DERIVATION)

Progress = Callable[[str], None]


def _csv(rows: list[list]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def decimal(value, digits: int = STEP1_DIGITS) -> str:
    return mpmath.nstr(value, digits, strip_zeros=False, min_fixed=-6, max_fixed=6)


def render_step1(spec: Spec) -> str:
    rows = [["quantity", "value", "symbol", "description"]]
    with mpmath.workprec(STEP1_BITS):
        rows += [[q.name, decimal(q.value), q.symbol, q.description] for q in step1_quantities(spec)]
    return _csv(rows)


def render_trajectory(spec: Spec, values: np.ndarray) -> str:
    rows = [names.trajectory_columns(spec)]
    rows += [[k, *map(repr, row.tolist())] for k, row in enumerate(values)]
    return _csv(rows)


def render_after(after: dict[str, object], iterations: int) -> str:
    rows = [["quantity", "value", "iteration", "description"]]
    with mpmath.workprec(TRAJECTORY_BITS):
        rows += [[name, decimal(as_mpf(v), FINAL_DIGITS), iterations, f"after {iterations} updates"]
                 for name, v in after.items()]
    return _csv(rows)


def render_identities(spec: Spec) -> str:
    found = identities.check(Network(spec)) if spec.is_notes_family else local_identities.check(spec)
    rows = [["formula", "where", "holds", "method", "difference_at_example"]]
    rows += [[v.formula, v.label, "true" if v.holds else "false", v.method,
              "0" if v.holds else f"{v.difference_at_example:.6g}"] for v in found]
    return _csv(rows)


def render_derivation(spec: Spec, iterations: int) -> str:
    return _csv([
        ["key", "value"],
        ["spec_sha256", spec.fingerprint()],
        ["iterations", iterations],
        ["trajectory_bits", TRAJECTORY_BITS],
        ["step1_bits", STEP1_BITS],
        ["envelope_method", "Monte Carlo arithmetic (random rounding of every operation and constant)"],
        ["envelope_samples", envelope.SAMPLES],
        ["envelope_seed", envelope.SEED],
        ["envelope_unit_roundoff", "2^-53; 2^-52 for exp, log and tanh"],
        ["envelope_margin", envelope.MARGIN],
        ["envelope_floor_ulps", envelope.FLOOR_ULPS],
    ])


def render(spec: Spec, iterations: int | None = None, progress: Progress | None = None) -> dict[str, str]:
    """The text of every golden file of ``spec`` (over ``iterations``, by default the spec's)."""
    iterations = iterations or spec.iterations
    say = progress or (lambda message: None)
    say("step 1")
    files = {"step1.csv": render_step1(spec)}
    report = (lambda i: say(f"trajectory: iteration {i:,} of {iterations:,}")) if progress else None
    values, after = evaluate.trajectory(spec, iterations, progress=report)
    files["trajectory.csv"] = render_trajectory(spec, values)
    files["after_training.csv"] = render_after(after, iterations)
    say("the notes' formulas")
    files["notes_identities.csv"] = render_identities(spec)
    files["envelope.csv"] = envelope.render(
        spec, values, progress=lambda i: say(f"envelope: iteration {i:,} of {iterations:,}"))
    files[DERIVATION] = render_derivation(spec, iterations)
    return files


def write(files: dict[str, str], out: Path) -> None:
    """Every file or none (reference/writer.py)."""
    write_all(files, out)


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


def obtained_path(path: Path) -> Path:
    return path.with_name(path.stem + ".obtained.csv")


def check(files: dict[str, str], out: Path) -> list[str]:
    """One line per golden file on disk that differs, byte for byte, from ``files``; NAME.obtained.csv beside it."""
    problems = []
    for name, text in files.items():
        path = out / name
        on_disk = read_regular(path)
        if on_disk is None:
            problems.append(f"{path}: missing; regenerate it with `nox -s golden` (or backprop-verify derive)")
            continue
        fresh = text.encode("utf-8")
        if on_disk == fresh:
            if obtained_path(path).is_file():
                obtained_path(path).unlink()
            continue
        write_file(obtained_path(path), fresh)
        disk_text = on_disk.decode("utf-8", "replace")
        row, column, golden, derived = first_difference(disk_text, text)
        if row < 0:
            where = "line ends or encoding differ (the golden is not byte for byte what the reference writes)"
        else:
            where = ("header" if row == 0 else f"row {row}") + (f", column {column}: golden has {golden!r}, "
                                                               f"the reference gives {derived!r}")
        problems.append(f"{path}: {where} (fresh file written to {obtained_path(path)})")
    return problems
