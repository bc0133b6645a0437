"""The project's Ruby program passes through the bridge; broken variants of it are caught."""

from __future__ import annotations

import pytest

from implementations import neuron_rb
from implementations.ruby_bridge import SCRIPT, verify_project_ruby
from reference.spec import load
from .mutants.ruby import BROKEN_VARIANTS as MUTANTS
from .trace_samples import needs_ruby

@needs_ruby
@pytest.mark.parametrize("case", MUTANTS)
def test_a_broken_variant_is_caught(case, tmp_path):
    edits, status, where = MUTANTS[case]
    source = SCRIPT.read_text()
    for old, new in edits:
        assert old in source, f"backprop.rb no longer contains {old!r}: update the mutant"
        source = source.replace(old, new)
    variant = tmp_path / "variant.rb"
    variant.write_text(source)
    verdict = verify_project_ruby(script=variant, timeout=30)
    assert verdict.status == status, verdict.reason
    assert verdict.exit_code == (1 if status == "failed" else 2)
    if status == "failed":
        first = verdict.comparison.first_divergence
        assert (first.iteration, first.quantity) == where, verdict.reason
    else:
        assert verdict.kind == where, verdict.reason


@needs_ruby
def test_the_project_ruby_program_passes():
    verdict = verify_project_ruby()
    assert verdict.status == "passed", verdict.reason
    assert verdict.comparison.values_checked == 190_000


def test_without_ruby_the_check_is_skipped_and_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    verdict = verify_project_ruby()
    assert (verdict.status, verdict.exit_code) == ("skipped", 2)
    assert "apt-get install ruby" in verdict.reason


def test_only_the_documented_shape_is_accepted():
    verdict = verify_project_ruby("golden/per-neuron-3-4-2/example.toml")
    assert (verdict.status, verdict.kind, verdict.exit_code) == ("errored", "spec", 2)


def test_the_program_types_in_none_of_the_example_s_numbers():
    source = SCRIPT.read_text(encoding="utf-8")
    spec = load()
    numbers = {str(v) for v in spec.weights + spec.biases + (spec.learning_rate,)}
    numbers |= {str(v) for e in spec.examples for v in e.inputs + e.targets} | {str(spec.iterations)}
    numbers.discard("0.5")  # the 1/2 of the loss is part of the formula, whatever the learning rate
    for number in numbers:
        assert number not in source, f"{number}: the example's numbers come from the spec, not the program"


def test_the_program_shares_no_line_with_the_original():
    try:
        original = neuron_rb.locate(fetch=False).path.read_text(encoding="utf-8")
    except neuron_rb.Unavailable as missing:
        pytest.skip(f"the original cannot be compared: {missing}")
    ours = {line.strip() for line in SCRIPT.read_text(encoding="utf-8").splitlines()}
    shared = [line.strip() for line in original.splitlines() if len(line.strip()) >= 12 and line.strip() in ours]
    assert shared == []

