"""The loop's structure: each classic mistake is one overridden method, and the goldens catch every one."""

from __future__ import annotations

import pytest

from implementations.frames import trajectory_frame
from implementations.loop import Loop
from reference import tolerances
from reference.compare import compare_trajectory

from .accuracy import golden_trajectory, spec
from .mutants.loop import MUTANTS


def first_iterations(network: Loop, iterations: int = 3):
    example = spec("documented")
    got = trajectory_frame(example, network.rows(iterations))
    return compare_trajectory(golden_trajectory("documented").head(iterations), got,
                              tolerances.limits("loop", "documented"))


def test_the_unmutated_loop_passes():
    assert first_iterations(Loop(spec("documented"))).passed


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.__name__)
def test_every_mutant_is_one_override_and_is_caught(mutant):
    overridden = [k for k in vars(mutant) if not k.startswith("__")]
    assert len(overridden) == 1 and hasattr(Loop, overridden[0])
    assert not first_iterations(mutant(spec("documented"))).passed
