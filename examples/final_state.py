"""Only the state after training: the final loss, outputs and weights, printed once at the end.

A single record without an iteration label is compared with the state after
the last update (--final says so; without it the verifier also tries, and
picks whichever of iteration 0 and the final state the values match). The
network is written neuron by neuron with lists; the spec arrives as JSON on
standard input.
"""
import json
import math
import sys

spec = json.load(sys.stdin)
x, t = spec["examples"][0]["inputs"], spec["examples"][0]["targets"]
hidden = [spec["w"][0:2], spec["w"][2:4]]  # a row of incoming weights per neuron
output = [spec["w"][4:6], spec["w"][6:8]]
b_hidden, b_output = spec["b"]


def layer(weights, inputs, bias):
    return [1 / (1 + math.exp(-(sum(w * v for w, v in zip(row, inputs)) + bias))) for row in weights]


for _ in range(spec["iterations"]):
    h = layer(hidden, x, b_hidden)
    o = layer(output, h, b_output)
    delta_o = [(ok - tk) * ok * (1 - ok) for ok, tk in zip(o, t)]
    delta_h = [sum(delta_o[k] * output[k][j] for k in range(2)) * h[j] * (1 - h[j]) for j in range(2)]
    output = [[w - spec["learning_rate"] * delta_o[k] * h[j] for j, w in enumerate(row)] for k, row in enumerate(output)]
    hidden = [[w - spec["learning_rate"] * delta_h[k] * x[j] for j, w in enumerate(row)] for k, row in enumerate(hidden)]

o = layer(output, layer(hidden, x, b_hidden), b_output)
print(f"Trained for {spec['iterations']} iterations.")
print(f"E_total: {sum(0.5 * (tk - ok) ** 2 for ok, tk in zip(o, t))}")
print(f"out_o1: {o[0]}\nout_o2: {o[1]}")
for k, w in enumerate(hidden[0] + hidden[1] + output[0] + output[1], start=1):
    print(f"w{k}_new: {w}")
