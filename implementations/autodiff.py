"""Gradients by automatic differentiation: the forward pass written once, ``autograd`` differentiates it.

No derivative is written by hand here: ΔE/Δθ comes from ``grad_and_aux``
of the loss, and ΔE/Δout of a layer from ``grad`` of the rest of the forward
pass seen as a function of that layer's outputs. Parameters travel as one flat
vector θ (weights in the documented order, then biases), so its gradient is
already in the trajectory's column order. Registered under the name
``autograd``; the module is not called that, so as not to shadow the package.
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
        self.layers = spec.layers
        self.X = np.array([[float(v) for v in e.inputs] for e in spec.examples])
        self.T = np.array([[float(v) for v in e.targets] for e in spec.examples])
        self.scale = 1.0 if spec.reduction == "sum" else 1.0 / len(spec.examples)
        self.learning_rate = float(spec.learning_rate)
        self.with_biases = with_biases or spec.train_biases
        self.n_trained = len(names.trained_names(spec))
        n_weights = len(spec.weights)
        self.cuts = (len(spec.w_hidden) * spec.n_inputs, n_weights, n_weights + len(spec.b_hidden))
        every = np.array([float(v) for v in spec.weights + spec.biases])
        # θ: what is differentiated; the biases stay outside it unless asked for
        self.theta = every if self.with_biases else every[:n_weights]
        self.biases = every[n_weights:self.cuts[2]], every[self.cuts[2]:]

    def unpack(self, theta):
        """W_h.T, W_o.T, b_h, b_o from θ (W.T read straight from the row-major weights, column-major)."""
        n_in, n_hid, n_out = self.layers
        a, b, c = self.cuts
        W_h_T = anp.reshape(theta[:a], (n_in, n_hid), order="F")
        W_o_T = anp.reshape(theta[a:b], (n_hid, n_out), order="F")
        b_h, b_o = (theta[b:c], theta[c:]) if self.with_biases else self.biases
        return W_h_T, W_o_T, b_h, b_o

    # --- the forward pass, the only place the network is written -------------------

    def sigmoid(self, net):
        return 1.0 / (1.0 + anp.exp(-net))

    def net(self, layer_input, W_T, b):
        return anp.dot(layer_input, W_T) + b

    def E_total(self, out_o):
        return self.scale * 0.5 * anp.sum((self.T - out_o) ** 2)

    def output_layer(self, out_h, W_o_T, b_o):
        net_o = self.net(out_h, W_o_T, b_o)
        return net_o, self.sigmoid(net_o)

    def forward(self, theta):
        """net_h, out_h, net_o, out_o: one row per example, one column per neuron."""
        W_h_T, W_o_T, b_h, b_o = self.unpack(theta)
        net_h = self.net(self.X, W_h_T, b_h)
        out_h = self.sigmoid(net_h)
        return (net_h, out_h, *self.output_layer(out_h, W_o_T, b_o))

    def loss_from_out_h(self, out_h, W_o_T, b_o):
        """E_total as a function of the hidden outputs, for ΔE/Δout_h."""
        return self.E_total(self.output_layer(out_h, W_o_T, b_o)[1])

    def loss_and_outputs(self, theta):
        """E_total, with (E_total, out_o) alongside: the trajectory records both from one pass."""
        out_o = self.forward(theta)[3]
        E_total = self.E_total(out_o)
        return E_total, (getval(E_total), getval(out_o))

    # --- training ------------------------------------------------------------------

    def rows(self, iterations: int) -> np.ndarray:
        """One row per iteration, columns as names.trajectory_columns after the iteration."""
        n_out, n = self.T.size, self.n_trained
        rows = np.zeros((iterations, 1 + n_out + 2 * n))
        gradient_and_outputs = grad_and_aux(self.loss_and_outputs)
        theta = self.theta.copy()
        for k in range(iterations):
            gradient, (E_total, out_o) = gradient_and_outputs(theta)
            theta[:n] -= self.learning_rate * gradient[:n]
            rows[k] = np.concatenate([out_o.ravel(), [E_total], gradient[:n], theta[:n]])
        return rows


def step1(spec: Spec) -> dict[str, float]:
    network = Autodiff(spec, with_biases=True)
    theta = network.theta
    net_h, out_h, net_o, out_o = network.forward(theta)
    _, W_o_T, _, b_o = network.unpack(theta)
    gradient, (E_total, _) = grad_and_aux(network.loss_and_outputs)(theta)
    n = network.n_trained
    layers = {"net_h": net_h, "out_h": out_h, "net_o": net_o, "out_o": out_o,
              "dE_dout_o": grad(network.E_total)(out_o),
              "dE_dout_h": grad(network.loss_from_out_h)(out_h, W_o_T, b_o)}
    return step1_values(spec, layers, E_total, gradient, theta[:n] - network.learning_rate * gradient[:n])


def run(spec: Spec, iterations: int | None = None, **options) -> pd.DataFrame:
    refuse_options("autograd", options)
    return trajectory_frame(spec, Autodiff(spec).rows(iterations or spec.iterations))
