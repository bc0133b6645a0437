"""The names of every quantity, shared by the reference, the goldens and all implementations.

For the documented example they are exactly the notes' names (net_h1, out_o1,
dE_dw5, w5_new, ...). For other specs the same scheme extends: neurons and
parameters are numbered in the spec's order, and when a spec trains on several
examples at once, per-example quantities carry a suffix ``_x1``, ``_x2``, ...
"""

from __future__ import annotations

from .spec import Spec


def weight_names(spec: Spec) -> list[str]:
    return [f"w{k}" for k in range(1, len(spec.weights) + 1)]


def bias_names(spec: Spec) -> list[str]:
    return [f"b{k}" for k in range(1, len(spec.biases) + 1)]


def trained_names(spec: Spec) -> list[str]:
    """The parameters gradient descent updates, in column order."""
    return weight_names(spec) + (bias_names(spec) if spec.train_biases else [])


def neurons(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{k}" for k in range(1, count + 1)]


def hidden(spec: Spec) -> list[str]:
    return neurons("h", spec.n_hidden)


def outputs(spec: Spec) -> list[str]:
    return neurons("o", spec.n_outputs)


def per_example(spec: Spec, names: list[str]) -> list[str]:
    """Suffix per-example quantities when the spec has more than one example."""
    if len(spec.examples) == 1:
        return list(names)
    return [f"{name}_x{n}" for n in range(1, len(spec.examples) + 1) for name in names]


def draft_names() -> list[str]:
    """R1..R20: the partial derivatives of the notes' draft (2-2-2 network only)."""
    return [f"R{k}" for k in range(1, 21)]


def step1_quantities(spec: Spec) -> list[str]:
    """Every row of step1.csv, in order."""
    forward = [f"{kind}_{n}" for kind, layer in (("net", hidden(spec)), ("out", hidden(spec)),
                                                 ("net", outputs(spec)), ("out", outputs(spec)))
               for n in layer]
    names = per_example(spec, forward) + ["E_total"]
    names += per_example(spec, [f"dE_dout_{n}" for n in outputs(spec) + hidden(spec)])
    if spec.is_documented_shape:
        names += draft_names()
    names += [f"dE_d{p}" for p in weight_names(spec) + bias_names(spec)]
    names += [f"{p}_new" for p in trained_names(spec)]
    return names


def trajectory_columns(spec: Spec) -> list[str]:
    """The columns of trajectory.csv: what every implementation must print."""
    return (["iteration"] + per_example(spec, [f"out_{n}" for n in outputs(spec)]) + ["E_total"]
            + [f"dE_d{p}" for p in trained_names(spec)] + [f"{p}_new" for p in trained_names(spec)])
