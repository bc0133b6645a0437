"""The spec format: every shipped example loads; a bad spec is refused with one line naming the field."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from backprop_verify.reference import examples
from backprop_verify.reference.spec import MAX_ITERATIONS, SpecError, load, loads

TEXT = examples.spec_path("documented").read_text(encoding="utf-8")
DEEP = examples.spec_path("deep-tanh-softmax-adam").read_text(encoding="utf-8")


def edit(pattern: str, replacement: str, text: str = TEXT) -> str:
    changed, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert count == 1, pattern
    return changed


CASES = {
    "missing field": (edit(r"^learning_rate = .*$", ""), "training.learning_rate", "missing"),
    "unknown field": (edit(r"^iterations = ", "speed = 3\niterations = "), "training.speed", "unknown"),
    "setting of another optimizer": (edit(r"^iterations = ", "momentum = 0.9\niterations = "),
                                     "training.momentum", "belongs to optimizer"),
    "non-numeric": (edit(r"^learning_rate = .*$", 'learning_rate = "fast"'), "training.learning_rate", "number"),
    "nan": (edit(r"^learning_rate = .*$", "learning_rate = nan"), "training.learning_rate", "finite"),
    "infinity": (edit(r"^(inputs = \[)[^,]*", r"\1inf"), "examples[0].inputs[0]", "finite"),
    "beyond float64": (edit(r"^learning_rate = .*$", "learning_rate = 1e400"), "training.learning_rate",
                       "beyond the range of float64"),
    "below float64": (edit(r"^(inputs = \[)[^,]*", r"\g<1>1e-400"), "examples[0].inputs[0]", "too small"),
    "zero learning rate": (edit(r"^learning_rate = .*$", "learning_rate = 0"), "training.learning_rate",
                           "greater than 0"),
    "negative learning rate": (edit(r"^learning_rate = (.*)$", r"learning_rate = -\1"), "training.learning_rate",
                               "greater than 0"),
    "sizes do not match": (edit(r"^layers = \[\d+", "layers = [3"), "examples[0].inputs", "match the layer sizes"),
    "target out of range": (edit(r"^(targets = \[)[^,]*", r"\g<1>1.5"), "examples[0].targets[0]", "[0, 1]"),
    "zero iterations": (edit(r"^iterations = .*$", "iterations = 0"), "training.iterations", "from 1"),
    "a billion iterations": (edit(r"^iterations = .*$", "iterations = 1_000_000_000"), "training.iterations",
                             f"{MAX_ITERATIONS:,}"),
    "a million hidden neurons": (edit(r"^layers = \[2, 2", "layers = [2, 1000000"), "network.layers[1]",
                                 "at most 4,096"),
    "unknown activation": (edit(r'^activation = "sigmoid"', 'activation = "swish"'), "network.activation",
                           "must be one of"),
    "softmax everywhere": (edit(r'^activation = "sigmoid"', 'activation = "softmax"'), "network.activation",
                           "hidden layer"),
    "softmax on one output": (edit(r"^layers = \[2, 2, 2\]", "layers = [2, 2, 1]",
                                   edit(r'^activation = "sigmoid"', 'activations = ["sigmoid", "softmax"]')),
                              "network.activations", "single output"),
    "cross-entropy on tanh": (edit(r'^loss = .*$', 'loss = "cross_entropy"',
                                   edit(r'^activation = "sigmoid"', 'activations = ["sigmoid", "tanh"]')),
                              "network.loss", "sigmoid or softmax"),
    "a hidden layer without weights": (edit(r"^layers = \[2, 2, 2\]", "layers = [2, 2, 2, 2]"), "weights.layers",
                                       "is missing"),
    "empty file": ("", "empty", "empty"),
    "not TOML": ("this is [not toml", "not valid TOML", "TOML"),
    "adam epsilon zero": (edit(r"^epsilon = .*$", "epsilon = 0", DEEP), "training.epsilon", "greater than 0"),
    "adam beta of one": (edit(r"^beta2 = .*$", "beta2 = 1", DEEP), "training.beta2", "[0, 1)"),
    "softmax on a hidden layer": (edit(r'^activations = \["tanh"', 'activations = ["softmax"', DEEP),
                                  "network.activations[0]", "output layer only"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_bad_spec_is_refused_with_one_line_naming_the_field(case):
    text, field, problem = CASES[case]
    with pytest.raises(SpecError) as caught:
        loads(text, source="bad.toml")
    message = str(caught.value)
    assert "\n" not in message
    assert field in message and problem in message, message


def test_every_shipped_example_loads_and_says_what_it_is():
    loaded = {name: load(examples.spec_path(name)) for name in examples.names()}
    assert examples.names()[0] == "documented"
    assert loaded["documented"].is_documented_shape
    assert loaded["deep-tanh-softmax-adam"].layers[1:-1] and loaded["deep-tanh-softmax-adam"].optimizer == "adam"
    assert loaded["relu-linear-momentum"].optimizer == "momentum"
    assert loaded["per-neuron-trained"].train_biases and loaded["per-neuron-trained"].bias_mode == "per_neuron"


def test_numbers_are_exact_decimals():
    spec = loads(TEXT)
    assert spec.examples[0].inputs == (Decimal("0.05"), Decimal("0.10"))
    assert spec.learning_rate == Decimal("0.5")


def test_a_byte_order_mark_is_accepted():
    assert loads("\ufeff" + TEXT, source="bom.toml") == loads(TEXT, source="bom.toml")


def test_the_three_layer_form_and_the_general_form_are_the_same_spec():
    general = edit(r"^\[weights\]\nhidden = \[\[0\.15, 0\.20\],\s*#[^\n]*\n\s*\[0\.25, 0\.30\]\]\s*#[^\n]*\n"
                   r"output = \[\[0\.40, 0\.45\],\s*#[^\n]*\n\s*\[0\.50, 0\.55\]\]\s*#[^\n]*\n",
                   "[weights]\nlayers = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]\n")
    general = edit(r"^hidden = \[0\.35\].*\noutput = \[0\.60\].*$", "layers = [[0.35], [0.60]]", general)
    general = edit(r'^activation = "sigmoid"', 'activations = ["sigmoid", "sigmoid"]', general)
    assert loads(general) == loads(TEXT)
    assert loads(general).fingerprint() == loads(TEXT).fingerprint()


def test_the_fingerprint_follows_the_content_not_the_layout():
    assert loads(TEXT + "\n# a comment\n").fingerprint() == loads(TEXT).fingerprint()
    assert loads(edit(r"^learning_rate = .*$", "learning_rate = 0.6")).fingerprint() != loads(TEXT).fingerprint()
    assert loads(edit(r"^iterations = .*$", "iterations = 100")).fingerprint() != loads(TEXT).fingerprint()


def test_a_missing_file_a_folder_and_a_huge_file_each_get_one_line(tmp_path):
    with pytest.raises(SpecError, match="no such file"):
        load(tmp_path / "nope.toml")
    with pytest.raises(SpecError, match="is a folder"):
        load(tmp_path)
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"#" * (17 << 20))
    with pytest.raises(SpecError, match="at most 16 MiB"):
        load(huge)
