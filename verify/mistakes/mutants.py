"""The mutation suite: deliberately wrong programs, each one classic mistake away from a correct one.

A Python mutant is a subclass of ``implementations.loop.Loop`` (or ``Vectorized``)
overriding exactly one method; a Ruby mutant is a text edit of the project's
Ruby program (verify/mistakes/ruby_mutants.py). Each declares the mistake in
one sentence and the category of verify/mistakes/variants.py that the
diagnosis must name from its numbers alone. The tests show every mutant is
caught under the envelope and diagnosed; the report runs them too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...implementations.frames import trajectory_frame
from ...implementations.loop import Four, Loop
from ...implementations.vectorized import Vectorized
from ...reference.spec import Spec
from . import variants as m


class DerivativeOne(Loop):
    def dout_dnet(self, net: float, out: float) -> float:
        return 1.0


class DerivativeOfNet(Loop):
    def dout_dnet(self, net: float, out: float) -> float:
        return net * (1.0 - net)


class SignFlipped(Loop):
    def dE_dout(self, target: float, out: float) -> float:
        return target - out


class HalfForgotten(Loop):
    def dE_dout(self, target: float, out: float) -> float:
        return 2.0 * (out - target)


class NoBias(Loop):
    def net(self, w_a: float, x_a: float, w_b: float, x_b: float, b: float) -> float:
        return w_a * x_a + w_b * x_b


class WrongInput(Loop):
    def dnet_dw_hidden(self, i1: float, i2: float) -> Four:
        return i2, i1, i2, i1


class HiddenOutputsSwapped(Loop):
    def dnet_dw_output(self, out_h1: float, out_h2: float) -> Four:
        return out_h2, out_h1, out_h2, out_h1


class W6W7Swapped(Loop):
    def dnet_dout(self, before: Four, after: Four) -> Four:
        return before


class UpdatedWeightsBackward(Loop):
    def dnet_dout(self, before: Four, after: Four) -> Four:
        w5, w6, w7, w8 = after
        return w5, w7, w6, w8


class OnePath(Loop):
    def two_paths(self, via_o1: float, via_o2: float) -> float:
        return via_o1


class RateAdded(Loop):
    def update(self, w: float, dE_dw: float) -> float:
        return w - (self.learning_rate + dE_dw)


class BiasesUpdated(Loop):
    def new_biases(self, biases: tuple[float, ...], delta_h: tuple[float, float],
                   delta_o: tuple[float, float]) -> tuple[float, ...]:
        b1, b2 = biases
        return self.update(b1, sum(delta_h)), self.update(b2, sum(delta_o))


class LearningRateTwice(Loop):
    def update(self, w: float, dE_dw: float) -> float:
        return w - self.learning_rate * (self.learning_rate * dE_dw)


class LearningRateAdded(Loop):
    def update(self, w: float, dE_dw: float) -> float:
        return w + self.learning_rate * dE_dw


class HiddenDerivativeFromOutputs(Loop):
    def dout_dnet(self, net: float, out: float) -> float:
        # step() asks for R3, R4 (o1, o2), then R15, R16 (h1, h2): four calls per iteration, in
        # that order. The outputs' out is kept and used again for the hidden neuron of the same number.
        self.calls = getattr(self, "calls", -1) + 1
        position = self.calls % 4
        if position < 2:
            self.out_o = getattr(self, "out_o", [0.0, 0.0])
            self.out_o[position] = out
        else:
            out = self.out_o[position - 2]
        return super().dout_dnet(net, out)


class W2WithI1(Loop):
    def dnet_dw_hidden(self, i1: float, i2: float) -> Four:
        return i1, i1, i1, i2


class TransposedBackward(Vectorized):
    def dE_dout_hidden(self, delta: np.ndarray, W: np.ndarray) -> np.ndarray:
        return delta @ W.T


class Float32(Vectorized):
    def __init__(self, spec: Spec) -> None:
        super().__init__(spec, dtype="float32")


@dataclass(frozen=True)
class Mutant:
    name: str
    network: type  # a Loop or Vectorized subclass
    cause: str  # the mistake, in one sentence
    category: str  # the reference.mistakes category the diagnosis should find
    kind: str = "logic"  # or "precision"
    iterations: int = 2  # enough for the first divergence to show
    diverges_at: int = 0

    def run(self, spec: Spec) -> pd.DataFrame:
        return trajectory_frame(spec, self.network(spec).rows(self.iterations))


MUTANTS: dict[str, Mutant] = {mutant.name: mutant for mutant in [
    Mutant("updated weights backward", UpdatedWeightsBackward,
           "the hidden layer's gradients used the already-updated w5..w8", m.UPDATED_WEIGHTS),
    Mutant("no sigmoid derivative", DerivativeOne, "dout/dnet was taken as 1", m.NO_SLOPE),
    Mutant("sigmoid derivative of net", DerivativeOfNet,
           "dout/dnet was computed as net*(1-net) instead of out*(1-out)", m.SLOPE_ARGUMENT),
    Mutant("flipped sign", SignFlipped, "dE/dout was taken as target - out", m.SIGN),
    Mutant("forgotten half", HalfForgotten, "the 1/2 of the loss was forgotten, doubling every gradient",
           m.HALF_FORGOTTEN),
    Mutant("biases trained", BiasesUpdated, "b1 and b2 were updated although the notes keep them fixed",
           m.BIASES_TRAINED, diverges_at=1),
    Mutant("w6 and w7 swapped", W6W7Swapped, "the backward pass took w6 for w7 and w7 for w6", m.TRANSPOSED),
    Mutant("transposed weight matrix", TransposedBackward,
           "the matrix backward pass used W_o transposed, swapping w6 and w7", m.TRANSPOSED),
    Mutant("one path", OnePath, "dE/dout_h summed only the path through o1", m.ONE_PATH),
    Mutant("learning rate twice", LearningRateTwice, "the learning rate multiplied the gradient twice",
           m.LEARNING_RATE),
    Mutant("learning rate added", LearningRateAdded, "the update added rate * gradient instead of subtracting it",
           m.LEARNING_RATE),
    Mutant("learning rate added to the gradient", RateAdded,
           "the update subtracted rate + gradient instead of rate * gradient", m.LEARNING_RATE),
    Mutant("hidden derivative from outputs", HiddenDerivativeFromOutputs,
           "the hidden layer's dout/dnet was computed from out_o1, out_o2 instead of out_h1, out_h2", m.HIDDEN_SLOPE),
    Mutant("float32", Float32, "the whole computation ran in float32 instead of float64", m.PRECISION,
           "precision", iterations=100),
    Mutant("w2 paired with i1", W2WithI1, "dnet_h1/dw2 was taken as i1 instead of i2", m.WRONG_INPUT),
    Mutant("inputs swapped", WrongInput, "every hidden weight was paired with the other input",
           m.WRONG_INPUT),
    Mutant("bias left out", NoBias, "net was computed without its bias", m.BIAS_LEFT_OUT),
    Mutant("out_h1 and out_h2 swapped", HiddenOutputsSwapped,
           "w5..w8 were each paired with the other hidden output", m.WRONG_INPUT),
]}
