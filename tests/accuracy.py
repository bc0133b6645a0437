"""Measure each implementation against the goldens: step 1 and the whole trajectory, in ULPs.

Shared by the tests of the implementations and of the tolerance table; every
run is done once per test session (cached), since autograd takes seconds.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np

from implementations import REGISTRY
from reference import tolerances
from reference.__main__ import all_specs
from reference.compare import Comparison, compare_trajectory, read_trajectory, relative_error, ulp_distance
from reference.spec import Spec, load

STEP1 = "/step1"  # suffix of the example key in the tolerance table for step-1 rows

EXAMPLES: dict[str, Path] = {tolerances.example_key(p): p for p in all_specs()}


@cache
def spec(example: str) -> Spec:
    return load(EXAMPLES[example])


def supported() -> list[tuple[str, str]]:
    """Every (implementation, example) pair the implementation says it can run."""
    return [(name, example) for name, impl in REGISTRY.items() for example in EXAMPLES
            if impl.supports(spec(example)) is None]


def tolerance_for(name: str, example: str):
    def of(quantity: str) -> int:
        found = tolerances.tolerance(name, example, quantity)
        if found is None:
            raise LookupError(f"reference/tolerances.csv has no row for {name}, {example}, {quantity}")
        return found
    return of


@cache
def golden_step1(example: str) -> dict[str, float]:
    """step1.csv as float64: float() of the 40-digit decimal is correctly rounded."""
    with (EXAMPLES[example].parent / "step1.csv").open(encoding="utf-8", newline="") as handle:
        return {row["quantity"]: float(row["value"]) for row in csv.DictReader(handle)}


@cache
def step1_errors(name: str, example: str) -> dict[str, tuple[int, float]]:
    """quantity -> (ULPs, relative error) of the implementation's step 1."""
    got = REGISTRY[name].step1(spec(example))
    expected = golden_step1(example)
    quantities = list(got)
    a = np.array([expected[q] for q in quantities])
    b = np.array([got[q] for q in quantities])
    return {q: (int(u), float(r)) for q, u, r in zip(quantities, ulp_distance(a, b), relative_error(a, b))}


@cache
def trajectory(name: str, example: str):
    return REGISTRY[name].run(spec(example))


@cache
def golden_trajectory(example: str):
    return read_trajectory(EXAMPLES[example].parent / "trajectory.csv")


@cache
def trajectory_comparison(name: str, example: str) -> Comparison:
    return compare_trajectory(golden_trajectory(example), trajectory(name, example), tolerance_for(name, example))


def measured(row: dict[str, str]) -> int:
    """Re-measure the maximum error a tolerance row covers (``*``: the columns without a row of their own)."""
    name, example, quantity = row["implementation"], row["example"], row["quantity"]
    if example.endswith(STEP1):
        errors = {q: ulps for q, (ulps, _) in step1_errors(name, example.removesuffix(STEP1)).items()}
    else:
        errors = trajectory_comparison(name, example).per_quantity["max_ulp"].to_dict()
    own = {r["quantity"] for r in tolerances.rows() if r["implementation"] == name and r["example"] == example}
    return int(max(u for q, u in errors.items() if q == quantity or (quantity == "*" and q not in own)))
