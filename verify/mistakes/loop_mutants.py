"""Classic mistakes as one-method overrides of implementations.loop.Loop: each class is one mistake."""

from __future__ import annotations

from implementations.loop import Loop


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
