"""The classic hand-derivation mistakes, each as the numbers it would print at the start of training.

Every prediction is computed in float64 from the truth's intermediate quantities
(golden/step1.csv: R1..R20, net_*, out_*, dE_db*, w*_new) and the spec's
inputs, weights, biases and learning rate, with the notes' formulas and one of
them changed.
``explain`` returns the mistake whose prediction the obtained numbers match.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .spec import Spec

# Categories of cause.
HALF_FORGOTTEN = "half-forgotten"
SIGN = "sign-of-dE/dout"
NO_SLOPE = "sigmoid-derivative-missing"
SLOPE_ARGUMENT = "sigmoid-derivative-wrong-argument"
UPDATED_WEIGHTS = "hidden-uses-updated-w5..w8"
TRANSPOSED = "w6-w7-swapped"
ONE_PATH = "one-path-summed"
HIDDEN_SLOPE = "hidden-derivative-from-outputs"
WRONG_INPUT = "wrong-input-for-weight"
OUT_H_SWAPPED = "out_h1-out_h2-swapped"
BIAS_LEFT_OUT = "bias-left-out-of-net"
LEARNING_RATE = "learning-rate-misapplied"
BIASES_TRAINED = "biases-trained"
PRECISION = "single-precision"

GRADIENTS = ["dE_dw1", "dE_dw2", "dE_dw3", "dE_dw4", "dE_dw5", "dE_dw6", "dE_dw7", "dE_dw8"]
WEIGHTS = [f"w{k}_new" for k in range(1, 9)]
FORWARD = ["out_o1", "out_o2", "E_total"]


@dataclass(frozen=True)
class Cause:
    category: str
    kind: str  # "logic" or "precision"
    sentence: str


def sigmoid(net: float) -> float:
    return 1.0 / (1.0 + np.exp(-net))


def gradients(t: dict[str, float], *, dE_dout=None, slope_o=None, slope_h=None, back=None, paths=(1.0, 1.0),
              inputs=None, out_h=None) -> np.ndarray:
    """ΔE/Δw1..Δw8 by the notes' chain rule; each keyword replaces one link (default: the truth's)."""
    e1, e2 = dE_dout or (t["R1"], t["R2"])
    s1, s2 = slope_o or (t["R3"], t["R4"])
    h1, h2 = slope_h or (t["R15"], t["R16"])
    R9, R10, R11, R12 = back or (t["R9"], t["R10"], t["R11"], t["R12"])
    x1, x2, x3, x4 = inputs or (t["R17"], t["R18"], t["R19"], t["R20"])
    R5, R6, R7, R8 = out_h or (t["R5"], t["R6"], t["R7"], t["R8"])
    via_o1, via_o2 = paths
    d1, d2 = e1 * s1, e2 * s2
    R13 = via_o1 * d1 * R9 + via_o2 * d2 * R10
    R14 = via_o1 * d1 * R11 + via_o2 * d2 * R12
    return np.array([R13 * h1 * x1, R13 * h1 * x2, R14 * h2 * x3, R14 * h2 * x4,
                     d1 * R5, d1 * R6, d2 * R7, d2 * R8])


def gradient_mistakes(t: dict[str, float]):
    """(category, sentence, predicted ΔE/Δw1..Δw8) for every mistake in the backward pass."""
    net_slope = lambda n: n * (1.0 - n)  # noqa: E731
    out_slope = lambda o: sigmoid(o) * (1.0 - sigmoid(o))  # noqa: E731
    yield (HALF_FORGOTTEN, "the 1/2 of E_total was forgotten when differentiating: every gradient is twice the truth",
           gradients(t, dE_dout=(2 * t["R1"], 2 * t["R2"])))
    yield (SIGN, "ΔE/Δout was taken as (target - out) instead of -(target - out): every gradient has the wrong sign",
           gradients(t, dE_dout=(-t["R1"], -t["R2"])))
    yield (NO_SLOPE, "the sigmoid derivative Δout/Δnet was left out (taken as 1)",
           gradients(t, slope_o=(1.0, 1.0), slope_h=(1.0, 1.0)))
    yield (SLOPE_ARGUMENT, "the sigmoid derivative was computed from net, net*(1-net), instead of out*(1-out)",
           gradients(t, slope_o=(net_slope(t["net_o1"]), net_slope(t["net_o2"])),
                     slope_h=(net_slope(t["net_h1"]), net_slope(t["net_h2"]))))
    yield (SLOPE_ARGUMENT, "the sigmoid derivative was computed as sigmoid(out)*(1-sigmoid(out)) instead of out*(1-out)",
           gradients(t, slope_o=(out_slope(t["out_o1"]), out_slope(t["out_o2"])),
                     slope_h=(out_slope(t["out_h1"]), out_slope(t["out_h2"]))))
    yield (UPDATED_WEIGHTS, "the hidden layer's gradients used the already-updated w5..w8, not the forward pass's",
           gradients(t, back=(t["w5_new"], t["w7_new"], t["w6_new"], t["w8_new"])))
    yield (TRANSPOSED, "w6 and w7 were swapped on the way back (the output weight matrix used transposed)",
           gradients(t, back=(t["R9"], t["R11"], t["R10"], t["R12"])))
    for k, path in ((0, "o1"), (1, "o2")):
        yield (ONE_PATH, f"ΔE/Δout_h summed only the path through {path}, not both paths (R13, R14)",
               gradients(t, paths=(1.0 - k, float(k))))
    yield (HIDDEN_SLOPE, "the hidden layer's sigmoid derivative was computed from out_o1/out_o2, not out_h1/out_h2",
           gradients(t, slope_h=(t["R3"], t["R4"])))
    yield (OUT_H_SWAPPED, "out_h1 and out_h2 were swapped in Δnet_o/Δw5..w8 (each output weight paired with the "
           "other hidden neuron)", gradients(t, out_h=(t["R6"], t["R5"], t["R8"], t["R7"])))
    inputs = (t["R17"], t["R18"], t["R19"], t["R20"])
    yield (WRONG_INPUT, "every hidden weight was paired with the other input in Δnet_h/Δw (i1 and i2 swapped)",
           gradients(t, inputs=inputs[1::-1] + inputs[:1:-1]))
    for k in range(4):
        swapped = list(inputs)
        swapped[k] = inputs[k ^ 1]  # the other input of the same hidden neuron
        neuron, good, bad = 1 + k // 2, 1 + k % 2, 1 + (k ^ 1) % 2
        yield (WRONG_INPUT, f"Δnet_h{neuron}/Δw{k + 1} was taken as i{bad} instead of i{good} "
               f"(the wrong input paired with w{k + 1})", gradients(t, inputs=tuple(swapped)))


def explain(t: dict[str, float], spec: Spec, expected: pd.DataFrame, obtained: pd.DataFrame,
            beyond: pd.DataFrame, iteration: int, same: float) -> Cause | None:
    """The mistake that explains the first divergence, or None; ``beyond`` marks values past tolerance."""
    row = obtained.iloc[iteration]
    if iteration == 1 and not beyond.loc[0].any():
        return biases_mistake(t, spec, expected.iloc[0], row, same)
    if iteration != 0:
        return None
    if beyond.loc[0, FORWARD].any():
        return bias_left_out(spec, row, same)
    got = row[GRADIENTS].to_numpy(dtype=np.float64)
    if beyond.loc[0, GRADIENTS].any():
        for category, sentence, predicted in gradient_mistakes(t):
            if np.allclose(got, predicted, rtol=same, atol=0):
                return Cause(category, "logic", sentence)
        return None
    return update_mistake(spec, got, row[WEIGHTS].to_numpy(dtype=np.float64), beyond.loc[0, WEIGHTS].to_numpy(),
                          same)


def outputs(weights, i1: float, i2: float, b1: float, b2: float) -> np.ndarray:
    """out_o1, out_o2 of the forward pass, in float64."""
    w1, w2, w3, w4, w5, w6, w7, w8 = weights
    out_h1, out_h2 = sigmoid(w1 * i1 + w2 * i2 + b1), sigmoid(w3 * i1 + w4 * i2 + b1)
    return np.array([sigmoid(w5 * out_h1 + w6 * out_h2 + b2), sigmoid(w7 * out_h1 + w8 * out_h2 + b2)])


def inputs_of(spec: Spec) -> tuple[float, float]:
    i1, i2 = map(float, spec.examples[0].inputs)
    return i1, i2


def bias_left_out(spec: Spec, row: pd.Series, same: float) -> Cause | None:
    """The forward pass of iteration 0 is wrong: is it the one without b1, b2?"""
    predicted = outputs([float(w) for w in spec.weights], *inputs_of(spec), 0.0, 0.0)
    if np.allclose(row[["out_o1", "out_o2"]].to_numpy(dtype=np.float64), predicted, rtol=same, atol=0):
        return Cause(BIAS_LEFT_OUT, "logic", "the biases b1, b2 were left out of net (net = w*i + w*i, no + b)")
    return None


UPDATE_RULES = {
    "applied twice (w - rate * rate * dE/dw)": lambda w, rate, g: w - rate * (rate * g),
    "added instead of subtracted (w + rate * dE/dw)": lambda w, rate, g: w + rate * g,
    "added to the gradient instead of multiplying it (w - (rate + dE/dw))": lambda w, rate, g: w - (rate + g),
    "doubled (w - 2 * rate * dE/dw)": lambda w, rate, g: w - 2 * rate * g,
}


def update_mistake(spec: Spec, dE_dw: np.ndarray, w_new: np.ndarray, beyond: np.ndarray,
                   same: float) -> Cause | None:
    """True gradients, wrong new weights: does one wrong update rule give every weight that is off?"""
    w = np.array([float(v) for v in spec.weights])
    for how, rule in UPDATE_RULES.items():
        if np.allclose(w_new[beyond], rule(w, float(spec.learning_rate), dE_dw)[beyond], rtol=same, atol=0):
            which = "" if beyond.all() else f" for {', '.join(w.removesuffix('_new') for w in np.array(WEIGHTS)[beyond])}"
            return Cause(LEARNING_RATE, "logic", f"the gradients are right but the learning rate was {how}{which}")
    return None


def biases_mistake(t: dict[str, float], spec: Spec, first: pd.Series, row: pd.Series, same: float) -> Cause | None:
    """Iteration 0 right, iteration 1's forward pass wrong: were b1, b2 moved by their gradients?"""
    rate = float(spec.learning_rate)
    b1, b2 = (float(b) - rate * t[f"dE_db{k}"] for k, b in ((1, spec.biases[0]), (2, spec.biases[1])))
    predicted = outputs(first[WEIGHTS].to_numpy(dtype=np.float64), *inputs_of(spec), b1, b2)
    if np.allclose(row[["out_o1", "out_o2"]].to_numpy(dtype=np.float64), predicted, rtol=same, atol=0):
        return Cause(BIASES_TRAINED, "logic",
                     "the biases b1, b2 were updated by their gradients too, although the notes keep them fixed")
    return None
