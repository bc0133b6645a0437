"""One training step of a spec's network: the forward pass, backpropagation and the optimizer.

The graph is written once, with ordinary operators on one array per layer,
and evaluated in any arithmetic of reference/arithmetic.py (the exact truth,
plain float64, Monte Carlo arithmetic). Every derivative comes from
reference/layers.py (``sympy.diff`` of each layer-local piece); this module
only composes them by the chain rule:

    dE/dout (output layer) = scale * dL/dout          scale: 1 (sum) or 1/examples (mean)
    dE/dnet = dE/dout * f'(net)  (softmax: sum_k dE/dout_k * dout_k/dnet_j)
    dE/dw_jk += dE/dnet_j * dnet_j/dw_jk             summed over the examples
    dE/db_j  += dE/dnet_j * dnet_j/db_j              (shared: summed over the layer too)
    dE/dout_k (layer below) = sum_j dE/dnet_j * dnet_j/dx_k

Each stage is a method, so that a variant (a classic mistake, for the
diagnosis) overrides exactly one; ``backward_weights`` for instance is the
weights the backward pass goes through: the forward pass's, unless a mistake
says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from . import layers
from .arithmetic import Arithmetic, Value
from .spec import Spec


@dataclass
class Pass:
    """What one example does in one iteration: each layer's net, out and dE/dout (per non-input layer)."""
    nets: list[Value]
    outs: list[Value]
    dE_dout: list[Value]


@dataclass
class Step:
    """One iteration: the passes of the examples, E_total, the gradients, and the parameters after the update."""
    passes: list[Pass]
    E_total: Value
    dW: list[Value]
    db: list[Value]
    W_new: list[Value]
    b_new: list[Value]

    def row(self, A: Arithmetic, train_biases: bool) -> np.ndarray:
        """The trajectory's values in column order (reference/names.py), flattened by the arithmetic ``A``."""

        def trained(weights: list[Value], biases: list[Value]) -> list[Value]:
            return weights + (biases if train_biases else [])

        return A.flat([p.outs[-1] for p in self.passes] + [self.E_total]
                      + trained(self.dW, self.db) + trained(self.W_new, self.b_new))


class Training:
    def __init__(self, spec: Spec, arithmetic: Arithmetic) -> None:
        A = self.A = arithmetic
        self.spec = spec
        self.shared = spec.bias_mode == "shared"
        self.activations = [layers.activation(name, k, A) for name, k in zip(spec.activations, spec.layers[1:])]
        self.loss = layers.compiled_loss(spec.loss, spec.n_outputs, spec.activations[-1], A)
        self.dense = [layers.dense_partials(n_in, A) for n_in in spec.layers[:-1]]
        self.inputs = [A.array(e.inputs) for e in spec.examples]
        self.targets = [A.array(e.targets) for e in spec.examples]
        # dE/dL of each example's loss L; a sum needs no multiplication at all
        self.scale = None if spec.reduction == "sum" else A.constant(Fraction(1, len(spec.examples)))
        self.rate = A.constant(spec.learning_rate)
        self.settings = {key: A.constant(value) for key, value in spec.settings.items()}
        self.W = [A.array(matrix) for matrix in spec.weight_layers]
        self.b = [A.array(values) for values in spec.bias_layers]
        self.state: dict[str, Any] = {}  # the optimizer's memory: velocities, or moments and the step count

    # --- forward pass ------------------------------------------------------------------------

    def net(self, W: Value, x: Value, b: Value) -> Value:
        total = W[:, 0] * x[0]
        for k in range(1, len(x)):
            total = total + W[:, k] * x[k]
        return total + (b[0] if self.shared else b)

    def activate(self, layer: int, net: Value) -> Value:
        f = self.activations[layer]
        if f.jacobian is not None:
            return self.A.stack(f.out(*(net[j] for j in range(len(net)))))
        return f.out(net)

    def forward(self, W: list[Value], b: list[Value], x: Value) -> tuple[list[Value], list[Value]]:
        nets: list[Value] = []
        outs: list[Value] = []
        for layer in range(len(W)):
            nets.append(self.net(W[layer], x if layer == 0 else outs[-1], b[layer]))
            outs.append(self.activate(layer, nets[-1]))
        return nets, outs

    def example_loss(self, out: Value, target: Value) -> Value:
        k = len(target)
        return self.loss.value(*(out[i] for i in range(k)), *(target[i] for i in range(k)))

    def E_total(self, outputs: list[Value]) -> Value:
        total = self.example_loss(outputs[0], self.targets[0])
        for out, target in zip(outputs[1:], self.targets[1:]):
            total = total + self.example_loss(out, target)
        return total if self.scale is None else self.scale * total

    # --- backward pass: the chain rule over the layer-local derivatives ------------------------

    def dE_dout_output(self, out: Value, target: Value) -> Value:
        k = len(target)
        gradient = self.loss.gradient(*(out[i] for i in range(k)), *(target[i] for i in range(k)))
        return self.A.stack(gradient if self.scale is None else [self.scale * g for g in gradient])

    def dout_dnet(self, layer: int, p: Pass) -> Value:
        """dout/dnet of an elementwise activation for this example, from out (sigmoid, tanh) or net."""
        f = self.activations[layer]
        assert f.derivative is not None, "softmax has a jacobian instead"
        return f.derivative(p.outs[layer] if f.of_out else p.nets[layer])

    def dE_dnet(self, layer: int, p: Pass) -> Value:
        f, dE_dout = self.activations[layer], p.dE_dout[layer]
        if f.jacobian is None:
            return dE_dout * self.dout_dnet(layer, p)
        out = p.outs[layer]
        n = len(out)
        J = f.jacobian(*(out[j] for j in range(n)))
        return self.A.stack([self.path_sum([dE_dout[k] * J[k][j] for k in range(n)]) for j in range(n)])

    def path_sum(self, terms: list[Value]) -> Value:
        """A sum of the chain rule's terms, in order."""
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        return total

    def paths_to_loss(self, terms: list[Value], layer: int = 0, neuron: int = 0) -> Value:
        """dE/dout of ``neuron`` of ``layer``: the sum over every path from it to the loss, one per neuron of the
        layer above."""
        return self.path_sum(terms)

    def partials(self, layer: int, W: Value, x: Value, b: Value) -> tuple[Value, Value, Value]:
        columns = [W[:, k] for k in range(W.shape[1])]
        args = (*columns, *(x[k] for k in range(len(x))), b[0] if self.shared else b)
        d = self.dense[layer]
        return d.by_weights(*args), d.by_inputs(*args), d.by_bias(*args)

    def weight_gradient(self, layer: int, delta: Value, by_weights: list[Value]) -> Value:
        """dE/dW of one example: dE/dnet_j * dnet_j/dw_jk for every neuron j and input k."""
        grad = self.A.zeros_like(self.W[layer])
        for k in range(len(by_weights)):
            grad[:, k] = delta * by_weights[k]
        return grad

    def backward_weights(self, layer: int, W: list[Value], dW: list[Value]) -> Value:
        """The weights the backward pass goes through below ``layer``: those of the forward pass."""
        return W[layer]

    def backward(self, W: list[Value], b: list[Value], passes: list[Pass]) -> tuple[list[Value], list[Value]]:
        """Fill each pass's dE_dout; the gradients (dW, db) of every layer, summed over the examples."""
        depth = len(W)
        dW: list[Value] = [None] * depth
        db: list[Value] = [None] * depth
        for p, target in zip(passes, self.targets):
            p.dE_dout = [None] * depth
            p.dE_dout[-1] = self.dE_dout_output(p.outs[-1], target)
        for layer in reversed(range(depth)):
            deltas = []
            for n, p in enumerate(passes):
                x = self.inputs[n] if layer == 0 else p.outs[layer - 1]
                delta = self.dE_dnet(layer, p)
                by_w, _, by_b = self.partials(layer, W[layer], x, b[layer])
                grad_W = self.weight_gradient(layer, delta, by_w)
                grad_b = delta * by_b
                if self.shared:
                    grad_b = self.A.stack([self.path_sum([grad_b[j] for j in range(len(grad_b))])])
                dW[layer] = grad_W if dW[layer] is None else dW[layer] + grad_W
                db[layer] = grad_b if db[layer] is None else db[layer] + grad_b
                deltas.append(delta)
            if layer == 0:
                break
            through = self.backward_weights(layer, W, dW)
            for p, delta in zip(passes, deltas):
                _, by_x, _ = self.partials(layer, through, p.outs[layer - 1], b[layer])
                p.dE_dout[layer - 1] = self.A.stack(
                    [self.paths_to_loss([delta[j] * by_x[k][j] for j in range(len(delta))], layer - 1, k)
                     for k in range(len(by_x))])
        return dW, db

    # --- the optimizer ---------------------------------------------------------------------------

    def update(self, name: str, value: Value, grad: Value) -> Value:
        """One parameter array after the optimizer's step (state kept under ``name``)."""
        rate, s = self.rate, self.settings
        if self.spec.optimizer == "sgd":
            return value - rate * grad
        if self.spec.optimizer == "momentum":
            velocity = grad if name not in self.state else s["momentum"] * self.state[name] + grad
            self.state[name] = velocity
            return value - rate * velocity
        m, v, powers = self.state.get(name, (None, None, (1, 1)))
        m = (1 - s["beta1"]) * grad if m is None else s["beta1"] * m + (1 - s["beta1"]) * grad
        v = (1 - s["beta2"]) * (grad * grad) if v is None else s["beta2"] * v + (1 - s["beta2"]) * (grad * grad)
        powers = (powers[0] * s["beta1"], powers[1] * s["beta2"])  # beta1**t, beta2**t
        self.state[name] = (m, v, powers)
        m_hat, v_hat = m / (1 - powers[0]), v / (1 - powers[1])
        return value - rate * m_hat / (self.A.sqrt(v_hat) + s["epsilon"])

    def updated(self, W: list[Value], b: list[Value], dW: list[Value],
                db: list[Value]) -> tuple[list[Value], list[Value]]:
        W_new = [self.update(f"W{layer}", W[layer], dW[layer]) for layer in range(len(W))]
        b_new = [self.update(f"b{layer}", b[layer], db[layer]) if self.spec.train_biases else b[layer]
                 for layer in range(len(b))]
        return W_new, b_new

    # --- one iteration -----------------------------------------------------------------------------

    def step(self) -> Step:
        """One iteration from the current parameters; the parameters move to their updated values."""
        passes = [Pass(*self.forward(self.W, self.b, x), dE_dout=[]) for x in self.inputs]
        E_total = self.E_total([p.outs[-1] for p in passes])
        dW, db = self.backward(self.W, self.b, passes)
        W_new, b_new = self.updated(self.W, self.b, dW, db)
        self.W, self.b = W_new, b_new
        return Step(passes, E_total, dW, db, W_new, b_new)
