"""The result schema every implementation returns: the golden trajectory's columns, float64 values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import SupportsFloat

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..reference import names
from ..reference.spec import Spec


class OptionError(ValueError):
    """run() was given an option the implementation does not have."""


def refuse_options(name: str, options: Mapping[str, object]) -> None:
    if options:
        raise OptionError(f"{name} has no option {', '.join(options)} (it computes in float64; drop it)")


def trajectory_frame(spec: Spec, rows: np.ndarray | Iterable[Iterable[float]]) -> pd.DataFrame:
    """``rows``: an array, or an iterable of tuples, one row per iteration with the columns of
    names.trajectory_columns after ``iteration`` (which is added here)."""
    columns = names.trajectory_columns(spec)
    if not isinstance(rows, np.ndarray):
        rows = np.fromiter(chain.from_iterable(rows), dtype=np.float64)
    frame = pd.DataFrame(rows.astype(np.float64, copy=False).reshape(-1, len(columns) - 1), columns=columns[1:])
    frame.insert(0, "iteration", np.arange(len(frame), dtype=np.int64))
    return frame


def step1_values(spec: Spec, nets: Sequence[ArrayLike], outs: Sequence[ArrayLike], E_total: SupportsFloat,
                 dE_douts: Sequence[ArrayLike], grad: Iterable[float], theta_new: Iterable[float]) -> dict[str, float]:
    """The step1.csv quantities from arrays, for a network of any depth.

    ``nets``, ``outs`` and ``dE_douts`` hold one array per non-input layer,
    bottom up, each with a row per example and a column per neuron; ``grad``
    holds ΔE/Δp for every weight and bias, ``theta_new`` the trained parameters
    after the update, both in the documented order.
    """
    values: dict[str, SupportsFloat] = {}
    for kind, arrays in (("net", nets), ("out", outs), ("dE_dout", dE_douts)):
        for neurons, array in zip(names.layer_neurons(spec), arrays):
            quantities = names.per_example(spec, [f"{kind}_{n}" for n in neurons])
            values.update(zip(quantities, np.asarray(array, dtype=np.float64).ravel()))
    values["E_total"] = E_total
    values.update((f"dE_d{p}", g) for p, g in zip(names.parameter_names(spec), grad))
    values.update((f"{p}_new", v) for p, v in zip(names.trained_names(spec), theta_new))
    return {name: float(values[name]) for name in names.step1_quantities(spec) if name in values}
