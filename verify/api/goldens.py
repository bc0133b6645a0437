"""The truth as DataFrames: ``truth`` reads a spec's goldens (derived once and cached when not shipped),
``derive`` derives them afresh, in memory, and writes the files only where asked.

The reference's ``goldens.render`` is called here and nowhere else in the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...reference import goldens, names, store
from ...reference.spec import Spec
from ..truth import TruthError, load
from .options import iterations_of, precision_of, spec_of

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Goldens:
    """The truth of one spec over ``iterations``.

    ``trajectory``: a row per iteration: the outputs and E_total of the forward pass with the weights the
    iteration starts with, the gradients, and each trained parameter after the update (``w5_new``), every
    value the correctly rounded double. ``envelope``: how far a correct program may be from each value (the
    same shape). ``after``: the outputs and E_total after the last update.
    """
    spec: Spec
    iterations: int
    trajectory: pd.DataFrame
    envelope: pd.DataFrame
    after: dict[str, float]

    def __repr__(self) -> str:
        return f"<Goldens of {self.spec.source}: {self.iterations:,} iterations, {self.trajectory.shape[1] - 1} " \
               "quantities>"


def _table(quantities: list[str], values: np.ndarray) -> pd.DataFrame:
    import pandas as pd  # imported when a table is made: a trace never needs it

    frame = pd.DataFrame(np.array(values, dtype=np.float64), columns=quantities)
    frame.insert(0, "iteration", np.arange(len(frame)))
    return frame


def truth(spec: str | Path | Spec = "documented", *, iterations: int | None = None,
          precision: str = "float64") -> Goldens:
    """The goldens of a shipped example or any spec file (``precision="float32"``: the envelope of a program
    computing in single precision)."""
    spec = spec_of(spec)
    try:
        found = load(spec, iterations_of(spec, iterations), precision_of(precision))
    except TruthError as error:
        raise ValueError(str(error)) from None
    return Goldens(spec, found.iterations, _table(found.quantities, found.trajectory),
                   _table(found.quantities, found.envelope), dict(found.after))


def derive(spec: str | Path | Spec, *, iterations: int | None = None, out: str | Path | None = None) -> Goldens:
    """Derive the truth of a spec afresh (exact arithmetic, then the noise envelope); with ``out``, also write
    its golden files there, all or none (as ``backprop-verify derive --out``)."""
    spec = spec_of(spec)
    iterations = iterations_of(spec, iterations) or spec.iterations
    files = goldens.render(spec, iterations)
    if out is not None:
        store.write(files, Path(out))  # all or none; an OSError of one line when the folder cannot be written
    found = store.from_texts(spec, iterations, files)
    quantities = names.quantities(spec)
    return Goldens(spec, iterations, _table(quantities, found.trajectory), _table(quantities, found.envelope),
                   {name: float(value) for name, value in found.after.items()})
