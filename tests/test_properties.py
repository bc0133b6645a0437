"""Random valid specs: every implementation agrees with the reference for one step.

Specs are generated as TOML text from drawn numbers (weights and biases in
[-3, 3], inputs in [-1, 1], targets in (0, 1), learning rate in (0, 2]) over a
few shapes, then read by the same loader as the examples.

The bound: a gradient is a sum of terms of either sign, so a gradient that
nearly cancels is not known to a few ULPs of itself by any float64 method; the
same holds for a parameter that its update nearly cancels. Each value is
therefore measured in ULPs of the largest magnitude of its kind in the same
row (outputs, loss, gradients, updated parameters): a norm-wise bound.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from implementations import REGISTRY
from reference import names, tolerances
from reference.evaluate import trajectory
from reference.network import Network
from reference.spec import Spec, loads

EXAMPLE = "random-1-step"  # the bounds' rows in reference/tolerances.csv (measured by tests/probe_properties.py)

SHAPES = [  # layers, biases, train_biases, examples, reduction
    ((2, 2, 2), "shared", False, 1, "sum"),
    ((3, 4, 2), "per_neuron", True, 2, "mean"),
    ((1, 3, 1), "shared", True, 3, "sum"),
    ((2, 3, 2), "per_neuron", False, 2, "sum"),
]


def numbers(low: float, high: float, size: int, exclude_ends: bool = False):
    return st.lists(st.floats(low, high, exclude_min=exclude_ends, exclude_max=exclude_ends),
                    min_size=size, max_size=size)


def toml_list(values) -> str:
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


@st.composite
def specs(draw, shapes=tuple(SHAPES)) -> Spec:
    (n_in, n_hid, n_out), biases, train, n_examples, reduction = draw(st.sampled_from(shapes))
    n_bias = (lambda n: 1) if biases == "shared" else (lambda n: n)
    rate = draw(st.floats(0, 2, exclude_min=True))
    lines = ['name = "random"', "[network]", f"layers = [{n_in}, {n_hid}, {n_out}]",
             'activation = "sigmoid"', 'loss = "half_squared_error"', f'biases = "{biases}"',
             f"train_biases = {str(train).lower()}",
             "[training]", f"learning_rate = {rate!r}", "iterations = 1", f'reduction = "{reduction}"']
    for _ in range(n_examples):
        lines += ["[[examples]]", f"inputs = {toml_list(draw(numbers(-1, 1, n_in)))}",
                  f"targets = {toml_list(draw(numbers(0, 1, n_out, exclude_ends=True)))}"]
    hidden = [toml_list(draw(numbers(-3, 3, n_in))) for _ in range(n_hid)]
    output = [toml_list(draw(numbers(-3, 3, n_hid))) for _ in range(n_out)]
    lines += ["[weights]", f"hidden = [{', '.join(hidden)}]", f"output = [{', '.join(output)}]",
              "[biases]", f"hidden = {toml_list(draw(numbers(-3, 3, n_bias(n_hid))))}",
              f"output = {toml_list(draw(numbers(-3, 3, n_bias(n_out))))}"]
    return loads("\n".join(lines) + "\n", source="<random spec>")


def kinds(spec: Spec) -> list[list[str]]:
    """The columns of a trajectory grouped by kind."""
    trained = names.trained_names(spec)
    return [names.per_example(spec, [f"out_{o}" for o in names.outputs(spec)]), ["E_total"],
            [f"dE_d{p}" for p in trained], [f"{p}_new" for p in trained]]


def normwise_ulps(spec: Spec, expected: dict[str, float], got) -> dict[str, float]:
    """|got - expected| in ULPs of the largest |expected| of the same kind."""
    errors = {}
    for kind in kinds(spec):
        unit = np.spacing(max(abs(expected[c]) for c in kind))
        errors.update({c: abs(float(got[c]) - expected[c]) / unit for c in kind} if unit > 0
                      else {c: 0.0 if float(got[c]) == expected[c] else np.inf for c in kind})
    return errors


def reference_step(spec: Spec) -> dict[str, float]:
    row = next(trajectory(Network(spec), 1))
    return dict(zip(names.trajectory_columns(spec)[1:], map(float, row[1:])))


def check_one_step(spec: Spec) -> list[str]:
    """Assert every implementation that supports ``spec`` is within its bound; returns their names."""
    expected = reference_step(spec)  # built once per spec: the SymPy reference is the slow part
    checked = []
    for name, implementation in REGISTRY.items():
        if implementation.supports(spec) is not None:
            assert name == "loop" and not spec.is_documented_shape
            continue
        errors = normwise_ulps(spec, expected, implementation.run(spec, 1).iloc[0])
        worst = max(errors, key=errors.get)
        bound = tolerances.tolerance(name, EXAMPLE)
        assert errors[worst] <= bound, f"{name}: {worst} is {errors[worst]:.1f} ULPs off (bound {bound})"
        checked.append(name)
    return checked


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs())
def test_one_step_agrees_with_the_reference(spec):
    assert {"vectorized", "autograd"} <= set(check_one_step(spec))


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs(shapes=(SHAPES[0],)))
def test_one_step_of_the_notes_shape_agrees_for_all_three(spec):
    assert check_one_step(spec) == list(REGISTRY)
