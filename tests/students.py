"""A learner's 2-2-2 network, written plainly and apart from the suite's code, with any classic mistake put in.

The tests use it to make programs that go wrong in a known way, from a known
iteration, in a known neuron, and check that the explain stage names what was
put in. Nothing here comes from the reference or the catalogue: the mistakes
are written as a learner writes them, in the learner's own loop. The example's
numbers come from the spec file.
"""

from __future__ import annotations

from math import exp

import pandas as pd
from backprop_verify.reference import examples, names
from backprop_verify.reference.spec import load

SPEC = load(examples.spec_path("documented"))
COLUMNS = names.trajectory_columns(SPEC)


def sigmoid(x: float) -> float:
    return 1 / (1 + exp(-x))


def train(mistake: str | None = None, start: int = 0, iterations: int = 40, **numbers: float) -> pd.DataFrame:
    """The trajectory, a row per iteration in the golden columns, with ``mistake`` made from iteration ``start``.

    ``numbers`` may change a starting weight (``w6=0.54``) or the learning rate (``rate=0.05``).
    """
    (example,) = SPEC.examples
    i1, i2 = map(float, example.inputs)
    t1, t2 = map(float, example.targets)
    w = [float(v) for v in SPEC.weights]
    for k in range(8):
        w[k] = numbers.get(f"w{k + 1}", w[k])
    b1, b2 = map(float, SPEC.biases)
    rate = numbers.get("rate", float(SPEC.learning_rate))
    accumulated = [0.0] * 8
    velocity = [0.0] * 8
    rows = []
    for it in range(iterations):
        m = mistake if it >= start else None
        w_used = list(w)
        if m == "forward-swap-w6-w7":
            w_used[5], w_used[6] = w[6], w[5]
        if m == "forward-w2-for-w4":
            w_used[3] = w[1]
        bh = {"bias-left-out": 0.0, "bias-doubled": 2 * b1, "bias-left-out-h1": b1}.get(m or "", b1)
        bo = {"bias-left-out": 0.0, "bias-doubled": 2 * b2, "bias-left-out-output": 0.0}.get(m or "", b2)
        h1 = sigmoid(w_used[0] * i1 + w_used[1] * i2 + (0.0 if m == "bias-left-out-h1" else bh))
        h2 = sigmoid(w_used[2] * i1 + w_used[3] * i2 + bh)
        o1 = sigmoid(w_used[4] * h1 + w_used[5] * h2 + bo)
        o2 = sigmoid(w_used[6] * h1 + w_used[7] * h2 + bo)
        E = 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2
        if m == "targets-swapped":
            t1, t2 = t2, t1
        d1, d2 = o1 - t1, o2 - t2
        if m == "targets-swapped":
            t1, t2 = t2, t1
        if m == "half-forgotten":
            d1, d2 = 2 * d1, 2 * d2
        if m == "sign-flipped":
            d1, d2 = -d1, -d2
        slope = lambda out: out * (1 - out)  # noqa: E731
        slope_o = slope
        slope_h = slope
        if m in ("no-slope", "no-slope-output"):
            slope_o = lambda out: 1.0  # noqa: E731
        if m in ("no-slope", "no-slope-hidden"):
            slope_h = lambda out: 1.0  # noqa: E731
        if m == "tanh-slope-hidden":
            slope_h = lambda out: 1 - out * out  # noqa: E731
        delta_o1, delta_o2 = d1 * slope_o(o1), d2 * slope_o(o2)
        if m == "slope-of-net-hidden":
            net1, net2 = w_used[0] * i1 + w_used[1] * i2 + bh, w_used[2] * i1 + w_used[3] * i2 + bh
            s1, s2 = net1 * (1 - net1), net2 * (1 - net2)
        else:
            s1, s2 = slope_h(h1), slope_h(h2)
        if m == "no-slope-h2":
            s2 = 1.0
        g = [0.0] * 8
        g[4], g[5] = delta_o1 * h1, delta_o1 * (i1 if m == "w6-from-input" else h2)
        g[6], g[7] = delta_o2 * h1, delta_o2 * h2
        w5, w6, w7, w8 = w[4], w[5], w[6], w[7]
        new_out = [w[4 + k] - rate * g[4 + k] for k in range(4)]
        if m in ("updated-backward", "updated-backward-h1"):
            w5, w7 = new_out[0], new_out[2]
        if m == "updated-backward":
            w6, w8 = new_out[1], new_out[3]
        if m == "transposed-backward":
            w6, w7 = w7, w6
        via1 = (delta_o1 * w5, delta_o2 * w7)
        via2 = (delta_o1 * w6, delta_o2 * w8)
        sum1 = via1[0] if m == "first-path" else via1[1] if m == "last-path" else via1[0] + via1[1]
        sum2 = via2[0] if m in ("first-path", "path-h2-via-o1") else via2[1] if m == "last-path" else via2[0] + via2[1]
        delta_h1, delta_h2 = sum1 * s1, sum2 * s2
        g[0], g[1], g[2], g[3] = delta_h1 * i1, delta_h1 * i2, delta_h2 * i1, delta_h2 * i2
        if m == "w1-other-input":
            g[0] = delta_h1 * i2
        new = []
        for k in range(8):
            if m == "accumulated":
                accumulated[k] += g[k]
                step = rate * accumulated[k]
            elif m == "momentum":
                velocity[k] = 0.9 * velocity[k] + g[k]
                step = rate * velocity[k]
            else:
                step = rate * g[k]
            if m == "rate-added-output" and k >= 4:
                m_k = "rate-added"
            else:
                m_k = m
            rule = {"rate-twice": w[k] - rate * step, "rate-added": w[k] + step, "rate-doubled": w[k] - 2 * step,
                    "rounded-4": round(w[k] - step, 4), "rounded-6": round(w[k] - step, 6)}
            new.append(rule.get(m_k or "", w[k] - step))
        if m == "biases-trained":
            b1 = b1 - rate * (delta_h1 + delta_h2)
            b2 = b2 - rate * (delta_o1 + delta_o2)
        rows.append([it, o1, o2, E, *g, *new])
        w = new
    return pd.DataFrame(rows, columns=COLUMNS)


def printed(frame: pd.DataFrame, line: str, every: int = 1000, first: int = 0) -> str:
    """The lines a program prints every ``every`` iterations: ``line`` formatted with the iteration ``k``
    (counted from ``first``) and the row's columns by name (``"epoch {k}: loss {E_total:.8f}"``)."""
    return "".join(line.format(k=k + first, **row) + "\n" for k, row in enumerate(frame.to_dict("records"))
                   if (k + first) % every == 0)
