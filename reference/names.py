"""The names of every quantity, shared by the reference, the goldens, the implementations and the harness.

For the documented example they are exactly the notes' names (net_h1, out_o1,
dE_dw5, w5_new, ...). The same scheme extends to any spec: hidden neurons are
h1, h2, ... across all hidden layers in order, output neurons o1, o2, ...;
parameters are numbered in the spec's order (w1, w2, ...; b1, b2, ...); and
when a spec trains on several examples at once, per-example quantities carry a
suffix ``_x1``, ``_x2``, ...
"""

from __future__ import annotations

from .spec import Spec


def weight_names(spec: Spec) -> list[str]:
    return [f"w{k}" for k in range(1, len(spec.weights) + 1)]


def bias_names(spec: Spec) -> list[str]:
    return [f"b{k}" for k in range(1, len(spec.biases) + 1)]


def parameter_names(spec: Spec) -> list[str]:
    return weight_names(spec) + bias_names(spec)


def trained_names(spec: Spec) -> list[str]:
    """The parameters the optimizer updates, in column order."""
    return weight_names(spec) + (bias_names(spec) if spec.train_biases else [])


def layer_neurons(spec: Spec) -> list[list[str]]:
    """The neurons of each non-input layer: h1, h2, ... through the hidden layers, then o1, o2, ..."""
    layers, first = [], 1
    for size in spec.layers[1:-1]:
        layers.append([f"h{k}" for k in range(first, first + size)])
        first += size
    layers.append([f"o{k}" for k in range(1, spec.n_outputs + 1)])
    return layers


def hidden(spec: Spec) -> list[str]:
    return [n for layer in layer_neurons(spec)[:-1] for n in layer]


def outputs(spec: Spec) -> list[str]:
    return layer_neurons(spec)[-1]


def per_example(spec: Spec, names: list[str]) -> list[str]:
    """Suffix per-example quantities when the spec has more than one example."""
    if len(spec.examples) == 1:
        return list(names)
    return [f"{name}_x{n}" for n in range(1, len(spec.examples) + 1) for name in names]


def draft_names() -> list[str]:
    """R1..R20: the partial derivatives of the notes' draft (2-2-2 network only)."""
    return [f"R{k}" for k in range(1, 21)]


def forward_names(spec: Spec) -> list[str]:
    """net and out of every neuron, layer by layer (net of a layer, then its out)."""
    return [f"{kind}_{n}" for layer in layer_neurons(spec) for kind in ("net", "out") for n in layer]


def step1_quantities(spec: Spec) -> list[str]:
    """Every row of step1.csv, in order."""
    names = per_example(spec, forward_names(spec)) + ["E_total"]
    names += per_example(spec, [f"dE_dout_{n}" for n in outputs(spec) + hidden(spec)])
    if spec.is_documented_shape:
        names += draft_names()
    names += [f"dE_d{p}" for p in parameter_names(spec)]
    names += [f"{p}_new" for p in trained_names(spec)]
    return names


def output_columns(spec: Spec) -> list[str]:
    return per_example(spec, [f"out_{o}" for o in outputs(spec)])


def trajectory_columns(spec: Spec) -> list[str]:
    """The columns of trajectory.csv: what every implementation prints, iteration by iteration."""
    return (["iteration"] + output_columns(spec) + ["E_total"]
            + [f"dE_d{p}" for p in trained_names(spec)] + [f"{p}_new" for p in trained_names(spec)])


def quantities(spec: Spec) -> list[str]:
    """The trajectory's quantities: its columns without ``iteration``."""
    return trajectory_columns(spec)[1:]


def forward_quantities(spec: Spec) -> list[str]:
    """The quantities of a forward pass (outputs and loss): those that move with --after-update."""
    return output_columns(spec) + ["E_total"]
