"""Bad input the other test files do not cover yet; each gets its own diagnosis and exit status 1 or 2, never 0.

Covered elsewhere: spec field errors (test_spec_errors.py), hand-edited and
missing goldens and atomic regeneration (test_golden_files.py), bad traces and
failing programs (test_trace.py), the implementations' command line
(test_implementations.py), the Ruby bridge without Ruby or with a spec it
cannot run (test_ruby_bridge.py), Neuron.rb unavailable (test_neuron_rb.py).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from implementations import __main__ as implementations_cli
from implementations import ruby_bridge
from implementations.trace import verify_text
from implementations.trace.__main__ import main as trace_main

from . import test_spec_errors as spec_errors
from .conftest import GOLDEN, ROOT
from .mutants import RUBY_MUTANTS
from .trace_samples import name_value_lines, printer, text

WEIGHT_MISMATCHES = {
    "a hidden neuron without weights": (spec_errors.edit(r"^layers = \[2, 2", "layers = [2, 3"), "weights.hidden",
                                        "3 rows of 2 numbers"),
    "a weight too many in a row": (spec_errors.edit(r"^(output = \[\[[^\]]*)\]", r"\1, 1.0]"), "weights.output[0]",
                                   "must hold 2 numbers"),
}


@pytest.mark.parametrize("case", WEIGHT_MISMATCHES)
def test_layer_sizes_that_do_not_match_the_weights(case, monkeypatch):
    monkeypatch.setitem(spec_errors.CASES, case, WEIGHT_MISMATCHES[case])
    spec_errors.test_bad_spec_is_refused_with_one_line(case)  # the same one-line check as every spec error


def test_the_implementations_cli_refuses_such_a_spec_with_exit_2(tmp_path, capsys):
    spec = tmp_path / "bad.toml"
    spec.write_text(WEIGHT_MISMATCHES["a hidden neuron without weights"][0], encoding="utf-8")
    assert implementations_cli.main(["loop", "--spec", str(spec)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: spec ") and "weights.hidden" in err and err.count("\n") == 1


def test_the_reference_cli_writes_nothing_for_such_a_spec(tmp_path):
    spec, out = tmp_path / "bad.toml", tmp_path / "out"
    spec.write_text(WEIGHT_MISMATCHES["a weight too many in a row"][0], encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "reference", "--spec", str(spec), "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and "weights.output[0]" in result.stderr
    assert not out.exists()


def test_a_trace_checked_against_a_spec_without_goldens_says_how_to_regenerate(tmp_path):
    spec = tmp_path / "example.toml"
    spec.write_text((GOLDEN / "example.toml").read_text(encoding="utf-8"), encoding="utf-8")
    verdict = verify_text(text(name_value_lines()), spec_path=spec)
    assert (verdict.status, verdict.kind, verdict.exit_code) == ("errored", "golden", 2)
    assert "missing" in verdict.reason and "python -m reference --spec" in verdict.reason


def test_a_tolerance_table_without_the_implementation(tmp_path):
    verdict = verify_text(text(name_value_lines()), tolerance_from="no-such-implementation")
    assert (verdict.status, verdict.kind, verdict.exit_code) == ("errored", "tolerance", 2)
    assert "no row for implementation 'no-such-implementation'" in verdict.reason


def test_the_trace_cli_exits_2_when_it_cannot_verify(tmp_path, capsys):
    trace = tmp_path / "trace.txt"
    trace.write_text("out_o1 0.75\n", encoding="utf-8")
    assert trace_main(["--", *printer(trace)]) == 2
    assert "ERRORED" in capsys.readouterr().err


@pytest.mark.ruby
def test_the_ruby_bridge_cli_exits_1_on_divergence_and_2_on_a_broken_script(tmp_path, capsys):
    diverging = RUBY_MUTANTS["dE/dout sign flipped"].write(tmp_path)
    broken = tmp_path / "broken.rb"
    broken.write_text("raise 'weights not found'\n", encoding="utf-8")
    assert ruby_bridge.main(["--script", str(diverging)]) == 1
    assert "FAILED: first divergence" in capsys.readouterr().err
    assert ruby_bridge.main(["--script", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "ERRORED" in err and "weights not found" in err
