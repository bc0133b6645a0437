"""The Ruby programs' tolerance rows: one per quantity, at least the measured maximum, at most 4x it."""

from __future__ import annotations

import pytest

from reference import tolerances
from reference.names import trajectory_columns
from reference.spec import load


@pytest.mark.parametrize("implementation", ["neuron.rb", "ruby"])
def test_every_quantity_has_an_honest_tolerance(implementation):
    rows = {r["quantity"]: r for r in tolerances.rows()
            if r["implementation"] == implementation and r["example"] == "documented"}
    quantities = [q for q in trajectory_columns(load()) if q != "iteration"]
    assert sorted(rows) == sorted(quantities)
    for quantity, row in rows.items():
        allowed, measured = int(row["tolerance_ulp"]), int(row["measured_max_ulp"])
        assert measured <= allowed <= tolerances.MAX_MARGIN * measured, quantity
