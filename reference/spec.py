"""The worked example as data: read and validate a spec file (TOML).

Numbers are kept exact: TOML floats are parsed as ``decimal.Decimal`` so that
0.05 means one twentieth, not the nearest binary double. The reference turns
them into exact rationals; the float implementations call ``float()`` on them.

A spec describes a fully connected network of any depth (``layers`` lists the
input size, the hidden layers and the output layer), one activation per layer,
a loss, how biases are laid out and whether they are trained, an optimizer and
its settings, the training examples, and the starting parameters. Weights are
numbered w1, w2, ... layer by layer, neuron by neuron, input by input; biases
b1, b2, ... layer by layer (one per layer when shared, one per neuron
otherwise). The 3-layer form of the notes (``[weights] hidden = ..., output =
...``, ``activation = "sigmoid"``) stays valid.

Every problem raises ``SpecError`` with one line that names the file and the
field, and says what would be accepted.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from . import examples, inputs

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear", "softmax")
LOSSES = ("half_squared_error", "mean_squared_error", "cross_entropy")
BIAS_MODES = ("shared", "per_neuron")
REDUCTIONS = ("sum", "mean")
OPTIMIZERS = ("sgd", "momentum", "adam")
ADAM_DEFAULTS = {"beta1": Decimal("0.9"), "beta2": Decimal("0.999"), "epsilon": Decimal("1e-8")}  # PyTorch's

# Documented limits: beyond them a run is refused at once rather than left to exhaust the machine.
MAX_ITERATIONS = 1_000_000
MAX_WIDTH = 4096
MAX_PARAMETERS = 1 << 22
MAX_EXAMPLES = 4096
MAX_VALUES = 1 << 26  # iterations x quantities of one trajectory: 512 MiB as float64; every shipped example's
                      # MAX_ITERATIONS fit
MAX_SPEC_BYTES = 16 << 20  # a spec is a few kilobytes
FLOAT64_MAX = Decimal("1.7976931348623157e308")
FLOAT64_TINY = Decimal("2.2250738585072014e-308")  # the smallest normal double

_SCHEMA = {
    "": {"name", "network", "training", "examples", "weights", "biases"},
    "network": {"layers", "activation", "activations", "loss", "biases", "train_biases"},
    "training": {"learning_rate", "iterations", "reduction", "optimizer", "momentum", *ADAM_DEFAULTS},
    "examples": {"inputs", "targets"},
    "weights": {"layers", "hidden", "output"},
    "biases": {"layers", "hidden", "output"},
}

# The range of each output activation, for targets that it can reach: (low, high) or None.
_TARGET_RANGE = {"sigmoid": (0, 1), "softmax": (0, 1), "tanh": (-1, 1)}


class SpecError(ValueError):
    """A spec file that cannot describe a network; the message is one line."""


@dataclass(frozen=True)
class Example:
    inputs: tuple[Decimal, ...]
    targets: tuple[Decimal, ...]


Matrix = tuple[tuple[Decimal, ...], ...]


@dataclass(frozen=True)
class Spec:
    name: str
    layers: tuple[int, ...]  # inputs, hidden layers..., outputs
    activations: tuple[str, ...]  # one per non-input layer
    loss: str
    bias_mode: str
    train_biases: bool
    learning_rate: Decimal
    iterations: int
    reduction: str
    optimizer: str
    optimizer_settings: tuple[tuple[str, Decimal], ...]  # momentum; or beta1, beta2, epsilon
    examples: tuple[Example, ...]
    weight_layers: tuple[Matrix, ...]  # one matrix per non-input layer, a row per neuron
    bias_layers: tuple[tuple[Decimal, ...], ...]  # one list per non-input layer (one value when shared)
    source: str = "<spec>"
    example: str | None = None  # the shipped example this spec is (golden/NAME/example.toml), None for any other

    @property
    def n_inputs(self) -> int:
        return self.layers[0]

    @property
    def n_outputs(self) -> int:
        return self.layers[-1]

    @property
    def depth(self) -> int:
        """The number of layers with weights (hidden layers and the output layer)."""
        return len(self.layers) - 1

    @property
    def settings(self) -> dict[str, Decimal]:
        return dict(self.optimizer_settings)

    @property
    def weights(self) -> tuple[Decimal, ...]:
        """w1, w2, ... in the documented order."""
        return tuple(w for matrix in self.weight_layers for row in matrix for w in row)

    @property
    def biases(self) -> tuple[Decimal, ...]:
        """b1, b2, ... in the documented order."""
        return tuple(b for layer in self.bias_layers for b in layer)

    @property
    def activation(self) -> str | None:
        """The activation of every layer, when they all have the same one."""
        return self.activations[0] if len(set(self.activations)) == 1 else None

    # The notes' three-layer vocabulary, for code written for one hidden layer.
    @property
    def w_hidden(self) -> Matrix:
        return self.weight_layers[0]

    @property
    def w_output(self) -> Matrix:
        return self.weight_layers[-1]

    @property
    def is_notes_family(self) -> bool:
        """One hidden layer of sigmoids, sigmoid outputs, the half squared error, plain gradient descent."""
        return (len(self.layers) == 3 and self.activation == "sigmoid" and self.loss == "half_squared_error"
                and self.optimizer == "sgd")

    @property
    def is_documented_shape(self) -> bool:
        """The notes' network: 2-2-2 of the notes' family, one example, shared fixed biases."""
        return (self.is_notes_family and self.layers == (2, 2, 2) and len(self.examples) == 1
                and self.bias_mode == "shared" and not self.train_biases)

    @property
    def trajectory_width(self) -> int:
        """The quantities of one iteration of the trajectory (reference/names.py): the outputs of every example,
        E_total, and the gradient and new value of every trained parameter."""
        trained = len(self.weights) + (len(self.biases) if self.train_biases else 0)
        return self.n_outputs * len(self.examples) + 1 + 2 * trained

    def fingerprint(self) -> str:
        """SHA-256 of what the spec says (not how it is written): comments and layout do not change it."""
        data = {"name": self.name, "layers": self.layers, "activations": self.activations, "loss": self.loss,
                "biases": self.bias_mode, "train_biases": self.train_biases,
                "learning_rate": self.learning_rate, "iterations": self.iterations, "reduction": self.reduction,
                "optimizer": self.optimizer, "settings": self.optimizer_settings,
                "examples": [[e.inputs, e.targets] for e in self.examples],
                "weights": self.weight_layers, "bias_values": self.bias_layers}
        canonical = json.dumps(data, default=lambda d: str(d.normalize()), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def load(path: str | Path) -> Spec:
    """Read and validate the spec at ``path``."""
    path = Path(path)
    try:
        data = inputs.read_bounded(path, MAX_SPEC_BYTES)
    except inputs.Unreadable as why:
        if why.kind == inputs.MISSING:
            raise SpecError(f"spec {path}: no such file (pass --spec with a TOML spec, or the name of a shipped "
                            "example such as 'documented')") from None
        if why.kind == inputs.FOLDER:
            raise SpecError(f"spec {path}: is a folder; pass the spec file itself (such as "
                            f"{path}/example.toml)") from None
        raise SpecError(f"spec {path}: {why}; a spec is a TOML file of a few kilobytes") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(f"spec {path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    return replace(loads(text, source=str(path)), example=examples.name_of(path))


def check_length(spec: Spec, iterations: int, given: str = "field 'training.iterations'") -> None:
    """SpecError when ``iterations`` of ``spec`` make a trajectory of more than MAX_VALUES values."""
    values = iterations * spec.trajectory_width
    if values > MAX_VALUES:
        raise SpecError(f"spec {spec.source}: {given} = {iterations:,} makes {values:,} values "
                        f"({spec.trajectory_width:,} quantities an iteration); at most {MAX_VALUES:,}: run fewer "
                        "iterations or a smaller network")


def loads(text: str, source: str = "<spec>") -> Spec:
    """Validate a spec given as TOML text."""
    text = text.removeprefix("\ufeff")  # a byte-order mark, as some editors save UTF-8
    if not text.strip():
        raise SpecError(f"spec {source}: the file is empty (see golden/documented/example.toml for the format)")
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"spec {source}: not valid TOML ({exc})") from None
    except RecursionError:  # the parser recurses once per level of nesting
        raise SpecError(f"spec {source}: arrays or tables nested too deeply to read; a spec nests them a few "
                        "levels deep") from None
    return _Reader(source).spec(data)


Table = dict[str, Any]  # a table of the parsed TOML
Entry = TypeVar("Entry")


class _Reader:
    """Walks the parsed TOML, naming the field of every problem it finds."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, field: str, problem: str) -> NoReturn:
        raise SpecError(f"spec {self.source}: field '{field}' {problem}")

    def table(self, data: Table, section: str, where: str) -> Table:
        unknown = sorted(set(data) - _SCHEMA[section])
        if unknown:
            allowed = ", ".join(sorted(_SCHEMA[section]))
            self.fail(f"{where}{unknown[0]}", f"is unknown (allowed here: {allowed})")
        return data

    def get(self, data: Table, key: str, where: str) -> Any:
        if key not in data:
            self.fail(where + key, "is missing")
        return data[key]

    def section(self, data: Table, key: str) -> Table:
        value = self.get(data, key, "")
        if not isinstance(value, dict):
            self.fail(key, "must be a table ([" + key + "])")
        return self.table(value, key, key + ".")

    def number(self, value: object, field: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            self.fail(field, f"must be a number (got {value!r})")
        value = Decimal(value)
        if not value.is_finite():
            self.fail(field, f"must be a finite number (got {value})")
        if abs(value) > FLOAT64_MAX:
            self.fail(field, f"is beyond the range of float64 (got {value}; at most about 1.8e308)")
        if value and abs(value) < FLOAT64_TINY:
            self.fail(field, f"is too small for float64 without losing digits (got {value}; at least 2.3e-308)")
        return value

    def whole(self, value: object, field: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(field, f"must be a whole number from {low:,} to {high:,} (got {value!r})")
        return value

    def fraction(self, data: Table, key: str, where: str, default: Decimal | None = None) -> Decimal:
        """A setting in [0, 1)."""
        if key not in data and default is not None:
            return default
        value = self.number(self.get(data, key, where), where + key)
        if not 0 <= value < 1:
            self.fail(where + key, f"must lie in [0, 1) (got {value})")
        return value

    def choice(self, data: Table, key: str, where: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        if key not in data and default is not None:
            return default
        value: str = self.get(data, key, where)
        if value not in allowed:
            self.fail(where + key, f"must be one of {', '.join(allowed)} (got {value!r})")
        return value

    def vector(self, value: object, field: str, size: int) -> tuple[Decimal, ...]:
        if not isinstance(value, list):
            self.fail(field, f"must be a list of {size} numbers (got {value!r})")
        if len(value) != size:
            self.fail(field, f"must hold {size} numbers to match the layer sizes (got {len(value)})")
        return tuple(self.number(v, f"{field}[{k}]") for k, v in enumerate(value))

    def matrix(self, value: object, field: str, rows: int, cols: int) -> Matrix:
        if not isinstance(value, list) or len(value) != rows:
            got = len(value) if isinstance(value, list) else repr(value)
            self.fail(field, f"must hold {rows} rows of {cols} numbers to match the layer sizes (got {got} rows)")
        return tuple(self.vector(row, f"{field}[{r}]", cols) for r, row in enumerate(value))

    def per_layer(self, table: Table, name: str, layers: tuple[int, ...],
                  read: Callable[[object, str, int], Entry]) -> tuple[Entry, ...]:
        """``[name] layers = [...]``, one entry per non-input layer, or the 3-layer form hidden/output."""
        where = name + "."
        if "layers" in table:
            if "hidden" in table or "output" in table:
                self.fail(f"{where}layers", "goes alone: give either layers or hidden and output")
            value = table["layers"]
            if not isinstance(value, list) or len(value) != len(layers) - 1:
                self.fail(f"{where}layers", f"must hold {len(layers) - 1} entries, one per non-input layer")
            return tuple(read(entry, f"{where}layers[{k}]", k) for k, entry in enumerate(value))
        if len(layers) != 3:
            self.fail(f"{where}layers", f"is missing (hidden and output describe one hidden layer; this network "
                      f"has {len(layers) - 2})")
        return (read(self.get(table, "hidden", where), f"{where}hidden", 0),
                read(self.get(table, "output", where), f"{where}output", 1))

    def network(self, net: Table) -> tuple[tuple[int, ...], tuple[str, ...], str]:
        layers = self.get(net, "layers", "network.")
        if (not isinstance(layers, list) or len(layers) < 3
                or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in layers)):
            self.fail("network.layers", "must be three or more positive whole numbers [inputs, hidden..., outputs] "
                      f"(got {layers!r})")
        for k, n in enumerate(layers):
            if n > MAX_WIDTH:
                self.fail(f"network.layers[{k}]", f"is {n:,} neurons; at most {MAX_WIDTH:,} per layer")
        parameters = sum(a * b + b for a, b in zip(layers, layers[1:]))
        if parameters > MAX_PARAMETERS:
            self.fail("network.layers", f"makes {parameters:,} parameters; at most {MAX_PARAMETERS:,}")
        depth = len(layers) - 1
        if "activation" in net and "activations" in net:
            self.fail("network.activations", "goes alone: give activation (every layer) or activations (one per "
                      "layer), not both")
        if "activations" in net:
            activations = net["activations"]
            if not isinstance(activations, list) or len(activations) != depth:
                self.fail("network.activations", f"must list {depth} activations, one per non-input layer "
                          f"(got {activations!r})")
            for k, a in enumerate(activations):
                if a not in ACTIVATIONS:
                    self.fail(f"network.activations[{k}]", f"must be one of {', '.join(ACTIVATIONS)} (got {a!r})")
            activations = tuple(activations)
        else:
            activations = (self.choice(net, "activation", "network.", ACTIVATIONS),) * depth
        where = "network.activations" if "activations" in net else "network.activation"
        for k, a in enumerate(activations[:-1]):
            if a == "softmax":
                self.fail(where + (f"[{k}]" if "activations" in net else ""),
                          "puts softmax on a hidden layer; softmax is for the output layer only")
        if activations[-1] == "softmax" and layers[-1] < 2:
            self.fail(where, "puts softmax on a single output neuron, whose output would always be 1; "
                      "use sigmoid, or two or more outputs")
        loss = self.choice(net, "loss", "network.", LOSSES)
        if loss == "cross_entropy" and activations[-1] not in ("sigmoid", "softmax"):
            self.fail("network.loss", f"cross_entropy needs sigmoid or softmax outputs (the output layer is "
                      f"{activations[-1]}, whose outputs need not lie in (0, 1))")
        return tuple(layers), activations, loss

    def optimizer(self, training: Table) -> tuple[str, tuple[tuple[str, Decimal], ...]]:
        name = self.choice(training, "optimizer", "training.", OPTIMIZERS, default="sgd")
        own = {"sgd": set(), "momentum": {"momentum"}, "adam": set(ADAM_DEFAULTS)}[name]
        for key in ("momentum", *ADAM_DEFAULTS):
            if key in training and key not in own:
                users = "momentum" if key == "momentum" else "adam"
                self.fail(f"training.{key}", f"belongs to optimizer = \"{users}\" (this spec's optimizer is {name})")
        if name == "momentum":
            return name, (("momentum", self.fraction(training, "momentum", "training.")),)
        if name == "adam":
            settings = (("beta1", self.fraction(training, "beta1", "training.", ADAM_DEFAULTS["beta1"])),
                        ("beta2", self.fraction(training, "beta2", "training.", ADAM_DEFAULTS["beta2"])))
            epsilon = self.number(training.get("epsilon", ADAM_DEFAULTS["epsilon"]), "training.epsilon")
            if epsilon <= 0:
                self.fail("training.epsilon", f"must be greater than 0 (got {epsilon})")
            return name, settings + (("epsilon", epsilon),)
        return name, ()

    def examples(self, data: Table, layers: tuple[int, ...], activations: tuple[str, ...],
                 loss: str) -> tuple[Example, ...]:
        raw_examples = self.get(data, "examples", "")
        if not isinstance(raw_examples, list) or not raw_examples:
            self.fail("examples", "must be one or more [[examples]] tables with inputs and targets")
        if len(raw_examples) > MAX_EXAMPLES:
            self.fail("examples", f"holds {len(raw_examples):,} examples; at most {MAX_EXAMPLES:,}")
        limits = (0, 1) if loss == "cross_entropy" else _TARGET_RANGE.get(activations[-1])
        why = "the range of cross-entropy targets" if loss == "cross_entropy" else f"the range of {activations[-1]}"
        examples = []
        for k, raw in enumerate(raw_examples):
            where = f"examples[{k}]."
            if not isinstance(raw, dict):
                self.fail(f"examples[{k}]", "must be a table with inputs and targets")
            self.table(raw, "examples", where)
            inputs = self.vector(self.get(raw, "inputs", where), where + "inputs", layers[0])
            targets = self.vector(self.get(raw, "targets", where), where + "targets", layers[-1])
            if limits is not None:
                for j, t in enumerate(targets):
                    if not limits[0] <= t <= limits[1]:
                        self.fail(f"{where}targets[{j}]", f"must lie in [{limits[0]}, {limits[1]}], {why} "
                                  f"(got {t})")
            examples.append(Example(inputs, targets))
        return tuple(examples)

    def spec(self, data: Table) -> Spec:
        self.table(data, "", "")
        name = self.get(data, "name", "")
        if not isinstance(name, str) or not name.strip():
            self.fail("name", "must be a non-empty string")

        net = self.section(data, "network")
        layers, activations, loss = self.network(net)
        bias_mode = self.choice(net, "biases", "network.", BIAS_MODES)
        train_biases = self.get(net, "train_biases", "network.")
        if not isinstance(train_biases, bool):
            self.fail("network.train_biases", f"must be true or false (got {train_biases!r})")

        training = self.section(data, "training")
        rate = self.number(self.get(training, "learning_rate", "training."), "training.learning_rate")
        if rate <= 0:
            self.fail("training.learning_rate", f"must be greater than 0 (got {rate})")
        iterations = self.whole(self.get(training, "iterations", "training."), "training.iterations", 1,
                                MAX_ITERATIONS)
        reduction = self.choice(training, "reduction", "training.", REDUCTIONS)
        optimizer, settings = self.optimizer(training)

        examples = self.examples(data, layers, activations, loss)
        shapes = list(zip(layers, layers[1:]))
        weights = self.per_layer(self.section(data, "weights"), "weights", layers,
                                 lambda value, field, k: self.matrix(value, field, shapes[k][1], shapes[k][0]))
        shared = bias_mode == "shared"
        biases = self.per_layer(self.section(data, "biases"), "biases", layers,
                                lambda value, field, k: self.vector(value, field, 1 if shared else shapes[k][1]))

        spec = Spec(name=name, layers=layers, activations=activations, loss=loss, bias_mode=bias_mode,
                    train_biases=train_biases, learning_rate=rate, iterations=iterations, reduction=reduction,
                    optimizer=optimizer, optimizer_settings=settings, examples=examples, weight_layers=weights,
                    bias_layers=biases, source=self.source)
        check_length(spec, iterations)
        return spec
