"""The trace adapter: a correct trace passes, a wrong value fails at the right place, bad traces never pass."""

from __future__ import annotations

import statistics
import time

import numpy as np
import pytest

from implementations.trace import verify_command, verify_text
from implementations.trace.__main__ import main
from trace_samples import GOLDEN, WIDTH, golden_values, name_value_lines, printer, python, text


def nudged(iteration: int, column: int, ulps: int) -> np.ndarray:
    values = golden_values().copy()
    for _ in range(ulps):
        values[iteration, column] = np.nextafter(values[iteration, column], np.inf)
    return values


def test_the_golden_trace_passes_exactly():
    verdict = verify_text(text(name_value_lines()))
    assert verdict.status == "passed", verdict.reason
    assert verdict.exit_code == 0
    assert verdict.comparison.values_checked == 190_000
    assert verdict.comparison.max_ulp == 0


def test_exponent_form_and_crlf_are_read_exactly():
    lines = [line.replace("e-05", "E-5") for line in name_value_lines()]  # 3.5e-05 and 3.5E-5: one double
    assert any("E-5" in line for line in lines)
    verdict = verify_text("\r\n".join(lines) + "\r\n")
    assert verdict.status == "passed", verdict.reason


def test_one_value_three_ulps_off_is_the_first_divergence():
    iteration, column = 5, 4  # column 4 in Neuron.rb's order: af_E_total_w6
    verdict = verify_text(text(name_value_lines(nudged(iteration, column, 3))))
    assert verdict.status == "failed" and verdict.exit_code == 1
    first = verdict.comparison.first_divergence
    assert (first.iteration, first.quantity, first.ulps) == (iteration, "dE_dw6", 3)
    assert first.expected == golden_values()[iteration, column]


def test_csv_trace_with_golden_names_passes(tmp_path):
    golden = tmp_path / "trace.csv"
    golden.write_text(GOLDEN.read_text())
    verdict = verify_command(printer(golden), fmt="csv")
    assert verdict.status == "passed", verdict.reason


def test_another_example_is_checked_against_its_own_goldens():
    other = GOLDEN.parent / "per-neuron-3-4-2"
    trace = (other / "trajectory.csv").read_text()
    assert verify_text(trace, fmt="csv", spec_path=other / "example.toml").status == "passed"
    verdict = verify_text(trace, fmt="csv")  # the documented example's goldens: other columns
    assert (verdict.status, verdict.kind) == ("errored", "unknown-name"), verdict.reason


def test_cli_exit_codes_and_first_divergence(tmp_path, capsys):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(text(name_value_lines()))
    bad.write_text(text(name_value_lines(nudged(7, 0, 1))))
    assert main(["--", *printer(good)]) == 0
    assert main(["--", *printer(bad)]) == 1
    assert "iteration 7, out_o1" in capsys.readouterr().err


def test_a_name_map_renames_the_program_names(tmp_path):
    renamed = tmp_path / "names.toml"
    mapping = open("implementations/trace/neuron_rb_names.toml").read().replace("af_E_w", "gradient_w")
    renamed.write_text(mapping)
    trace = tmp_path / "trace.txt"
    trace.write_text(text([line.replace("af_E_w", "gradient_w") for line in name_value_lines()]))
    assert main(["--names", str(renamed), "--", *printer(trace)]) == 0


def test_parse_and_compare_of_190000_lines_takes_under_a_second():
    trace = text(name_value_lines())
    seconds = []
    for _ in range(5):
        started = time.perf_counter()
        assert verify_text(trace).status == "passed"
        seconds.append(time.perf_counter() - started)
    assert statistics.median(seconds) < 1.0, f"median {statistics.median(seconds):.2f} s"


# Each bad trace: how to make it from the golden lines, the diagnosis kind, and words the message must contain.
def _edit(index: int, new: str):
    def edit(lines):
        lines[index] = new
        return lines
    return edit


BAD_TRACES = {
    "empty": (lambda lines: [], "empty", "printed nothing"),
    "garbage": (_edit(40, "Segmentation fault?"), "garbage", "line 41 is not name:value: 'Segmentation fault?'"),
    "not a number": (_edit(21, "E_total:0.29x"), "not-a-number",
                     "line 22: the value of E_total is not a number: '0.29x'"),
    "unknown name": (_edit(0, "out_o3:0.5"), "unknown-name", "unknown name 'out_o3'"),
    "missing name": (lambda lines: lines[:20] + lines[21:], "missing-name", "out_o2 is missing"),
    "repeated name": (lambda lines: lines[:21] + [lines[19]] + lines[22:], "repeated-name",
                      "out_o1 appears a second time"),
    "truncated": (lambda lines: lines[:-5], "truncated", "middle of iteration 9999"),
    "fewer iterations": (lambda lines: lines[:-WIDTH], "too-few", "9,999 iterations"),
    "more iterations": (lambda lines: lines + lines[:WIDTH], "too-many", "10,001 iterations"),
    "duplicated iteration": (lambda lines: lines[:WIDTH * 3] + lines[WIDTH * 2:], "duplicated-iteration",
                             "iteration 3"),
    "NaN": (_edit(WIDTH * 9 + 2, "E_total:NaN"), "non-finite", "E_total is NaN in iteration 9"),
    "infinity": (_edit(3, "af_E_total_w5:-Infinity"), "non-finite", "-Infinity"),
}


@pytest.mark.parametrize("case", BAD_TRACES)
def test_a_bad_trace_gets_its_own_diagnosis_and_never_passes(case, tmp_path):
    make, kind, words = BAD_TRACES[case]
    lines = make(name_value_lines())
    trace = tmp_path / "trace.txt"
    trace.write_text(text(lines) if lines else "")
    verdict = verify_command(printer(trace), timeout=30)
    assert (verdict.status, verdict.kind) == ("errored", kind), verdict.reason
    assert verdict.exit_code == 2
    assert words in verdict.reason and "\n" not in verdict.reason


BAD_PROGRAMS = {
    "non-zero exit": (python("import sys; print('out_o1:0.75'); sys.exit('boom: weights not found') "),
                      "exit-status", "exit status 1; its stderr ends: boom: weights not found"),
    "exit code 3": (python("import sys; sys.exit(3)"), "exit-status", "exit status 3"),
    "hang": (python("import time; print('out_o1:0.75', flush=True); time.sleep(60)"), "hang",
             "killed"),
    "missing command": (["no-such-program-4f2a"], "no-command", "command not found: 'no-such-program-4f2a'"),
    "not text": (python("import sys; sys.stdout.buffer.write(b'out_o1:\\xff\\n')"), "not-text", "not UTF-8"),
}


@pytest.mark.parametrize("case", BAD_PROGRAMS)
def test_a_failing_program_gets_its_own_diagnosis(case):
    argv, kind, words = BAD_PROGRAMS[case]
    started = time.perf_counter()
    verdict = verify_command(argv, timeout=1.5)
    assert (verdict.status, verdict.kind, verdict.exit_code) == ("errored", kind, 2), verdict.reason
    assert words in verdict.reason and "\n" not in verdict.reason
    assert time.perf_counter() - started < 10


def test_the_diagnoses_are_distinct():
    kinds = [kind for _, kind, _ in BAD_TRACES.values()] + [kind for _, kind, _ in BAD_PROGRAMS.values()]
    same_cause = {"non-finite": 2, "exit-status": 2}  # NaN and infinity; exit 1 and exit 3
    assert {k: kinds.count(k) for k in set(kinds) if kinds.count(k) > 1} == same_cause


def _csv_lines() -> list[str]:
    return GOLDEN.read_text().splitlines()


CSV_CASES = {
    "repeated iteration": (lambda rows: rows[:4] + [rows[3]] + rows[5:], "duplicated-iteration",
                           "iteration 2 comes after iteration 2"),
    "skipped iteration": (lambda rows: rows[:4] + rows[5:], "missing-iteration", "iteration 4 where 3 was due"),
    "ragged row": (lambda rows: rows[:9] + [rows[9] + ",0.5"] + rows[10:], "garbage", "malformed"),
    "unknown column": (lambda rows: [rows[0].replace("E_total", "loss")] + rows[1:], "unknown-name", "'loss'"),
    "missing column": (lambda rows: [",".join(r.split(",")[:-1]) for r in rows], "missing-name", "'w8_new'"),
    "empty cell": (lambda rows: rows[:2] + [rows[2].replace(rows[2].split(",")[3], "", 1)] + rows[3:],
                   "not-a-number", "row 3, column E_total"),
}


@pytest.mark.parametrize("case", CSV_CASES)
def test_a_bad_csv_trace_gets_its_own_diagnosis(case):
    make, kind, words = CSV_CASES[case]
    verdict = verify_text(text(make(_csv_lines())), fmt="csv")
    assert (verdict.status, verdict.kind, verdict.exit_code) == ("errored", kind, 2), verdict.reason
    assert words in verdict.reason
