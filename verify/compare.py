"""Comparison against the truth: distances in ULPs, and the first divergence of a trajectory.

A ULP here is a unit in the last place of float64: two doubles are N ULPs
apart when N - 1 doubles lie between them (0 means identical, the sign of
zero aside). Relative error is |got - expected| / |expected|.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


WORST = np.iinfo(np.int64).max  # the distance reported for NaN, infinity or overflow


def ulp_distance(expected, got) -> np.ndarray:
    """Elementwise distance in float64 ULPs; NaN or infinity (unless equal) counts as WORST."""
    a, b = np.broadcast_arrays(np.asarray(expected, dtype=np.float64), np.asarray(got, dtype=np.float64))
    ia, ib = _ordered(a), _ordered(b)
    with np.errstate(over="ignore"):
        exact = np.abs(ia - ib)  # wraps only when the two are more than 2**62 doubles apart
    far = np.abs(ia.astype(np.float64) - ib.astype(np.float64)) >= 2.0**62
    broken = ~(np.isfinite(a) & np.isfinite(b)) & (a != b)
    return np.where(far | broken, WORST, exact)


def _ordered(x: np.ndarray) -> np.ndarray:
    """Integers in the same order as the doubles, consecutive doubles one apart (+0 and -0 both 0)."""
    i = np.ascontiguousarray(x).view(np.int64).reshape(x.shape)  # ascontiguousarray makes 0-d arrays 1-d
    return np.where(i < 0, np.int64(-2**63) - i, i)


def relative_error(expected, got) -> np.ndarray:
    a = np.asarray(expected, dtype=np.float64)
    b = np.asarray(got, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a == b, 0.0, np.abs(b - a) / np.abs(a))


# pandas 3 parses floats exactly by default (and deprecates the option); pandas 2 needs asking.
_EXACT = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


def read_trajectory(path: str | Path) -> pd.DataFrame:
    """A trajectory CSV with every value read back exactly (round-trip parsing)."""
    return pd.read_csv(path, **_EXACT)


def read_step1(path: str | Path) -> dict[str, float]:
    """step1.csv as float64 values: float() of each 40-digit decimal is the correctly rounded double."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return {row["quantity"]: float(row["value"]) for row in csv.DictReader(handle)}


@dataclass(frozen=True)
class Divergence:
    iteration: int
    quantity: str
    expected: float
    got: float
    ulps: int

    def __str__(self) -> str:
        return (f"iteration {self.iteration}, {self.quantity}: expected {self.expected!r}, "
                f"got {self.got!r} ({describe_ulps(self.ulps)})")


def describe_ulps(ulps: int) -> str:
    """A distance for people: WORST means the two are not even close (opposite signs, NaN, infinity)."""
    return "more than 2**62 ULPs: opposite signs, or not finite" if ulps >= WORST else f"{ulps} ULPs"


@dataclass(frozen=True)
class Comparison:
    """How far an obtained trajectory is from the golden one."""
    values_checked: int
    iterations_checked: int
    max_ulp: int
    max_abs_err: float
    max_rel_err: float
    per_quantity: pd.DataFrame  # index quantity; columns max_ulp, max_rel_err, worst_iteration
    first_divergence: Divergence | None  # first value above the tolerance, in iteration order

    @property
    def passed(self) -> bool:
        return self.first_divergence is None


def compare_trajectory(expected: pd.DataFrame, got: pd.DataFrame,
                       tolerance_ulp: int | Callable[[str], int]) -> Comparison:
    """Compare two trajectories value by value; ``tolerance_ulp`` is one number or a function of the column."""
    columns = [c for c in expected.columns if c != "iteration"]
    missing = [c for c in columns if c not in got.columns]
    if missing:
        raise ValueError(f"the obtained trajectory lacks column {missing[0]!r}")
    if len(got) != len(expected):
        raise ValueError(f"the obtained trajectory has {len(got)} iterations, the golden {len(expected)}")
    a = expected[columns].to_numpy(dtype=np.float64)
    b = got[columns].to_numpy(dtype=np.float64)
    ulps = ulp_distance(a, b)
    rel = relative_error(a, b)
    with np.errstate(invalid="ignore"):
        abs_err = np.abs(b - a)
    worst = ulps.argmax(axis=0)
    per_quantity = pd.DataFrame({"max_ulp": ulps.max(axis=0), "max_rel_err": rel.max(axis=0),
                                 "worst_iteration": expected["iteration"].to_numpy()[worst]},
                                index=pd.Index(columns, name="quantity"))
    limit = np.array([tolerance_ulp(c) if callable(tolerance_ulp) else tolerance_ulp for c in columns])
    over = np.argwhere(ulps > limit)  # row-major: iteration order, then column order
    first = None
    if len(over):
        r, c = over[0]
        first = Divergence(int(expected["iteration"].iloc[r]), columns[c], float(a[r, c]), float(b[r, c]),
                           int(ulps[r, c]))
    return Comparison(values_checked=a.size, iterations_checked=len(a), max_ulp=int(ulps.max()),
                      max_abs_err=float(np.nanmax(abs_err)) if np.isfinite(abs_err).any() else float("inf"),
                      max_rel_err=float(rel.max()), per_quantity=per_quantity, first_divergence=first)
