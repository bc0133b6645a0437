from math import exp

x = [0.05, 0.1]
y = [0.01, 0.99]
w = [0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55]
b = [0.35, 0.6]
eta = 0.5


def s(v):
    return 1 / (1 + exp(-v))


for it in range(10000):
    # forward
    h1 = s(w[0] * x[0] + w[1] * x[1] + b[0])
    h2 = s(w[2] * x[0] + w[3] * x[1] + b[0])
    o1 = s(w[4] * h1 + w[6] * h2 + b[1])
    o2 = s(w[5] * h1 + w[7] * h2 + b[1])
    error = 0.5 * (y[0] - o1) ** 2 + 0.5 * (y[1] - o2) ** 2
    if it % 1000 == 0:
        print(error)
    # backward
    e1 = (o1 - y[0]) * o1 * (1 - o1)
    e2 = (o2 - y[1]) * o2 * (1 - o2)
    g = [0.0] * 8
    g[4] = e1 * h1
    g[5] = e1 * h2
    g[6] = e2 * h1
    g[7] = e2 * h2
    eh1 = (e1 * w[4] + e2 * w[6]) * h1 * (1 - h1)
    eh2 = (e1 * w[5] + e2 * w[7]) * h2 * (1 - h2)
    g[0] = eh1 * x[0]
    g[1] = eh1 * x[1]
    g[2] = eh2 * x[0]
    g[3] = eh2 * x[1]
    for k in range(8):
        w[k] = w[k] - eta * g[k]
