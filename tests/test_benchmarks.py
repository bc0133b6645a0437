"""The benchmark's helpers: flop count, specs of the scaling cases, contenders that agree, the CSV schema.

No timing is asserted here: benchmarks are not tests.
"""

from __future__ import annotations

import csv
import json

import pytest

from benchmarks.report import markdown, write_csv
from benchmarks.rows import COLUMNS, Row
from benchmarks.specs import parameters, scaling_spec, step_flops
from benchmarks.steps import agreement
from benchmarks.suite import nox_sessions
from benchmarks.timing import Stats, interleaved
from reference.spec import loads


def as_toml(spec) -> str:
    """The spec written out as a spec file (JSON lists of numbers are TOML arrays)."""
    numbers = lambda values: json.dumps([float(v) for v in values])  # noqa: E731
    matrix = lambda rows: "[" + ", ".join(numbers(row) for row in rows) + "]"  # noqa: E731
    examples = "".join(f"[[examples]]\ninputs = {numbers(e.inputs)}\ntargets = {numbers(e.targets)}\n"
                       for e in spec.examples)
    return (f'name = "{spec.name}"\n[network]\nlayers = {list(spec.layers)}\nactivation = "{spec.activation}"\n'
            f'loss = "{spec.loss}"\nbiases = "{spec.bias_mode}"\ntrain_biases = true\n'
            f'[training]\nlearning_rate = {spec.learning_rate}\niterations = {spec.iterations}\n'
            f'reduction = "{spec.reduction}"\n{examples}'
            f"[weights]\nhidden = {matrix(spec.w_hidden)}\noutput = {matrix(spec.w_output)}\n"
            f"[biases]\nhidden = {numbers(spec.b_hidden)}\noutput = {numbers(spec.b_output)}\n")


def test_flops_count_six_per_parameter_per_example():
    assert parameters(2) == 2 * 4 + 2 * 2
    assert step_flops(2, 1) == 72
    assert step_flops(1024, 64) == 6 * 64 * (2 * 1024 ** 2 + 2 * 1024)


@pytest.mark.parametrize("width, batch", [(2, 1), (5, 3)])
def test_scaling_spec_is_a_valid_spec_of_the_right_size(width, batch):
    spec = scaling_spec(width, batch)
    assert spec.layers == (width, width, width)
    assert len(spec.examples) == batch
    assert len(spec.weights) + len(spec.biases) == parameters(width)
    reread = loads(as_toml(spec), source=spec.source)  # the validator accepts it, numbers unchanged
    assert reread == spec


def test_scaling_spec_is_reproducible_and_seeded():
    assert scaling_spec(3, 2) == scaling_spec(3, 2)
    assert scaling_spec(3, 2, seed=1) != scaling_spec(3, 2)


def test_vectorized_and_autograd_take_the_same_step():
    assert agreement(["vectorized", "autograd"]) < 1e-12  # torch is checked by the benchmark itself, not here


def test_stats_quote_median_and_spread():
    stats = Stats.of([5.0, 1.0, 3.0, 2.0, 4.0])
    assert (stats.median, stats.minimum, stats.maximum, stats.q1, stats.q3, stats.repeats) == (3, 1, 5, 2, 4, 5)


def test_interleaved_calls_every_candidate_in_every_round():
    calls = []
    stats = interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, 3, {"b": 2})
    assert calls == ["a", "b", "b"] * 3
    assert stats["a"].repeats == stats["b"].repeats == 3


def test_csv_has_the_documented_columns_and_blank_missing_figures(tmp_path):
    rows = [Row("scaling", "width 2, batch 1", "torch", status="skipped", note="skipped: torch not importable"),
            Row("example", "loop", "loop", number=1).timed(Stats.of([0.1, 0.2, 0.3, 0.4, 0.5]))]
    write_csv(rows, tmp_path / "bench.csv")
    with (tmp_path / "bench.csv").open(newline="") as written:
        read = list(csv.DictReader(written))
    assert tuple(read[0]) == COLUMNS
    assert read[0]["median_s"] == "" and read[0]["status"] == "skipped"
    assert float(read[1]["median_s"]) == pytest.approx(0.3)


def test_markdown_says_why_torch_was_skipped():
    rows = [Row("scaling", "every width and batch", "torch", status="skipped", note="skipped: torch not importable"),
            Row("scaling", "width 2, batch 1", "vectorized", 2, 1, target="<= 1 x torch",
                status="not judged: no torch figure").timed(Stats.of([1e-5] * 5))]
    text = markdown(rows, {"cores": "2"}, "heading")
    assert "skipped: torch not importable" in text
    assert "not judged: no torch figure" in text


def test_nox_summary_names_each_session_and_its_time():
    output = "nox > Ran 2 sessions in 30 seconds:\nnox > * check: success, took 9 seconds\nnox > * tests: failed, took 11 seconds\n"
    assert nox_sessions(output) == "check success in 9 seconds, tests failed in 11 seconds"
