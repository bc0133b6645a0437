"""Backpropagation in matrix form with NumPy: any layer sizes, a batch of examples at once.

Rows of X are examples; W_h is n_hidden x n_inputs and W_o is n_outputs x
n_hidden, so that net = x @ W.T + b. A delta is ΔE/Δnet of a layer, and a
weight gradient is the outer product delta.T @ (the layer's input), summed
over the batch. All parameters live in one flat vector ``theta`` (weights in
the documented order, then biases); the matrices are views into it, so one
subtraction updates them all.

Each formula is a small method, so a mutant overrides one (e.g. the backward
pass through W_o.T instead of W_o in ``dE_dout_hidden``, or dtype=float32).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reference import names
from reference.spec import Spec

from .frames import OptionError, step1_values, trajectory_frame

DTYPES = {"float64": np.float64, "float32": np.float32}


def supports(spec: Spec) -> str | None:
    return None


class Vectorized:
    def __init__(self, spec: Spec, dtype="float64"):
        if dtype not in DTYPES:
            raise OptionError(f"dtype must be one of {', '.join(DTYPES)} (got {dtype!r})")
        self.dtype = DTYPES[dtype]
        n_in, n_hid, n_out = spec.layers
        as_array = lambda values: np.array([float(v) for v in values], dtype=self.dtype)
        self.X = as_array([v for e in spec.examples for v in e.inputs]).reshape(-1, n_in)
        self.T = as_array([v for e in spec.examples for v in e.targets]).reshape(-1, n_out)
        self.scale = self.dtype(1.0 if spec.reduction == "sum" else 1.0 / len(spec.examples))
        self.half_scale = self.dtype(0.5) * self.scale
        self.learning_rate = self.dtype(float(spec.learning_rate))
        self.shared_biases = spec.bias_mode == "shared"
        self.theta = as_array(spec.weights + spec.biases)
        self.n_trained = len(names.trained_names(spec))
        self.grad = np.zeros_like(self.theta)
        self.trained, self.trained_grad = self.theta[:self.n_trained], self.grad[:self.n_trained]
        self.W_h, self.W_o, self.b_h, self.b_o = self._views(self.theta, spec)
        self.dW_h, self.dW_o, self.db_h, self.db_o = self._views(self.grad, spec)

    @staticmethod
    def _views(flat: np.ndarray, spec: Spec):
        n_in, n_hid, n_out = spec.layers
        cuts = np.cumsum([n_hid * n_in, n_out * n_hid, len(spec.b_hidden)])
        W_h, W_o, b_h, b_o = np.split(flat, cuts)
        return W_h.reshape(n_hid, n_in), W_o.reshape(n_out, n_hid), b_h, b_o

    # --- forward pass --------------------------------------------------------

    def net(self, x, W, b):
        return x @ W.T + b

    def sigmoid(self, net):
        return 1.0 / (1.0 + np.exp(-net))

    def E_total(self, out_o):
        """E_total of one batch of outputs (batch x outputs), or of a stack of them (one per iteration)."""
        return self.half_scale * ((self.T - out_o) ** 2).sum(axis=(-2, -1))

    def forward(self):
        net_h = self.net(self.X, self.W_h, self.b_h)
        out_h = self.sigmoid(net_h)
        net_o = self.net(out_h, self.W_o, self.b_o)
        out_o = self.sigmoid(net_o)
        return net_h, out_h, net_o, out_o

    # --- backward pass ---------------------------------------------------------

    def dE_dout(self, out_o):
        """ΔE/Δout_o per example: (target - out) * (-1), scaled by the reduction.

        out - target is the same double as -(target - out): IEEE subtraction is exact in sign.
        """
        return self.scale * (out_o - self.T)

    def dout_dnet(self, out):
        return out * (1.0 - out)

    def dE_dout_hidden(self, delta_o):
        """ΔE/Δout_h: every output's delta, back through the weights the forward pass used."""
        return delta_o @ self.W_o

    def dE_dW(self, delta, layer_input):
        return delta.T @ layer_input

    def dE_db(self, delta):
        per_neuron = delta.sum(axis=0)
        return per_neuron.sum(keepdims=True) if self.shared_biases else per_neuron

    def backward(self, out_h, out_o, with_biases):
        """Fill self.grad (ΔE/Δtheta); returns ΔE/Δout_o and ΔE/Δout_h."""
        dE_dout_o = self.dE_dout(out_o)
        delta_o = dE_dout_o * self.dout_dnet(out_o)
        dE_dout_h = self.dE_dout_hidden(delta_o)
        delta_h = dE_dout_h * self.dout_dnet(out_h)
        self.dW_o[...] = self.dE_dW(delta_o, out_h)
        self.dW_h[...] = self.dE_dW(delta_h, self.X)
        if with_biases:
            self.db_o[...] = self.dE_db(delta_o)
            self.db_h[...] = self.dE_db(delta_h)
        return dE_dout_o, dE_dout_h

    def update(self):
        """Gradient descent on the trained parameters (the biases only if the spec trains them)."""
        self.trained -= self.learning_rate * self.trained_grad

    # --- many steps --------------------------------------------------------------

    def rows(self, iterations: int) -> np.ndarray:
        """One row per iteration, columns as names.trajectory_columns after the iteration."""
        n_out = self.T.size
        n = self.n_trained
        rows = np.zeros((iterations, 1 + n_out + 2 * n))
        outputs, loss = rows[:, :n_out], rows[:, n_out]
        grads, params = rows[:, 1 + n_out:1 + n_out + n], rows[:, 1 + n_out + n:]
        with_biases = n > self.W_h.size + self.W_o.size
        grad, theta = self.grad[:n], self.theta[:n]
        forward, backward, update = self.forward, self.backward, self.update
        for k in range(iterations):
            net_h, out_h, net_o, out_o = forward()
            backward(out_h, out_o, with_biases)
            update()
            outputs[k] = out_o.ravel()
            grads[k] = grad
            params[k] = theta
        # E_total of every iteration at once, from the outputs recorded (cast back from float64)
        loss[:] = self.E_total(outputs.astype(self.dtype).reshape(iterations, *self.T.shape))
        return rows


def step1(spec: Spec, dtype="float64") -> dict[str, float]:
    network = Vectorized(spec, dtype)
    net_h, out_h, net_o, out_o = network.forward()
    E_total = network.E_total(out_o)
    dE_dout_o, dE_dout_h = network.backward(out_h, out_o, with_biases=True)
    network.update()
    layers = {"net_h": net_h, "out_h": out_h, "net_o": net_o, "out_o": out_o,
              "dE_dout_o": dE_dout_o, "dE_dout_h": dE_dout_h}
    return step1_values(spec, layers, E_total, network.grad, network.theta)


def run(spec: Spec, iterations: int | None = None, dtype="float64") -> pd.DataFrame:
    return trajectory_frame(spec, Vectorized(spec, dtype).rows(iterations or spec.iterations))
