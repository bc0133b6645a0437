"""Part 4b: what explaining a failure costs beyond the comparison, wherever the divergence is.

A program that prints every value of every iteration, as a registered one does,
with a classic mistake switched on at the first iteration, in the middle of
the run or near its end (the documented example), and a mistake of Adam's on
the deep example; then the same mistake printed as people print it, sparsely:
the loss every 1,000 iterations to 9 decimals, and only the loss after the
loop (the whole run replayed: the costliest case). The verdict with its
diagnosis, less the same verdict without it. The mistaken runs are replayed by
the explain stage's own replay, outside the timing.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from ...reference import examples, names
from ...reference.spec import load
from .. import programs, truth
from ..explain import replay
from ..mistakes import variants
from .rows import Row

TARGETS = {"documented": 1.0, "deep-tanh-softmax-adam": 3.0}


def mistaken(found: truth.Truth, mistake: variants.Mistake, start: int) -> pd.DataFrame:
    """Every value of a run with ``mistake`` from iteration ``start``, as a program holding them would print."""
    spec = found.spec
    if mistake.alone:
        _, rows, _ = mistake.trajectory(spec, found.iterations)
    else:
        rows = replay.replay(found, [mistake], np.array([start]), 0, found.iterations - 1).rows[:, :, 0]
    frame = pd.DataFrame(rows, columns=names.quantities(spec))
    frame.insert(0, "iteration", np.arange(len(frame)))
    return frame


def measure(repeats: int) -> list[Row]:
    rows = []
    cases = [("documented", "updated weights backward", start) for start in (0, 5000, 9990)]
    cases.append(("deep-tanh-softmax-adam", "no bias correction", 0))
    for name, which, start in cases:
        found = truth.load(load(examples.spec_path(name)))
        mistake = next(m for m in variants.catalogue(found.spec) if m.name == which)
        frame = mistaken(found, mistake, start)
        extra = []
        for _ in range(repeats):
            started = time.perf_counter()
            verdict = programs.verify_frame(frame, found, diagnose=True)
            diagnosed = time.perf_counter() - started
            started = time.perf_counter()
            programs.verify_frame(frame, found, diagnose=False)
            extra.append(diagnosed - (time.perf_counter() - started))
        from .timing import Stats

        row = Row("verify", f"explaining a failure on {name}, the mistake from iteration {start:,}",
                  "verdict with its diagnosis, less without", number=1,
                  note=f"'{which}' {'named' if verdict.cause is not None else 'NOT named'}").timed(Stats.of(extra))
        if verdict.cause is None or verdict.cause.name != which:
            row.failed(f"the cause found: {verdict.cause}")
        rows.append(row.within(TARGETS[name]))
    rows += _sparse(repeats)
    return rows


def _sparse(repeats: int) -> list[Row]:
    from ..trace import read_text
    from .timing import Stats

    found = truth.load(load(examples.spec_path("documented")))
    which = "updated weights backward"
    mistake = next(m for m in variants.catalogue(found.spec) if m.name == which)
    loss = mistaken(found, mistake, 0)["E_total"].to_numpy()
    printouts = {"the loss every 1,000 iterations, 9 decimals":
                 "".join(f"epoch {k}: loss {e:.9f}\n" for k, e in enumerate(loss) if k % 1000 == 0),
                 "only the last iteration's loss, after the loop": f"final loss: {loss[-1]!r}\n"}
    rows = []
    for what, text in printouts.items():
        printout = read_text(text)
        extra = []
        for _ in range(repeats):
            started = time.perf_counter()
            verdict = programs.verify_printout(printout, found, programs.Options())
            diagnosed = time.perf_counter() - started
            started = time.perf_counter()
            programs.verify_printout(printout, found, programs.Options(diagnose=False))
            extra.append(diagnosed - (time.perf_counter() - started))
        named = verdict.cause is not None and verdict.cause.name == which
        row = Row("verify", f"explaining a failure on documented printed sparsely: {what}",
                  "verdict with its diagnosis, less without", number=1,
                  note=f"'{which}' from iteration 0 {'named' if named else 'NOT named'}").timed(Stats.of(extra))
        rows.append(row.within(TARGETS["documented"]))
    return rows
