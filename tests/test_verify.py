"""Verifying programs as people write them: partial traces, printed precision, inferred printing, stale goldens.

Every trace here is printed by a real subprocess (a one-line Python program
printing text made from the goldens) and read by the streaming reader. How it
was printed is inferred; the options of the command line still decide when
given.
"""

from __future__ import annotations

import shutil
import sys

import numpy as np
import pytest
from backprop_verify.reference import examples, goldens
from backprop_verify.reference.spec import load, loads
from backprop_verify.verify import programs, truth
from backprop_verify.verify.compare import Cells, compare
from backprop_verify.verify.status import Status
from backprop_verify.verify.timeline import Timeline


@pytest.fixture(scope="module")
def golden(documented):
    return truth.load(documented)


def printer(tmp_path, text: str) -> list[str]:
    path = tmp_path / "trace.txt"
    path.write_text(text, encoding="utf-8")
    return [sys.executable, "-c", "import sys; sys.stdout.write(open(sys.argv[1]).read())", str(path)]


def verify(tmp_path, text: str, spec, diagnose: bool = True, **printing) -> programs.Verdict:
    return programs.verify_command(printer(tmp_path, text), spec, programs.Options(
        printing=programs.Printing(**printing), diagnose=diagnose))


def value(golden, quantity: str, iteration: int) -> float:
    return float(golden.trajectory[iteration, golden.column(quantity)])


def test_the_whole_golden_trace_passes_exactly(tmp_path, documented, golden):
    text = (examples.folder("documented") / "trajectory.csv").read_text(encoding="utf-8")
    verdict = verify(tmp_path, text, documented)
    assert verdict.status is Status.PASSED, verdict.line()
    assert verdict.coverage == "all 19 quantities at every iteration (10,000), full precision"
    assert verdict.largest == 0.0


def test_the_loss_rounded_to_9_decimals_every_1000th_iteration(tmp_path, documented, golden):
    text = "".join(f"epoch {k}: E_total = {value(golden, 'E_total', k):.9f}\n" for k in range(0, 10_000, 1000))
    verdict = verify(tmp_path, "Training...\n" + text + "done\n", documented)
    assert verdict.status is Status.PASSED, verdict.line()
    assert verdict.coverage == "E_total at 10 iterations (0 to 9,000, every 1,000th), 9 decimals"
    assert any("ignored 2 lines without a number" in note for note in verdict.notes)


def test_one_digit_off_beyond_the_printed_rounding_fails(tmp_path, documented, golden):
    true = value(golden, "E_total", 3)
    wrong = f"{true + 2e-9:.9f}"  # two units of the 9th decimal: beyond rounding and envelope
    verdict = verify(tmp_path, f"E_total: {value(golden, 'E_total', 0):.9f}\nE_total: {value(golden, 'E_total', 1):.9f}"
                     f"\nE_total: {value(golden, 'E_total', 2):.9f}\nE_total: {wrong}\n", documented)
    assert verdict.status is Status.FAILED and verdict.first_divergence.iteration == 3, verdict.line()


def test_rounding_at_the_boundary_is_allowed(golden):
    """A truth just below a half unit: a correct program a hair above it prints the next digit, and passes;
    a print a whole unit away fails."""
    import dataclasses

    c = golden.column("E_total")
    near = golden.trajectory.copy()
    near[0, c] = 0.298371115 - 1e-17  # just below the half unit of the 8th decimal
    timeline = Timeline(dataclasses.replace(golden, trajectory=near))
    for printed, passes in ((0.29837111, True), (0.29837112, True), (0.29837113, False)):
        cells = Cells(np.array([c]), np.array([0]), np.array([printed]), np.array([5e-9]), np.array([0]), np.array([1]))
        result = compare(timeline, cells)
        assert result.passed is passes, (printed, str(result.first_divergence))


def test_the_loss_after_the_update_is_inferred_and_a_forced_option_still_decides(tmp_path, documented, golden):
    text = "".join(f"{k} {value(golden, 'E_total', k + 1)!r}\n" for k in range(5))
    verdict = verify(tmp_path, text, documented)
    assert verdict.status is Status.PASSED, verdict.line()
    assert "the forward pass after each update" in verdict.reading
    forced = verify(tmp_path, text, documented, after_update=False)
    assert forced.status is Status.FAILED, forced.line()


def test_labels_counted_from_one_are_inferred(tmp_path, documented, golden):
    text = "".join(f"Epoch {k}: loss = {value(golden, 'E_total', k):.12f}\n" for k in range(1000, 10_000, 1000))
    text += f"Epoch 10000: loss = {golden.after['E_total']:.12f}\n"
    verdict = verify(tmp_path, text, documented)
    assert verdict.status is Status.PASSED, verdict.line()
    assert "labels from 1, the forward pass after each update" in verdict.reading
    assert "read 'loss' as E_total" in verdict.reading


def test_the_final_state_alone(tmp_path, documented, golden):
    text = f"After training:\n  E_total = {golden.after['E_total']!r}\n  w5_new = {value(golden, 'w5_new', 9999)!r}\n"
    verdict = verify(tmp_path, text, documented)
    assert verdict.status is Status.PASSED, verdict.line()
    assert verdict.coverage.startswith("E_total, w5_new at iteration 9,999 and after training (10,000 updates)")


def test_a_run_of_another_length_is_derived_and_cached(tmp_path, monkeypatch):
    spec = load(examples.spec_path("relu-linear-momentum"))
    longer = truth.load(spec, 310)  # 10 more than the goldens: derived on the fly
    assert longer.iterations == 310 and longer.folder != examples.folder("relu-linear-momentum")
    shorter = truth.load(spec, 50)
    assert (shorter.trajectory == truth.load(spec).trajectory[:50]).all()
    assert (longer.trajectory[:300] == truth.load(spec).trajectory).all()
    assert truth.load(spec, 310).folder == longer.folder  # from the cache the second time


def test_a_spec_elsewhere_is_derived_into_the_cache_not_beside_it(tmp_path):
    text = examples.spec_path("relu-linear-momentum").read_text(encoding="utf-8").replace(
        "iterations = 300", "iterations = 20")
    (tmp_path / "mine.toml").write_text(text, encoding="utf-8")
    spec = load(tmp_path / "mine.toml")
    found = truth.load(spec)
    assert found.iterations == 20 and not (tmp_path / "trajectory.csv").exists()


def test_stale_goldens_are_refused_with_how_to_regenerate(tmp_path, monkeypatch):
    """A shipped spec edited without regenerating: never compared against the old goldens."""
    root = tmp_path / "golden"
    shutil.copytree(examples.folder("documented"), root / "documented")
    spec_file = root / "documented" / "example.toml"
    spec_file.write_text(spec_file.read_text(encoding="utf-8").replace("learning_rate = 0.5", "learning_rate = 0.6"),
                         encoding="utf-8")
    monkeypatch.setattr(examples, "ROOT", root)
    spec = load(spec_file)
    with pytest.raises(truth.TruthError, match="derived from another version.*backprop-verify derive"):
        truth.load(spec)
    hundred = spec_file.read_text(encoding="utf-8").replace("learning_rate = 0.6", "learning_rate = 0.5")
    spec_file.write_text(hundred.replace("iterations = 10000", "iterations = 100"), encoding="utf-8")
    with pytest.raises(truth.TruthError, match="another version"):
        truth.load(load(spec_file))  # a spec with 100 iterations never accepts a golden of 10,000


def test_regenerated_goldens_are_accepted(tmp_path, monkeypatch):
    root = tmp_path / "golden"
    (root / "mine").mkdir(parents=True)
    text = examples.spec_path("relu-linear-momentum").read_text(encoding="utf-8").replace(
        "iterations = 300", "iterations = 5")
    (root / "mine" / "example.toml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(examples, "ROOT", root)
    spec = load(root / "mine" / "example.toml")
    goldens.write(goldens.render(spec), root / "mine")
    assert truth.load(spec).folder == root / "mine"


def test_iterations_beyond_the_run_are_a_failure_that_says_so(tmp_path, documented, golden):
    text = "".join(f"{k},{value(golden, 'E_total', min(k, 9999))!r}\n" for k in (0, 10_000, 20_000))
    verdict = verify(tmp_path, "iteration,E_total\n" + text, documented, diagnose=False)
    assert verdict.status is Status.FAILED and "beyond the run's 10,000 iterations" in verdict.reason


def test_a_float_printed_by_a_shortest_round_trip_printer_is_exact():
    """repr(0.25) is '0.25': few digits, yet the exact double; a column at round-trip precision is exact."""
    from backprop_verify.verify.compare import rounding
    assert (rounding(np.array([0.25, 0.7513650695523157]), np.array([-3, -17])) == 0).all()
    assert (rounding(np.array([0.25]), np.array([-3])) == 0.005).all()


def test_a_spec_outside_the_repository_with_a_mistake_gets_the_cause(tmp_path):
    """The whole path on a spec of one's own: derived on the fly, then diagnosed on it."""
    text = examples.spec_path("deep-tanh-softmax-adam").read_text(encoding="utf-8").replace(
        "iterations = 400", "iterations = 3")
    spec = loads(text, source=str(tmp_path / "mine.toml"))
    import dataclasses

    from backprop_verify.implementations.vectorized import run
    frame = run(dataclasses.replace(spec, reduction="sum"))
    verdict = verify(tmp_path, frame.to_csv(index=False), spec)
    assert verdict.status is Status.FAILED and "summed instead of averaged" in str(verdict.cause), verdict.line()


@pytest.mark.parametrize("line", ["Epoch {n}/10000 - loss: {v}", "Epoch [{n}/10000], Loss: {v}",
                                  "[{n}/10000] loss: {v}"], ids=["keras", "pytorch-style", "bracketed"])
def test_progress_counters_as_training_loops_print_them(tmp_path, documented, golden, line):
    text = "".join(line.format(n=n, v=f"{value(golden, 'E_total', n):.9f}") + "\n" for n in (1000, 2000, 3000))
    verdict = verify(tmp_path, text, documented)
    assert verdict.status is Status.PASSED, verdict.line()
    assert verdict.coverage.startswith("E_total at 3 iterations (1,000 to 3,000"), verdict.coverage


def test_every_n_iterations_without_labels_is_inferred_or_given(tmp_path, documented, golden):
    text = "".join(f"loss {value(golden, 'E_total', n):.12f}\n" for n in range(0, 5000, 500))
    for every in (None, 500):
        verdict = verify(tmp_path, text, documented, every=every)
        assert verdict.status is Status.PASSED, verdict.line()
        assert "10 iterations (0 to 4,500, every 500th)" in verdict.coverage


def test_final_refuses_a_trace_of_many_records(tmp_path, documented, golden):
    text = "".join(f"E_total: {value(golden, 'E_total', n)!r}\n" for n in range(3))
    verdict = verify(tmp_path, text, documented, final=True)
    assert verdict.status is Status.ERRORED and "drop --final" in verdict.reason


def test_a_misspelt_golden_name_is_read_and_said(tmp_path, documented, golden):
    text = f"E_Total: {value(golden, 'E_total', 0)!r}\nout o1: {value(golden, 'out_o1', 0)!r}\n"
    verdict = verify(tmp_path, text, documented)
    assert verdict.status is Status.PASSED, verdict.line()
    assert "'E_Total' as E_total" in verdict.reading and "'out o1' as out_o1" in verdict.reading


def test_names_that_are_no_quantity_are_listed(tmp_path, documented, golden):
    text = "".join(f"epoch {k} loss {value(golden, 'E_total', k)!r} lr 0.5 seconds {k * 0.25 + 0.123}\n"
                   for k in range(4))
    verdict = verify(tmp_path, text, documented)
    assert verdict.status is Status.PASSED, verdict.line()
    assert any("constants of the spec: lr" in note for note in verdict.notes), verdict.notes
    assert any("ignored, not a quantity of the example: seconds (4x)" in note for note in verdict.notes)


def test_a_wrong_program_is_read_as_a_right_one_would_be(tmp_path, documented, golden):
    text = "".join(f"Epoch {n}: loss = 0.5\n" for n in (5000, 10_000))
    verdict = verify(tmp_path, text, documented)
    assert verdict.status is Status.FAILED and "read 'loss' as E_total" in verdict.reading, verdict.line()


def test_a_failure_no_known_mistake_explains_is_told_so(tmp_path, documented, golden):
    text = f"E_total: {value(golden, 'E_total', 0) * 1.5!r}\n"  # no classic mistake makes the loss half again
    verdict = verify(tmp_path, text, documented)
    assert verdict.status is Status.FAILED and verdict.cause is None
    assert "no known mistake matches: the loss wrong from iteration 0" in verdict.line(), verdict.line()
