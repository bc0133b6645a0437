# printing everything while debugging my backprop
import numpy as np

inputs = np.array([0.05, 0.10])
targets = np.array([0.01, 0.99])
w_hidden = np.array([[0.15, 0.20], [0.25, 0.30]])
w_output = np.array([[0.40, 0.45], [0.50, 0.55]])
bias_hidden = 0.35
bias_output = 0.60
lr = 0.5


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


for epoch in range(10000):
    hidden = sigmoid(w_hidden @ inputs + bias_hidden)
    output = sigmoid(w_output @ hidden + bias_output)
    loss = 0.5 * np.sum((targets - output) ** 2)

    delta = (output - targets) * output * (1 - output)
    delta_hidden = w_output.T @ delta

    if epoch % 1000 == 0:
        print("epoch", epoch)
        print("Output:", output.tolist())
        print("hidden =", repr(hidden))
        print("delta =", repr(delta))
        print("loss =", repr(loss))

    w_output -= lr * np.outer(delta, hidden)
    w_hidden -= lr * np.outer(delta_hidden, inputs)
