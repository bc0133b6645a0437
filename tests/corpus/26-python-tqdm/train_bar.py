import math

TOTAL = 10000


def bar(n, total, loss, width=10):
    frac = n / total
    full = int(frac * width)
    cells = "█" * full + " " * (width - full)
    return f"Training: {int(frac * 100):3d}%|{cells}| {n}/{total} [loss={loss:.6g}]"


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


inp = [0.05, 0.10]
tgt = [0.01, 0.99]
w_ih = [[0.15, 0.20], [0.25, 0.30]]
w_ho = [[0.40, 0.45], [0.50, 0.55]]
bias_h, bias_o = 0.35, 0.60
lr = 0.5

for n in range(TOTAL):
    hid = [sigmoid(sum(w_ih[j][i] * inp[i] for i in range(2)) + bias_h) for j in range(2)]
    out = [sigmoid(sum(w_ho[k][j] * hid[j] for j in range(2)) + bias_o) for k in range(2)]
    loss = sum((tgt[k] - out[k]) ** 2 for k in range(2)) / 2
    if n % 500 == 0:
        print(bar(n, TOTAL, loss))
    delta_o = [(out[k] - tgt[k]) * out[k] * (1 - out[k]) for k in range(2)]
    delta_h = [sum(delta_o[k] * w_ho[k][j] for k in range(2)) * hid[j] * (1 - hid[j]) for j in range(2)]
    for k in range(2):
        for j in range(2):
            w_ho[k][j] -= lr * delta_o[k] * hid[j]
    for j in range(2):
        for i in range(2):
            w_ih[j][i] -= lr * delta_h[j] * inp[i]

hid = [sigmoid(sum(w_ih[j][i] * inp[i] for i in range(2)) + bias_h) for j in range(2)]
out = [sigmoid(sum(w_ho[k][j] * hid[j] for j in range(2)) + bias_o) for k in range(2)]
print(bar(TOTAL, TOTAL, sum((tgt[k] - out[k]) ** 2 for k in range(2)) / 2))
