"""Gradients by automatic differentiation: the forward pass written once, ``autograd`` differentiates it.

No derivative is written by hand here: ΔE/Δθ comes from the vector-Jacobian
product (``make_vjp``) of the loss, and ΔE/Δout of a layer from ``grad`` of
the rest of the forward pass seen as a function of that layer's outputs. The
parameters live in one flat vector θ (weights in the documented order, then
biases); autograd is handed them as a list of views into it, each layer's W.T
(read column-major from the row-major weights) and, when differentiated, its
biases, and the gradient is laid back out in θ's order. The optimizers (sgd,
momentum, adam) then move θ's trained slice in place. Registered under the
name ``autograd``; the module is not called that, so as not to shadow the
package.
"""

from __future__ import annotations

from typing import Any

import autograd.numpy as anp
import numpy as np
import pandas as pd
from autograd import grad, make_vjp
from autograd.tracer import getval

from ..reference import names
from ..reference.spec import Spec
from .frames import refuse_options, step1_values, trajectory_frame

# An array, or autograd's box around one while a function is traced (autograd is untyped: Any)
Traced = Any


def supports(spec: Spec) -> str | None:
    return None


class Autodiff:
    """``with_biases``: differentiate with respect to the biases too (always done when they are trained)."""

    def __init__(self, spec: Spec, with_biases: bool = False) -> None:
        self.X = np.array([[float(v) for v in e.inputs] for e in spec.examples])
        self.T = np.array([[float(v) for v in e.targets] for e in spec.examples])
        self.activations, self.loss = spec.activations, spec.loss
        self.scale = 1.0 if spec.reduction == "sum" else 1.0 / len(spec.examples)
        self.learning_rate = float(spec.learning_rate)
        self.settings = {key: float(value) for key, value in spec.settings.items()}
        self.optimizer = spec.optimizer
        self.with_biases = with_biases or spec.train_biases
        self.n_trained = len(names.trained_names(spec))
        self.depth = spec.depth
        self.theta = np.array([float(v) for v in spec.weights + spec.biases])
        shapes = list(zip(spec.layers[:-1], spec.layers[1:]))  # of each W.T
        ends = np.cumsum([n_in * n_out for n_in, n_out in shapes] + [len(b) for b in spec.bias_layers])
        pieces = np.split(self.theta, ends[:-1])
        self.weights_T = [w.reshape(shape, order="F") for w, shape in zip(pieces, shapes)]
        self.biases = pieces[self.depth:]
        # what autograd differentiates; the biases stay constants outside it unless asked for
        self.parameters = self.weights_T + (self.biases if self.with_biases else [])

    def unpack(self, parameters: list[Traced]) -> list[tuple[Traced, Traced]]:
        """[(W.T, b) of every layer] from the differentiated parameters."""
        depth = self.depth
        weights = [parameters[k] for k in range(depth)]
        biases = [parameters[depth + k] for k in range(depth)] if self.with_biases else self.biases
        return list(zip(weights, biases))

    def flat(self, gradients: list[np.ndarray]) -> np.ndarray:
        """The gradient of the parameters laid out as θ: W row by row (W.T column by column), then b."""
        return np.concatenate([g.ravel(order="F") for g in gradients[:self.depth]] + list(gradients[self.depth:]))

    # --- the forward pass, the only place the network is written -------------------
    # Operations of one argument where the formula allows (reciprocal, square): the same doubles as 1.0 / x
    # and x ** 2, and the tracer's bookkeeping is lighter for them than for operations of two.

    def sigmoid(self, net: Traced) -> Traced:
        return anp.reciprocal(1.0 + anp.exp(-net))

    def tanh(self, net: Traced) -> Traced:
        return anp.tanh(net)

    def relu(self, net: Traced) -> Traced:
        return anp.where(net > 0, net, 0.0)  # so that its slope at 0 is 0

    def linear(self, net: Traced) -> Traced:
        return net

    def softmax(self, net: Traced) -> Traced:
        e = anp.exp(net - anp.max(net, axis=1, keepdims=True))
        return e / anp.sum(e, axis=1, keepdims=True)

    def net(self, layer_input: Traced, W_T: Traced, b: Traced) -> Traced:
        return anp.matmul(layer_input, W_T) + b

    def E_total(self, out: Traced) -> Traced:
        T = self.T
        if self.loss == "half_squared_error":
            return self.scale * 0.5 * anp.sum(anp.square(T - out))
        if self.loss == "mean_squared_error":
            return self.scale / T.shape[1] * anp.sum(anp.square(T - out))
        if self.activations[-1] == "softmax":
            return -self.scale * anp.sum(T * anp.log(out))
        return -self.scale * anp.sum(T * anp.log(out) + (1.0 - T) * anp.log(1.0 - out))

    def forward(self, parameters: list[Traced], first: int = 0,
                layer_input: Traced | None = None) -> tuple[list[Traced], list[Traced]]:
        """nets and outs of the layers from ``first`` up (one row per example, one column per neuron),
        fed ``layer_input`` (by default the examples' inputs)."""
        nets: list[Traced] = []
        outs: list[Traced] = []
        layer_input = self.X if layer_input is None else layer_input
        for (W_T, b), activation in list(zip(self.unpack(parameters), self.activations))[first:]:
            net = self.net(layer_input, W_T, b)
            layer_input = getattr(self, activation)(net)
            nets.append(net)
            outs.append(layer_input)
        return nets, outs

    def loss_after(self, out: Traced, parameters: list[Traced], layer: int) -> Traced:
        """E_total as a function of the outputs of ``layer``: the rest of the forward pass, then the loss."""
        outs = self.forward(parameters, layer + 1, out)[1]
        return self.E_total(outs[-1] if outs else out)

    def loss_of(self, parameters: list[Traced]) -> Traced:
        """E_total; the outputs are kept aside in ``self.outputs`` for the trajectory (returning them too,
        as grad_and_aux would, costs one more traced operation per iteration)."""
        out = self.forward(parameters)[1][-1]
        self.outputs = getval(out)
        return self.E_total(out)

    def gradient(self) -> tuple[float, np.ndarray, np.ndarray]:
        """E_total, its outputs and ΔE/Δθ (in θ's order) at the current parameters."""
        vjp, E_total = make_vjp(self.loss_of)(self.parameters)
        return E_total, self.outputs, self.flat(vjp(1.0))

    # --- training ------------------------------------------------------------------

    def optimizer_state(self) -> dict[str, Any]:
        return {"velocity": np.zeros(self.n_trained), "second_moment": np.zeros(self.n_trained), "t": 0}

    def update(self, g: np.ndarray, state: dict[str, Any]) -> None:
        """Move the trained parameters (θ's leading slice, in place) by the gradient ``g`` of that slice."""
        theta, lr, s = self.theta[:self.n_trained], self.learning_rate, self.settings
        if self.optimizer == "sgd":
            theta -= lr * g
        elif self.optimizer == "momentum":
            state["velocity"] = s["momentum"] * state["velocity"] + g
            theta -= lr * state["velocity"]
        else:
            state["t"] += 1
            m = state["velocity"] = s["beta1"] * state["velocity"] + (1 - s["beta1"]) * g
            v = state["second_moment"] = s["beta2"] * state["second_moment"] + (1 - s["beta2"]) * g * g
            m_hat, v_hat = m / (1 - s["beta1"] ** state["t"]), v / (1 - s["beta2"] ** state["t"])
            theta -= lr * m_hat / (np.sqrt(v_hat) + s["epsilon"])

    def rows(self, iterations: int) -> np.ndarray:
        """One row per iteration, columns as names.trajectory_columns after the iteration."""
        n_out, n = self.T.size, self.n_trained
        rows = np.zeros((iterations, 1 + n_out + 2 * n))
        state = self.optimizer_state()
        for k in range(iterations):
            E_total, out, gradient = self.gradient()
            self.update(gradient[:n], state)
            rows[k] = np.concatenate([out.ravel(), [E_total], gradient[:n], self.theta[:n]])
        return rows


def step1(spec: Spec) -> dict[str, float]:
    network = Autodiff(spec, with_biases=True)
    parameters = network.parameters
    nets, outs = network.forward(parameters)
    E_total, _, gradient = network.gradient()
    dE_douts = [grad(network.loss_after)(out, parameters, layer) for layer, out in enumerate(outs)]
    network.update(gradient[:network.n_trained], network.optimizer_state())
    return step1_values(spec, nets, outs, E_total, dE_douts, gradient, network.theta[:network.n_trained])


def run(spec: Spec, iterations: int | None = None, **options: object) -> pd.DataFrame:
    refuse_options("autograd", options)
    return trajectory_frame(spec, Autodiff(spec).rows(iterations or spec.iterations))
