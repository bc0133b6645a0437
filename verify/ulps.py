"""Distances between doubles, said plainly: units in the last place (ULPs) and relative error.

Two doubles are N ULPs apart when N - 1 doubles lie between them (0 means
identical, the sign of zero aside). A distance is never shown as a huge
integer: values of opposite sign, or not finite, are said to be so.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike


def _ordered(x: np.ndarray) -> np.ndarray:
    """Integers in the same order as the doubles, consecutive doubles one apart (+0 and -0 both 0)."""
    i = np.ascontiguousarray(x, dtype=np.float64).view(np.int64).reshape(np.shape(x))
    return np.where(i < 0, np.int64(-2**63) - i, i)


def ulp_distance(expected: ArrayLike, got: ArrayLike) -> np.ndarray:
    """Elementwise distance in float64 ULPs, as float64 (inf where either value is not finite and they differ).

    The difference is taken in int64, exactly: converted to float64 first, the ordered integers (near 2**62)
    would lose the last ten bits, and a difference of a few hundred ULPs could read as 0.
    """
    a, b = np.broadcast_arrays(np.asarray(expected, dtype=np.float64), np.asarray(got, dtype=np.float64))
    ia, ib = _ordered(a), _ordered(b)
    with np.errstate(over="ignore", invalid="ignore"):
        exact = np.abs(ia - ib).astype(np.float64)  # wraps only beyond 2**63
        far = np.abs(ia.astype(np.float64) - ib.astype(np.float64)) >= 2.0**62
    broken = ~(np.isfinite(a) & np.isfinite(b)) & (a != b)
    return np.where(broken, np.inf, np.where(far, np.abs(ia.astype(np.float64) - ib.astype(np.float64)), exact))


def relative_error(expected: ArrayLike, got: ArrayLike) -> np.ndarray:
    a = np.asarray(expected, dtype=np.float64)
    b = np.asarray(got, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a == b, 0.0, np.abs(b - a) / np.abs(a))


def in_ulps(error: float, at: float) -> float:
    """An absolute error as a number of ULPs of ``at``."""
    return error / np.spacing(abs(at)) if at != 0 else math.inf


def describe(expected: float, got: float) -> str:
    """'2,797 ULPs (3.9e-13 relative)', or why a distance makes no sense ('not finite', 'opposite sign')."""
    if not math.isfinite(got):
        return f"not finite ({got})"
    if expected != 0 and got != 0 and (expected < 0) != (got < 0):
        return "opposite sign"
    ulps = float(ulp_distance(expected, got))
    relative = float(relative_error(expected, got))
    return f"{ulps:,.0f} ULPs ({relative:.2g} relative)" if expected != 0 else f"{abs(got):.2g} from zero"
