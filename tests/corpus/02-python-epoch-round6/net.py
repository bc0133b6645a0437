import math

inputs = [0.05, 0.10]
targets = [0.01, 0.99]
# hidden weights: row per hidden neuron
wh = [[0.15, 0.20], [0.25, 0.30]]
# output weights: row per output neuron
wo = [[0.40, 0.45], [0.50, 0.55]]
bh = 0.35
bo = 0.60
learning_rate = 0.5
epochs = 10000


def sig(z):
    return 1 / (1 + math.exp(-z))


for epoch in range(epochs):
    hidden = [sig(wh[j][0] * inputs[0] + wh[j][1] * inputs[1] + bh) for j in range(2)]
    out = [sig(wo[k][0] * hidden[0] + wo[k][1] * hidden[1] + bo) for k in range(2)]
    loss = sum(0.5 * (targets[k] - out[k]) ** 2 for k in range(2))
    if epoch % 1000 == 0:
        print("epoch", epoch, " loss =", round(loss, 6))

    delta_out = [(out[k] - targets[k]) * out[k] * (1 - out[k]) for k in range(2)]
    delta_hid = [sum(delta_out[k] * wo[k][j] for k in range(2)) * hidden[j] * (1 - hidden[j]) for j in range(2)]

    step = learning_rate
    for k in range(2):
        for j in range(2):
            wo[k][j] -= step * delta_out[k] * hidden[j]
    for j in range(2):
        for i in range(2):
            wh[j][i] -= step * delta_hid[j] * inputs[i]

hidden = [sig(wh[j][0] * inputs[0] + wh[j][1] * inputs[1] + bh) for j in range(2)]
out = [sig(wo[k][0] * hidden[0] + wo[k][1] * hidden[1] + bo) for k in range(2)]
loss = sum(0.5 * (targets[k] - out[k]) ** 2 for k in range(2))
print("epoch", epochs, " loss =", round(loss, 6))
