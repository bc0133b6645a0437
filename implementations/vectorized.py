"""Backpropagation in matrix form with NumPy: any depth, activation, loss and optimizer, a batch at once.

Rows of X are examples. Each layer has W (a row per neuron, a column per
input) and b, so that net = x @ W.T + b and out = activation(net). A delta is
ΔE/Δnet of a layer, and a weight gradient is delta.T @ (the layer's input),
summed over the batch. All parameters live in one flat vector ``theta``
(weights in the documented order, then biases); the matrices are views into
it, so one update moves them all, and the trained ones are its leading slice.

Each formula is a small method, so a mutant overrides one (e.g. the backward
pass through W.T instead of W in ``dE_dout_hidden``, or dtype=float32).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from ..reference import names
from ..reference.spec import Spec
from .frames import OptionError, step1_values, trajectory_frame

DTYPES: dict[str, type[np.floating[Any]]] = {"float64": np.float64, "float32": np.float32}


def supports(spec: Spec) -> str | None:
    return None


class Vectorized:
    def __init__(self, spec: Spec, dtype: str = "float64") -> None:
        if dtype not in DTYPES:
            raise OptionError(f"dtype must be one of {', '.join(DTYPES)} (got {dtype!r})")
        self.dtype = DTYPES[dtype]

        def as_array(values: Iterable[Decimal]) -> np.ndarray:
            return np.array([float(v) for v in values], dtype=self.dtype)

        self.X = as_array([v for e in spec.examples for v in e.inputs]).reshape(-1, spec.n_inputs)
        self.T = as_array([v for e in spec.examples for v in e.targets]).reshape(-1, spec.n_outputs)
        self.activations, self.loss = spec.activations, spec.loss
        self.scale = self.dtype(1.0 if spec.reduction == "sum" else 1.0 / len(spec.examples))
        self.learning_rate = self.dtype(float(spec.learning_rate))
        self.settings = {key: self.dtype(float(value)) for key, value in spec.settings.items()}
        self.shared_biases = spec.bias_mode == "shared"
        self.with_biases = spec.train_biases
        self.theta = as_array(spec.weights + spec.biases)
        self.grad = np.zeros_like(self.theta)
        self.n_trained = len(names.trained_names(spec))
        self.trained, self.trained_grad = self.theta[:self.n_trained], self.grad[:self.n_trained]
        self.W, self.b = self._views(self.theta, spec)
        self.dW, self.db = self._views(self.grad, spec)
        self.slopes = {"sigmoid": self.sigmoid_slope, "tanh": self.tanh_slope, "relu": self.relu_slope,
                       "linear": self.linear_slope}
        self.activate = [getattr(self, name) for name in spec.activations]
        self.optimizer_step = getattr(self, spec.optimizer)
        self.velocity = np.zeros_like(self.trained)  # momentum; adam's first moment
        self.second_moment = np.zeros_like(self.trained)  # adam
        self.steps_taken = 0

    @staticmethod
    def _views(flat: np.ndarray, spec: Spec) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The weight matrices and bias vectors of every layer, as views into ``flat``."""
        shapes = list(zip(spec.layers[1:], spec.layers[:-1]))
        sizes = [rows * cols for rows, cols in shapes] + [len(b) for b in spec.bias_layers]
        pieces = np.split(flat, np.cumsum(sizes)[:-1])
        return [w.reshape(shape) for w, shape in zip(pieces, shapes)], pieces[len(shapes):]

    # --- forward pass --------------------------------------------------------

    def net(self, x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
        return x @ W.T + b

    def sigmoid(self, net: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-net))

    def tanh(self, net: np.ndarray) -> np.ndarray:
        return np.tanh(net)

    def relu(self, net: np.ndarray) -> np.ndarray:
        return np.maximum(net, 0.0)

    def linear(self, net: np.ndarray) -> np.ndarray:
        return net

    def softmax(self, net: np.ndarray) -> np.ndarray:
        """exp(net) / Σ exp(net) per example; the largest net is taken off first so that exp cannot overflow."""
        e = np.exp(net - net.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def forward(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """net and out of every layer, bottom up: two lists of batch x neurons arrays."""
        nets: list[np.ndarray] = []
        outs: list[np.ndarray] = []
        layer_input, net_of = self.X, self.net
        for W, b, activation in zip(self.W, self.b, self.activate):
            net = net_of(layer_input, W, b)
            layer_input = activation(net)
            nets.append(net)
            outs.append(layer_input)
        return nets, outs

    def losses(self, out: np.ndarray) -> np.ndarray:
        """The loss of each output of each example, before the sum over outputs and the reduction."""
        T = self.T
        if self.loss == "half_squared_error":
            return 0.5 * (T - out) ** 2
        if self.loss == "mean_squared_error":
            return (T - out) ** 2 / T.shape[-1]
        if self.activations[-1] == "softmax":
            return -T * np.log(out)
        return -(T * np.log(out) + (1.0 - T) * np.log(1.0 - out))

    def E_total(self, out: np.ndarray) -> np.ndarray:
        """E_total of one batch of outputs (batch x outputs), or of a stack of them (one per iteration)."""
        return self.scale * self.losses(out).sum(axis=(-2, -1))

    # --- backward pass ---------------------------------------------------------

    def dE_dout(self, out: np.ndarray) -> np.ndarray:
        """ΔE/Δout of the output layer per example, scaled by the reduction.

        out - target is the same double as -(target - out): IEEE subtraction is exact in sign.
        """
        T = self.T
        if self.loss == "half_squared_error":
            return self.scale * (out - T)
        if self.loss == "mean_squared_error":
            return self.scale * (2.0 / T.shape[-1]) * (out - T)
        if self.activations[-1] == "softmax":
            return self.scale * (-T / out)
        return self.scale * ((1.0 - T) / (1.0 - out) - T / out)

    # Δout/Δnet of the elementwise activations, each from net or out, whichever it reads best with
    def sigmoid_slope(self, net: np.ndarray, out: np.ndarray) -> np.ndarray | float:
        return out * (1.0 - out)

    def tanh_slope(self, net: np.ndarray, out: np.ndarray) -> np.ndarray | float:
        return 1.0 - out * out

    def relu_slope(self, net: np.ndarray, out: np.ndarray) -> np.ndarray | float:
        return net > 0  # 0 at 0

    def linear_slope(self, net: np.ndarray, out: np.ndarray) -> np.ndarray | float:
        return 1.0

    def softmax_jacobian(self, out: np.ndarray) -> np.ndarray:
        """Δout_i/Δnet_j = out_i (δ_ij - out_j), one matrix per example."""
        return out[:, :, None] * (np.eye(out.shape[-1], dtype=out.dtype) - out[:, None, :])

    def dE_dnet(self, dE_dout: np.ndarray, net: np.ndarray, out: np.ndarray, activation: str) -> np.ndarray:
        """The delta of a layer: ΔE/Δout through the activation's derivative (its Jacobian for softmax)."""
        if activation == "softmax":
            return (dE_dout[:, None, :] @ self.softmax_jacobian(out))[:, 0, :]
        return dE_dout * self.slopes[activation](net, out)

    def dE_dout_hidden(self, delta: np.ndarray, W: np.ndarray) -> np.ndarray:
        """ΔE/Δout of the layer below: every delta back through the weights the forward pass used."""
        return delta @ W

    def dE_dW(self, delta: np.ndarray, layer_input: np.ndarray) -> np.ndarray:
        return delta.T @ layer_input

    def dE_db(self, delta: np.ndarray) -> np.ndarray:
        per_neuron = delta.sum(axis=0)
        return per_neuron.sum(keepdims=True) if self.shared_biases else per_neuron

    def backward(self, nets: list[np.ndarray], outs: list[np.ndarray], with_biases: bool) -> list[np.ndarray]:
        """Fill self.grad (ΔE/Δtheta); returns ΔE/Δout of every layer, bottom up."""
        layer_inputs = [self.X, *outs[:-1]]
        dE_dout = self.dE_dout(outs[-1])
        dE_douts = [dE_dout]
        for k in range(len(outs) - 1, -1, -1):
            delta = self.dE_dnet(dE_dout, nets[k], outs[k], self.activations[k])
            self.dW[k][...] = self.dE_dW(delta, layer_inputs[k])
            if with_biases:
                self.db[k][...] = self.dE_db(delta)
            if k:
                dE_dout = self.dE_dout_hidden(delta, self.W[k])
                dE_douts.append(dE_dout)
        return dE_douts[::-1]

    # --- the update of the trained parameters (the biases only if the spec trains them) ------

    def sgd(self) -> None:
        self.trained -= self.learning_rate * self.trained_grad

    def momentum(self) -> None:
        """v <- momentum v + g (v starts at 0), theta <- theta - lr v: PyTorch's SGD without dampening."""
        self.velocity *= self.settings["momentum"]
        self.velocity += self.trained_grad
        self.trained -= self.learning_rate * self.velocity

    def adam(self) -> None:
        """Adam with bias correction, as PyTorch defines it; the step count t starts at 1."""
        beta1, beta2, epsilon = self.settings["beta1"], self.settings["beta2"], self.settings["epsilon"]
        g, m, v = self.trained_grad, self.velocity, self.second_moment
        self.steps_taken += 1
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * (g * g)
        m_hat = m / (1 - beta1 ** self.steps_taken)
        v_hat = v / (1 - beta2 ** self.steps_taken)
        self.trained -= self.learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)

    def update(self) -> None:
        self.optimizer_step()

    # --- many steps --------------------------------------------------------------

    def rows(self, iterations: int) -> np.ndarray:
        """One row per iteration, columns as names.trajectory_columns after the iteration."""
        n_out = self.T.size
        n = self.n_trained
        rows = np.zeros((iterations, 1 + n_out + 2 * n))
        outputs, loss = rows[:, :n_out], rows[:, n_out]
        grads, params = rows[:, 1 + n_out:1 + n_out + n], rows[:, 1 + n_out + n:]
        grad, theta, with_biases = self.trained_grad, self.trained, self.with_biases
        forward, backward, update = self.forward, self.backward, self.update
        for k in range(iterations):
            nets, outs = forward()
            backward(nets, outs, with_biases)
            update()
            outputs[k] = outs[-1].ravel()
            grads[k] = grad
            params[k] = theta
        # E_total of every iteration at once, from the outputs recorded (cast back from float64)
        loss[:] = self.E_total(outputs.astype(self.dtype).reshape(iterations, *self.T.shape))
        return rows


def step1(spec: Spec, dtype: str = "float64") -> dict[str, float]:
    network = Vectorized(spec, dtype)
    nets, outs = network.forward()
    E_total = network.E_total(outs[-1])
    dE_douts = network.backward(nets, outs, with_biases=True)
    network.update()
    return step1_values(spec, nets, outs, E_total, dE_douts, network.grad, network.trained)


def run(spec: Spec, iterations: int | None = None, dtype: str = "float64") -> pd.DataFrame:
    return trajectory_frame(spec, Vectorized(spec, dtype).rows(iterations or spec.iterations))
