"""The command line: one command with subcommands, one exit-code table, one-line errors, from any folder."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import sysconfig

import pandas as pd
import pytest
from backprop_verify.implementations.registry import REGISTRY
from backprop_verify.reference import examples
from backprop_verify.reference.spec import load as load_spec
from backprop_verify.verify.cli.main import main


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("backprop-verify ")
    for sub in ("derive", "run", "check", "trace", "list"):
        with pytest.raises(SystemExit):
            main([sub, "--help"])
        text = capsys.readouterr().out
        assert "examples:" in text and f"backprop-verify {sub}" in text, sub


@pytest.mark.parametrize("name", [n for n, p in REGISTRY.items() if p.in_process])
def test_run_prints_the_golden_columns_in_round_trip_form(capsys, name):
    status, out, err = run_cli(capsys, "run", name, "--iterations", "25")
    assert status == 0 and err == ""
    expected = REGISTRY[name].run(load_spec(examples.spec_path("documented")), 25)
    got = pd.read_csv(io.StringIO(out))
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_run_takes_a_shipped_example_by_name(capsys):
    status, out, _ = run_cli(capsys, "run", "vectorized", "--spec", "deep-tanh-softmax-adam", "--iterations", "2")
    assert status == 0 and out.splitlines()[0].startswith("iteration,out_o1_x1,out_o2_x1,out_o1_x2")


@pytest.mark.parametrize("argv,says", [
    ([], "no subcommand"),
    (["frobnicate"], "invalid choice"),
    (["run", "nonesuch"], "unknown implementation"),
    (["run"], "required"),
    (["run", "loop", "--iterations", "0"], "whole number"),
    (["run", "loop", "--iterations", "ten"], "whole number"),
    (["run", "loop", "--spec", "no/such/spec.toml"], "no such file"),
    (["run", "loop", "--spec", "per-neuron-3-4-2"], "2-2-2"),
    (["run", "loop", "--dtype", "float32"], "dtype"),
    (["run", "vectorized", "--dtype", "float16"], "invalid choice"),
    (["check", "nonesuch"], "no program"),
    (["check", "--timeout", "0"], "greater than 0"),
    (["check", "--timeout", "nan"], "greater than 0"),
    (["trace", "--timeout", "-1", "--", "true"], "greater than 0"),
    (["trace", "--timeout", "inf", "--", "true"], "greater than 0"),
    (["trace"], "no command given"),
    (["trace", "--name", "=E_total", "--", "true"], "name"),
    (["trace", "--name", "loss:E_total", "--", "true"], "PROGRAM NAME=GOLDEN_NAME"),
])
def test_bad_usage_is_one_line_and_exit_2(capsys, argv, says):
    status, out, err = run_cli(capsys, *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and says in err, err


def test_check_lists_the_skipped_on_its_last_line_and_combines_exit_codes(capsys):
    status, out, _ = run_cli(capsys, "check", "loop", "vectorized", "--spec", "per-neuron-3-4-2")
    last = out.strip().splitlines()[-1]
    assert status == 0
    assert last.startswith("1 passed, 0 failed, 0 errored, 1 skipped; skipped: loop on per-neuron-3-4-2")
    status, out, _ = run_cli(capsys, "check", "loop", "--spec", "per-neuron-3-4-2")
    assert status == 3 and "SKIPPED: loop on per-neuron-3-4-2" in out


@pytest.mark.slow
def test_trace_exit_codes(capsys, tmp_path):
    golden = examples.folder("documented") / "trajectory.csv"
    cat = [sys.executable, "-c", "import sys; sys.stdout.write(open(sys.argv[1]).read())"]
    assert run_cli(capsys, "trace", "--", *cat, str(golden))[0] == 0
    bad = tmp_path / "bad.csv"
    header, first, *rest = golden.read_text().splitlines()
    row = dict(zip(header.split(","), first.split(",")))
    row["E_total"] = repr(float(row["E_total"]) * (1 + 4e-14))  # about 200 ULPs
    bad.write_text("\n".join([header, ",".join(row.values()), *rest]) + "\n")
    status, out, _ = run_cli(capsys, "trace", "--", *cat, str(bad))
    assert status == 1 and "first divergence at iteration 0, E_total" in out
    assert run_cli(capsys, "trace", "--", "no-such-program-4f2a")[0] == 2


def test_a_learning_rate_given_verifies_against_that_example_and_the_cause_names_the_option(capsys, tmp_path,
                                                                                             monkeypatch):
    from .students import SPEC, printed, train

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the changed example is derived and kept there
    trace = tmp_path / "out.txt"
    trace.write_text(printed(train(rate=0.1, iterations=100), "Iteration {k} | Total Error: {E_total!r}", every=10))
    cat = ["--iterations", "100", "--", sys.executable, "-c", "import sys; sys.stdout.write(open(sys.argv[1]).read())",
           str(trace)]
    status, out, _ = run_cli(capsys, "trace", *cat)
    assert status == 1 and "give --learning-rate 0.1" in out, out
    status, out, _ = run_cli(capsys, "trace", "--learning-rate", "0.1", *cat)
    assert status == 0 and "on documented with learning rate 0.1:" in out, out
    status, out, _ = run_cli(capsys, "trace", "--learning-rate", "0.2", *cat)  # the buggy twin: another rate
    assert status == 1, out
    assert float(SPEC.learning_rate) == 0.5  # the shipped example itself is unchanged
    status, _, err = run_cli(capsys, "trace", "--learning-rate", "-1", *cat)
    assert status == 2 and "not a learning rate" in err


def test_derive_check_exits_1_on_a_difference_and_writes_nothing(capsys, tmp_path):
    folder = tmp_path / "golden"
    shutil.copytree(examples.folder("relu-linear-momentum"), folder)
    (folder / "notes_identities.csv").write_text("formula,where,holds\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    status, out, err = run_cli(capsys, "derive", "--spec", str(folder / "example.toml"), "--check")
    assert status == 1 and "notes_identities.csv: header, column method" in err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.slow
def test_the_installed_command_works_from_another_folder(tmp_path):
    # the scripts folder of the environment running the tests, whether or not it is on PATH
    command = shutil.which("backprop-verify", path=sysconfig.get_path("scripts"))
    if command is None:
        pytest.skip("backprop-verify is not installed in this environment (pip install -e .)")
    done = subprocess.run([command, "check", "loop"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASSED: loop on documented" in done.stdout
    listed = subprocess.run([command, "list"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and "deep-tanh-softmax-adam" in listed.stdout


def test_options_after_the_program_are_refused(capsys):
    status, out, err = run_cli(capsys, "trace", "cat", "trace.txt", "--name", "loss=E_total")
    assert status == 2 and "comes after the program" in err and err.count("\n") == 1


def test_a_misspelt_example_name_gets_a_suggestion(capsys):
    status, _, err = run_cli(capsys, "check", "loop", "--spec", "documnted")
    assert status == 2 and "did you mean the shipped example 'documented'?" in err
