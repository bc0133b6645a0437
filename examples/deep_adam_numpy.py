"""A deeper network with NumPy: tanh hidden layers, a softmax output, cross-entropy, Adam, a batch of two.

Written for the shipped example deep-tanh-softmax-adam (--spec
deep-tanh-softmax-adam), whose spec arrives as JSON on standard input. Rows of
X are examples; each layer has W (a row per neuron) and b (a bias per neuron),
both trained. It prints CSV: the iteration, E_total before the update, and
every weight and bias after it, with the golden names w1_new.., b1_new..
(numbered layer by layer, neuron by neuron, input by input).
"""
import json
import sys

import numpy as np

spec = json.load(sys.stdin)
assert spec["activations"][-1] == "softmax" and spec["loss"] == "cross_entropy" and spec["optimizer"] == "adam"
X = np.array([e["inputs"] for e in spec["examples"]])
T = np.array([e["targets"] for e in spec["examples"]])
W = [np.array(m) for m in spec["weights"]]
b = [np.array(v) for v in spec["bias_values"]]
lr, beta1, beta2, eps = spec["learning_rate"], spec["beta1"], spec["beta2"], spec["epsilon"]
params = W + b
m = [np.zeros_like(p) for p in params]
v = [np.zeros_like(p) for p in params]

print("iteration,E_total," + ",".join(f"w{k}_new" for k in range(1, sum(w.size for w in W) + 1))
      + "," + ",".join(f"b{k}_new" for k in range(1, sum(c.size for c in b) + 1)))
for it in range(spec["iterations"]):
    outs = [X]
    for Wl, bl in zip(W[:-1], b[:-1]):
        outs.append(np.tanh(outs[-1] @ Wl.T + bl))
    net = outs[-1] @ W[-1].T + b[-1]
    p = np.exp(net - net.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    loss = -(T * np.log(p)).sum() / len(X)  # the mean over the batch

    delta = (p - T) / len(X)  # dE/dnet of softmax with cross-entropy
    grads_W, grads_b = [], []
    for layer in range(len(W) - 1, -1, -1):
        grads_W.insert(0, delta.T @ outs[layer])
        grads_b.insert(0, delta.sum(axis=0))
        if layer:
            delta = (delta @ W[layer]) * (1 - outs[layer] ** 2)  # through tanh
    for k, (param, g) in enumerate(zip(params, grads_W + grads_b)):
        m[k] = beta1 * m[k] + (1 - beta1) * g
        v[k] = beta2 * v[k] + (1 - beta2) * g * g
        m_hat, v_hat = m[k] / (1 - beta1 ** (it + 1)), v[k] / (1 - beta2 ** (it + 1))
        param -= lr * m_hat / (np.sqrt(v_hat) + eps)  # in place: W and b see it
    print(",".join(map(repr, [it, float(loss)] + [float(z) for q in params for z in q.ravel()])))
