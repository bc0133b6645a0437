"""Gradients by automatic differentiation: the forward pass written once, ``autograd`` differentiates it.

No derivative is written by hand here: ΔE/Δθ comes from ``grad_and_aux``
of the loss, and ΔE/Δout of a layer from ``grad`` of the rest of the forward
pass seen as a function of that layer's outputs. Parameters travel as one flat
vector θ (weights in the documented order, then biases), so its gradient is
already in the trajectory's column order; the optimizers (sgd, momentum, adam)
then move its trained slice. Registered under the name ``autograd``; the
module is not called that, so as not to shadow the package.
"""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pandas as pd
from autograd import grad, grad_and_aux
from autograd.tracer import getval

from reference import names
from reference.spec import Spec

from .frames import refuse_options, step1_values, trajectory_frame


def supports(spec: Spec) -> str | None:
    return None


class Autodiff:
    """``with_biases``: differentiate with respect to the biases too (always done when they are trained)."""

    def __init__(self, spec: Spec, with_biases: bool = False):
        self.X = np.array([[float(v) for v in e.inputs] for e in spec.examples])
        self.T = np.array([[float(v) for v in e.targets] for e in spec.examples])
        self.activations, self.loss = spec.activations, spec.loss
        self.scale = 1.0 if spec.reduction == "sum" else 1.0 / len(spec.examples)
        self.learning_rate = float(spec.learning_rate)
        self.settings = {key: float(value) for key, value in spec.settings.items()}
        self.optimizer = spec.optimizer
        self.with_biases = with_biases or spec.train_biases
        self.n_trained = len(names.trained_names(spec))
        # (start, end, shape) of each layer's W.T, then of each layer's b, in θ
        self.shapes = list(zip(spec.layers[:-1], spec.layers[1:]))
        ends = np.cumsum([n_in * n_out for n_in, n_out in self.shapes] + [len(b) for b in spec.bias_layers])
        self.cuts = list(zip([0, *ends[:-1]], ends))
        every = np.array([float(v) for v in spec.weights + spec.biases])
        n_weights = len(spec.weights)
        # θ: what is differentiated; the biases stay outside it unless asked for
        self.theta = every if self.with_biases else every[:n_weights]
        self.fixed_biases = [every[start:end] for start, end in self.cuts[len(self.shapes):]]

    def unpack(self, theta):
        """[(W.T, b) of every layer] from θ (W.T read straight from the row-major weights, column-major)."""
        depth = len(self.shapes)
        weights = [anp.reshape(theta[start:end], shape, order="F")
                   for (start, end), shape in zip(self.cuts, self.shapes)]
        biases = [theta[start:end] for start, end in self.cuts[depth:]] if self.with_biases else self.fixed_biases
        return list(zip(weights, biases))

    # --- the forward pass, the only place the network is written -------------------

    def sigmoid(self, net):
        return 1.0 / (1.0 + anp.exp(-net))

    def tanh(self, net):
        return anp.tanh(net)

    def relu(self, net):
        return anp.where(net > 0, net, 0.0)  # so that its slope at 0 is 0

    def linear(self, net):
        return net

    def softmax(self, net):
        e = anp.exp(net - anp.max(net, axis=1, keepdims=True))
        return e / anp.sum(e, axis=1, keepdims=True)

    def net(self, layer_input, W_T, b):
        return anp.dot(layer_input, W_T) + b

    def E_total(self, out):
        T = self.T
        if self.loss == "half_squared_error":
            return self.scale * 0.5 * anp.sum((T - out) ** 2)
        if self.loss == "mean_squared_error":
            return self.scale / T.shape[1] * anp.sum((T - out) ** 2)
        if self.activations[-1] == "softmax":
            return -self.scale * anp.sum(T * anp.log(out))
        return -self.scale * anp.sum(T * anp.log(out) + (1.0 - T) * anp.log(1.0 - out))

    def forward(self, theta, first: int = 0, layer_input=None):
        """nets and outs of the layers from ``first`` up (one row per example, one column per neuron),
        fed ``layer_input`` (by default the examples' inputs)."""
        nets, outs = [], []
        layer_input = self.X if layer_input is None else layer_input
        for (W_T, b), activation in list(zip(self.unpack(theta), self.activations))[first:]:
            net = self.net(layer_input, W_T, b)
            layer_input = getattr(self, activation)(net)
            nets.append(net)
            outs.append(layer_input)
        return nets, outs

    def loss_after(self, out, theta, layer: int):
        """E_total as a function of the outputs of ``layer``: the rest of the forward pass, then the loss."""
        outs = self.forward(theta, layer + 1, out)[1]
        return self.E_total(outs[-1] if outs else out)

    def loss_and_outputs(self, theta):
        """E_total, with (E_total, outputs) alongside: the trajectory records both from one pass."""
        out = self.forward(theta)[1][-1]
        E_total = self.E_total(out)
        return E_total, (getval(E_total), getval(out))

    # --- training ------------------------------------------------------------------

    def optimizer_state(self):
        return {"velocity": np.zeros(self.n_trained), "second_moment": np.zeros(self.n_trained), "t": 0}

    def update(self, theta, g, state):
        """Move the trained slice ``theta`` (in place) by the gradient ``g``."""
        lr, s = self.learning_rate, self.settings
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
        gradient_and_outputs = grad_and_aux(self.loss_and_outputs)
        theta, state = self.theta.copy(), self.optimizer_state()
        for k in range(iterations):
            gradient, (E_total, out) = gradient_and_outputs(theta)
            self.update(theta[:n], gradient[:n], state)
            rows[k] = np.concatenate([out.ravel(), [E_total], gradient[:n], theta[:n]])
        return rows


def step1(spec: Spec) -> dict[str, float]:
    network = Autodiff(spec, with_biases=True)
    theta, n = network.theta.copy(), network.n_trained
    nets, outs = network.forward(theta)
    gradient, (E_total, _) = grad_and_aux(network.loss_and_outputs)(theta)
    dE_douts = [grad(network.loss_after)(out, theta, layer) for layer, out in enumerate(outs)]
    network.update(theta[:n], gradient[:n], network.optimizer_state())
    return step1_values(spec, nets, outs, E_total, dE_douts, gradient, theta[:n])


def run(spec: Spec, iterations: int | None = None, **options) -> pd.DataFrame:
    refuse_options("autograd", options)
    return trajectory_frame(spec, Autodiff(spec).rows(iterations or spec.iterations))
