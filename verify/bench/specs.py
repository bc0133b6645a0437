"""Specs the benchmark makes: fully connected sigmoid networks of any shape, as TOML text read by the spec reader.

Weights, biases, inputs and targets are drawn from a seeded generator and
written with four significant digits (the documented example's numbers are
never used here). Biases are per neuron and trained, so one step moves every
parameter; the spec reader validates the text as it would a user's file.
"""

from __future__ import annotations

import numpy as np

from ...reference.spec import Spec, loads

DIGITS = 4


def parameters(layers: tuple[int, ...]) -> int:
    """Weights and biases (one per neuron) of a fully connected network of these layer sizes."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(layers, layers[1:], strict=False))


def step_flops(layers: tuple[int, ...], batch: int) -> int:
    """The conventional count for one forward and backward pass: 6 flops per parameter per example."""
    return 6 * batch * parameters(layers)


def _array(values: np.ndarray) -> str:
    """A TOML array of numbers (nested for a matrix)."""
    if values.ndim > 1:
        return "[" + ",\n ".join(_array(row) for row in values) + "]"
    return "[" + ", ".join(f"{v:.{DIGITS}g}" for v in values.tolist()) + "]"


def network_toml(layers: tuple[int, ...], batch: int = 1, iterations: int = 1, seed: int = 0) -> str:
    """The spec file of a sigmoid network of ``layers``, trained on ``batch`` examples (mean loss) by SGD."""
    generator = np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in zip(layers, layers[1:], strict=False):
        scale = 1.0 / np.sqrt(n_in)  # keeps the sigmoids away from saturation at every width
        weights.append(_array(generator.uniform(-scale, scale, (n_out, n_in))))
        biases.append(_array(generator.uniform(-scale, scale, n_out)))
    examples = "".join(f"[[examples]]\ninputs = {_array(generator.uniform(0, 1, layers[0]))}\n"
                       f"targets = {_array(generator.uniform(0.1, 0.9, layers[-1]))}\n" for _ in range(batch))
    shape = "-".join(map(str, layers))
    return (f'name = "benchmark {shape}, batch {batch}"\n'
            f'[network]\nlayers = {list(layers)}\nactivation = "sigmoid"\nloss = "half_squared_error"\n'
            f'biases = "per_neuron"\ntrain_biases = true\n'
            f'[training]\nlearning_rate = 0.5\niterations = {iterations}\nreduction = "mean"\n{examples}'
            f"[weights]\nlayers = [{', '.join(weights)}]\n[biases]\nlayers = [{', '.join(biases)}]\n")


def network_spec(layers: tuple[int, ...], batch: int = 1, iterations: int = 1, seed: int = 0) -> Spec:
    shape = "-".join(map(str, layers))
    return loads(network_toml(layers, batch, iterations, seed), source=f"<benchmark {shape} batch {batch}>")


def scaling_layers(width: int) -> tuple[int, int, int]:
    """The scaling cases: width inputs, one hidden layer of width neurons, width outputs."""
    return (width, width, width)


def growth_layers(width: int, hidden: int) -> tuple[int, ...]:
    """The reference's growth cases: two inputs, ``hidden`` layers of ``width`` neurons, two outputs."""
    return (2, *[width] * hidden, 2)
