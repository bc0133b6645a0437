"""The cause of a divergence is found by derivation, for any spec, even from a single printed value.

The programs here are independent of the catalogue's variants (which run the
reference's own graph): a one-line trace of the notes' published figure, and
the vectorized implementation run with one convention changed.
"""

from __future__ import annotations

import dataclasses
import sys

import pytest
from backprop_verify.implementations.vectorized import run as vectorized
from backprop_verify.reference import examples
from backprop_verify.reference.spec import load
from backprop_verify.verify import programs, truth
from backprop_verify.verify.compare import compare, from_frame
from backprop_verify.verify.mistakes import variants
from backprop_verify.verify.mistakes.diagnose import diagnose
from backprop_verify.verify.status import Status

DEEP = "deep-tanh-softmax-adam"


def printing(text: str) -> list[str]:
    return [sys.executable, "-c", f"print({text!r})"]


def test_the_notes_published_loss_after_one_update_is_the_updated_weights_mistake(documented):
    """The notes print E_total = 0.291027924 after the first update; the truth is 0.291027774."""
    verdict = programs.verify_command(printing("Total error after one update: 0.291027924"), documented,
                                      programs.Options(layout=programs.Layout(after_update=True),
                                                       reading=programs.reading.Reading(
                                                           names=("Total error after one update=E_total",))))
    assert verdict.status is Status.FAILED, verdict.line()
    assert verdict.coverage == "E_total at iteration 0, 9 decimals, printed after each update"
    assert verdict.cause.category == variants.UPDATED_WEIGHTS, verdict.line()
    assert "to every printed digit" in str(verdict.cause)


def test_the_lecture_materials_loss_is_the_per_neuron_biases_variant(documented):
    verdict = programs.verify_command(printing("E_total = 0.280471447"), documented,
                                      programs.Options(layout=programs.Layout(after_update=True)))
    assert verdict.status is Status.FAILED
    assert verdict.cause.mistake.name == "per-neuron biases trained", verdict.line()


def test_a_correct_one_value_trace_passes_at_its_printed_precision(documented):
    bound = truth.load(documented)
    value = f"{bound.trajectory[1, bound.column('E_total')]:.9f}"
    verdict = programs.verify_command(printing(f"E_total: {value}"), documented,
                                      programs.Options(layout=programs.Layout(after_update=True)))
    assert verdict.status is Status.PASSED, verdict.line()
    assert verdict.coverage.startswith("E_total at iteration 0, 9 decimals")


@pytest.mark.parametrize("changes,category", [
    ({"reduction": "sum"}, variants.REDUCTION),
    ({"train_biases": False}, variants.BIASES_FIXED),
], ids=["sum instead of mean", "biases kept fixed"])
def test_on_a_deep_spec_a_changed_convention_is_named(changes, category):
    spec = load(examples.spec_path(DEEP))
    bound = truth.load(spec)
    frame = vectorized(dataclasses.replace(spec, **changes), 3)
    shared = [c for c in frame.columns if c == "iteration" or c in bound.quantities]
    comparison = compare(bound, *from_frame(frame[shared]))
    cause = diagnose(bound, comparison)
    assert not comparison.passed
    assert cause is not None and cause.category == category, str(cause)
    assert cause.digits >= 12, str(cause)


def test_biases_trained_on_a_spec_that_keeps_them_fixed_is_named(documented):
    bound = truth.load(documented)
    frame = vectorized(dataclasses.replace(documented, train_biases=True), 3)
    comparison = compare(bound, *from_frame(frame[[c for c in frame.columns if c == "iteration"
                                                   or c in bound.quantities]]))
    cause = diagnose(bound, comparison)
    assert comparison.first_divergence.iteration == 1
    assert cause.category == variants.BIASES_TRAINED, str(cause)


def test_float32_is_a_precision_finding_on_any_spec():
    spec = load(examples.spec_path("per-neuron-3-4-2"))
    bound = truth.load(spec)
    comparison = compare(bound, *from_frame(vectorized(spec, 50, dtype="float32")))
    cause = diagnose(bound, comparison)
    assert (cause.category, cause.kind) == (variants.PRECISION, "precision"), str(cause)


def test_the_catalogue_adapts_to_the_spec():
    deep = variants.catalogue(load(examples.spec_path(DEEP)))
    names = {m.name for m in deep}
    assert "sum instead of mean" in names and "biases not trained" in names
    assert "forgotten half" not in names  # cross-entropy has no 1/2
    assert "updated weights backward" not in names  # Adam's update is not the rule of that mistake
    documented = {m.name for m in variants.catalogue(load(examples.spec_path("documented")))}
    assert {"forgotten half", "updated weights backward", "biases trained"} <= documented
    assert "sum instead of mean" not in documented  # one example
