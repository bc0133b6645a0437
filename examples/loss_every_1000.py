"""Only the loss, after each update, rounded to 9 decimals, every 1,000 iterations, with chatter around it.

The 2-2-2 sigmoid network of the worked example, written the way a first
attempt often is: train, then evaluate the loss with the updated weights and
print it now and then. The example's numbers come from the spec, given as
JSON on standard input (backprop-verify trace --stdin-spec).
"""
import json
import math
import sys

spec = json.load(sys.stdin)
(i1, i2), (t1, t2) = spec["examples"][0]["inputs"], spec["examples"][0]["targets"]
w = list(spec["w"])  # w1..w8
b1, b2 = spec["b"]
rate = spec["learning_rate"]


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def forward(w):
    h1 = sigmoid(w[0] * i1 + w[1] * i2 + b1)
    h2 = sigmoid(w[2] * i1 + w[3] * i2 + b1)
    o1 = sigmoid(w[4] * h1 + w[5] * h2 + b2)
    o2 = sigmoid(w[6] * h1 + w[7] * h2 + b2)
    return h1, h2, o1, o2


def loss(o1, o2):
    return 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2


print("Training...")
for epoch in range(1, spec["iterations"] + 1):
    h1, h2, o1, o2 = forward(w)
    d1 = (o1 - t1) * o1 * (1 - o1)  # dE/dnet_o1
    d2 = (o2 - t2) * o2 * (1 - o2)
    e1 = (d1 * w[4] + d2 * w[6]) * h1 * (1 - h1)  # dE/dnet_h1, through the weights before the update
    e2 = (d1 * w[5] + d2 * w[7]) * h2 * (1 - h2)
    grads = [e1 * i1, e1 * i2, e2 * i1, e2 * i2, d1 * h1, d1 * h2, d2 * h1, d2 * h2]
    w = [wk - rate * gk for wk, gk in zip(w, grads)]
    if epoch % 1000 == 0:
        print(f"Epoch {epoch}: loss = {round(loss(*forward(w)[2:]), 9)}")
print("done")
