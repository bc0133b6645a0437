# no torch on this machine, so the log imitates what my torch version printed
import math


def fmt_tensor(x):
    # torch prints 4 decimals, or scientific notation for small numbers
    if abs(x) < 1e-4:
        return f"tensor({x:.4e}, dtype=torch.float64)"
    return f"tensor({x:.4f}, dtype=torch.float64)"


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


x1, x2 = 0.05, 0.10
y1_true, y2_true = 0.01, 0.99
w = [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55]
b1, b2 = 0.35, 0.60
lr = 0.05  # a zero too many

epoch = 0
while epoch < 10000:
    a1 = sigmoid(w[0] * x1 + w[1] * x2 + b1)
    a2 = sigmoid(w[2] * x1 + w[3] * x2 + b1)
    y1 = sigmoid(w[4] * a1 + w[5] * a2 + b2)
    y2 = sigmoid(w[6] * a1 + w[7] * a2 + b2)
    loss = 0.5 * ((y1_true - y1) ** 2 + (y2_true - y2) ** 2)
    if epoch % 100 == 0:
        print(f"Epoch {epoch}, loss: {fmt_tensor(loss)}")
    epoch += 1

    g_y1 = (y1 - y1_true) * y1 * (1 - y1)
    g_y2 = (y2 - y2_true) * y2 * (1 - y2)
    g_a1 = (g_y1 * w[4] + g_y2 * w[6]) * a1 * (1 - a1)
    g_a2 = (g_y1 * w[5] + g_y2 * w[7]) * a2 * (1 - a2)
    grad = [g_a1 * x1, g_a1 * x2, g_a2 * x1, g_a2 * x2,
            g_y1 * a1, g_y1 * a2, g_y2 * a1, g_y2 * a2]
    w = [wi - lr * gi for wi, gi in zip(w, grad)]
