"""Every row of reference/tolerances.csv is re-measured: at least the error found, at most MAX_MARGIN times it.

The error of a row is the largest distance, in ULPs, between the golden
trajectory and what the implementation prints for that quantity (for ``*``,
for every quantity without a row of its own). Python implementations run
through REGISTRY, ``ruby`` through the bridge, ``neuron.rb`` when the original
can be had (skipped with the reason otherwise).
"""

from __future__ import annotations

from functools import cache

import pytest

from implementations import REGISTRY, neuron_rb
from implementations.ruby_bridge import verify_project_ruby
from reference import tolerances
from reference.compare import compare_trajectory, read_trajectory
from reference.spec import DEFAULT_SPEC, load

from .conftest import GOLDEN

ROWS = tolerances.rows()


def spec_path(example: str):
    return DEFAULT_SPEC if example == "documented" else GOLDEN / example / "example.toml"


@cache
def measured(implementation: str, example: str) -> dict[str, int]:
    """Quantity -> the implementation's largest error in ULPs on the example, run afresh."""
    path = spec_path(example)
    if implementation in REGISTRY:
        got = REGISTRY[implementation].run(load(path))
        comparison = compare_trajectory(read_trajectory(path.parent / "trajectory.csv"), got, 0)
    else:
        comparison = run_ruby(implementation, path).comparison
    return comparison.per_quantity["max_ulp"].astype(int).to_dict()


def run_ruby(implementation: str, path):
    if implementation == "ruby":
        verdict = verify_project_ruby(path)
    elif implementation == neuron_rb.IMPLEMENTATION:
        try:
            original = neuron_rb.locate(timeout=10)
        except neuron_rb.Unavailable as why:
            pytest.skip(f"Neuron.rb is not available, its rows were not re-measured: {why}")
        verdict = neuron_rb.verify_ruby(original.path, implementation)
    else:
        pytest.fail(f"tolerances.csv has rows for {implementation!r}, which this test cannot run: teach it how")
    if verdict.comparison is None:
        pytest.fail(f"{implementation} could not be measured: {verdict.reason}")
    return verdict


def row_error(row: dict[str, str]) -> int:
    errors = measured(row["implementation"], row["example"])
    if row["quantity"] != "*":
        return errors[row["quantity"]]
    own = {r["quantity"] for r in ROWS if (r["implementation"], r["example"]) == (row["implementation"], row["example"])}
    return max(error for quantity, error in errors.items() if quantity not in own)


PARAMS = [pytest.param(row, id=f"{row['implementation']}-{row['example']}-{row['quantity']}",
                       marks=() if row["implementation"] in REGISTRY else pytest.mark.ruby) for row in ROWS]


@pytest.mark.parametrize("row", PARAMS)
def test_the_tolerance_is_at_least_the_error_and_at_most_max_margin_times_it(row):
    error, tolerance = row_error(row), int(row["tolerance_ulp"])
    where = f"{row['implementation']}, {row['example']}, {row['quantity']}: tolerance {tolerance} ULPs, measured {error}"
    assert tolerance >= error, f"{where}: the tolerance is below the error (the implementation would fail)"
    assert tolerance <= tolerances.MAX_MARGIN * error, f"{where}: looser than {tolerances.MAX_MARGIN}x the error"
