"""The Python API: tables, text, commands and the Recorder get the command line's verdicts; bad input is refused
in one line; the truth comes out as DataFrames; ``import backprop_verify`` stays light.

The learner's programs here are written for these tests, with NumPy, apart from the reference; the truth they
are held to is read from golden/ with the csv module.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from backprop_verify.reference import examples
from backprop_verify.reference.spec import load as load_spec
from backprop_verify.verify.api.card import card
from backprop_verify.verify.cli.main import main
from backprop_verify.verify.status import Status

import backprop_verify as bv

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden" / "documented"
SPEC = load_spec(examples.spec_path("documented"))
UPDATED_WEIGHTS = "backward-through-updated-weights"  # the catalogue's category (verify/mistakes/variants.py)


def golden_columns() -> dict[str, list[float]]:
    with (GOLDEN / "trajectory.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {name: [float(row[name]) for row in rows] for name in rows[0]}


def learner(iterations: int = SPEC.iterations, updated_weights: bool = False) -> list[dict[str, float]]:
    """A learner's NumPy training loop; ``updated_weights``: the hidden gradient taken through the new W2."""
    x, t = (np.array(v, dtype=float) for v in (SPEC.examples[0].inputs, SPEC.examples[0].targets))
    W1, W2 = (np.array(w, dtype=float) for w in SPEC.weight_layers)
    b1, b2 = (float(b[0]) for b in SPEC.bias_layers)
    rate = float(SPEC.learning_rate)
    rows = []
    for k in range(iterations):
        h = 1 / (1 + np.exp(-(W1 @ x + b1)))
        o = 1 / (1 + np.exp(-(W2 @ h + b2)))
        E = 0.5 * np.sum((t - o) ** 2)
        delta_o = (o - t) * o * (1 - o)
        if updated_weights:
            W2 = W2 - rate * np.outer(delta_o, h)
        delta_h = (W2.T @ delta_o) * h * (1 - h)
        if not updated_weights:
            W2 = W2 - rate * np.outer(delta_o, h)
        W1 = W1 - rate * np.outer(delta_h, x)
        rows.append({"iteration": k, "E_total": float(E), "out_o1": float(o[0]), "w1": float(W1[0, 0]),
                     "w5": float(W2[0, 0])})
    return rows


@pytest.fixture(scope="module")
def right() -> list[dict[str, float]]:
    return learner()


# --- tables ----------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_golden_trajectory_as_a_table_passes_with_every_value_exact():
    verdict = bv.verify(golden_columns())
    assert verdict.passed, verdict.line()
    assert verdict.comparison.values_checked == 19 * 10_000
    assert verdict.largest == 0.0  # each value read back as the very double the table held


@pytest.mark.slow
def test_one_value_a_billionth_off_fails_at_that_value():
    columns = golden_columns()
    columns["w5_new"][1234] *= 1 + 1e-9
    verdict = bv.verify(pd.DataFrame(columns))
    assert verdict.status is Status.FAILED
    first = verdict.first_divergence
    assert (first.quantity, first.iteration) == ("w5_new", 1234)
    assert str(verdict) == verdict.line() and verdict.line().startswith("FAILED: table on documented: ")


def test_a_learners_table_passes_under_golden_and_usual_names(right):
    frame = pd.DataFrame(right).rename(columns={"E_total": "loss"})
    verdict = bv.verify(frame)
    assert verdict.passed, verdict.line()
    assert verdict.comparison.quantities == ["out_o1", "E_total", "w1_new", "w5_new"]
    assert "'loss' as E_total" in verdict.reading


def test_a_loss_per_iteration_and_one_every_hundred_iterations(right):
    losses = [row["E_total"] for row in right]
    assert bv.verify({"E_total": losses}).passed
    # a dict is a value per iteration from 0, as verify() says: every 100th loss is not read as such
    assert bv.verify({"E_total": losses[::100]}).status is Status.FAILED
    sparse = bv.verify({"iteration": list(range(0, 10_000, 100)), "E_total": losses[::100]})
    assert sparse.passed and "100 iterations (0 to 9,900, every 100th)" in sparse.coverage


def test_a_loss_logged_after_each_update_by_epoch_from_1(right):
    after = [row["E_total"] for row in right[1:]] + [float(_after()["E_total"])]
    frame = pd.DataFrame({"loss": after}, index=pd.RangeIndex(1, 10_001, name="epoch"))
    verdict = bv.verify(frame)
    assert verdict.passed, verdict.line()
    assert "after each update" in verdict.reading and "labels from 1" in verdict.reading
    # after update k counted from 1 is before update k counted from 0: the same values, a reading as good
    assert bv.verify(frame, after_update=False).passed
    assert bv.verify(frame, after_update=True, count_from=0).status is Status.FAILED  # the user's word is taken


def _after() -> dict[str, str]:
    with (GOLDEN / "after_training.csv").open(newline="") as handle:
        return {row["quantity"]: row["value"] for row in csv.DictReader(handle)}


def test_the_recorder_names_the_mistake_and_passes_the_fix(right):
    wrong = bv.Recorder(spec="documented")
    for row in learner(updated_weights=True):
        wrong.log(**row)
    verdict = wrong.verdict()
    assert verdict.status is Status.FAILED
    assert verdict.cause is not None and verdict.cause.category == UPDATED_WEIGHTS, verdict.line()
    assert (verdict.first_divergence.quantity, verdict.first_divergence.iteration) == ("w1_new", 0)
    fixed = bv.Recorder()
    for row in right:
        fixed.log(**row)
    assert len(fixed) == 10_000 and fixed.verdict().passed


def test_the_recorder_takes_arrays_scalars_and_lists_and_logs_sparsely(right):
    rec = bv.Recorder()
    for row in right:
        values = {"iteration": np.int64(row["iteration"]), "E_total": np.float64(row["E_total"])}
        if row["iteration"] % 500 == 0:
            values["w5"] = [row["w5"]][0]
        rec.log(**values)
    verdict = rec.verdict()
    assert verdict.passed and verdict.comparison.quantities == ["E_total", "w5_new"]


def test_assert_verified_raises_with_the_verdict_line_and_returns_a_pass(right):
    frame = pd.DataFrame(learner(iterations=40, updated_weights=True))
    with pytest.raises(AssertionError) as raised:
        bv.assert_verified(frame, iterations=40)
    verdict = bv.verify(frame, iterations=40)
    assert str(raised.value) == verdict.line() and "likely cause: " in str(raised.value)
    assert bv.assert_verified(pd.DataFrame(right)).passed
    with pytest.raises(AssertionError, match="^ERRORED: "):
        bv.assert_verified("nothing but words\n")  # errored is not passed
    with pytest.raises(ValueError, match="already verified"):
        bv.assert_verified(verdict, spec="documented")


# --- text and commands: the command line's verdicts ------------------------------------------------------

LOSS_EVERY_1000 = ["python3", "examples/loss_every_1000.py"]
ITS_OPTIONS = ["--stdin-spec", "--after-update", "--count-from", "1", "--name", "loss=E_total"]


def test_verify_command_gives_the_command_lines_verdict(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    status = main(["trace", *ITS_OPTIONS, "--", *LOSS_EVERY_1000])
    printed = capsys.readouterr().out.strip().splitlines()[-1]
    verdict = bv.verify_command(LOSS_EVERY_1000, stdin_spec=True, after_update=True, count_from=1,
                                names={"loss": "E_total"})
    assert status == 0 and verdict.passed
    assert verdict.line() == printed


@pytest.mark.slow
def test_verify_text_reads_printed_text_as_the_command_does(monkeypatch):
    monkeypatch.chdir(ROOT)
    spec_json = subprocess.run([sys.executable, "-m", "backprop_verify", "run", "loop", "--iterations", "2"],
                               capture_output=True, text=True, timeout=120)
    assert spec_json.returncode == 0
    printed = spec_json.stdout
    verdict = bv.verify_text(printed, iterations=2, program="loop")
    assert verdict.passed and verdict.comparison.values_checked == 2 * 19
    assert verdict.line() == bv.verify_command([sys.executable, "-m", "backprop_verify", "run", "loop",
                                                "--iterations", "2"], iterations=2, program="loop").line()


@pytest.mark.slow
def test_a_command_that_hangs_is_stopped_and_errored():
    verdict = bv.verify_command([sys.executable, "-c", "import time; time.sleep(600)"], timeout=1)
    assert verdict.status is Status.ERRORED and verdict.kind == "hang"


def test_a_table_that_turns_nan_fails_there(right):
    losses = [row["E_total"] for row in right[:100]] + [float("nan")] * 50
    verdict = bv.verify({"E_total": losses}, iterations=150)
    assert verdict.status is Status.FAILED and verdict.reason.startswith("E_total is NaN from iteration 100 on")


def test_printed_text_with_nothing_to_check_is_errored_with_its_reason():
    verdict = bv.verify_text("training...\ndone\n")
    assert verdict.status is Status.ERRORED and "printed no number" in verdict.reason


# --- bad input: refused before anything runs, in one line ------------------------------------------------

@pytest.mark.parametrize("call,error,says", [
    (lambda: bv.verify({"E_total": [0.3]}, spec="documentd"), ValueError, "did you mean 'documented'"),
    (lambda: bv.verify({"E_total": [0.3]}, spec="no/such.toml"), ValueError, "no such file"),
    (lambda: bv.verify({"E_total": [0.3]}, afterupdate=True), TypeError, "did you mean after_update"),
    (lambda: bv.verify({"E_total": [0.3]}, names=["loss=E_total"]), ValueError, "names={'loss': 'E_total'}"),
    (lambda: bv.verify({"loss": [0.3]}, names={"loss": "E_totl"}), ValueError, "E_total"),
    (lambda: bv.verify({"E_total": [0.3]}, precision="float16"), ValueError, "float64, float32"),
    (lambda: bv.verify({"E_total": [0.3]}, iterations=0), ValueError, "whole number"),
    (lambda: bv.verify({"E_total": [0.3]}, count_from=2), ValueError, "0 or 1"),
    (lambda: bv.verify({"E_total": [0.3, 0.2], "w5": [0.4]}), ValueError, "differ in length"),
    (lambda: bv.verify([0.3, 0.2]), TypeError, "verify_text"),
    (lambda: bv.verify({"E_total": 0.3}), ValueError, "one per iteration"),
    (lambda: bv.verify(pd.DataFrame([{"E_total": 0.3, "w5": 0.4}, {"E_total": 0.2}, {"E_total": 0.1, "w5": 0.3}])),
     ValueError, "column 'w5' has no value at row 1"),
    (lambda: bv.verify({"E_total": ["high"]}), ValueError, "not a number"),
    (lambda: bv.verify_text(b"E_total: 0.3"), TypeError, "as a str"),
    (lambda: bv.verify_command([]), ValueError, "no command"),
    (lambda: bv.verify_command(["true"], timeout=0), ValueError, "greater than 0"),
    (lambda: bv.verify_command(["true"], cwd="/no/such/folder"), ValueError, "no such folder"),
    (lambda: bv.verify_command(["true"], stdin="x", stdin_spec=True), ValueError, "not both"),
    (lambda: bv.Recorder(spec="nonesuch"), ValueError, "no shipped example"),
    (lambda: bv.Recorder().log(), ValueError, "at least one value"),
    (lambda: bv.Recorder().log(**{"a,b": 1.0}), ValueError, "without commas"),
    (lambda: bv.truth("documented", iterations=10**9), ValueError, "whole number"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_bad_input_is_refused_in_one_line(call, error, says):
    with pytest.raises(error) as raised:
        call()
    message = str(raised.value)
    assert says in message and "\n" not in message


# --- the truth --------------------------------------------------------------------------------------------

def test_truth_gives_the_goldens_as_dataframes():
    golden = bv.truth("documented")
    columns = golden_columns()
    assert list(golden.trajectory.columns) == list(columns)
    for name, values in columns.items():
        assert golden.trajectory[name].tolist() == values, name
    assert golden.envelope.shape == golden.trajectory.shape and (golden.envelope.iloc[:, 1:] > 0).all().all()
    assert golden.after == {q: float(v) for q, v in _after().items()}


@pytest.mark.slow
def test_derive_any_spec_file_and_write_only_where_asked(tmp_path):
    text = (GOLDEN / "example.toml").read_text().replace("iterations = 10000", "iterations = 30")
    (tmp_path / "my.toml").write_text(text)
    before = sorted(tmp_path.iterdir())
    derived = bv.derive(tmp_path / "my.toml")
    assert sorted(tmp_path.iterdir()) == before  # nothing written without out=
    columns = golden_columns()
    assert derived.iterations == 30 and len(derived.trajectory) == 30
    for name in columns:  # the trajectory of 30 iterations is the start of the 10,000
        assert derived.trajectory[name].tolist() == columns[name][:30], name
    assert derived.envelope.shape == derived.trajectory.shape
    bv.derive(tmp_path / "my.toml", out=tmp_path / "goldens")
    assert {p.name for p in (tmp_path / "goldens").iterdir()} == {
        "step1.csv", "trajectory.csv", "after_training.csv", "notes_identities.csv", "envelope.csv",
        "derivation.csv"}


# --- the card ---------------------------------------------------------------------------------------------

def test_the_card_shows_the_status_the_cause_and_the_chart():
    frame = pd.DataFrame(learner(iterations=40, updated_weights=True))
    verdict = bv.verify(frame, iterations=40, program="<b>mine</b>")
    html = verdict._repr_html_()
    assert html == card(verdict)
    assert ">FAILED<" in html and "likely cause" in html and "already-updated weights" in html
    assert "&lt;b&gt;mine&lt;/b&gt;" in html and "<b>mine</b>" not in html  # escaped
    assert html.count("<svg") == 1 and "<path d=\"M" in html and "error ÷ envelope" in html
    errored = bv.verify_text("nothing\n")
    assert ">ERRORED<" in errored._repr_html_() and "<svg" not in errored._repr_html_()
    assert errored.reason in errored._repr_html_()


# --- the package's face -----------------------------------------------------------------------------------

def _python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_import_backprop_verify_stays_light():
    heavy = _python("import sys, backprop_verify\n"
                    "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'pandas', 'sympy', 'torch', "
                    "'IPython', 'jinja2'}), sorted(m for m in sys.modules if m.startswith('backprop_verify.')))")
    assert heavy == "[] []"


def test_bv_verify_is_the_function_whatever_was_imported_first():
    line = _python("import backprop_verify.verify.programs\n"  # the harness first: bv.verify is its package
                   "import backprop_verify as bv\n"
                   "print(bv.verify({'E_total': [0.29837110876000267]}).status.value,\n"
                   "      bv.verify.api.verify is not None)")
    assert line == "passed True"
