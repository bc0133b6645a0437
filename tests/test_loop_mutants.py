"""The loop's structure: each classic mistake is one overridden method, and the goldens catch every one."""

from __future__ import annotations

import pytest

from accuracy import golden_trajectory, spec, tolerance_for
from implementations.frames import trajectory_frame
from implementations.loop import Loop
from reference.compare import compare_trajectory


class DerivativeOne(Loop):
    def dout_dnet(self, net, out):
        return 1.0


class DerivativeOfNet(Loop):
    def dout_dnet(self, net, out):
        return net * (1.0 - net)


class SignFlipped(Loop):
    def dE_dout(self, target, out):
        return target - out


class HalfForgotten(Loop):
    def dE_dout(self, target, out):
        return 2.0 * (out - target)


class NoBias(Loop):
    def net(self, w_a, x_a, w_b, x_b, b):
        return w_a * x_a + w_b * x_b


class WrongInput(Loop):
    def dnet_dw_hidden(self, i1, i2):
        return i2, i1, i2, i1


class HiddenOutputsSwapped(Loop):
    def dnet_dw_output(self, out_h1, out_h2):
        return out_h2, out_h1, out_h2, out_h1


class W6W7Swapped(Loop):
    def dnet_dout(self, before, after):
        return before


class UpdatedWeightsBackward(Loop):
    def dnet_dout(self, before, after):
        w5, w6, w7, w8 = after
        return w5, w7, w6, w8


class OnePath(Loop):
    def two_paths(self, via_o1, via_o2):
        return via_o1


class RateAdded(Loop):
    def update(self, w, dE_dw):
        return w - (self.learning_rate + dE_dw)


class BiasesUpdated(Loop):
    def new_biases(self, biases, delta_h, delta_o):
        b1, b2 = biases
        return self.update(b1, sum(delta_h)), self.update(b2, sum(delta_o))


MUTANTS = [DerivativeOne, DerivativeOfNet, SignFlipped, HalfForgotten, NoBias, WrongInput,
           HiddenOutputsSwapped, W6W7Swapped, UpdatedWeightsBackward, OnePath, RateAdded, BiasesUpdated]


def first_iterations(network: Loop, iterations: int = 3):
    example = spec("documented")
    got = trajectory_frame(example, network.rows(iterations))
    return compare_trajectory(golden_trajectory("documented").head(iterations), got,
                              tolerance_for("loop", "documented"))


def test_the_unmutated_loop_passes():
    assert first_iterations(Loop(spec("documented"))).passed


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.__name__)
def test_every_mutant_is_one_override_and_is_caught(mutant):
    overridden = [k for k in vars(mutant) if not k.startswith("__")]
    assert len(overridden) == 1 and hasattr(Loop, overridden[0])
    assert not first_iterations(mutant(spec("documented"))).passed
