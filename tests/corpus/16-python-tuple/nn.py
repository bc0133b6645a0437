import math

sigmoid = lambda z: 1 / (1 + math.exp(-z))

i = (0.05, 0.10)
target = (0.01, 0.99)
W1 = [[0.15, 0.20], [0.25, 0.30]]
W2 = [[0.40, 0.45], [0.50, 0.55]]
b = (0.35, 0.60)
lr = 0.5

for t in range(10001):
    net_h = [W1[n][0] * i[0] + W1[n][1] * i[1] + b[0] for n in range(2)]
    h = [sigmoid(v) for v in net_h]
    net_o = [W2[n][0] * h[0] + W2[n][1] * h[1] + b[1] for n in range(2)]
    out = tuple(sigmoid(v) for v in net_o)
    E = sum(0.5 * (target[n] - out[n]) ** 2 for n in range(2))
    if t % 1000 == 0:
        print("t =", t)
        print("out =", out)
        print("E =", E)
    if t == 10000:
        break
    delta_o = [-(target[n] - out[n]) * out[n] * (1 - out[n]) for n in range(2)]
    delta_h = [(delta_o[0] * W2[0][n] + delta_o[1] * W2[1][n]) * h[n] * (1 - h[n]) for n in range(2)]
    W2 = [[W2[n][m] - lr * delta_o[n] * h[m] for m in range(2)] for n in range(2)]
    W1 = [[W1[n][m] - lr * delta_h[n] * i[m] for m in range(2)] for n in range(2)]
