"""The network of a spec as SymPy expressions, and its derivatives by ``sympy.diff``.

Each neuron has two symbols, ``net`` and ``out``, defined from the layer below:

    net_h = sum(w * i) + b        out_h = sigmoid(net_h)
    net_o = sum(w * out_h) + b    out_o = sigmoid(net_o)
    E_total = 1/2 * sum((target - out_o)^2)   (summed or averaged over examples)

``partial(of, wrt)`` writes ``of`` in terms of ``wrt``'s layer (substituting the
definitions of the layers in between) and differentiates it with ``sympy.diff``.
``expand`` substitutes every definition, leaving an expression of the
parameters alone, ready to be compiled and evaluated. Inputs and targets are
exact Rationals; no derivative formula is written by hand here.
"""

from __future__ import annotations

from decimal import Decimal

import sympy as sp

from . import names
from .spec import Spec

# Layers from the bottom up; a quantity can only depend on lower layers.
PARAMETER, NET_H, OUT_H, NET_O, OUT_O, LOSS = range(6)


def exact(value: Decimal) -> sp.Rational:
    return sp.Rational(str(value))


def sigmoid(net: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-net))


class Network:
    def __init__(self, spec: Spec):
        self.spec = spec
        self.weights = sp.symbols(names.weight_names(spec), real=True)
        self.biases = sp.symbols(names.bias_names(spec), real=True)
        self.parameters = tuple(self.weights) + tuple(self.biases)
        self.initial = dict(zip(self.parameters, map(exact, spec.weights + spec.biases)))
        self.rate = exact(spec.learning_rate)
        self.symbol: dict[str, sp.Symbol] = {str(p): p for p in self.parameters}
        self.layer: dict[sp.Symbol, int] = {p: PARAMETER for p in self.parameters}
        self.definition: dict[sp.Symbol, sp.Expr] = {}

        n_in, n_hid, n_out = spec.layers
        w_h = [self.weights[j * n_in:(j + 1) * n_in] for j in range(n_hid)]
        w_o = [self.weights[n_hid * n_in + k * n_hid:n_hid * n_in + (k + 1) * n_hid] for k in range(n_out)]
        shared = spec.bias_mode == "shared"
        b_h = [self.biases[0 if shared else j] for j in range(n_hid)]
        b_o = [self.biases[(1 if shared else n_hid) + (0 if shared else k)] for k in range(n_out)]
        self.w_hidden, self.w_output = w_h, w_o

        per_example_loss = []
        for n, example in enumerate(spec.examples):
            x = [exact(v) for v in example.inputs]
            net_h = [self._define(f"net_h{j + 1}", n, NET_H, sum(w * xi for w, xi in zip(w_h[j], x)) + b_h[j])
                     for j in range(n_hid)]
            out_h = [self._define(f"out_h{j + 1}", n, OUT_H, sigmoid(net_h[j])) for j in range(n_hid)]
            net_o = [self._define(f"net_o{k + 1}", n, NET_O, sum(w * h for w, h in zip(w_o[k], out_h)) + b_o[k])
                     for k in range(n_out)]
            out_o = [self._define(f"out_o{k + 1}", n, OUT_O, sigmoid(net_o[k])) for k in range(n_out)]
            targets = [exact(t) for t in example.targets]
            per_example_loss.append(sp.Rational(1, 2) * sum((t - o) ** 2 for t, o in zip(targets, out_o)))

        scale = sp.Integer(1) if spec.reduction == "sum" else sp.Rational(1, len(spec.examples))
        self.loss_scale = scale
        self.E_total = sp.Symbol("E_total")
        self.symbol["E_total"] = self.E_total
        self.layer[self.E_total] = LOSS
        self.definition[self.E_total] = scale * sum(per_example_loss)

    def _define(self, name: str, example: int, layer: int, expr: sp.Expr) -> sp.Symbol:
        label = name if len(self.spec.examples) == 1 else f"{name}_x{example + 1}"
        sym = sp.Symbol(label, real=True)
        self.symbol[label] = sym
        self.layer[sym] = layer
        self.definition[sym] = expr
        return sym

    def inputs(self, example: int) -> list[sp.Rational]:
        return [exact(v) for v in self.spec.examples[example].inputs]

    def targets(self, example: int) -> list[sp.Rational]:
        return [exact(v) for v in self.spec.examples[example].targets]

    def __getitem__(self, name: str) -> sp.Symbol:
        return self.symbol[name]

    def expand_to(self, expr: sp.Expr, floor: int) -> sp.Expr:
        """Substitute the definitions of every layer above ``floor``, top layer first."""
        for layer in range(LOSS, floor, -1):
            defs = {s: d for s, d in self.definition.items() if self.layer[s] == layer}
            expr = expr.xreplace(defs)
        return expr

    def expand(self, expr: sp.Expr) -> sp.Expr:
        """The expression as a function of the parameters alone."""
        return self.expand_to(expr, PARAMETER)

    def partial(self, of: str, wrt: str) -> sp.Expr:
        """d(of)/d(wrt) by sympy.diff, with ``of`` written in terms of ``wrt``'s layer."""
        target = self.symbol[wrt]
        return sp.diff(self.expand_to(self.symbol[of], self.layer[target]), target)

    def gradient(self) -> dict[str, sp.Expr]:
        """dE_total/dp for every parameter p, weights and biases alike."""
        loss = self.expand(self.E_total)
        return {str(p): sp.diff(loss, p) for p in self.parameters}
