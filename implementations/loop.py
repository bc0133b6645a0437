"""The notes line by line: one training step of the 2-2-2 network with Python floats, no NumPy.

Each formula of the notes' draft is a small method with the notes' name, so a
reader can hold this file next to the notes, and a mutant (a classic mistake)
is a subclass that overrides exactly one method:

    mistake                                         override
    sigmoid derivative taken as 1                   dout_dnet
    sigmoid derivative taken of net, not out        dout_dnet
    sign of dE/dout flipped                         dE_dout
    the 1/2 of the loss forgotten (factor 2)        dE_dout
    bias left out of the weighted input             net
    wrong input paired with a hidden weight         dnet_dw_hidden
    out_h1 and out_h2 swapped for w5..w8            dnet_dw_output
    w6 and w7 swapped on the way back               dnet_dout
    hidden gradients use the updated w5..w8         dnet_dout (it is given both)
    only one of the two paths summed                two_paths
    learning rate added instead of multiplied       update
    biases updated too                              new_biases
"""

from __future__ import annotations

from math import exp
from typing import Any

import pandas as pd

from ..reference import names
from ..reference.spec import Spec

Four = tuple[float, float, float, float]  # w5..w8, or the draft's R's four at a time


def supports(spec: Spec) -> str | None:
    """None for a spec of the documented shape (``Spec.is_documented_shape``), else why loop cannot run it."""
    if not spec.is_documented_shape:
        return ("follows the notes' 2-2-2 network only (sigmoid, half squared error, plain gradient descent, "
                "one example, shared untrained biases); use vectorized or autograd for this spec")
    return None


class Loop:
    """The documented network; ``step`` composes the notes' formulas in the notes' order."""

    def __init__(self, spec: Spec) -> None:
        reason = supports(spec)
        if reason:
            raise ValueError(reason)
        (example,) = spec.examples
        self.i1, self.i2 = map(float, example.inputs)
        self.t1, self.t2 = map(float, example.targets)
        self.weights = tuple(map(float, spec.weights))  # w1..w8
        self.biases = tuple(map(float, spec.biases))  # b1, b2
        self.learning_rate = float(spec.learning_rate)

    # --- forward pass --------------------------------------------------------

    def net(self, w_a: float, x_a: float, w_b: float, x_b: float, b: float) -> float:
        return w_a * x_a + w_b * x_b + b

    def sigmoid(self, net: float) -> float:
        return 1.0 / (1.0 + exp(-net))

    def E_total(self, target_o1: float, out_o1: float, target_o2: float, out_o2: float) -> float:
        return 0.5 * (target_o1 - out_o1) ** 2 + 0.5 * (target_o2 - out_o2) ** 2

    # --- the draft's partial derivatives ---------------------------------------

    def dE_dout(self, target: float, out: float) -> float:
        """R1, R2: ΔE/Δout_o = (target - out_o) * (-1)."""
        return -(target - out)

    def dout_dnet(self, net: float, out: float) -> float:
        """R3, R4, R15, R16: Δout/Δnet = out * (1 - out)."""
        return out * (1.0 - out)

    def dnet_dw_output(self, out_h1: float, out_h2: float) -> Four:
        """R5..R8: Δnet_o1/Δw5, Δnet_o1/Δw6, Δnet_o2/Δw7, Δnet_o2/Δw8."""
        return out_h1, out_h2, out_h1, out_h2

    def dnet_dout(self, before: Four, after: Four) -> Four:
        """R9..R12: Δnet_o1/Δout_h1 = w5, Δnet_o2/Δout_h1 = w7, Δnet_o1/Δout_h2 = w6, Δnet_o2/Δout_h2 = w8.

        ``before`` and ``after`` are (w5, w6, w7, w8) before and after this
        step's update; the chain rule needs the weights the forward pass used.
        """
        w5, w6, w7, w8 = before
        return w5, w7, w6, w8

    def two_paths(self, via_o1: float, via_o2: float) -> float:
        """R13, R14: out_h reaches the loss through both o1 and o2."""
        return via_o1 + via_o2

    def dnet_dw_hidden(self, i1: float, i2: float) -> Four:
        """R17..R20: Δnet_h1/Δw1, Δnet_h1/Δw2, Δnet_h2/Δw3, Δnet_h2/Δw4."""
        return i1, i2, i1, i2

    def update(self, w: float, dE_dw: float) -> float:
        return w - self.learning_rate * dE_dw

    def new_biases(self, biases: tuple[float, ...], delta_h: tuple[float, float],
                   delta_o: tuple[float, float]) -> tuple[float, ...]:
        """The notes never update b1, b2; ``delta_*`` are ΔE/Δnet of each layer's two neurons."""
        return biases

    # --- one step --------------------------------------------------------------

    def step(self, weights: tuple[float, ...], biases: tuple[float, ...], trace: dict[str, Any] | None = None
             ) -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
        """One iteration: (out_o1, out_o2, E_total, dE_dw1..dE_dw8), new weights, new biases.

        With ``trace`` (a dict), every named quantity of the step is put into it.
        """
        w1, w2, w3, w4, w5, w6, w7, w8 = weights
        b1, b2 = biases
        i1, i2, t1, t2 = self.i1, self.i2, self.t1, self.t2
        net, sigmoid, dE_dout, dout_dnet, update = self.net, self.sigmoid, self.dE_dout, self.dout_dnet, self.update

        net_h1 = net(w1, i1, w2, i2, b1)
        net_h2 = net(w3, i1, w4, i2, b1)
        out_h1 = sigmoid(net_h1)
        out_h2 = sigmoid(net_h2)
        net_o1 = net(w5, out_h1, w6, out_h2, b2)
        net_o2 = net(w7, out_h1, w8, out_h2, b2)
        out_o1 = sigmoid(net_o1)
        out_o2 = sigmoid(net_o2)
        E_total = self.E_total(t1, out_o1, t2, out_o2)

        R1 = dE_dout(t1, out_o1)
        R2 = dE_dout(t2, out_o2)
        R3 = dout_dnet(net_o1, out_o1)
        R4 = dout_dnet(net_o2, out_o2)
        R5, R6, R7, R8 = self.dnet_dw_output(out_h1, out_h2)
        dE_dw5 = R1 * R3 * R5
        dE_dw6 = R1 * R3 * R6
        dE_dw7 = R2 * R4 * R7
        dE_dw8 = R2 * R4 * R8
        w5_new = update(w5, dE_dw5)
        w6_new = update(w6, dE_dw6)
        w7_new = update(w7, dE_dw7)
        w8_new = update(w8, dE_dw8)

        R9, R10, R11, R12 = self.dnet_dout((w5, w6, w7, w8), (w5_new, w6_new, w7_new, w8_new))
        R13 = self.two_paths(R1 * R3 * R9, R2 * R4 * R10)
        R14 = self.two_paths(R1 * R3 * R11, R2 * R4 * R12)
        R15 = dout_dnet(net_h1, out_h1)
        R16 = dout_dnet(net_h2, out_h2)
        R17, R18, R19, R20 = self.dnet_dw_hidden(i1, i2)
        dE_dw1 = R13 * R15 * R17
        dE_dw2 = R13 * R15 * R18
        dE_dw3 = R14 * R16 * R19
        dE_dw4 = R14 * R16 * R20
        w1_new = update(w1, dE_dw1)
        w2_new = update(w2, dE_dw2)
        w3_new = update(w3, dE_dw3)
        w4_new = update(w4, dE_dw4)

        biases_new = self.new_biases(biases, (R13 * R15, R14 * R16), (R1 * R3, R2 * R4))
        if trace is not None:
            trace.update(locals())  # the local names are the notes' names
        return ((out_o1, out_o2, E_total, dE_dw1, dE_dw2, dE_dw3, dE_dw4, dE_dw5, dE_dw6, dE_dw7, dE_dw8),
                (w1_new, w2_new, w3_new, w4_new, w5_new, w6_new, w7_new, w8_new), biases_new)

    def rows(self, iterations: int) -> list[tuple[float, ...]]:
        """One tuple per iteration, in the order of names.trajectory_columns (without the iteration)."""
        step, weights, biases = self.step, self.weights, self.biases
        rows: list[tuple[float, ...]] = []
        for _ in range(iterations):
            head, weights, biases = step(weights, biases)
            rows.append(head + weights)
        return rows


# The step1.csv quantities that are other names for the draft's R's.
ALIASES = {"dE_dout_o1": "R1", "dE_dout_o2": "R2", "dE_dout_h1": "R13", "dE_dout_h2": "R14"}


def step1(spec: Spec) -> dict[str, float]:
    network = Loop(spec)
    trace: dict[str, Any] = {}
    network.step(network.weights, network.biases, trace)
    trace.update({name: trace[r] for name, r in ALIASES.items()})
    return {name: trace[name] for name in names.step1_quantities(spec) if name in trace}


def run(spec: Spec, iterations: int | None = None, **options: object) -> pd.DataFrame:
    from .frames import refuse_options, trajectory_frame

    refuse_options("loop", options)
    return trajectory_frame(spec, Loop(spec).rows(iterations or spec.iterations))
