"""An independent oracle: gradients by central finite differences of the loss, at high precision.

It shares nothing with the SymPy derivation but the spec: the loss is computed
by a plain forward pass in mpmath, and dE/dp is (E(p + h) - E(p - h)) / 2h.
With h = 1e-25 at 90 digits the truncation error is of order h^2 = 1e-50 and
the cancellation costs 25 digits, leaving well over 20 correct digits.
"""

from __future__ import annotations

import mpmath

from .spec import Spec

DPS = 90
STEP = mpmath.mpf("1e-25")


def loss(spec: Spec, weights: list, biases: list) -> mpmath.mpf:
    """E_total of the network at the given parameter values."""
    n_in, n_hid, n_out = spec.layers
    shared = spec.bias_mode == "shared"
    w_h = [weights[j * n_in:(j + 1) * n_in] for j in range(n_hid)]
    w_o = [weights[n_hid * n_in + k * n_hid:n_hid * n_in + (k + 1) * n_hid] for k in range(n_out)]
    b_h = [biases[0 if shared else j] for j in range(n_hid)]
    b_o = [biases[1 if shared else n_hid + k] for k in range(n_out)]
    sigmoid = lambda net: 1 / (1 + mpmath.exp(-net))  # noqa: E731
    total = mpmath.mpf(0)
    for example in spec.examples:
        x = [mpmath.mpf(str(v)) for v in example.inputs]
        out_h = [sigmoid(mpmath.fsum(w * xi for w, xi in zip(w_h[j], x)) + b_h[j]) for j in range(n_hid)]
        out_o = [sigmoid(mpmath.fsum(w * h for w, h in zip(w_o[k], out_h)) + b_o[k]) for k in range(n_out)]
        total += mpmath.fsum((mpmath.mpf(str(t)) - o) ** 2 for t, o in zip(example.targets, out_o)) / 2
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
                args = (up, biases) if kind == "w" else (weights, up)
                args_down = (down, biases) if kind == "w" else (weights, down)
                out[f"{kind}{k + 1}"] = (loss(spec, *args) - loss(spec, *args_down)) / (2 * STEP)
        return out
