"""Values a program holds, as the lines a program would print: one ``name: value, ...`` line per row.

A table is verified by what it would print: every value as Python's ``repr``
of its double (the shortest text that reads back as the very same double),
so that nothing is lost on the way and the same reading, comparison and
explanation judge it as they judge a printed trace. A column whose values
were rounded before they were recorded is judged at the digits they keep,
as a printed one would be.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

LABELS = ("iteration", "epoch", "step", "iter")


def number_text(value: object, name: str) -> str:
    """A number as the shortest text of its double (a whole number as itself, as labels are); a short sequence of
    numbers as a list of them."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return str(int(value))
    detach = getattr(value, "detach", None)
    if callable(detach):  # a tensor, perhaps requiring grad
        value = detach().cpu().numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: {value!r} is not a number (log numbers, or lists of numbers)") from None
    if array.ndim == 0:
        return repr(float(array))
    if array.ndim == 1:
        return "[" + ", ".join(repr(float(v)) for v in array) + "]"
    raise ValueError(f"{name}: an array of shape {array.shape}; log numbers, or one list of numbers a name")


def line_of(values: Mapping[str, object]) -> str:
    """One row as the line a program would print: ``iteration: 3, E_total: 0.28..., w5: 0.27...``."""
    parts = []
    for name, value in values.items():
        if not isinstance(name, str) or not name.strip() or any(c in name for c in ",:\n\r"):
            raise ValueError(f"{name!r} cannot name a value: use a name without commas, colons or line breaks")
        parts.append(f"{name}: {number_text(value, name)}")
    return ", ".join(parts)


def _length(name: object, values: object) -> int:
    if isinstance(values, str) or not hasattr(values, "__len__"):
        raise ValueError(f"column {name!r}: give a list or an array of values, one per iteration (got "
                         f"{type(values).__name__})")
    return len(values)


def _frame(table: Any) -> pd.DataFrame:
    import pandas as pd  # imported when a table is given: a trace never needs it

    if isinstance(table, pd.DataFrame):
        frame = table
        if frame.index.name in LABELS:
            frame = frame.reset_index()
    elif isinstance(table, Mapping):
        lengths = {name: _length(name, values) for name, values in table.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError("the columns differ in length (" + ", ".join(f"{n}: {k:,}" for n, k in lengths.items())
                             + "): give one value per iteration in each, or log with bv.Recorder")
        frame = pd.DataFrame({name: list(values) for name, values in table.items()})
    else:
        raise TypeError(f"verify() takes a dict of columns or a DataFrame, not {type(table).__name__} (printed "
                        "text: verify_text)")
    if frame.empty:
        raise ValueError("the table is empty: nothing to verify")
    if not any(str(name).lower() in LABELS for name in frame.columns):
        # a row per iteration, from 0, as the docstring of verify() promises: said, not left to be inferred
        frame = frame.copy()
        frame.insert(0, "iteration", np.arange(len(frame)))
    return frame


def _no_gaps(frame: pd.DataFrame) -> None:
    """A NaN before a number in the same column is a value never logged (a DataFrame of rows logged now and
    then), not one a program computed: such a table cannot be verified as it is. NaN to the end is kept: it is
    what a diverging program computes, and fails."""
    for name in frame.columns:
        try:
            values = frame[name].to_numpy(dtype=np.float64)
        except (TypeError, ValueError):
            continue  # lists in a column, or words: told apart row by row
        missing = np.isnan(values)
        later = np.flatnonzero(~missing)
        if len(later) and missing[:later[-1]].any():
            row = int(np.argmax(missing))
            raise ValueError(f"column {name!r} has no value at row {row:,} but has one later: values logged now and "
                             "then are verified with bv.Recorder, or drop the rows without them")


def table_lines(table: Any) -> Iterable[str]:
    """A dict of columns or a DataFrame, a row per iteration, as printed lines."""
    frame = _frame(table)
    _no_gaps(frame)
    names = [str(c) for c in frame.columns]
    for row in frame.itertuples(index=False, name=None):
        yield line_of(dict(zip(names, row)))
