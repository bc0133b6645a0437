"""The truth a program is compared with: the goldens of a spec, never stale, derived on the fly when missing.

A shipped example's goldens live in its folder under golden/. They record the
fingerprint of the spec and the iteration count they were derived from
(``derivation.csv``); a spec edited since is refused with one line saying how
to regenerate. A spec anywhere else, or a run of another length, is derived on
the fly into a cache outside the repository (``$BACKPROP_VERIFY_CACHE``, else
``~/.cache/backprop-verify``), keyed by the spec's fingerprint and the
iteration count. A run shorter than the goldens uses their first rows: the
trajectory of N iterations is the start of a longer one.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..reference import envelope, evaluate, examples, goldens, names
from ..reference.spec import Spec
from ..reference.writer import WriteError

# pandas 3 parses floats exactly by default (and deprecates the option); pandas 2 needs asking.
_EXACT = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
CACHE_VARIABLE = "BACKPROP_VERIFY_CACHE"
FLOAT32_ENVELOPE = "envelope_float32.csv"


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
    folder: Path

    def column(self, quantity: str) -> int:
        return self.quantities.index(quantity)

    def floor(self, values: np.ndarray) -> np.ndarray:
        """FLOOR_ULPS units in the last place of each true value, in the arithmetic of ``precision``."""
        kind = np.float32 if self.precision == "float32" else np.float64
        return envelope.FLOOR_ULPS * np.spacing(np.abs(values).astype(kind)).astype(np.float64)


def cache_root() -> Path:
    if os.environ.get(CACHE_VARIABLE):
        return Path(os.environ[CACHE_VARIABLE])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "backprop-verify"


def read_trajectory(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, **_EXACT)


def _derivation(folder: Path) -> dict[str, str]:
    path = folder / goldens.DERIVATION
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["key"]: row["value"] for row in csv.DictReader(handle)}


def _stale(spec: Spec, folder: Path) -> str | None:
    """Why the goldens in ``folder`` do not belong to ``spec`` (None when they do)."""
    recorded = _derivation(folder)
    if not recorded:
        return f"{folder} has no {goldens.DERIVATION}"
    if recorded.get("spec_sha256") != spec.fingerprint():
        return f"the goldens in {folder} were derived from another version of {spec.source}"
    if int(recorded.get("iterations", -1)) != spec.iterations:
        return f"the goldens in {folder} hold {recorded.get('iterations')} iterations, the spec {spec.iterations}"
    return None


def _say(message: str, started: list[float]) -> None:
    """Progress on standard error, once a derivation has taken a couple of seconds, then every few seconds."""
    now = time.monotonic()
    if now - started[0] > 2 and now - started[-1] > 5:
        started.append(now)
        print(f"deriving the truth: {message}", file=sys.stderr, flush=True)


def derived_folder(spec: Spec, iterations: int, precision: str = "float64") -> Path:
    """The cache folder of (spec, iterations), derived first if it is not there yet."""
    folder = cache_root() / "goldens" / f"{spec.fingerprint()[:20]}-{iterations}"
    if (folder / goldens.DERIVATION).is_file():
        return folder
    started = [time.monotonic(), 0.0]
    print(f"deriving the truth for {spec.source} over {iterations:,} iterations (cached in {folder}) ...",
          file=sys.stderr, flush=True)
    try:
        goldens.write(goldens.render(spec, iterations, progress=lambda m: _say(m, started)), folder)
    except WriteError as error:
        raise TruthError(f"cannot cache the derived goldens: {error}") from None
    return folder


def check_fresh(spec: Spec) -> None:
    """TruthError when ``spec`` is a shipped example whose goldens were derived from another version of it."""
    name = examples.name_of(spec.source)
    if name is not None:
        why = _stale(spec, examples.folder(name))
        if why:
            raise TruthError(f"{why}: regenerate them with `backprop-verify derive --spec {spec.source}` "
                             "(or `nox -s golden`)")


def golden_folder(spec: Spec, iterations: int) -> Path:
    """Where the goldens of ``spec`` over ``iterations`` are, deriving them into the cache when needed."""
    check_fresh(spec)
    name = examples.name_of(spec.source)
    if name is not None and iterations <= spec.iterations:
        return examples.folder(name)
    return derived_folder(spec, iterations)


def _envelope(folder: Path, file: str, rows: int, quantities: list[str]) -> np.ndarray:
    table = pd.read_csv(folder / file)
    out = np.empty((rows, len(quantities)))
    first, last = table.first_iteration.to_numpy(), table.last_iteration.to_numpy()
    values = table[quantities].to_numpy(dtype=np.float64)
    for k in range(len(table)):
        if first[k] >= rows:
            break
        out[first[k]:min(last[k], rows - 1) + 1] = values[k]
    return out


def float32_envelope(spec: Spec, folder: Path, truth: np.ndarray) -> str:
    """The float32 envelope's file in ``folder`` (computed and cached on first use)."""
    if (folder / FLOAT32_ENVELOPE).is_file():
        return FLOAT32_ENVELOPE
    target = cache_root() / "envelopes" / f"{spec.fingerprint()[:20]}-{len(truth)}"
    if not (target / FLOAT32_ENVELOPE).is_file():
        print(f"computing the float32 envelope of {spec.source} (cached in {target}) ...", file=sys.stderr,
              flush=True)
        text = envelope.render(spec, truth, "float32")
        goldens.write({FLOAT32_ENVELOPE: text}, target)
    return str(target / FLOAT32_ENVELOPE)


def compute(spec: Spec, iterations: int, precision: str = "float64") -> Truth:
    """The truth of a short run, derived in memory and not cached (for property tests and quick checks)."""
    values, after = evaluate.trajectory(spec, iterations)
    spreads = envelope.spread(spec, values, precision)
    bound = np.empty_like(values)
    for first, last, row in envelope.envelope(spreads):
        bound[first:last + 1] = row
    return Truth(spec, iterations, names.quantities(spec), values, {q: float(v) for q, v in after.items()}, bound,
                 precision, Path(spec.source).parent)


def load(spec: Spec, iterations: int | None = None, precision: str = "float64") -> Truth:
    """The truth of ``spec`` over ``iterations`` (default: the spec's), for a program computing in ``precision``.

    Read once per process for as long as the files stay as they are (their sizes and times are the key):
    a report or a test run compares many programs with the same goldens.
    """
    iterations = iterations or spec.iterations
    folder = golden_folder(spec, iterations)
    stamps = tuple((p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.csv")))
    return _read(spec, iterations, precision, folder, stamps)


@lru_cache(maxsize=16)
def _read(spec: Spec, iterations: int, precision: str, folder: Path, stamps: tuple) -> Truth:
    quantities = names.quantities(spec)
    try:
        table = read_trajectory(folder / "trajectory.csv")
        full = table[quantities].to_numpy(dtype=np.float64)
        with (folder / "after_training.csv").open(encoding="utf-8", newline="") as handle:
            after_full = {row["quantity"]: float(row["value"]) for row in csv.DictReader(handle)}
    except (OSError, KeyError, ValueError) as error:
        raise TruthError(f"the goldens in {folder} cannot be read ({error}): regenerate them with "
                         f"`backprop-verify derive --spec {spec.source}`") from None
    if iterations < len(full):
        forward = names.forward_quantities(spec)
        after = {q: float(full[iterations, quantities.index(q)]) for q in forward}
    else:
        after = after_full
    trajectory = full[:iterations]
    file = "envelope.csv" if precision == "float64" else float32_envelope(spec, folder, trajectory)
    bound = _envelope(folder, file, iterations, quantities)
    for array in (trajectory, bound):
        array.flags.writeable = False  # shared by every caller of load()
    return Truth(spec, iterations, quantities, trajectory, after, bound, precision, folder)
