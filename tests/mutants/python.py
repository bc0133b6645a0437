"""The Python mutants: each a subclass of the loop (or vectorized) implementation overriding one method."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from implementations.frames import trajectory_frame
from implementations.loop import Loop
from implementations.vectorized import Vectorized
from reference import mistakes as m
from reference.spec import Spec


class UpdatedWeightsBackward(Loop):
    def dnet_dout(self, before, after):
        return super().dnet_dout(after, before)


class NoSigmoidDerivative(Loop):
    def dout_dnet(self, net, out):
        return 1.0


class SigmoidDerivativeOfNet(Loop):
    def dout_dnet(self, net, out):
        return net * (1.0 - net)


class FlippedSign(Loop):
    def dE_dout(self, target, out):
        return target - out


class ForgottenHalf(Loop):
    def dE_dout(self, target, out):
        return -2.0 * (target - out)  # the derivative of (target - out)**2, without the 1/2


class BiasesTrained(Loop):
    def new_biases(self, biases, delta_h, delta_o):
        b1, b2 = biases
        return self.update(b1, sum(delta_h)), self.update(b2, sum(delta_o))


class TransposedBackward(Vectorized):
    def dE_dout_hidden(self, delta_o):
        return delta_o @ self.W_o.T


class OnePath(Loop):
    def two_paths(self, via_o1, via_o2):
        return via_o1


class LearningRateTwice(Loop):
    def update(self, w, dE_dw):
        return w - self.learning_rate * (self.learning_rate * dE_dw)


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


class Float32(Vectorized):
    def __init__(self, spec: Spec):
        super().__init__(spec, dtype="float32")


class WrongInput(Loop):
    def dnet_dw_hidden(self, i1, i2):
        return i1, i1, i1, i2


@dataclass(frozen=True)
class Mutant:
    name: str
    network: type  # a Loop or Vectorized subclass
    cause: str  # the mistake, in one sentence
    category: str  # the reference.mistakes category the diagnosis should find
    kind: str  # "logic" or "precision"
    iterations: int = 2  # enough for the first divergence to show
    diverges_at: int = 0

    def run(self, spec: Spec) -> pd.DataFrame:
        return trajectory_frame(spec, self.network(spec).rows(self.iterations))


MUTANTS: dict[str, Mutant] = {mutant.name: mutant for mutant in [
    Mutant("updated weights backward", UpdatedWeightsBackward,
           "the hidden layer's gradients used the already-updated w5..w8", m.UPDATED_WEIGHTS, "logic"),
    Mutant("no sigmoid derivative", NoSigmoidDerivative, "dout/dnet was taken as 1", m.NO_SLOPE, "logic"),
    Mutant("sigmoid derivative of net", SigmoidDerivativeOfNet,
           "dout/dnet was computed as net*(1-net) instead of out*(1-out)", m.SLOPE_ARGUMENT, "logic"),
    Mutant("flipped sign", FlippedSign, "dE/dout was taken as target - out", m.SIGN, "logic"),
    Mutant("forgotten half", ForgottenHalf, "the 1/2 of the loss was forgotten, doubling every gradient",
           m.HALF_FORGOTTEN, "logic"),
    Mutant("biases trained", BiasesTrained, "b1 and b2 were updated although the notes keep them fixed",
           m.BIASES_TRAINED, "logic", diverges_at=1),
    Mutant("transposed weight matrix", TransposedBackward,
           "the backward pass used W_o transposed, swapping w6 and w7", m.TRANSPOSED, "logic"),
    Mutant("one path", OnePath, "dE/dout_h summed only the path through o1", m.ONE_PATH, "logic"),
    Mutant("learning rate twice", LearningRateTwice, "the learning rate multiplied the gradient twice",
           m.LEARNING_RATE, "logic"),
    Mutant("hidden derivative from outputs", HiddenDerivativeFromOutputs,
           "the hidden layer's dout/dnet was computed from out_o1, out_o2 instead of out_h1, out_h2",
           m.HIDDEN_SLOPE, "logic"),
    Mutant("float32", Float32, "the whole computation ran in float32 instead of float64", m.PRECISION,
           "precision", iterations=100),
    Mutant("wrong input", WrongInput, "dnet_h1/dw2 was taken as i1 instead of i2", m.WRONG_INPUT, "logic"),
]}
