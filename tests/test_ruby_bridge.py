"""The project's Ruby program passes through the bridge; broken variants of it are caught."""

from __future__ import annotations

import pytest

from implementations.ruby_bridge import SCRIPT, verify_project_ruby
from trace_samples import needs_ruby

# Each variant: (text in backprop.rb, its replacement), then the expected status and where it must show.
MUTANTS = {
    "dE/dout sign flipped": ([("(out_o1 - t1)", "(t1 - out_o1)"), ("(out_o2 - t2)", "(t2 - out_o2)")],
                             "failed", (0, "dE_dw1")),
    "sigmoid derivative dropped": ([("  out * (1.0 - out)\n", "  1.0\n")], "failed", (0, "dE_dw1")),
    "hidden layer through the updated w5..w8": (
        [("delta_o1 * w5 + delta_o2 * w7", "delta_o1 * new_w5 + delta_o2 * new_w7"),
         ("delta_o1 * w6 + delta_o2 * w8", "delta_o1 * new_w6 + delta_o2 * new_w8")], "failed", (0, "dE_dw1")),
    "learning rate added": ([("w5 - rate * grad_w5", "w5 + rate * grad_w5")], "failed", (0, "w5_new")),
    "one iteration short": ([('example.fetch("iterations").times', '(example.fetch("iterations") - 1).times')],
                            "errored", "too-few"),
    "garbled line": ([('"af_E_w3:#{grad_w3}"', '"af_E_w3 #{grad_w3}"')], "errored", "garbage"),
    "crash": ([("puts trace", 'raise "weights went missing"')], "errored", "exit-status"),
}


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


def test_the_program_keeps_its_own_identity():
    source = SCRIPT.read_text(encoding="utf-8")
    for foreign in ("calc_af_E_total_out_h1", "af_net_o1_w7", "func的导数"):
        assert foreign not in source
    for number in ("0.05", "0.15", "0.35", "0.99", "10000"):
        assert number not in source, "the example's numbers come from the spec, not the program"

