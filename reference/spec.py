"""The worked example as data: read and validate a spec file (TOML).

Numbers are kept exact: TOML floats are parsed as ``decimal.Decimal`` so that
0.05 means one twentieth, not the nearest binary double. The reference turns
them into SymPy Rationals; the float implementations call ``float()`` on them.

Every problem with a spec raises ``SpecError`` with one line that names the
file and the field, and says what would be accepted.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

DEFAULT_SPEC = Path(__file__).resolve().parent.parent / "golden" / "example.toml"

ACTIVATIONS = ("sigmoid",)
LOSSES = ("half_squared_error",)
BIAS_MODES = ("shared", "per_neuron")
REDUCTIONS = ("sum", "mean")

_SCHEMA = {
    "": {"name", "network", "training", "examples", "weights", "biases"},
    "network": {"layers", "activation", "loss", "biases", "train_biases"},
    "training": {"learning_rate", "iterations", "reduction"},
    "examples": {"inputs", "targets"},
    "weights": {"hidden", "output"},
    "biases": {"hidden", "output"},
}


class SpecError(ValueError):
    """A spec file that cannot describe a network; the message is one line."""


@dataclass(frozen=True)
class Example:
    inputs: tuple[Decimal, ...]
    targets: tuple[Decimal, ...]


@dataclass(frozen=True)
class Spec:
    name: str
    layers: tuple[int, int, int]
    activation: str
    loss: str
    bias_mode: str
    train_biases: bool
    learning_rate: Decimal
    iterations: int
    reduction: str
    examples: tuple[Example, ...]
    w_hidden: tuple[tuple[Decimal, ...], ...]  # n_hidden rows of n_inputs
    w_output: tuple[tuple[Decimal, ...], ...]  # n_outputs rows of n_hidden
    b_hidden: tuple[Decimal, ...]  # 1 value if shared, else n_hidden
    b_output: tuple[Decimal, ...]  # 1 value if shared, else n_outputs
    source: str = "<spec>"

    @property
    def n_inputs(self) -> int:
        return self.layers[0]

    @property
    def n_hidden(self) -> int:
        return self.layers[1]

    @property
    def n_outputs(self) -> int:
        return self.layers[2]

    @property
    def weights(self) -> tuple[Decimal, ...]:
        """w1, w2, ... in the documented order (hidden layer first, row by row)."""
        return tuple(w for row in self.w_hidden + self.w_output for w in row)

    @property
    def biases(self) -> tuple[Decimal, ...]:
        """b1, b2, ... (hidden layer first)."""
        return self.b_hidden + self.b_output

    @property
    def is_documented_shape(self) -> bool:
        """True for the notes' network: 2-2-2, one example, shared fixed biases."""
        return (self.layers == (2, 2, 2) and len(self.examples) == 1
                and self.bias_mode == "shared" and not self.train_biases)

    def with_iterations(self, iterations: int) -> Spec:
        if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
            raise SpecError(f"iterations must be a whole number >= 1 (got {iterations!r})")
        return replace(self, iterations=iterations)


def load(path: str | Path = DEFAULT_SPEC) -> Spec:
    """Read and validate the spec at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"spec {path}: no such file (pass --spec with a TOML spec such as golden/example.toml)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"spec {path}: cannot be read ({exc})") from None
    return loads(text, source=str(path))


def loads(text: str, source: str = "<spec>") -> Spec:
    """Validate a spec given as TOML text."""
    if not text.strip():
        raise SpecError(f"spec {source}: the file is empty (see golden/example.toml for the format)")
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"spec {source}: not valid TOML ({exc})") from None
    return _Reader(source).spec(data)


class _Reader:
    """Walks the parsed TOML, naming the field of every problem it finds."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, field: str, problem: str):
        raise SpecError(f"spec {self.source}: field '{field}' {problem}")

    def table(self, data: dict, section: str, where: str) -> dict:
        unknown = sorted(set(data) - _SCHEMA[section])
        if unknown:
            allowed = ", ".join(sorted(_SCHEMA[section]))
            self.fail(f"{where}{unknown[0]}", f"is unknown (allowed here: {allowed})")
        return data

    def get(self, data: dict, key: str, where: str):
        if key not in data:
            self.fail(where + key, "is missing")
        return data[key]

    def section(self, data: dict, key: str) -> dict:
        value = self.get(data, key, "")
        if not isinstance(value, dict):
            self.fail(key, "must be a table ([" + key + "])")
        return self.table(value, key, key + ".")

    def number(self, value, field: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            self.fail(field, f"must be a number (got {value!r})")
        value = Decimal(value)
        if not value.is_finite():
            self.fail(field, f"must be a finite number (got {value})")
        return value

    def choice(self, data: dict, key: str, where: str, allowed: tuple[str, ...]) -> str:
        value = self.get(data, key, where)
        if value not in allowed:
            self.fail(where + key, f"must be one of {', '.join(allowed)} (got {value!r})")
        return value

    def vector(self, value, field: str, size: int) -> tuple[Decimal, ...]:
        if not isinstance(value, list):
            self.fail(field, f"must be a list of {size} numbers (got {value!r})")
        if len(value) != size:
            self.fail(field, f"must hold {size} numbers to match the layer sizes (got {len(value)})")
        return tuple(self.number(v, f"{field}[{k}]") for k, v in enumerate(value))

    def matrix(self, value, field: str, rows: int, cols: int) -> tuple[tuple[Decimal, ...], ...]:
        if not isinstance(value, list) or len(value) != rows:
            got = len(value) if isinstance(value, list) else repr(value)
            self.fail(field, f"must hold {rows} rows of {cols} numbers to match the layer sizes (got {got} rows)")
        return tuple(self.vector(row, f"{field}[{r}]", cols) for r, row in enumerate(value))

    def spec(self, data: dict) -> Spec:
        self.table(data, "", "")
        name = self.get(data, "name", "")
        if not isinstance(name, str) or not name.strip():
            self.fail("name", "must be a non-empty string")

        net = self.section(data, "network")
        layers = self.get(net, "layers", "network.")
        if (not isinstance(layers, list) or len(layers) != 3
                or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in layers)):
            self.fail("network.layers", f"must be three positive whole numbers [inputs, hidden, outputs] (got {layers!r})")
        n_in, n_hid, n_out = layers
        activation = self.choice(net, "activation", "network.", ACTIVATIONS)
        loss = self.choice(net, "loss", "network.", LOSSES)
        bias_mode = self.choice(net, "biases", "network.", BIAS_MODES)
        train_biases = self.get(net, "train_biases", "network.")
        if not isinstance(train_biases, bool):
            self.fail("network.train_biases", f"must be true or false (got {train_biases!r})")

        training = self.section(data, "training")
        rate = self.number(self.get(training, "learning_rate", "training."), "training.learning_rate")
        if rate <= 0:
            self.fail("training.learning_rate", f"must be greater than 0 (got {rate})")
        iterations = self.get(training, "iterations", "training.")
        if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
            self.fail("training.iterations", f"must be a whole number >= 1 (got {iterations!r})")
        reduction = self.choice(training, "reduction", "training.", REDUCTIONS)

        raw_examples = self.get(data, "examples", "")
        if not isinstance(raw_examples, list) or not raw_examples:
            self.fail("examples", "must be one or more [[examples]] tables with inputs and targets")
        examples = []
        for k, raw in enumerate(raw_examples):
            where = f"examples[{k}]."
            if not isinstance(raw, dict):
                self.fail(f"examples[{k}]", "must be a table with inputs and targets")
            self.table(raw, "examples", where)
            inputs = self.vector(self.get(raw, "inputs", where), where + "inputs", n_in)
            targets = self.vector(self.get(raw, "targets", where), where + "targets", n_out)
            for j, t in enumerate(targets):
                if not 0 <= t <= 1:
                    self.fail(f"{where}targets[{j}]", f"must lie in [0, 1], the range of the sigmoid (got {t})")
            examples.append(Example(inputs, targets))

        weights = self.section(data, "weights")
        w_hidden = self.matrix(self.get(weights, "hidden", "weights."), "weights.hidden", n_hid, n_in)
        w_output = self.matrix(self.get(weights, "output", "weights."), "weights.output", n_out, n_hid)

        biases = self.section(data, "biases")
        shared = bias_mode == "shared"
        b_hidden = self.vector(self.get(biases, "hidden", "biases."), "biases.hidden", 1 if shared else n_hid)
        b_output = self.vector(self.get(biases, "output", "biases."), "biases.output", 1 if shared else n_out)

        return Spec(name=name, layers=(n_in, n_hid, n_out), activation=activation, loss=loss,
                    bias_mode=bias_mode, train_biases=train_biases, learning_rate=rate,
                    iterations=iterations, reduction=reduction, examples=tuple(examples),
                    w_hidden=w_hidden, w_output=w_output, b_hidden=b_hidden, b_output=b_output,
                    source=self.source)
