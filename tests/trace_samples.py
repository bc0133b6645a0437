"""Traces made from the goldens, and small programs that print them, for the trace adapter's tests."""

from __future__ import annotations

import shutil
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from implementations.trace import names
from reference.compare import read_trajectory
from reference.spec import DEFAULT_SPEC

GOLDEN = DEFAULT_SPEC.parent / "trajectory.csv"
WIDTH = 19  # name:value lines per iteration of the documented example



def needs_ruby(test):
    """Mark a test as a Ruby check, skipped with the reason when ruby is not on PATH."""
    missing = shutil.which("ruby") is None
    return pytest.mark.ruby(pytest.mark.skipif(missing, reason="ruby is not on PATH (apt-get install ruby)")(test))


@cache
def golden_values() -> np.ndarray:
    """The golden trajectory in Neuron.rb's print order: one row per iteration."""
    order = names.neuron_rb()
    return read_trajectory(GOLDEN)[[order.to_golden[n] for n in order.order]].to_numpy()


def name_value_lines(values: np.ndarray | None = None) -> list[str]:
    """A name:value trace of ``values`` (default: the goldens), every float in its shortest round-trip form."""
    values = golden_values() if values is None else values
    order = names.neuron_rb().order * len(values)
    return [f"{name}:{value!r}" for name, value in zip(order, values.ravel().tolist())]


def text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def printer(path: Path) -> list[str]:
    """A command that prints the file at ``path`` and exits 0."""
    return [sys.executable, "-c", "import sys; sys.stdout.write(open(sys.argv[1]).read())", str(path)]


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]
