"""The catalogue of classic mistakes and conventions, each a variant of the spec or of the training step.

A variant is the reference's own training graph (reference/training.py) with
one method overridden, or the spec with one setting changed, evaluated in
float64 (float32 for the precision finding). What a mistaken program would
print is therefore derived, for any spec, not predicted by hand; the
diagnosis (verify/mistakes/diagnose.py) matches a trace against them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ...reference import names
from ...reference.arithmetic import Float32, Float64
from ...reference.spec import Spec
from ...reference.training import Pass, Training

# Categories: a stable label per kind of mistake (the mutants of the mutation suite name theirs).
HALF_FORGOTTEN = "half-forgotten"
SIGN = "sign-of-dE/dout"
NO_SLOPE = "activation-derivative-missing"
SLOPE_ARGUMENT = "activation-derivative-wrong-argument"
UPDATED_WEIGHTS = "backward-through-updated-weights"
TRANSPOSED = "backward-through-transposed-weights"
ONE_PATH = "one-path-summed"
HIDDEN_SLOPE = "hidden-derivative-from-outputs"
WRONG_INPUT = "wrong-input-for-weight"
BIAS_LEFT_OUT = "bias-left-out-of-net"
LEARNING_RATE = "learning-rate-misapplied"
BIASES_TRAINED = "biases-trained"
BIASES_FIXED = "biases-not-trained"
REDUCTION = "reduction"
PRECISION = "single-precision"
AFTER_UPDATE = "printed-after-the-update"


@dataclass(frozen=True)
class Mistake:
    name: str
    category: str
    sentence: str  # what the program did, for people
    applies: Callable[[Spec], bool]
    build: Callable[[Spec], Training]  # the variant's training, ready to step
    kind: str = "logic"  # or "precision", or "convention" (what is printed, not how it is computed)

    def trajectory(self, spec: Spec, iterations: int) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The variant's quantities (its own spec's), a row of them per iteration, and its forward values after."""
        training = self.build(spec)
        A, own = training.A, training.spec
        rows = np.empty((iterations, len(names.quantities(own))))
        with A:
            for k in range(iterations):
                rows[k] = training.step().row(A, own.train_biases)
            last = training.step()
            after = A.flat([p.outs[-1] for p in last.passes] + [last.E_total])
        return names.quantities(own), rows, after


def _float64(cls: type[Training]) -> Callable[[Spec], Training]:
    return lambda spec: cls(spec, Float64())


def _respec(**changes) -> Callable[[Spec], Training]:
    return lambda spec: Training(replace(spec, **changes), Float64())


def _per_neuron_trained(spec: Spec) -> Training:
    """The same starting biases, one per neuron instead of one per layer, all trained (lecture material's variant)."""
    layers = tuple(values * size if len(values) == 1 else values for values, size in zip(spec.bias_layers,
                                                                                       spec.layers[1:]))
    return Training(replace(spec, bias_mode="per_neuron", bias_layers=layers, train_biases=True), Float64())


def _always(spec: Spec) -> bool:
    return True


def _sgd(spec: Spec) -> bool:
    return spec.optimizer == "sgd"


def _elementwise(spec: Spec) -> bool:
    return all(a != "softmax" for a in spec.activations)


# --- the backward pass ----------------------------------------------------------------------------

class HalfForgotten(Training):
    def dE_dout_output(self, out, target):
        return 2 * super().dE_dout_output(out, target)


class SignFlipped(Training):
    def dE_dout_output(self, out, target):
        return -super().dE_dout_output(out, target)


class NoSlope(Training):
    def dout_dnet(self, layer: int, p: Pass):
        return 1


class SlopeOfOut(Training):
    """f'(out) instead of f'(net): e.g. sigmoid(out) * (1 - sigmoid(out))."""

    def dout_dnet(self, layer: int, p: Pass):
        f = self.activations[layer]
        return f.derivative(f.out(p.outs[layer]) if f.of_out else p.outs[layer])


class SlopeFormulaOnNet(Training):
    """out * (1 - out), the sigmoid's slope in terms of its output, applied to net."""

    def dout_dnet(self, layer: int, p: Pass):
        if self.spec.activations[layer] != "sigmoid":
            return super().dout_dnet(layer, p)
        return p.nets[layer] * (1 - p.nets[layer])


class UpdatedWeightsBackward(Training):
    def backward_weights(self, layer: int, W, dW):
        return W[layer] - self.rate * dW[layer]


class TransposedBackward(Training):
    def backward_weights(self, layer: int, W, dW):
        square = W[layer].shape[0] == W[layer].shape[1]
        return W[layer].T if square else W[layer]


class FirstPathOnly(Training):
    def paths_to_loss(self, terms: list):
        return terms[0]


class LastPathOnly(Training):
    def paths_to_loss(self, terms: list):
        return terms[-1]


class HiddenSlopeFromOutputs(Training):
    def dout_dnet(self, layer: int, p: Pass):
        last = len(p.nets) - 1
        return super().dout_dnet(last, p) if layer < last else super().dout_dnet(layer, p)


def inputs_reversed(at_layer: int) -> type[Training]:
    class InputsReversed(Training):
        def weight_gradient(self, layer: int, delta, by_weights: list):
            return super().weight_gradient(layer, delta, by_weights[::-1] if layer == at_layer else by_weights)
    return InputsReversed


def one_input_swapped(at_layer: int, neuron: int, k: int) -> type[Training]:
    """dnet_j/dw_jk taken as the other input of a two-input neuron."""
    class OneInputSwapped(Training):
        def weight_gradient(self, layer: int, delta, by_weights: list):
            grad = super().weight_gradient(layer, delta, by_weights)
            if layer == at_layer:
                grad[neuron, k] = delta[neuron] * by_weights[1 - k]
            return grad
    return OneInputSwapped


# --- the forward pass and the update ---------------------------------------------------------------

class BiasLeftOut(Training):
    def net(self, W, x, b):
        total = W[:, 0] * x[0]
        for k in range(1, len(x)):
            total = total + W[:, k] * x[k]
        return total


def rate_rule(rule: Callable, only: dict[str, np.ndarray] | None = None) -> type[Training]:
    """The update by ``rule``; with ``only`` (layer array name -> mask), for the masked parameters alone."""
    class RateMisapplied(Training):
        def update(self, name: str, value, grad):
            wrong = rule(value, self.rate, grad)
            if only is None:
                return wrong
            mask = only.get(name)
            return super().update(name, value, grad) if mask is None else \
                np.where(mask, wrong, super().update(name, value, grad))
    return RateMisapplied


def _masks(spec: Spec, parameters: list[str]) -> dict[str, np.ndarray]:
    """The training graph's arrays (W0, W1, ..., b0, ...) with the named parameters marked."""
    masks, weight, bias = {}, 0, 0
    for layer, matrix in enumerate(spec.weight_layers):
        shape = (len(matrix), len(matrix[0]))
        names_here = [f"w{weight + k + 1}" for k in range(shape[0] * shape[1])]
        masks[f"W{layer}"] = np.isin(names_here, parameters).reshape(shape)
        weight += shape[0] * shape[1]
    for layer, values in enumerate(spec.bias_layers):
        masks[f"b{layer}"] = np.isin([f"b{bias + k + 1}" for k in range(len(values))], parameters)
        bias += len(values)
    return {name: mask for name, mask in masks.items() if mask.any()}


def update_mistakes(spec: Spec, parameters: list[str]) -> list[Mistake]:
    """The learning rate misapplied to some parameters only (those a diagnosis found off)."""
    which = ", ".join(parameters)
    return [Mistake(f"learning rate {how.split(' (')[0]} for {which}", LEARNING_RATE,
                    f"the gradients are right but the learning rate was {how} for {which}", _sgd,
                    _float64(rate_rule(rule, _masks(spec, parameters))))
            for how, rule in UPDATE_RULES.items() if _sgd(spec)]


UPDATE_RULES = {
    "applied twice (w - rate * rate * dE/dw)": lambda w, rate, g: w - rate * (rate * g),
    "added instead of subtracted (w + rate * dE/dw)": lambda w, rate, g: w + rate * g,
    "added to the gradient instead of multiplying it (w - (rate + dE/dw))": lambda w, rate, g: w - (rate + g),
    "doubled (w - 2 * rate * dE/dw)": lambda w, rate, g: w - 2 * rate * g,
}


def _square_layers(spec: Spec) -> bool:
    return any(a == b for a, b in zip(spec.layers[1:-1], spec.layers[2:]))


PRINTED_AFTER_UPDATE = Mistake(
    "printed after the update", AFTER_UPDATE, "the outputs and E_total were printed after each iteration's update "
    "(the next iteration's forward pass), not before it: rerun with --after-update if that is what the program "
    "means to print", _always, lambda spec: Training(spec, Float64()), kind="convention")


def catalogue(spec: Spec) -> list[Mistake]:
    """Every mistake that could have been made on ``spec``."""
    found = [
        Mistake("forgotten half", HALF_FORGOTTEN, "the 1/2 of the loss was forgotten when differentiating: every "
                "gradient is twice the truth", lambda s: s.loss == "half_squared_error", _float64(HalfForgotten)),
        Mistake("flipped sign", SIGN, "dE/dout was taken as (target - out) instead of (out - target): every gradient "
                "has the wrong sign", _always, _float64(SignFlipped)),
        Mistake("no activation derivative", NO_SLOPE, "the activation's derivative dout/dnet was left out (taken "
                "as 1)", _elementwise, _float64(NoSlope)),
        Mistake("derivative of out", SLOPE_ARGUMENT, "the activation's derivative was evaluated at out instead of "
                "net (e.g. sigmoid(out) * (1 - sigmoid(out)))", _elementwise, _float64(SlopeOfOut)),
        Mistake("sigmoid slope of net", SLOPE_ARGUMENT, "the sigmoid derivative was computed from net, "
                "net * (1 - net), instead of out * (1 - out)", lambda s: "sigmoid" in s.activations,
                _float64(SlopeFormulaOnNet)),
        Mistake("updated weights backward", UPDATED_WEIGHTS, "the gradients of the layers below used the "
                "already-updated weights of the layer above, not those of the forward pass", _sgd,
                _float64(UpdatedWeightsBackward)),
        Mistake("transposed weights backward", TRANSPOSED, "the backward pass went through the weight matrix "
                "transposed (in the notes' network: w6 and w7 swapped)", _square_layers, _float64(TransposedBackward)),
        Mistake("first path only", ONE_PATH, "dE/dout of a hidden neuron summed only the path through the first "
                "neuron of the layer above, not every path", _always, _float64(FirstPathOnly)),
        Mistake("last path only", ONE_PATH, "dE/dout of a hidden neuron summed only the path through the last "
                "neuron of the layer above, not every path", _always, _float64(LastPathOnly)),
        Mistake("hidden slope from outputs", HIDDEN_SLOPE, "the hidden layer's activation derivative was computed "
                "from the output layer's values instead of its own",
                lambda s: _elementwise(s) and len(set(s.layers[1:])) == 1, _float64(HiddenSlopeFromOutputs)),
        Mistake("bias left out", BIAS_LEFT_OUT, "the biases were left out of net (net = sum w * x, no + b)",
                _always, _float64(BiasLeftOut)),
    ]
    for layer, (n_in, n_out) in enumerate(zip(spec.layers, spec.layers[1:])):
        found.append(Mistake(f"inputs reversed in layer {layer + 1}", WRONG_INPUT, f"in layer {layer + 1} each "
                             "weight was paired with the wrong input in dnet/dw (the inputs in reverse order)",
                             lambda s, n=n_in: n > 1, _float64(inputs_reversed(layer))))
        if n_in == 2 and n_out <= 4:
            first = 1 + sum(a * b for a, b in zip(spec.layers[:layer], spec.layers[1:layer + 1]))
            for j in range(n_out):
                for k in range(2):
                    w = first + 2 * j + k
                    found.append(Mistake(f"w{w} paired with the other input", WRONG_INPUT,
                                         f"dnet/dw{w} was taken as the other input of its neuron", _always,
                                         _float64(one_input_swapped(layer, j, k))))
    for how, rule in UPDATE_RULES.items():
        found.append(Mistake(f"learning rate {how.split(' (')[0]}", LEARNING_RATE,
                             f"the gradients are right but the learning rate was {how}", _sgd,
                             _float64(rate_rule(rule))))
    found += [
        Mistake("biases trained", BIASES_TRAINED, "the biases were updated by their gradients too, although the "
                "spec keeps them fixed", lambda s: not s.train_biases, _respec(train_biases=True)),
        Mistake("per-neuron biases trained", BIASES_TRAINED, "each neuron had a bias of its own, started at its "
                "layer's value, and the biases were trained (a widely printed variant of the notes' example)",
                lambda s: s.bias_mode == "shared" and not s.train_biases, _per_neuron_trained),
        Mistake("biases not trained", BIASES_FIXED, "the biases were kept fixed, although the spec trains them",
                lambda s: s.train_biases, _respec(train_biases=False)),
        Mistake("sum instead of mean", REDUCTION, "the losses of the examples were summed instead of averaged "
                "(sum over examples instead of the mean)", lambda s: s.reduction == "mean" and len(s.examples) > 1,
                _respec(reduction="sum")),
        Mistake("mean instead of sum", REDUCTION, "the losses of the examples were averaged instead of summed "
                "(the mean over examples instead of the sum)",
                lambda s: s.reduction == "sum" and len(s.examples) > 1, _respec(reduction="mean")),
        Mistake("float32", PRECISION, "the arithmetic is float32 instead of float64: a precision finding, not a "
                "logic mistake", _always, lambda s: Training(s, Float32()), kind="precision"),
    ]
    return [m for m in found if m.applies(spec)]
