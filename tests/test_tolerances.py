"""The tolerance table against fresh measurements: never below the error, never looser than the margin allows."""

from __future__ import annotations

import pytest

from accuracy import STEP1, measured, supported
from implementations import REGISTRY
from reference import tolerances

ROWS = [r for r in tolerances.rows() if r["implementation"] in REGISTRY]


def label(row: dict[str, str]) -> str:
    return f"{row['implementation']}/{row['example']}/{row['quantity']}"


@pytest.mark.parametrize("name,example", supported())
@pytest.mark.parametrize("suffix", ["", STEP1])
def test_every_supported_run_has_a_tolerance(name, example, suffix):
    assert tolerances.tolerance(name, example + suffix, "*") is not None


@pytest.mark.parametrize("row", ROWS, ids=label)
def test_tolerance_is_set_from_the_measured_error(row):
    error = measured(row)
    tolerance = int(row["tolerance_ulp"])
    assert error <= tolerance, f"{label(row)}: measured {error} ULPs, above the tolerance {tolerance}"
    assert tolerance <= tolerances.MAX_MARGIN * max(error, 1), \
        f"{label(row)}: tolerance {tolerance} is looser than {tolerances.MAX_MARGIN}x the measured {error} ULPs"

