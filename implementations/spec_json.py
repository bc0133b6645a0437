"""The spec as JSON, for programs that read their example on standard input.

The layout follows the spec file (see verify/trace/TRACE_PROTOCOL.md). Every
number is written as the spec writes it, so a JSON parser gives the same
double as the spec's decimal; the parameters are also given as flat lists in
the documented numbering (``w``: w1, w2, ...; ``b``: b1, b2, ...)::

    {"name": "documented 2-2-2 example", "layers": [2, 2, 2], "activations": ["sigmoid", "sigmoid"],
     "loss": "half_squared_error", "biases": "shared", "train_biases": false,
     "learning_rate": 0.5, "iterations": 10000, "reduction": "sum", "optimizer": "sgd",
     "examples": [{"inputs": [0.05, 0.10], "targets": [0.01, 0.99]}],
     "weights": [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
     "bias_values": [[0.35], [0.60]], "w": [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55], "b": [0.35, 0.60]}

Adam adds ``beta1``, ``beta2`` and ``epsilon``; momentum adds ``momentum``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..reference.spec import Spec


def as_dict(spec: Spec, iterations: int | None = None) -> dict[str, Any]:
    return {
        "name": spec.name, "layers": list(spec.layers), "activations": list(spec.activations), "loss": spec.loss,
        "biases": spec.bias_mode, "train_biases": spec.train_biases, "learning_rate": spec.learning_rate,
        "iterations": iterations or spec.iterations, "reduction": spec.reduction, "optimizer": spec.optimizer,
        **spec.settings,
        "examples": [{"inputs": list(e.inputs), "targets": list(e.targets)} for e in spec.examples],
        "weights": [[list(row) for row in matrix] for matrix in spec.weight_layers],
        "bias_values": [list(layer) for layer in spec.bias_layers],
        "w": list(spec.weights), "b": list(spec.biases),
    }


def _encode(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value) if "E" not in str(value) else f"{value:e}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_encode(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_encode(v) for v in value) + "]"
    return json.dumps(value)


def dumps(spec: Spec, iterations: int | None = None) -> str:
    """One line of JSON, then a newline."""
    return _encode(as_dict(spec, iterations)) + "\n"
