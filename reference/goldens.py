"""Render the golden files of a spec: the text of each, derived afresh by the reference.

The files of one example (their names and where they live: reference/store.py):

- step 1: every quantity of the first iteration, 40 significant digits;
- the trajectory: every iteration, each value the correctly rounded float64;
- after training: the outputs and loss after the last update, 30 digits;
- the notes' identities: the notes' formulas (or, beyond the notes' family,
  the layer-local closed forms), each decided by SymPy;
- the envelope: the noise envelope (reference/envelope.py);
- the derivation: what they were derived from (the spec's fingerprint and
  iteration count, which every comparison checks first), with what settings,
  and the SHA-256 of each other file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import mpmath
import numpy as np

from . import envelope, evaluate, identities, local_identities, names, store
from .evaluate import STEP1_BITS, TRAJECTORY_BITS, as_mpf
from .network import Network
from .quantities import step1 as step1_quantities
from .spec import Spec
from .store import DERIVATION, FILES, Progress, write  # noqa: F401 - the callers of render write what it gives

STEP1_DIGITS = 40
FINAL_DIGITS = 30


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


LONG = 1_000_000  # values of a trajectory from which a derivation takes long enough to say what it does


def render(spec: Spec, iterations: int | None = None, progress: Progress | None = None) -> dict[str, str]:
    """The text of every golden file of ``spec`` (over ``iterations``, by default the spec's), by file name.

    ``progress`` hears of long work only (a trajectory of ``LONG`` values or more): its start, then about
    every tenth of it.
    """
    iterations = iterations or spec.iterations
    long = progress is not None and iterations * len(names.quantities(spec)) >= LONG
    say: Progress = progress if long and progress is not None else (lambda message: None)
    say(f"{spec.name}: deriving {iterations:,} iterations ...")
    every = max(1000, iterations // 10 // 1000 * 1000)

    def report(stage: str) -> Callable[[int], None]:
        return lambda i: say(f"{spec.name}: {stage}: iteration {i:,} of {iterations:,}") if i and i % every == 0 \
            else None

    files = {store.STEP1: render_step1(spec)}
    values, after = evaluate.trajectory(spec, iterations, progress=report("trajectory"))
    files[store.TRAJECTORY] = render_trajectory(spec, values)
    files[store.AFTER] = render_after(after, iterations)
    files[store.IDENTITIES] = render_identities(spec)
    files[store.ENVELOPE] = envelope.render(spec, values, progress=report("envelope"))
    files[DERIVATION] = store.derivation(spec, iterations, files)
    return files
