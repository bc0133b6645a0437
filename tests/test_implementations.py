"""Every implementation against the goldens: step 1, every iteration of every example, and the CLI."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from .accuracy import EXAMPLES, STEP1, golden_step1, spec, step1_errors, supported, trajectory, \
    trajectory_comparison
from implementations import REGISTRY, Implementation
from implementations.__main__ import main
from reference import names, tolerances
from reference.compare import compare_trajectory, read_trajectory

ROOT = Path(__file__).resolve().parent.parent
PAIRS = supported()


def test_the_registry_holds_the_three_implementations():
    assert list(REGISTRY) == ["loop", "vectorized", "autograd"]
    assert all(isinstance(impl, Implementation) and impl.name == name for name, impl in REGISTRY.items())


def test_every_implementation_runs_the_documented_example():
    assert {name for name, example in PAIRS if example == "documented"} == set(REGISTRY)


@pytest.mark.parametrize("name", ["vectorized", "autograd"])
def test_the_general_implementations_run_every_example(name):
    assert {example for n, example in PAIRS if n == name} == set(EXAMPLES)


def test_loop_refuses_other_specs_with_a_reason():
    other = spec("per-neuron-3-4-2")
    reason = REGISTRY["loop"].supports(other)
    assert reason and "2-2-2" in reason
    with pytest.raises(ValueError, match="2-2-2"):
        REGISTRY["loop"].run(other, 1)


@pytest.mark.parametrize("name,example", PAIRS)
def test_step1_within_tolerance(name, example):
    errors = step1_errors(name, example)
    allowed = tolerances.limits(name, example + STEP1)
    assert set(errors) <= set(golden_step1(example))
    assert "E_total" in errors and all(f"dE_d{p}" in errors for p in names.trained_names(spec(example)))
    over = {q: ulps for q, (ulps, _) in errors.items() if ulps > allowed(q)}
    assert not over, f"{name} step 1 of {example}: ULPs above tolerance {over}"


def test_loop_step1_names_the_notes_draft():
    errors = step1_errors("loop", "documented")
    assert all(r in errors for r in names.draft_names())


@pytest.mark.parametrize("name,example", PAIRS)
def test_trajectory_schema(name, example):
    frame = trajectory(name, example)
    assert list(frame.columns) == names.trajectory_columns(spec(example))
    assert len(frame) == spec(example).iterations
    assert frame["iteration"].tolist() == list(range(len(frame)))
    assert (frame.drop(columns="iteration").dtypes == np.float64).all()


@pytest.mark.parametrize("name,example", PAIRS)
def test_trajectory_within_tolerance(name, example):
    comparison = trajectory_comparison(name, example)
    assert comparison.values_checked == spec(example).iterations * (len(names.trajectory_columns(spec(example))) - 1)
    assert comparison.passed, f"{name} on {example}: first divergence at {comparison.first_divergence}"


def test_run_honours_iterations():
    frame = REGISTRY["vectorized"].run(spec("documented"), 3)
    assert len(frame) == 3
    pd.testing.assert_frame_equal(frame, trajectory("vectorized", "documented").head(3))


def test_float32_is_computed_in_float32():
    frame = REGISTRY["vectorized"].run(spec("documented"), 50, dtype="float32")
    values = frame.drop(columns="iteration").to_numpy()
    assert (values.astype(np.float32).astype(np.float64) == values).all()
    assert not np.array_equal(values, trajectory("vectorized", "documented").drop(columns="iteration").head(50))


# --- the command line ----------------------------------------------------------

def run_cli(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("name", list(REGISTRY))
def test_cli_prints_the_run_in_round_trip_form(capsys, name):
    status, out, err = run_cli(capsys, name, "--iterations", "25")
    assert status == 0 and err == ""
    expected = REGISTRY[name].run(spec("documented"), 25)
    pd.testing.assert_frame_equal(read_trajectory(io.StringIO(out)), expected, check_exact=True)
    first = out.splitlines()[1].split(",")
    assert first[1:] == [repr(v) for v in expected.iloc[0, 1:]]


def test_cli_as_a_module_writes_the_golden_columns():
    result = subprocess.run([sys.executable, "-m", "implementations", "vectorized",
                             "--spec", str(EXAMPLES["per-neuron-3-4-2"]), "--iterations", "4"],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    got = read_trajectory(io.StringIO(result.stdout))
    golden = read_trajectory(EXAMPLES["per-neuron-3-4-2"].parent / "trajectory.csv").head(4)
    assert list(got.columns) == list(golden.columns)
    assert compare_trajectory(golden, got, tolerances.limits("vectorized", "per-neuron-3-4-2")).passed


@pytest.mark.parametrize("argv,says", [
    (["nonesuch"], "unknown implementation"),
    ([], "required"),
    (["loop", "--iterations", "0"], "whole number >= 1"),
    (["loop", "--iterations", "ten"], "whole number >= 1"),
    (["loop", "--spec", "no/such/spec.toml"], "no such file"),
    (["loop", "--spec", "__BAD__"], "spec"),
    (["loop", "--spec", "__342__"], "2-2-2"),
    (["loop", "--dtype", "float32"], "no option dtype"),
    (["vectorized", "--dtype", "float16"], "invalid choice"),
])
def test_cli_errors_are_one_line_and_exit_2(capsys, tmp_path, argv, says):
    bad = tmp_path / "bad.toml"
    bad.write_text("name = 'no network here'\n", encoding="utf-8")
    replace = {"__BAD__": str(bad), "__342__": str(EXAMPLES["per-neuron-3-4-2"])}
    status, out, err = run_cli(capsys, *[replace.get(a, a) for a in argv])
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and says in err
