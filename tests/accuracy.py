"""Measure each implementation against the goldens: step 1 and the whole trajectory, in ULPs.

The Python implementations run in process; the Ruby programs (``ruby``, and
``neuron.rb`` when the original can be had) through their bridges.

Shared by the tests of the implementations and of the tolerance table; every
run is done once per test session (cached), since autograd takes seconds.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

from implementations import REGISTRY, neuron_rb
from implementations.ruby_bridge import verify_project_ruby
from reference import tolerances
from reference.__main__ import all_specs
from reference.compare import Comparison, compare_trajectory, read_step1, read_trajectory, relative_error, \
    ulp_distance
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


@cache
def golden_step1(example: str) -> dict[str, float]:
    return read_step1(EXAMPLES[example].parent / "step1.csv")


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
    return compare_trajectory(golden_trajectory(example), trajectory(name, example), tolerances.limits(name, example))


def covered_max(row: dict[str, str], errors: dict[str, int]) -> int:
    """The largest of ``errors`` (quantity -> ULPs) that the row covers (``*``: the quantities without a row of their own)."""
    name, example, quantity = row["implementation"], row["example"], row["quantity"]
    own = {r["quantity"] for r in tolerances.rows() if r["implementation"] == name and r["example"] == example}
    return int(max(error for q, error in errors.items() if q == quantity or (quantity == "*" and q not in own)))


def measured(row: dict[str, str]) -> int:
    """Re-measure the maximum error a tolerance row covers."""
    name, example = row["implementation"], row["example"]
    if example.endswith(STEP1):
        return covered_max(row, {q: u for q, (u, _) in step1_errors(name, example.removesuffix(STEP1)).items()})
    return covered_max(row, trajectory_comparison(name, example).per_quantity["max_ulp"].to_dict())


@cache
def ruby_errors(name: str, example: str) -> dict[str, int] | str:
    """quantity -> ULPs of a Ruby program's trace, or why it could not be measured (a one-line reason)."""
    if name == "ruby":
        verdict = verify_project_ruby(EXAMPLES[example])
    elif name == neuron_rb.IMPLEMENTATION and example == "documented":
        verdict = neuron_rb.verify_neuron_rb()
        if verdict.kind == "unavailable":
            return f"Neuron.rb is not available, its rows were not re-measured: {verdict.reason}"
    else:
        raise LookupError(f"reference/tolerances.csv has rows for {name!r}, {example!r}, which no bridge can run")
    if verdict.comparison is None:
        raise LookupError(f"{name} could not be measured: {verdict.reason}")
    return verdict.comparison.per_quantity["max_ulp"].astype(int).to_dict()


def ruby_measured(row: dict[str, str]) -> int:
    """Like ``measured``, for a Ruby program's row; skips the test when Neuron.rb cannot be had."""
    errors = ruby_errors(row["implementation"], row["example"])
    if isinstance(errors, str):
        pytest.skip(errors)
    return covered_max(row, errors)
