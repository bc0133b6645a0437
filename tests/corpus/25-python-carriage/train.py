import math
import sys

i1, i2, t1, t2 = 0.05, 0.10, 0.01, 0.99
w1, w2, w3, w4, w5, w6, w7, w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55
b1, b2 = 0.35, 0.60
lr = 0.5
N = 10000


def sigmoid(v):
    return 1 / (1 + math.exp(-v))


for e in range(1, N + 1):
    h1 = sigmoid(w1 * i1 + w2 * i2 + b1)
    h2 = sigmoid(w3 * i1 + w4 * i2 + b1)
    o1 = sigmoid(w5 * h1 + w6 * h2 + b2)
    o2 = sigmoid(w7 * h1 + w8 * h2 + b2)
    loss = 0.5 * ((t1 - o1) ** 2 + (t2 - o2) ** 2)
    if e == 1 or e % 100 == 0:
        sys.stdout.write(f"\rEpoch {e}/{N}  loss: {loss:.10f}")
        sys.stdout.flush()

    d1 = (o1 - t1) * o1 * (1 - o1)
    d2 = (o2 - t2) * o2 * (1 - o2)
    dh1 = (d1 * w5 + d2 * w7) * h1 * (1 - h1)
    dh2 = (d1 * w6 + d2 * w8) * h2 * (1 - h2)
    w5, w6, w7, w8 = w5 - lr * d1 * h1, w6 - lr * d1 * h2, w7 - lr * d2 * h1, w8 - lr * d2 * h2
    w1, w2, w3, w4 = w1 - lr * dh1 * i1, w2 - lr * dh1 * i2, w3 - lr * dh2 * i1, w4 - lr * dh2 * i2
print()
print("Finished training")
