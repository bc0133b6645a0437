# 3-4-2 sigmoid network, a bias per neuron (trained), full batch of two examples, mean loss
import math

X = [[0.05, 0.10, -0.20], [0.90, -0.30, 0.40]]
Y = [[0.01, 0.99], [0.75, 0.20]]
W1 = [[0.15, 0.20, -0.10], [0.25, 0.30, 0.05], [-0.35, 0.10, 0.40], [0.05, -0.25, 0.20]]
W2 = [[0.40, 0.45, -0.30, 0.20], [0.50, 0.55, 0.10, -0.40]]
B1 = [0.35, -0.10, 0.20, 0.05]
B2 = [0.60, -0.20]
lr = 0.8
epochs = 2000


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def forward(x):
    h = [sigmoid(sum(W1[j][i] * x[i] for i in range(3)) + B1[j]) for j in range(4)]
    y = [sigmoid(sum(W2[k][j] * h[j] for j in range(4)) + B2[k]) for k in range(2)]
    return h, y


for epoch in range(epochs + 1):
    gW1 = [[0.0] * 3 for _ in range(4)]
    gW2 = [[0.0] * 4 for _ in range(2)]
    gB1 = [0.0] * 4
    gB2 = [0.0] * 2
    batch_loss = 0.0
    ys = []
    for x, t in zip(X, Y):
        h, y = forward(x)
        ys.append(y)
        batch_loss += 0.5 * sum((t[k] - y[k]) ** 2 for k in range(2))
        dy = [(y[k] - t[k]) * y[k] * (1 - y[k]) for k in range(2)]
        dh = [sum(dy[k] * W2[k][j] for k in range(2)) * h[j] * (1 - h[j]) for j in range(4)]
        for k in range(2):
            gB2[k] += dy[k]
            for j in range(4):
                gW2[k][j] += dy[k] * h[j]
        for j in range(4):
            gB1[j] += dh[j]
            for i in range(3):
                gW1[j][i] += dh[j] * x[i]
    if epoch % 100 == 0:
        print(f"Epoch {epoch:4d} | batch loss {batch_loss:.10f} | y1 = {ys[0][0]:.6f} {ys[0][1]:.6f}"
              f" | y2 = {ys[1][0]:.6f} {ys[1][1]:.6f}")
    if epoch == epochs:
        break
    for k in range(2):
        B2[k] -= lr * gB2[k]
        for j in range(4):
            W2[k][j] -= lr * gW2[k][j]
    for j in range(4):
        B1[j] -= lr * gB1[j]
        for i in range(3):
            W1[j][i] -= lr * gW1[j][i]
