"""The Python mutants: each a subclass of the loop (or vectorized) implementation overriding one method.

The loop mutants of tests/test_loop_mutants.py are taken as they are; the ones
defined here add the mistakes that file does not make.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from implementations.frames import trajectory_frame
from implementations.loop import Loop
from implementations.vectorized import Vectorized
from reference import mistakes as m
from reference.spec import Spec

from . import loop


class LearningRateTwice(Loop):
    def update(self, w, dE_dw):
        return w - self.learning_rate * (self.learning_rate * dE_dw)


class LearningRateAdded(Loop):
    def update(self, w, dE_dw):
        return w + self.learning_rate * dE_dw


class HiddenDerivativeFromOutputs(Loop):
    def dout_dnet(self, net, out):
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
    def dnet_dw_hidden(self, i1, i2):
        return i1, i1, i1, i2


class TransposedBackward(Vectorized):
    def dE_dout_hidden(self, delta_o):
        return delta_o @ self.W_o.T


class Float32(Vectorized):
    def __init__(self, spec: Spec):
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
    Mutant("updated weights backward", loop.UpdatedWeightsBackward,
           "the hidden layer's gradients used the already-updated w5..w8", m.UPDATED_WEIGHTS),
    Mutant("no sigmoid derivative", loop.DerivativeOne, "dout/dnet was taken as 1", m.NO_SLOPE),
    Mutant("sigmoid derivative of net", loop.DerivativeOfNet,
           "dout/dnet was computed as net*(1-net) instead of out*(1-out)", m.SLOPE_ARGUMENT),
    Mutant("flipped sign", loop.SignFlipped, "dE/dout was taken as target - out", m.SIGN),
    Mutant("forgotten half", loop.HalfForgotten, "the 1/2 of the loss was forgotten, doubling every gradient",
           m.HALF_FORGOTTEN),
    Mutant("biases trained", loop.BiasesUpdated, "b1 and b2 were updated although the notes keep them fixed",
           m.BIASES_TRAINED, diverges_at=1),
    Mutant("w6 and w7 swapped", loop.W6W7Swapped, "the backward pass took w6 for w7 and w7 for w6", m.TRANSPOSED),
    Mutant("transposed weight matrix", TransposedBackward,
           "the matrix backward pass used W_o transposed, swapping w6 and w7", m.TRANSPOSED),
    Mutant("one path", loop.OnePath, "dE/dout_h summed only the path through o1", m.ONE_PATH),
    Mutant("learning rate twice", LearningRateTwice, "the learning rate multiplied the gradient twice",
           m.LEARNING_RATE),
    Mutant("learning rate added", LearningRateAdded, "the update added rate * gradient instead of subtracting it",
           m.LEARNING_RATE),
    Mutant("learning rate added to the gradient", loop.RateAdded,
           "the update subtracted rate + gradient instead of rate * gradient", m.LEARNING_RATE),
    Mutant("hidden derivative from outputs", HiddenDerivativeFromOutputs,
           "the hidden layer's dout/dnet was computed from out_o1, out_o2 instead of out_h1, out_h2", m.HIDDEN_SLOPE),
    Mutant("float32", Float32, "the whole computation ran in float32 instead of float64", m.PRECISION,
           "precision", iterations=100),
    Mutant("w2 paired with i1", W2WithI1, "dnet_h1/dw2 was taken as i1 instead of i2", m.WRONG_INPUT),
    Mutant("inputs swapped", loop.WrongInput, "every hidden weight was paired with the other input",
           m.WRONG_INPUT),
    Mutant("bias left out", loop.NoBias, "net was computed without its bias", m.BIAS_LEFT_OUT),
    Mutant("out_h1 and out_h2 swapped", loop.HiddenOutputsSwapped,
           "w5..w8 were each paired with the other hidden output", m.OUT_H_SWAPPED),
]}
