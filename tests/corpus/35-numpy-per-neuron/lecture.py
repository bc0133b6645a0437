# the lecture version: every neuron has its own bias, and the biases are learned too
import numpy as np

x = np.array([0.05, 0.10])
t = np.array([0.01, 0.99])
W1 = np.array([[0.15, 0.20], [0.25, 0.30]])
b1 = np.array([0.35, 0.35])
W2 = np.array([[0.40, 0.45], [0.50, 0.55]])
b2 = np.array([0.60, 0.60])
eta = 0.5


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def forward():
    h = sigmoid(W1 @ x + b1)
    return h, sigmoid(W2 @ h + b2)


for it in range(1, 1001):
    h, y = forward()
    dy = (y - t) * y * (1 - y)
    dh = (W2.T @ dy) * h * (1 - h)
    W2 -= eta * np.outer(dy, h)
    b2 -= eta * dy
    W1 -= eta * np.outer(dh, x)
    b1 -= eta * dh
    if it == 1 or it % 100 == 0:
        h, y = forward()
        E_total = 0.5 * np.sum((t - y) ** 2)
        print(f"Iteration {it}  E_total = {E_total:.9f}")
