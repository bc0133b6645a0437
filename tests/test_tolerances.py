"""The tolerance table against fresh measurements: never below the error, never looser than the margin allows."""

from __future__ import annotations

import pytest

from accuracy import STEP1, measured, supported
from implementations import REGISTRY
from reference import tolerances

OURS = [r for r in tolerances.rows() if r["implementation"] in REGISTRY]
RANDOM = "random-1-step"  # bounds of the property tests, measured by tests/probe_properties.py (minutes)
ROWS = [r for r in OURS if r["example"] != RANDOM]


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



@pytest.mark.parametrize("row", OURS, ids=label)
def test_the_recorded_margin_keeps_the_policy(row):
    recorded, tolerance = int(row["measured_max_ulp"]), int(row["tolerance_ulp"])
    assert recorded <= tolerance <= tolerances.MAX_MARGIN * max(recorded, 1)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_implementation_has_a_property_bound(name):
    assert tolerances.tolerance(name, RANDOM) is not None
