"""ULP distances against an independent count: stepping with numpy.nextafter."""

from __future__ import annotations

import numpy as np
import pytest

from reference.compare import WORST, Divergence, ulp_distance


def step(x: float, k: int) -> float:
    for _ in range(abs(k)):
        x = np.nextafter(x, np.inf if k > 0 else -np.inf)
    return float(x)


@pytest.mark.parametrize("x", [1.0, 0.1, -3.5, 5e-324, 2.0**-1022, 1e300])
@pytest.mark.parametrize("k", [0, 1, 7, -5, 100])
def test_distance_counts_the_doubles_between(x, k):
    assert ulp_distance(x, step(x, k)) == abs(k)


def test_distance_across_zero_counts_both_sides():
    assert ulp_distance(-5e-324, 5e-324) == 2
    assert ulp_distance(0.0, -0.0) == 0


def test_scalars_give_scalars():
    assert np.shape(ulp_distance(1.0, 2.0)) == ()


@pytest.mark.parametrize("got", [np.nan, np.inf, -0.25])
def test_nan_infinity_and_far_values_are_worst(got):
    assert ulp_distance(0.25, got) == WORST
    assert "more than 2**62" in str(Divergence(0, "w1_new", 0.25, got, int(ulp_distance(0.25, got))))
