# print the loss with Decimal so we can see every digit the float really holds
from decimal import Decimal
from math import exp

IN = [0.05, 0.10]
T = [0.01, 0.99]
Wh = [[0.15, 0.20], [0.25, 0.30]]
Wo = [[0.40, 0.45], [0.50, 0.55]]
B = [0.35, 0.60]
ALPHA = 0.5


def act(z):
    return 1.0 / (1.0 + exp(-z))


def forward():
    h = [act(Wh[j][0] * IN[0] + Wh[j][1] * IN[1] + B[0]) for j in range(2)]
    o = [act(Wo[k][0] * h[0] + Wo[k][1] * h[1] + B[1]) for k in range(2)]
    return h, o


def error(o):
    return 0.5 * (T[0] - o[0]) ** 2 + 0.5 * (T[1] - o[1]) ** 2


for step in range(10000 + 1):
    h, o = forward()
    if step % 1000 == 0:
        print(f"step {step}: E = {Decimal(error(o))!r}")
    do = [(o[k] - T[k]) * o[k] * (1 - o[k]) for k in range(2)]
    dh = [(do[0] * Wo[0][j] + do[1] * Wo[1][j]) * h[j] * (1 - h[j]) for j in range(2)]
    for k in range(2):
        for j in range(2):
            Wo[k][j] -= ALPHA * do[k] * h[j]
    for j in range(2):
        for i in range(2):
            Wh[j][i] -= ALPHA * dh[j] * IN[i]

h, o = forward()
print(f"Final: E = {Decimal(error(o))!r}")
