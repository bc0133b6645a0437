"""The benchmark's pure helpers: flop counts, the specs it builds, contenders that agree, the CSV and markdown
schema, the judging of targets, and what it reads from nox's and pytest's output.

No timing is asserted here: benchmarks are not tests.
"""

from __future__ import annotations

import csv
import os
import shutil

import pytest
from backprop_verify.reference import examples, goldens
from backprop_verify.reference.spec import loads
from backprop_verify.verify.bench.machine import busy, shown
from backprop_verify.verify.bench.report import markdown, write_csv
from backprop_verify.verify.bench.rows import COLUMNS, SECTIONS, STATUSES, Row, skipped
from backprop_verify.verify.bench.specs import (
    growth_layers,
    network_spec,
    network_toml,
    parameters,
    scaling_layers,
    step_flops,
)
from backprop_verify.verify.bench.steps import agreement
from backprop_verify.verify.bench.suite import differing, failing_tests, nox_summary, pytest_summary
from backprop_verify.verify.bench.timing import Stats, interleaved
from backprop_verify.verify.bench.verifying import name_value
from backprop_verify.verify.cli.main import main


def test_flops_count_six_per_parameter_per_example():
    assert parameters((2, 2, 2)) == 2 * 4 + 2 * 2
    assert parameters((2, 3, 3, 2)) == 6 + 3 + 9 + 3 + 6 + 2
    assert step_flops((2, 2, 2), 1) == 72
    assert step_flops(scaling_layers(1024), 64) == 6 * 64 * (2 * 1024 ** 2 + 2 * 1024)


@pytest.mark.parametrize("layers, batch", [(scaling_layers(2), 1), (scaling_layers(5), 3), (growth_layers(30, 1), 1),
                                           (growth_layers(8, 4), 2)])
def test_built_specs_are_valid_specs_of_the_right_size(layers, batch):
    spec = network_spec(layers, batch, iterations=7)
    assert spec.layers == layers and spec.iterations == 7
    assert len(spec.examples) == batch
    assert len(spec.weights) + len(spec.biases) == parameters(layers)
    assert spec.train_biases and spec.bias_mode == "per_neuron"
    assert loads(network_toml(layers, batch, 7), source=spec.source) == spec  # what a spec file would give


def test_growth_layers_keep_two_inputs_and_two_outputs():
    assert growth_layers(64, 1) == (2, 64, 2)
    assert growth_layers(8, 3) == (2, 8, 8, 8, 2)


def test_built_specs_are_reproducible_and_seeded():
    assert network_toml((3, 3, 3), 2) == network_toml((3, 3, 3), 2)
    assert network_toml((3, 3, 3), 2, seed=1) != network_toml((3, 3, 3), 2)


def test_vectorized_and_autograd_take_the_same_step():
    assert agreement(["vectorized", "autograd"], network_spec(scaling_layers(3), 2)) < 1e-12


def test_torch_takes_the_same_step_when_installed():
    pytest.importorskip("torch", reason="torch is optional (pip install torch==2.13.0)")
    assert agreement(["vectorized", "torch"], network_spec(growth_layers(3, 2), 2)) < 1e-12


def test_stats_quote_median_and_spread():
    stats = Stats.of([5.0, 1.0, 3.0, 2.0, 4.0])
    assert (stats.median, stats.minimum, stats.maximum, stats.q1, stats.q3, stats.repeats) == (3, 1, 5, 2, 4, 5)
    assert stats.scaled(0.5) == Stats(1.5, 0.5, 2.5, 1, 2, 5)


def test_interleaved_calls_every_candidate_in_every_round():
    calls = []
    stats = interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, 3, {"b": 2})
    assert calls == ["a", "b", "b"] * 3
    assert stats["a"].repeats == stats["b"].repeats == 3


def test_a_target_is_met_or_missed_by_the_median_and_a_failure_stays_failed():
    timed = lambda *samples: Row("suite", "x").timed(Stats.of(list(samples)))  # noqa: E731
    assert timed(1.0, 2.0, 9.0).within(3).status == "met"
    assert timed(1.0, 4.0, 9.0).within(3).status == "missed"
    failed = timed(1.0).failed("exit status 2: no such subcommand").within(3)
    assert (failed.status, failed.target) == ("failed", "< 3 s") and "exit status 2" in failed.note
    assert skipped("suite", "nox tests", "nox is not on PATH").note == "skipped: nox is not on PATH"


def test_csv_has_the_documented_columns_and_blank_missing_figures(tmp_path):
    rows = [skipped("scaling", "every width and batch", "torch not importable", "torch"),
            Row("example", "loop", "loop", number=1).timed(Stats.of([0.1, 0.2, 0.3, 0.4, 0.5])).within(0.05)]
    write_csv(rows, tmp_path / "bench.csv")
    with (tmp_path / "bench.csv").open(newline="") as written:
        read = list(csv.DictReader(written))
    assert tuple(read[0]) == COLUMNS
    assert read[0]["median_s"] == "" and read[0]["status"] == "skipped"
    assert float(read[1]["median_s"]) == pytest.approx(0.3) and read[1]["status"] == "missed"
    assert {r["status"] for r in read} <= set(STATUSES) and {r["section"] for r in read} <= set(SECTIONS)


def test_markdown_states_the_machine_every_part_and_why_a_row_was_skipped():
    rows = [skipped("scaling", "every width and batch", "torch not importable", "torch"),
            Row("scaling", "width 2, batch 1", "vectorized", 2, 1, target="<= 1 x torch",
                status="skipped").timed(Stats.of([1e-5] * 5)),
            Row("suite", "the report", "backprop-verify report").timed(Stats.of([0.5])).failed("exit status 2: x")
            .within(5)]
    text = markdown(rows, {"cores": "2", "OpenBLAS variables": "OPENBLAS_CORETYPE=Haswell"}, "heading")
    assert "OPENBLAS_CORETYPE=Haswell" in text
    assert "skipped: torch not importable" in text
    assert "| < 5 s | failed |" in text and "exit status 2" in text
    for title in ("Targets", "documented example", "exact reference", "noise envelope", "Verifying", "grows",
                  "suite itself"):
        assert title in text


def test_nox_summary_names_each_session_with_or_without_its_time():
    output = ("nox > Ran multiple sessions:\nnox > * lint: success\nnox > * tests: failed\n"
              "nox > * report: success, took 9 seconds\n")
    assert nox_summary(output) == "lint success, tests failed, report success in 9 seconds"
    assert nox_summary("no summary here") == ""


def test_pytest_summary_is_its_closing_line():
    output = "....\n=========== 1 failed, 635 passed, 115 skipped, 2 errors in 94.54s (0:01:34) ===========\nnox > x\n"
    assert pytest_summary(output) == "1 failed, 635 passed, 115 skipped, 2 errors in 94.54s (0:01:34)"
    assert pytest_summary("12 passed in 3.1s") == "12 passed in 3.1s"


def test_regenerated_goldens_are_compared_file_by_file(tmp_path):
    for name in examples.names():
        shutil.copytree(examples.folder(name), tmp_path / name)
    assert differing(tmp_path) == []
    changed = tmp_path / examples.DOCUMENTED / goldens.FILES[0]
    changed.write_text(changed.read_text() + "\n")
    (tmp_path / examples.names()[-1] / "envelope.csv").unlink()
    assert differing(tmp_path) == [f"{examples.DOCUMENTED}/{goldens.FILES[0]}",
                                   f"{examples.names()[-1]}/envelope.csv"]


def test_name_value_trace_holds_every_value_as_the_csv_writes_it(tmp_path):
    golden = tmp_path / "trajectory.csv"
    golden.write_text("iteration,a,b\n0,0.5,-1e-05\n1,0.25,2\n")
    assert name_value(golden, ["a", "b"]) == "a:0.5\nb:-1e-05\na:0.25\nb:2\n"


def test_bench_refuses_bad_options_in_one_line(capsys):
    assert main(["bench", "--threads", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--threads" in err


def test_a_machine_is_busy_when_its_load_exceeds_its_cores():
    cores = os.cpu_count() or 1
    assert busy([cores * 0.5, float(cores)]).startswith("no")
    assert busy([0.1, cores + 2.5]).startswith(f"yes: 1-minute load up to {cores + 2.5:.1f}")
    assert shown((1, 0.5, 0.25)) == "1.00 / 0.50 / 0.25" and shown(None) == "unknown"


def test_failing_tests_are_named_from_pytests_short_summary():
    output = ("FAILED tests/test_a.py::test_one - AssertionError: x\nERROR tests/test_b.py - ImportError\n"
              "FAILED tests/test_a.py::test_one - again\n")
    assert failing_tests(output) == "not passing: tests/test_a.py::test_one (failed), tests/test_b.py (error)"
    assert failing_tests("5 passed") == ""
    many = "".join(f"FAILED t.py::test_{k}\n" for k in range(6))
    assert failing_tests(many).endswith("t.py::test_3 (failed) and 2 more")
