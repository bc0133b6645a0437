import numpy as np

X = np.array([[0.05, 0.10], [0.90, -0.30], [-0.40, 0.80]])
T = np.array([[0.50, -0.20], [0.20, 0.70], [0.90, 0.10]])
W1 = np.array([[0.15, 0.20], [0.25, -0.30], [-0.35, 0.10]])
b1 = np.array([0.35, -0.10, 0.05])
W2 = np.array([[0.40, -0.45, 0.50], [0.30, 0.55, -0.20]])
b2 = np.array([0.10, -0.20])
lr, beta = 0.05, 0.9
params = [W1, b1, W2, b2]
velocity = [np.zeros_like(p) for p in params]
n = len(X)

for i in range(301):
    z = X @ W1.T + b1
    a = np.maximum(z, 0)
    out = a @ W2.T + b2
    mse = np.mean((T - out) ** 2)
    if i % 10 == 0:
        print(f"iter {i:3d}  mse {mse:.12f}")
    if i == 300:
        break
    d_out = 2 * (out - T) / out.size
    gW2 = d_out.T @ a
    gb2 = d_out.sum(axis=0)
    d_z = (d_out @ W2) * (a >= 0)
    gW1 = d_z.T @ X
    gb1 = d_z.sum(axis=0)
    for p, v, g in zip(params, velocity, [gW1, gb1, gW2, gb2]):
        v *= beta
        v += g
        p -= lr * v
