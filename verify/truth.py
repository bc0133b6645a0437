"""The truth a program is compared with: the goldens of a spec, never stale, derived on the fly when missing.

A shipped example's goldens live in its folder under golden/; they record the
fingerprint of the spec and the iteration count they were derived from, and
the hash of every file. Goldens that fail a check (a spec edited since, a
file edited or damaged) are refused with one line saying how to regenerate
them. A spec anywhere else, or a run longer than the spec's, is derived on
the fly into the cache (reference/store.py). A run shorter than the goldens
uses their first rows: the trajectory of N iterations is the start of a
longer one.

Every file is read through the golden store, once per process for as long as
it stays as it is; the ``Truth`` is handed on from there (to the comparison,
the diagnosis, the report and the benchmarks). Progress and notices reach the
caller through one callback: ``load(..., progress=...)``, or the one the
command line installs for the whole command with ``reporting``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, SupportsFloat, cast

import numpy as np

from ..reference import envelope, evaluate, goldens, names, store
from ..reference.spec import Spec

if TYPE_CHECKING:
    import pandas as pd

CACHE_VARIABLE = store.CACHE_VARIABLE
Progress = Callable[[str], None]

_reporting: ContextVar[Progress | None] = ContextVar("progress", default=None)


class TruthError(Exception):
    """Goldens that cannot be trusted or read; one line saying how to fix it."""


@dataclass(frozen=True)
class Truth:
    """The goldens of one spec over ``iterations``: the values, and how far a correct program may be from them."""
    spec: Spec
    iterations: int
    quantities: list[str]
    trajectory: np.ndarray  # a row per iteration, a column per quantity (correctly rounded float64)
    after: dict[str, float]  # outputs and E_total after the last update
    envelope: np.ndarray  # absolute, same shape as trajectory
    precision: str  # "float64" or "float32"
    folder: Path | None  # where the goldens were read from; None when derived in memory
    step1: tuple[Mapping[str, str], ...] = ()  # every quantity of iteration 0: quantity, value (exact, 40 digits),
                                               # symbol, description
    after_exact: Mapping[str, str] = field(default_factory=dict)  # ``after`` as the goldens write it
    identities: tuple[Mapping[str, str], ...] = ()  # the notes' formulas and their verdicts

    def column(self, quantity: str) -> int:
        return self.quantities.index(quantity)

    def floor(self, values: np.ndarray) -> np.ndarray:
        """FLOOR_ULPS units in the last place of each true value, in the arithmetic of ``precision``."""
        kind = np.float32 if self.precision == "float32" else np.float64
        return np.asarray(envelope.FLOOR_ULPS * np.spacing(np.abs(values).astype(kind)), dtype=np.float64)


@contextmanager
def reporting(progress: Progress | None) -> Iterator[None]:
    """Within the block, progress and notices of every ``load`` go to ``progress`` (the command line's printer)."""
    token = _reporting.set(progress)
    try:
        yield
    finally:
        _reporting.reset(token)


def read_trajectory(path: Path) -> pd.DataFrame:
    """A trajectory file given by path, its floats parsed exactly (for programs' output files and tests)."""
    import pandas as pd  # not on the way of a trace: importing pandas costs a fifth of a second

    # pandas 3 parses floats exactly by default (and deprecates the option); pandas 2 needs asking
    exact = int(pd.__version__.split(".")[0]) >= 3
    return pd.read_csv(path) if exact else pd.read_csv(path, float_precision="round_trip")


def _regenerate(spec: Spec) -> str:
    return f"regenerate them with `backprop-verify derive --spec {spec.source}` (or `nox -s golden`)"


def _shipped(spec: Spec) -> store.Goldens:
    try:
        return store.shipped(spec)
    except store.GoldenError as error:
        raise TruthError(f"{error}: {_regenerate(spec)}") from None


def check_fresh(spec: Spec) -> None:
    """TruthError when ``spec`` is a shipped example whose goldens fail a check (derived from another version of
    it, edited, damaged). What is read is kept: the ``load`` that follows reads nothing again."""
    if spec.example is not None:
        _shipped(spec)


def _goldens(spec: Spec, iterations: int, progress: Progress | None) -> store.Goldens:
    if spec.example is not None:
        found = _shipped(spec)
        if iterations <= spec.iterations:
            return found
    def render() -> dict[str, str]:
        return goldens.render(spec, iterations, progress, store.known_identities(goldens.identities_key(spec)))
    try:
        return store.cached(spec, iterations, render, progress)
    except evaluate.OutOfRange as error:
        raise TruthError(f"spec {spec.source}: {error}") from None
    except store.GoldenError as error:  # what the reference derived fails a check: a bug, said in one line
        raise TruthError(f"the derived goldens of {spec.source} fail a check: {error}") from None


_memo: OrderedDict[tuple[object, ...], tuple[store.Goldens, Truth]] = OrderedDict()


def load(spec: Spec, iterations: int | None = None, precision: str = "float64",
         progress: Progress | None = None) -> Truth:
    """The truth of ``spec`` over ``iterations`` (default: the spec's), for a program computing in ``precision``.

    Read once per process for as long as the files stay as they are: a report or a test run compares many
    programs with the same goldens.
    """
    iterations = iterations or spec.iterations
    progress = progress or _reporting.get()
    found = _goldens(spec, iterations, progress)
    key = (spec, iterations, precision, id(found))
    if key in _memo:
        return _memo[key][1]
    truth = _truth(spec, iterations, precision, found, progress)
    _memo[key] = (found, truth)  # the goldens kept with it, so that their id is not reused
    while len(_memo) > store.MEMO:
        _memo.popitem(last=False)
    return truth


def _truth(spec: Spec, iterations: int, precision: str, found: store.Goldens, progress: Progress | None) -> Truth:
    quantities = names.quantities(spec)
    forward = names.forward_quantities(spec)
    trajectory = found.trajectory[:iterations]
    if iterations < found.iterations:
        after = {q: float(found.trajectory[iterations, quantities.index(q)]) for q in forward}
        after_exact = {q: repr(v) for q, v in after.items()}
    else:
        after, after_exact = {q: float(v) for q, v in found.after.items()}, found.after
    if precision == "float64":
        bound = found.envelope[:iterations]
    else:
        bound = store.float32_envelope(spec, iterations, lambda: envelope.render(spec, trajectory, "float32"),
                                       progress)
        bound.flags.writeable = False
    return Truth(spec, iterations, quantities, trajectory, after, bound, precision, found.folder, found.step1,
                 after_exact, found.identities)


def compute(spec: Spec, iterations: int, precision: str = "float64") -> Truth:
    """The truth of a short run, derived in memory and not cached (for property tests and quick checks)."""
    values, after = evaluate.trajectory(spec, iterations)
    spreads = envelope.spread(spec, values, precision)
    bound = np.empty_like(values)
    for first, last, row in envelope.envelope(spreads):
        bound[first:last + 1] = row
    final = {q: float(cast(SupportsFloat, v)) for q, v in after.items()}
    return Truth(spec, iterations, names.quantities(spec), values, final, bound, precision, None)
