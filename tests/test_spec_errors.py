"""A bad spec is refused with one line naming the problem, a non-zero exit, and nothing written."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from reference.spec import SpecError, loads

from .conftest import GOLDEN, ROOT

TEXT = (GOLDEN / "example.toml").read_text(encoding="utf-8")


def edit(pattern: str, replacement: str) -> str:
    changed, count = re.subn(pattern, replacement, TEXT, count=1, flags=re.MULTILINE)
    assert count == 1, pattern
    return changed


CASES = {
    "missing field": (edit(r"^learning_rate = .*$", ""), "training.learning_rate", "missing"),
    "unknown field": (edit(r"^iterations = ", "momentum = 0.9\niterations = "), "training.momentum", "unknown"),
    "non-numeric": (edit(r"^learning_rate = .*$", 'learning_rate = "fast"'), "training.learning_rate", "number"),
    "nan": (edit(r"^learning_rate = .*$", "learning_rate = nan"), "training.learning_rate", "finite"),
    "infinity": (edit(r"^(inputs = \[)[^,]*", r"\1inf"), "examples[0].inputs[0]", "finite"),
    "zero learning rate": (edit(r"^learning_rate = .*$", "learning_rate = 0"), "training.learning_rate", "greater than 0"),
    "negative learning rate": (edit(r"^learning_rate = (.*)$", r"learning_rate = -\1"), "training.learning_rate",
                               "greater than 0"),
    "sizes do not match": (edit(r"^layers = \[\d+", "layers = [3"), "examples[0].inputs", "match the layer sizes"),
    "target out of range": (edit(r"^(targets = \[)[^,]*", r"\g<1>1.5"), "examples[0].targets[0]", "[0, 1]"),
    "zero iterations": (edit(r"^iterations = .*$", "iterations = 0"), "training.iterations", ">= 1"),
    "empty file": ("", "empty", "empty"),
    "not TOML": ("this is [not toml", "not valid TOML", "TOML"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_spec_is_refused_with_one_line(case):
    text, field, problem = CASES[case]
    with pytest.raises(SpecError) as caught:
        loads(text, source="bad.toml")
    message = str(caught.value)
    assert "\n" not in message
    assert field in message and problem in message, message


@pytest.mark.parametrize("case", ["missing field", "nan", "not TOML", "empty file"])
def test_reference_cli_refuses_bad_spec_and_writes_nothing(case, tmp_path):
    spec = tmp_path / "bad.toml"
    spec.write_text(CASES[case][0], encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "reference", "--spec", str(spec), "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: spec "), result.stderr
    assert not out.exists()


def test_missing_spec_file_says_how_to_fix(tmp_path):
    result = subprocess.run([sys.executable, "-m", "reference", "--spec", str(tmp_path / "nope.toml")],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert "no such file" in result.stderr and "--spec" in result.stderr
