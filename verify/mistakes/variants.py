"""The catalogue of classic mistakes, each a variant of the reference's training graph, derived for any spec.

A mistake overrides one stage of the training step (reference/training.py)
through a *family*: one function that computes what every mistake of its
kind computes, each copy of a value with its own parameter (which weights
are swapped, which layer lacks its derivative, which learning rate rule). So
one evaluation of the graph in ``Copies`` arithmetic replays every mistake at
once (verify/explain/replay.py). A few mistakes change the spec (biases kept
per neuron) or the structure of the step (weights updated one at a time);
those are replayed on their own. Many mistakes come in scopes: the whole
network, one layer, one neuron or one weight ("in h1's backward sum, w5_new
and w7_new instead of w5 and w7"). What a mistaken program prints is
therefore derived, never predicted by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ...reference import names
from ...reference.arithmetic import Copies, Float32, Value
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
BIAS_DOUBLED = "bias-doubled"
FORWARD_SWAP = "weights-swapped-in-forward-pass"
FORWARD_INDEX = "wrong-weight-in-net"
ROUNDED = "weights-rounded"
LEARNING_RATE = "learning-rate-misapplied"
LEARNING_RATE_VALUE = "learning-rate-value"
BIASES_TRAINED = "biases-trained"
BIASES_FIXED = "biases-not-trained"
REDUCTION = "reduction"
LOSS_SCALE = "loss-mis-reduced"
ONE_AT_A_TIME = "weights-updated-one-at-a-time"
ACCUMULATED = "gradients-accumulated"
OPTIMIZER = "optimizer-rule"
START_VALUE = "wrong-starting-value"
ITERATIONS = "iteration-count"
PRINTING = "printing"
PRECISION = "single-precision"

# A family: (training, the parameter of each copy (None where a copy does not make this mistake), the
# method's arguments) -> the mistaken value, for every copy.
Family = Callable[..., Any]


@dataclass(frozen=True)
class Mistake:
    name: str
    category: str
    sentence: str  # what the program did, for people
    method: str = ""  # the Training method it overrides, through ``family`` with ``parameter``
    family: Family | None = None
    parameter: Any = None
    respec: Callable[[Spec], Spec] | None = None  # the same graph on a changed spec
    own: type[Training] | None = None  # a training step of another structure
    kind: str = "logic"  # or "precision"
    complexity: int = 1  # how much it assumes: a scoped mistake more than a whole-network one

    @property
    def alone(self) -> bool:
        """Replayed on its own (a changed spec, another structure, float32), not among many at once."""
        return self.respec is not None or self.own is not None or self.kind == "precision"

    def training(self, spec: Spec) -> Training:
        """This mistake's training on ``spec``, alone, in Copies(1) arithmetic (float32 for the precision one)."""
        if self.kind == "precision":
            return Training(spec, Float32())
        if self.respec is not None:
            return Training(self.respec(spec), Copies(1))
        if self.own is not None:
            return self.own(spec, Copies(1))
        from ..explain.replay import mixture  # the one way many mistakes are evaluated, here with one

        return mixture(spec, [self], np.zeros(1, np.int64))

    def trajectory(self, spec: Spec, iterations: int) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The variant's quantities (its own spec's), a row of them per iteration, and its forward values after."""
        training = self.training(spec)
        A, own = training.A, training.spec
        rows = np.empty((iterations, len(names.quantities(own))))
        with A:
            for k in range(iterations):
                rows[k] = np.ravel(training.step().row(A, own.train_biases))
            last = training.step()
            after = np.ravel(A.flat([p.outs[-1] for p in last.passes] + [last.E_total]))
        return names.quantities(own), rows, after


def _plan(t: Training, family: str, params: list[Any], make: Callable[[], Any]) -> Any:
    """What a family needs of its copies' parameters, worked out once per training (the parameters never change)."""
    plans = t.__dict__.setdefault("_plans", {})
    key = (family, id(params))
    if key not in plans:
        plans[key] = make()
    return plans[key]


def _copies_where(params: list[Any], test: Callable[..., bool]) -> np.ndarray:
    return np.array([q is not None and bool(test(q)) for q in params])


# --- the families ----------------------------------------------------------------------------------
# Each computes the mistaken value for every copy whose parameter is set, and exactly the right value for every
# other copy (so once all its copies have switched their mistake on, its value is used as it is); before that,
# the caller keeps the mistaken value only for the copies that have.

def dE_dout_scaled(t: Training, params: list[Any], out: Value, target: Value) -> Value:
    """dE/dout of the output layer times a factor: 2 (the 1/2 forgotten), -1 (the sign flipped)."""
    factor = _plan(t, "scaled", params, lambda: np.array([q if q is not None else 1.0 for q in params]))
    return Training.dE_dout_output(t, out, target) * factor


def slope(t: Training, params: list[Any], layer: int, p: Pass) -> Value:
    """dout/dnet taken wrongly in some layers: ``(how, layers)`` or ``(how, (layer,), neuron)`` per copy, how one
    of SLOPES."""
    def make() -> list[list[tuple[str, np.ndarray]]]:
        per_layer = []
        for k, width in enumerate(t.spec.layers[1:]):
            uses = []
            for how in SLOPES:
                use = np.zeros((width, len(params)), bool)  # neuron x copy
                for j, q in enumerate(params):
                    if q is not None and q[0] == how and k in q[1]:
                        use[slice(None) if len(q) < 3 else q[2], j] = True
                if use.any():
                    uses.append((how, use))
            per_layer.append(uses)
        return per_layer

    value = Training.dout_dnet(t, layer, p)
    for how, use in _plan(t, "slope", params, make)[layer]:
        value = np.where(use, SLOPES[how](t, layer, p), value)
    return value


def _no_slope(t: Training, layer: int, p: Pass) -> Value:
    return np.ones(np.shape(p.nets[layer]))


def _slope_of_out(t: Training, layer: int, p: Pass) -> Value:
    f = t.activations[layer]
    assert f.derivative is not None, "elementwise activations only (_slope_mistakes)"
    return f.derivative(f.out(p.outs[layer]) if f.of_out else p.outs[layer])


def _sigmoid_formula_on_net(t: Training, layer: int, p: Pass) -> Value:
    if t.spec.activations[layer] != "sigmoid":
        return Training.dout_dnet(t, layer, p)
    return p.nets[layer] * (1 - p.nets[layer])


def _hidden_slope_from_outputs(t: Training, layer: int, p: Pass) -> Value:
    last = len(p.nets) - 1
    return Training.dout_dnet(t, last if layer < last else layer, p)


SLOPES = {"none": _no_slope, "of out": _slope_of_out, "net formula": _sigmoid_formula_on_net,
          "from outputs": _hidden_slope_from_outputs}


def backward_through(t: Training, params: list[Any], layer: int, W: list[Value], dW: list[Value]) -> Value:
    """The weights the backward pass goes through: ``("updated", columns or None)``, ``("transposed",)``."""
    right = np.asarray(W[layer])

    def make() -> tuple[np.ndarray, np.ndarray]:
        width = right.shape[1]
        columns = np.zeros((width, len(params)), bool)
        for j, q in enumerate(params):
            if q is not None and q[0] == "updated":
                columns[:, j] = True if q[1] is None else np.isin(np.arange(width), q[1])
        return columns, _copies_where(params, lambda q: q[0] == "transposed")

    columns, transposed = _plan(t, f"backward{layer}", params, make)
    value = right
    if columns.any():
        value = np.where(columns[None, :, :], right - t.rate * dW[layer], value)
    if transposed.any() and right.shape[0] == right.shape[1]:
        value = np.where(transposed, np.swapaxes(right, 0, 1), value)
    return value


def paths(t: Training, params: list[Any], terms: list[Value], layer: int = 0, neuron: int = 0) -> Value:
    """dE/dout of a hidden neuron from one path only: ``(which, neurons)``, which "first" or "last" (or a path's
    index), neurons the (layer, neuron) pairs it applies to, None for every neuron."""
    def make() -> dict[Any, np.ndarray]:
        found: dict[Any, None] = {}
        for q in params:
            if q is not None:
                found.setdefault(q[0], None)
        return {which: _copies_where(params, lambda q, w=which: q[0] == w and (q[1] is None or
                                                                            (layer, neuron) in q[1]))
                for which in found}

    plan = _plan(t, f"paths{layer}.{neuron}", params, make)
    value = Training.paths_to_loss(t, terms, layer, neuron)
    for which, use in plan.items():
        if use.any():
            value = np.where(use, terms[0] if which == "first" else terms[-1] if which == "last" else terms[which],
                             value)
    return value


def gradient_inputs(t: Training, params: list[Any], layer: int, delta: Value, by_weights: list[Value]) -> Value:
    """dnet/dw with the wrong input: ``("reversed", layer)`` or ``("other", layer, neuron, k)`` (with two inputs,
    the other one is the reversed order's)."""
    def make() -> np.ndarray | None:
        mask = np.zeros((*np.shape(t.W[layer])[:2], len(params)), bool)
        for j, q in enumerate(params):
            if q is not None and q[1] == layer:
                mask[(slice(None), slice(None), j) if q[0] == "reversed" else (q[2], q[3], j)] = True
        return mask if mask.any() else None

    mask = _plan(t, f"inputs{layer}", params, make)
    value = Training.weight_gradient(t, layer, delta, by_weights)
    if mask is not None:
        value = np.where(mask, Training.weight_gradient(t, layer, delta, by_weights[::-1]), value)
    return value


def forward_with(t: Training, params: list[Any], W: list[Value], b: list[Value],
                 x: Value) -> tuple[list[Value], list[Value]]:
    """The forward pass with some weights in other places, or the bias left out or doubled:
    ``("weights", layer, index)`` (index: the layer's flat cells, the weight used in each) or ``("bias", factor)``."""
    def make() -> tuple[list[np.ndarray | None], list[np.ndarray | None], list[tuple[int, int, int, float]]]:
        index: list[np.ndarray | None] = []
        for layer, w in enumerate(W):
            cells = int(np.prod(np.shape(w)[:2]))
            gather = np.repeat(np.arange(cells)[:, None], len(params), axis=1)
            for j, q in enumerate(params):
                if q is not None and q[0] == "weights" and q[1] == layer:
                    gather[:, j] = q[2]
            # the flat position, in the layer's cells x copies, of the value each copy uses in each cell
            flat = gather * len(params) + np.arange(len(params))
            index.append(flat if (gather != np.arange(cells)[:, None]).any() else None)
        factors: list[np.ndarray | None] = []
        # one neuron's shared bias scaled: (layer, neuron, copy, factor - 1), added to that neuron's net alone
        scaled: list[tuple[int, int, int, float]] = []
        for layer, v in enumerate(b):
            factor = np.ones(np.shape(v))  # bias x copy
            for j, q in enumerate(params):
                if q is not None and q[0] == "bias" and (len(q) < 3 or q[2] == layer):
                    if len(q) < 4 or q[3] is None:
                        factor[..., j] = q[1]
                    elif np.shape(v)[0] > 1:
                        factor[q[3], j] = q[1]
                    else:
                        scaled.append((layer, q[3], j, q[1] - 1))
            factors.append(factor if (factor != 1).any() else None)
        return index, factors, scaled

    index, factors, scaled = _plan(t, "forward", params, make)
    used_W = [w if flat is None else np.reshape(np.ravel(w)[flat], np.shape(w)) for w, flat in zip(W, index)]
    used_b = [v if f is None else v * f for v, f in zip(b, factors)]
    if scaled:
        return _forward_neuron_bias(t, used_W, used_b, x, scaled)
    return Training.forward(t, used_W, used_b, x)


def _forward_neuron_bias(t: Training, W: list[Value], b: list[Value], x: Value,
                         scaled: list[tuple[int, int, int, float]]) -> tuple[list[Value], list[Value]]:
    """The forward pass with one neuron's shared bias scaled: added to that neuron's net alone."""
    nets: list[Value] = []
    outs: list[Value] = []
    for layer in range(len(W)):
        net = Training.net(t, W[layer], x if layer == 0 else outs[-1], b[layer])
        for at, neuron, j, extra in scaled:
            if at == layer:
                net[neuron, j] = net[neuron, j] + extra * b[layer][0][j]
        nets.append(net)
        outs.append(t.activate(layer, net))
    return nets, outs


def updated_with(t: Training, params: list[Any], W: list[Value], b: list[Value], dW: list[Value],
                 db: list[Value]) -> tuple[list[Value], list[Value]]:
    """The update made wrongly: ``("rule", how, masks or None)``, ``("accumulated",)``, ``("biases",)``,
    ``("rounded", decimals)``."""
    def make() -> tuple[list[tuple[np.ndarray, ...] | None], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        # each rule is w - (a * (b * dE/dw) + c) with its own a, b and c (each a multiple of the rate plus a
        # constant), which is its formula to the last bit; worked out once, with each copy's learning rate
        rate = np.broadcast_to(np.asarray(t.rate, dtype=np.float64), (len(params),))
        rules: list[tuple[np.ndarray, ...] | None] = []
        for layer, w in enumerate(W):
            mask = np.zeros(np.shape(w), bool)
            a, b_, c = (np.zeros(np.shape(w)) for _ in range(3))
            for j, q in enumerate(params):
                if q is not None and q[0] == "rule":
                    where = slice(None) if q[2] is None else q[2].get(f"W{layer}", np.zeros(np.shape(w)[:-1], bool))
                    mask[..., j][where] = True
                    for value, (of_rate, one) in zip((a, b_, c), UPDATE_RULES[q[1]]):
                        value[..., j][where] = of_rate * rate[j] + one
            rules.append((mask, a, b_, c) if mask.any() else None)
        power = np.array([10.0 ** q[1] if q is not None and q[0] == "rounded" else 1.0 for q in params])
        return (rules, _copies_where(params, lambda q: q[0] == "accumulated"),
                _copies_where(params, lambda q: q[0] == "biases"), power, power != 1.0)

    rules, accumulated, biases, power, rounding = _plan(t, "updated", params, make)
    value_W, value_b = Training.updated(t, W, b, dW, db)
    if accumulated.any():
        total = t.state.setdefault("accumulated", [np.zeros(np.shape(g)) for g in dW])
        for layer, g in enumerate(dW):
            total[layer] = total[layer] + g
        value_W = [np.where(accumulated, W[layer] - t.rate * total[layer], value_W[layer]) for layer in range(len(W))]
    for layer, rule in enumerate(rules):
        if rule is not None:
            mask, a, b_, c = rule
            value_W[layer] = np.where(mask, W[layer] - (a * (b_ * dW[layer]) + c), value_W[layer])
    if biases.any() and not t.spec.train_biases:
        value_b = [np.where(biases, b[layer] - t.rate * db[layer], value_b[layer]) for layer in range(len(b))]
    if rounding.any():  # NumPy's own rounding to decimals: rint(w * 10**d) / 10**d
        value_W = [np.where(rounding, np.rint(w * power) / power, w) for w in value_W]
    return value_W, value_b


# Each rule's a, b and c in w - (a * (b * dE/dw) + c), as (multiple of the rate, constant).
UPDATE_RULES: dict[str, tuple[tuple[int, int], ...]] = {
    "applied twice (w - rate * rate * dE/dw)": ((1, 0), (1, 0), (0, 0)),
    "added instead of subtracted (w + rate * dE/dw)": ((-1, 0), (0, 1), (0, 0)),
    "added to the gradient instead of multiplying it (w - (rate + dE/dw))": ((0, 1), (0, 1), (1, 0)),
    "doubled (w - 2 * rate * dE/dw)": ((2, 0), (0, 1), (0, 0)),
}


def masks(spec: Spec, parameters: list[str]) -> dict[str, np.ndarray]:
    """The training graph's weight arrays (W0, W1, ...) with the named parameters marked."""
    found: dict[str, np.ndarray] = {}
    weight = 0
    for layer, matrix in enumerate(spec.weight_layers):
        shape = (len(matrix), len(matrix[0]))
        here = [f"w{weight + k + 1}" for k in range(shape[0] * shape[1])]
        found[f"W{layer}"] = np.isin(here, parameters).reshape(shape)
        weight += shape[0] * shape[1]
    return {name: mask for name, mask in found.items() if mask.any()}


class OneAtATime(Training):
    """Each weight updated in turn, its gradient from a fresh forward pass with the weights updated so far."""

    def updated(self, W: list[Value], b: list[Value], dW: list[Value],
                db: list[Value]) -> tuple[list[Value], list[Value]]:
        W_new = [np.array(w, copy=True) for w in W]
        for layer in range(len(W)):
            for index in np.ndindex(*np.shape(W[layer])[:2]):
                passes = [Pass(*self.forward(W_new, b, x), dE_dout=[]) for x in self.inputs]
                grads, _ = self.backward(W_new, b, passes)
                W_new[layer][index] = Training.update(self, f"W{layer}", W_new[layer][index], grads[layer][index])
        return W_new, b


def _adam(epsilon_inside: bool = False, bias_correction: bool = True, swapped: bool = False,
          from_zero: bool = False) -> type[Training]:
    class AdamVariant(Training):
        def update(self, name: str, value: Value, grad: Value) -> Value:
            s = self.settings
            b1, b2 = (s["beta2"], s["beta1"]) if swapped else (s["beta1"], s["beta2"])
            m, v, step = self.state.get(name, (None, None, 0))
            m = (1 - b1) * grad if m is None else b1 * m + (1 - b1) * grad
            v = (1 - b2) * (grad * grad) if v is None else b2 * v + (1 - b2) * (grad * grad)
            step += 1
            self.state[name] = (m, v, step)
            power = step - 1 if from_zero else step
            m_hat, v_hat = (m / (1 - b1 ** power), v / (1 - b2 ** power)) if bias_correction and power else (m, v)
            root = self.A.sqrt(v_hat + s["epsilon"]) if epsilon_inside else self.A.sqrt(v_hat) + s["epsilon"]
            return value - self.rate * m_hat / root
    return AdamVariant


def _momentum(nesterov: bool = False, dampening: bool = False) -> type[Training]:
    class MomentumVariant(Training):
        def update(self, name: str, value: Value, grad: Value) -> Value:
            mu = self.settings["momentum"]
            previous = self.state.get(name)
            velocity = grad if previous is None else mu * previous + ((1 - mu) * grad if dampening else grad)
            self.state[name] = velocity
            return value - self.rate * (grad + mu * velocity if nesterov else velocity)
    return MomentumVariant


# --- the catalogue ----------------------------------------------------------------------------------

def _elementwise(spec: Spec) -> bool:
    return all(a != "softmax" for a in spec.activations)


def _per_neuron_trained(spec: Spec) -> Spec:
    layers = tuple(values * size if len(values) == 1 else values for values, size in zip(spec.bias_layers,
                                                                                       spec.layers[1:]))
    return replace(spec, bias_mode="per_neuron", bias_layers=layers, train_biases=True)


def _layer_words(spec: Spec, layer: int) -> str:
    if layer == spec.depth - 1:
        return "the output layer"
    return f"hidden layer {layer + 1}" if spec.depth > 2 else "the hidden layer"


def _first_weight(spec: Spec, layer: int) -> int:
    return 1 + sum(a * b for a, b in zip(spec.layers[:layer], spec.layers[1:layer + 1]))


def _incoming(spec: Spec, layer: int, j: int) -> list[str]:
    """The weights from neuron j of the layer below into every neuron of ``layer`` (w5 and w7 into h1)."""
    first, n_in = _first_weight(spec, layer), spec.layers[layer]
    return [f"w{first + i * n_in + j}" for i in range(spec.layers[layer + 1])]


def catalogue(spec: Spec) -> list[Mistake]:
    """Every mistake that could have been made on ``spec``: whole-network ones first, then scoped ones."""
    found: list[Mistake] = []
    add = found.append
    if spec.loss == "half_squared_error":
        add(Mistake("forgotten half", HALF_FORGOTTEN, "the 1/2 of the loss was forgotten when differentiating: "
                    "every gradient is twice the truth", "dE_dout_output", dE_dout_scaled, 2.0))
    add(Mistake("flipped sign", SIGN, "dE/dout was taken as (target - out) instead of (out - target): every "
                "gradient has the wrong sign", "dE_dout_output", dE_dout_scaled, -1.0))
    found += _slope_mistakes(spec)
    if spec.optimizer == "sgd" and spec.depth > 1:
        add(Mistake("updated weights backward", UPDATED_WEIGHTS, "the gradients of the layers below used the "
                    "already-updated weights of the layer above, not those of the forward pass",
                    "backward_weights", backward_through, ("updated", None)))
    if any(a == b for a, b in zip(spec.layers[1:-1], spec.layers[2:])):
        add(Mistake("transposed weights backward", TRANSPOSED, "the backward pass went through the weight matrix "
                    "transposed (in the notes' network: w6 and w7 swapped)", "backward_weights", backward_through,
                    ("transposed",)))
    if spec.depth > 1:
        add(Mistake("first path only", ONE_PATH, "dE/dout of a hidden neuron summed only the path through the first "
                    "neuron of the layer above, not every path", "paths_to_loss", paths, ("first", None)))
        add(Mistake("last path only", ONE_PATH, "dE/dout of a hidden neuron summed only the path through the last "
                    "neuron of the layer above, not every path", "paths_to_loss", paths, ("last", None)))
    add(Mistake("bias left out", BIAS_LEFT_OUT, "the biases were left out of net (net = sum w * x, no + b)",
                "forward", forward_with, ("bias", 0.0)))
    add(Mistake("bias doubled", BIAS_DOUBLED, "the bias was added twice to net", "forward", forward_with,
                ("bias", 2.0)))
    if spec.optimizer == "sgd":
        for how in UPDATE_RULES:
            add(Mistake(f"learning rate {how.split(' (')[0]}", LEARNING_RATE, f"the gradients are right but the "
                        f"learning rate was {how}", "updated", updated_with, ("rule", how, None)))
        weights = names.weight_names(spec)
        for layer in range(spec.depth) if spec.depth > 1 else ():
            first = _first_weight(spec, layer) - 1
            mine = weights[first:first + spec.layers[layer] * spec.layers[layer + 1]]
            for how in UPDATE_RULES:
                add(Mistake(f"learning rate {how.split(' (')[0]} in {_layer_words(spec, layer)}", LEARNING_RATE,
                            f"the gradients are right but in {_layer_words(spec, layer)} only the learning rate "
                            f"was {how}", "updated", updated_with, ("rule", how, masks(spec, mine)), complexity=2))
        if not spec.train_biases:
            add(Mistake("biases trained", BIASES_TRAINED, "the biases were updated by their gradients too, "
                        "although the spec keeps them fixed", "updated", updated_with, ("biases",)))
        add(Mistake("gradients accumulated", ACCUMULATED, "the gradients were added up from iteration to "
                    "iteration without a reset, each update using their sum", "updated", updated_with,
                    ("accumulated",), complexity=2))
    found += _input_mistakes(spec)
    if spec.optimizer == "sgd" and spec.depth > 1:
        for layer in range(1, spec.depth):
            below = names.layer_neurons(spec)[layer - 1]
            for j, neuron in enumerate(below if len(below) > 1 else []):
                weights = _incoming(spec, layer, j)
                add(Mistake(f"updated weights backward into {neuron}", UPDATED_WEIGHTS, f"in {neuron}'s backward "
                            f"sum, {' and '.join(w + '_new' for w in weights)} instead of {' and '.join(weights)} "
                            "(the already-updated weights)", "backward_weights", backward_through,
                            ("updated", [j]), complexity=2))
    found += _scoped_paths(spec)
    found += _scoped_biases(spec)
    if spec.optimizer == "sgd":
        for decimals in range(1, 9):
            add(Mistake(f"weights rounded to {decimals} decimals", ROUNDED, f"the weights were rounded to {decimals} "
                        "decimals after every update", "updated", updated_with, ("rounded", decimals), complexity=2))
    found += _forward_index_mistakes(spec)
    found += _whole_step_mistakes(spec)
    return found


def _scoped_paths(spec: Spec) -> list[Mistake]:
    """One hidden neuron's dE/dout from one path only: "in h2's backward sum, only the path through o1"."""
    found = []
    neurons = names.layer_neurons(spec)
    for layer in range(spec.depth - 1):
        above = neurons[layer + 1]
        if len(above) < 2 or len(neurons[layer]) < 2:
            continue
        for k, neuron in enumerate(neurons[layer]):
            for index, through in enumerate(above):
                found.append(Mistake(f"only the path through {through} into {neuron}", ONE_PATH, f"in {neuron}'s "
                                     f"backward sum, only the path through {through} (the other paths left out)",
                                     "paths_to_loss", paths, (index, ((layer, k),)), complexity=2))
    return found


def _scoped_biases(spec: Spec) -> list[Mistake]:
    """The bias left out of, or added twice to, one layer's net or one neuron's."""
    found = []
    neurons = names.layer_neurons(spec)
    for layer in range(spec.depth) if spec.depth > 1 else ():
        for factor, what, category in ((0.0, "left out of", BIAS_LEFT_OUT), (2.0, "added twice to", BIAS_DOUBLED)):
            words = _layer_words(spec, layer)
            found.append(Mistake(f"bias {what} {words}", category, f"the bias was {what} net in {words} only",
                                 "forward", forward_with, ("bias", factor, layer, None), complexity=2))
            if len(neurons[layer]) > 1:
                for k, neuron in enumerate(neurons[layer]):
                    found.append(Mistake(f"bias {what} {neuron}", category, f"the bias was {what} net_{neuron} only",
                                         "forward", forward_with, ("bias", factor, layer, k), complexity=3))
    return found


def _slope_mistakes(spec: Spec) -> list[Mistake]:
    if not _elementwise(spec):
        return []
    found = []
    layers = list(range(spec.depth))
    scopes = [(tuple(layers), "", 1)] + ([((layer,), f" in {_layer_words(spec, layer)} only", 2) for layer in layers]
                                         if spec.depth > 1 else [])
    for which, scope, complexity in scopes:
        found.append(Mistake(f"no activation derivative{scope}", NO_SLOPE, f"the activation's derivative dout/dnet "
                             f"was left out (taken as 1){scope}", "dout_dnet", slope, ("none", which),
                             complexity=complexity))
        found.append(Mistake(f"derivative of out{scope}", SLOPE_ARGUMENT, "the activation's derivative was "
                             f"evaluated at out instead of net (e.g. sigmoid(out) * (1 - sigmoid(out))){scope}",
                             "dout_dnet", slope, ("of out", which), complexity=complexity))
        if any(spec.activations[layer] == "sigmoid" for layer in which):
            found.append(Mistake(f"sigmoid slope of net{scope}", SLOPE_ARGUMENT, "the sigmoid derivative was "
                                 f"computed from net, net * (1 - net), instead of out * (1 - out){scope}",
                                 "dout_dnet", slope, ("net formula", which), complexity=complexity))
    neurons = names.layer_neurons(spec)
    for layer in layers if spec.depth > 1 else ():
        for k, neuron in enumerate(neurons[layer] if len(neurons[layer]) > 1 else []):
            found.append(Mistake(f"no activation derivative for {neuron}", NO_SLOPE, "the activation's derivative "
                                 f"dout/dnet was left out (taken as 1) for {neuron} only", "dout_dnet", slope,
                                 ("none", (layer,), k), complexity=3))
            if spec.activations[layer] == "sigmoid":
                found.append(Mistake(f"sigmoid slope of net for {neuron}", SLOPE_ARGUMENT, "the sigmoid derivative "
                                     f"was computed from net_{neuron} instead of out_{neuron} (net * (1 - net)), for "
                                     f"{neuron} only", "dout_dnet", slope, ("net formula", (layer,), k),
                                     complexity=3))
    if len(set(spec.layers[1:])) == 1 and spec.depth > 1:
        found.append(Mistake("hidden slope from outputs", HIDDEN_SLOPE, "the hidden layer's activation derivative "
                             "was computed from the output layer's values instead of its own", "dout_dnet", slope,
                             ("from outputs", tuple(layers))))
    return found


def _input_mistakes(spec: Spec) -> list[Mistake]:
    found = []
    for layer, (n_in, n_out) in enumerate(zip(spec.layers, spec.layers[1:])):
        first = _first_weight(spec, layer)
        if n_in > 1:
            found.append(Mistake(f"inputs reversed in layer {layer + 1}", WRONG_INPUT, f"in layer {layer + 1} each "
                                 "weight was paired with the wrong input in dnet/dw (the inputs in reverse order)",
                                 "weight_gradient", gradient_inputs, ("reversed", layer)))
        if n_in == 2 and n_out <= 4:
            for j in range(n_out):
                for k in range(2):
                    w = first + 2 * j + k
                    found.append(Mistake(f"w{w} paired with the other input", WRONG_INPUT, f"dnet/dw{w} was taken "
                                         "as the other input of its neuron", "weight_gradient", gradient_inputs,
                                         ("other", layer, j, k), complexity=2))
    return found


def _forward_index_mistakes(spec: Spec) -> list[Mistake]:
    """Two weights of a layer swapped in the forward pass, or one used in another's place."""
    found = []
    for layer, (n_in, n_out) in enumerate(zip(spec.layers, spec.layers[1:])):
        cells = n_in * n_out
        if cells > 16:
            continue
        first = _first_weight(spec, layer)
        for a in range(cells):
            for b in range(a + 1, cells):
                index = list(range(cells))
                index[a], index[b] = b, a
                found.append(Mistake(f"w{first + a} and w{first + b} swapped in the forward pass", FORWARD_SWAP,
                                     f"the forward pass used w{first + b} where w{first + a} belongs and w{first + a} "
                                     f"where w{first + b} belongs", "forward", forward_with,
                                     ("weights", layer, tuple(index)), complexity=2))
        for source in range(cells):
            for target in range(cells):
                if source != target:
                    index = list(range(cells))
                    index[target] = source
                    found.append(Mistake(f"w{first + source} used for w{first + target} in the forward pass",
                                         FORWARD_INDEX, f"net used w{first + source} where w{first + target} belongs "
                                         "(a wrong index)", "forward", forward_with, ("weights", layer, tuple(index)),
                                         complexity=3))
    return found


def _whole_step_mistakes(spec: Spec) -> list[Mistake]:
    """Mistakes that change the spec or the structure of the step: replayed one by one."""
    found = [
        Mistake("per-neuron biases trained", BIASES_TRAINED, "each neuron had a bias of its own, started at its "
                "layer's value, and the biases were trained (a widely printed variant of the notes' example)",
                respec=_per_neuron_trained),
        Mistake("biases not trained", BIASES_FIXED, "the biases were kept fixed, although the spec trains them",
                respec=lambda s: replace(s, train_biases=False)),
        Mistake("sum instead of mean", REDUCTION, "the losses of the examples were summed instead of averaged",
                respec=lambda s: replace(s, reduction="sum")),
        Mistake("mean instead of sum", REDUCTION, "the losses of the examples were averaged instead of summed",
                respec=lambda s: replace(s, reduction="mean")),
        Mistake("mean over outputs", LOSS_SCALE, "the loss was the mean of the squared errors over the outputs "
                "instead of half their sum", respec=lambda s: replace(s, loss="mean_squared_error")),
        Mistake("half the sum over outputs", LOSS_SCALE, "the loss was half the sum of the squared errors instead "
                "of their mean over the outputs", respec=lambda s: replace(s, loss="half_squared_error")),
        Mistake("weights updated one at a time", ONE_AT_A_TIME, "the weights were updated one at a time, each "
                "from a fresh forward pass with the weights updated before it", own=OneAtATime, complexity=2),
    ]
    if spec.train_biases and spec.optimizer != "sgd":
        found.append(Mistake("biases trained", BIASES_TRAINED, "the biases were updated by their gradients too, "
                             "although the spec keeps them fixed", respec=lambda s: replace(s, train_biases=True)))
    if spec.optimizer == "adam":
        found += [
            Mistake("epsilon inside the square root", OPTIMIZER, "Adam's epsilon was put inside the square root",
                    own=_adam(epsilon_inside=True)),
            Mistake("no bias correction", OPTIMIZER, "Adam's moments were used without bias correction",
                    own=_adam(bias_correction=False)),
            Mistake("beta1 and beta2 swapped", OPTIMIZER, "Adam's beta1 and beta2 were swapped",
                    own=_adam(swapped=True)),
            Mistake("step counted from 0", OPTIMIZER, "Adam's step count t started at 0, so the bias correction "
                    "lags one step", own=_adam(from_zero=True)),
        ]
    if spec.optimizer == "momentum":
        found += [
            Mistake("Nesterov momentum", OPTIMIZER, "Nesterov's momentum was used where the spec has plain momentum",
                    own=_momentum(nesterov=True)),
            Mistake("dampening", OPTIMIZER, "the velocity was dampened (mu * v + (1 - mu) * g), which the spec's "
                    "momentum does not do", own=_momentum(dampening=True)),
        ]
    if spec.optimizer != "sgd":
        found.append(Mistake("plain gradient descent", OPTIMIZER, f"plain gradient descent was used instead of "
                             f"{spec.optimizer}", respec=lambda s: replace(s, optimizer="sgd", optimizer_settings=())))
    return [m for m in found if _changes(spec, m)]


def _changes(spec: Spec, mistake: Mistake) -> bool:
    """A changed spec that is the same spec, or says nothing new, is no mistake."""
    if mistake.respec is None:
        return True
    if mistake.category == LOSS_SCALE and (spec.n_outputs == 2 or spec.loss not in ("half_squared_error",
                                                                                     "mean_squared_error")):
        return False  # for two outputs the mean is half the sum: nothing to tell apart
    if mistake.category == REDUCTION and len(spec.examples) < 2:
        return False
    if mistake.name == "per-neuron biases trained" and (spec.bias_mode != "shared" or spec.train_biases):
        return False
    try:
        return mistake.respec(spec) != spec
    except (ValueError, TypeError):
        return False


def update_mistakes(spec: Spec, parameters: list[str]) -> list[Mistake]:
    """The learning rate misapplied to some parameters only (those the explain stage found off)."""
    which = ", ".join(parameters)
    return [Mistake(f"learning rate {how.split(' (')[0]} for {which}", LEARNING_RATE,
                    f"the gradients are right but the learning rate was {how} for {which}", "updated", updated_with,
                    ("rule", how, masks(spec, parameters)), complexity=2)
            for how in UPDATE_RULES if spec.optimizer == "sgd"]


FLOAT32 = Mistake("float32", PRECISION, "the arithmetic is float32 instead of float64: a precision finding, not a "
                  "logic mistake", kind="precision")
