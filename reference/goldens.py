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
import json
from collections.abc import Callable, Sequence

import mpmath
import numpy as np

from . import envelope, evaluate, identities, layers, local_identities, names, store
from .background import Background
from .evaluate import STEP1_BITS, TRAJECTORY_BITS, as_mpf
from .network import Network
from .quantities import step1 as step1_quantities
from .spec import Spec
from .store import DERIVATION, FILES, Progress, write  # noqa: F401 - the callers of render write what it gives

STEP1_DIGITS = 40
FINAL_DIGITS = 30


def _csv(rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def decimal(value: object, digits: int = STEP1_DIGITS) -> str:
    text: str = mpmath.nstr(value, digits, strip_zeros=False, min_fixed=-6, max_fixed=6)
    return text


def render_step1(spec: Spec) -> str:
    rows = [["quantity", "value", "symbol", "description"]]
    with mpmath.workprec(STEP1_BITS):
        rows += [[q.name, decimal(q.value), q.symbol, q.description] for q in step1_quantities(spec)]
    return _csv(rows)


def render_trajectory(spec: Spec, values: np.ndarray) -> str:
    rows: list[Sequence[object]] = [names.trajectory_columns(spec)]
    rows += [[k, *map(repr, row.tolist())] for k, row in enumerate(values)]
    return _csv(rows)


def render_after(after: dict[str, object], iterations: int) -> str:
    rows: list[Sequence[object]] = [["quantity", "value", "iteration", "description"]]
    with mpmath.workprec(TRAJECTORY_BITS):
        rows += [[name, decimal(as_mpf(v), FINAL_DIGITS), iterations, f"after {iterations} updates"]
                 for name, v in after.items()]
    return _csv(rows)


PER_WEIGHT_MOST = 24  # weights up to which the notes' formulas are checked at every weight


def per_weight(spec: Spec) -> bool:
    """Whether the notes' formulas are checked at every neuron, weight and example (the notes' family, small
    networks), rather than the layer-local closed forms once per kind of layer, activation and loss."""
    return spec.is_notes_family and len(spec.weights) <= PER_WEIGHT_MOST


def identities_checked(spec: Spec) -> str:
    """What notes_identities.csv holds, and how it was decided: a line of derivation.csv."""
    if per_weight(spec):
        return ("the notes' formulas at every neuron, weight and example, each a symbolic identity decided by SymPy "
                "(the method of each is in its row)")
    why = (f"the notes' network beyond {PER_WEIGHT_MOST} weights: its formulas at every weight are these closed "
           "forms composed by the chain rule" if spec.is_notes_family else "beyond the notes' family")
    return (f"the layer-local closed forms once per kind of layer, activation and loss, each a symbolic identity "
            f"decided by SymPy ({why})")


def identities_key(spec: Spec) -> str:
    """What the notes' formulas and their verdicts depend on (the network's shape, loss, optimizer and examples,
    not the parameters' values, the learning rate nor the run's length), as a SHA-256."""
    data = [spec.layers, spec.activations, spec.loss, spec.bias_mode, spec.train_biases, spec.reduction,
            spec.optimizer, [[e.inputs, e.targets] for e in spec.examples], PER_WEIGHT_MOST]
    return store.sha256(json.dumps(data, default=lambda d: str(d.normalize()), separators=(",", ":")))


def render_identities(spec: Spec) -> str:
    found = identities.check(Network(spec)) if per_weight(spec) else local_identities.check(spec)
    rows = [["formula", "where", "holds", "method", "difference_at_example"]]
    rows += [[v.formula, v.label, "true" if v.holds else "false", v.method,
              "0" if v.holds else f"{v.difference_at_example:.6g}"] for v in found]
    return _csv(rows)


LONG = 1_000_000  # values of a trajectory from which a derivation takes long enough to say what it does
PARALLEL = 20_000  # values from which the envelope's samples run on the second core, beside the exact trajectory


def render(spec: Spec, iterations: int | None = None, progress: Progress | None = None,
           known_identities: tuple[str, str] | None = None) -> dict[str, str]:
    """The text of every golden file of ``spec`` (over ``iterations``, by default the spec's), by file name.

    The Monte Carlo samples of the envelope run in a second process while this one derives the exact
    trajectory, step 1 and the notes' formulas (reference/background.py). ``known_identities``: the text
    of notes_identities.csv and where it was found, when it is known already (the same ``identities_key``,
    reference/store.py). ``progress`` hears of long work only (a trajectory of ``LONG`` values or more): its
    start, then about every tenth of it; this module prints nothing itself.
    """
    iterations = iterations or spec.iterations
    width = len(names.quantities(spec))
    long = progress is not None and iterations * width >= LONG
    say: Progress = progress if long and progress is not None else (lambda message: None)
    say(f"{spec.name}: deriving {iterations:,} iterations ...")
    every = max(1000, iterations // 10 // 1000 * 1000)

    def report(stage: str) -> Callable[[int], None]:
        return lambda i: say(f"{spec.name}: {stage}: iteration {i:,} of {iterations:,}") if i and i % every == 0 \
            else None

    samples = None
    if iterations * width >= PARALLEL:
        layers.prepare(spec.activations, spec.layers, spec.loss)
        samples = Background(lambda out: envelope.extremes(spec, iterations, out=out), (2, iterations, width))
    try:
        files = {store.STEP1: render_step1(spec)}
        values, after = evaluate.trajectory(spec, iterations, progress=report("trajectory"))
        files[store.TRAJECTORY] = render_trajectory(spec, values)
        files[store.AFTER] = render_after(after, iterations)
        files[store.IDENTITIES] = known_identities[0] if known_identities else render_identities(spec)
        if samples is not None:
            say(f"{spec.name}: the envelope's samples ...")
            bounds = samples.result()
        else:
            bounds = envelope.extremes(spec, iterations, progress=report("envelope"))
    finally:
        if samples is not None:
            samples.cancel()
    files[store.ENVELOPE] = envelope.render(spec, values, bounds=bounds)
    notes = [("identities_key", identities_key(spec)), ("identities_checked", identities_checked(spec))]
    if known_identities:
        notes.append(("identities_from", known_identities[1]))
    files[DERIVATION] = store.derivation(spec, iterations, files, notes)
    return files
