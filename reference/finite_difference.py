"""An independent oracle: gradients by central finite differences of the loss, at high precision.

It shares nothing with the reference's graph but the spec: the loss comes from
a plain forward pass written here in mpmath, and dE/dp is
(E(p + h) - E(p - h)) / 2h. With h = 1e-25 at 90 digits the truncation error
is of order h^2 = 1e-50 and the cancellation costs 25 digits, leaving well
over 20 correct digits (unless a relu's net sits within h of its kink).
"""

from __future__ import annotations

import mpmath

from .spec import Spec

DPS = 90
STEP = mpmath.mpf("1e-25")


def _activate(name: str, nets: list[mpmath.mpf]) -> list[mpmath.mpf]:
    if name == "softmax":
        exps = [mpmath.exp(n) for n in nets]
        total = mpmath.fsum(exps)
        return [e / total for e in exps]
    f = {"sigmoid": lambda n: 1 / (1 + mpmath.exp(-n)), "tanh": mpmath.tanh,
         "relu": lambda n: n if n > 0 else mpmath.mpf(0), "linear": lambda n: n}[name]
    return [f(n) for n in nets]


def _example_loss(spec: Spec, out: list[mpmath.mpf], targets: list[mpmath.mpf]) -> mpmath.mpf:
    pairs = list(zip(targets, out))
    if spec.loss == "half_squared_error":
        return mpmath.fsum((t - o) ** 2 for t, o in pairs) / 2
    if spec.loss == "mean_squared_error":
        return mpmath.fsum((t - o) ** 2 for t, o in pairs) / len(pairs)
    if spec.activations[-1] == "softmax":
        return -mpmath.fsum(t * mpmath.log(o) for t, o in pairs)
    return -mpmath.fsum(t * mpmath.log(o) + (1 - t) * mpmath.log(1 - o) for t, o in pairs)


def loss(spec: Spec, weights: list[mpmath.mpf], biases: list[mpmath.mpf]) -> mpmath.mpf:
    """E_total of the network at the given parameter values (w1.., b1.. in the documented order)."""
    total = mpmath.mpf(0)
    for example in spec.examples:
        values = [mpmath.mpf(str(v)) for v in example.inputs]
        w_at = b_at = 0
        for size, activation in zip(spec.layers[1:], spec.activations):
            n_in = len(values)
            rows = [weights[w_at + j * n_in:w_at + (j + 1) * n_in] for j in range(size)]
            shared = spec.bias_mode == "shared"
            bias = [biases[b_at] if shared else biases[b_at + j] for j in range(size)]
            w_at, b_at = w_at + size * n_in, b_at + (1 if shared else size)
            values = _activate(activation, [mpmath.fsum(w * x for w, x in zip(row, values)) + bj
                                            for row, bj in zip(rows, bias)])
        total += _example_loss(spec, values, [mpmath.mpf(str(t)) for t in example.targets])
    return total / len(spec.examples) if spec.reduction == "mean" else total


def gradient(spec: Spec) -> dict[str, mpmath.mpf]:
    """dE/dw1.., dE/db1.. at the spec's starting point, by central differences."""
    with mpmath.workdps(DPS):
        weights = [mpmath.mpf(str(v)) for v in spec.weights]
        biases = [mpmath.mpf(str(v)) for v in spec.biases]
        out = {}
        for kind, values in (("w", weights), ("b", biases)):
            for k in range(len(values)):
                up, down = list(values), list(values)
                up[k] += STEP
                down[k] -= STEP
                at_up = (up, biases) if kind == "w" else (weights, up)
                at_down = (down, biases) if kind == "w" else (weights, down)
                out[f"{kind}{k + 1}"] = (loss(spec, *at_up) - loss(spec, *at_down)) / (2 * STEP)
        return out
