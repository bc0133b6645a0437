import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


X = np.array([0.05, 0.10])
T = np.array([0.01, 0.99])
W1 = np.array([[0.15, 0.20], [0.25, 0.30]])
W2 = np.array([[0.40, 0.45], [0.50, 0.55]])
b1 = 0.35
b2 = 0.60
lr = 0.5

for epoch in range(10001):
    h = sigmoid(W1 @ X + b1)
    o = sigmoid(W2 @ h)
    err = 0.5 * np.sum((T - o) ** 2)
    if epoch % 1000 == 0:
        print("Epoch", epoch)
        print("Output:", o)
        print("Error:", err)
    if epoch == 10000:
        break
    d_o = (o - T) * o * (1 - o)
    d_h = (W2.T @ d_o) * h * (1 - h)
    W2 -= lr * np.outer(d_o, h)
    W1 -= lr * np.outer(d_h, X)
