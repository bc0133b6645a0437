"""A tiny neural network trained with backpropagation, written out by hand."""
import math


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


class Network:
    def __init__(self):
        self.w = {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30,
                  "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55}
        self.b1 = 0.35
        self.b2 = 0.60

    def forward(self, i1, i2):
        w = self.w
        self.h1 = sigmoid(w["w1"] * i1 + w["w2"] * i2 + self.b1)
        self.h2 = sigmoid(w["w3"] * i1 + w["w4"] * i2 + self.b1)
        self.o1 = sigmoid(w["w5"] * self.h1 + w["w6"] * self.h2 + self.b2)
        self.o2 = sigmoid(w["w7"] * self.h1 + w["w8"] * self.h2 + self.b2)
        return self.o1, self.o2

    def loss(self, i1, i2, t1, t2):
        o1, o2 = self.forward(i1, i2)
        return 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2

    def train_step(self, i1, i2, t1, t2, lr):
        o1, o2 = self.forward(i1, i2)
        h1, h2, w = self.h1, self.h2, self.w
        do1 = (o1 - t1) * o1 * (1 - o1)
        do2 = (o2 - t2) * o2 * (1 - o2)
        dh1 = (do1 * w["w5"] + do2 * w["w7"]) * h1 * (1 - h1)
        dh2 = (do1 * w["w6"] + do2 * w["w8"]) * h2 * (1 - h2)
        grads = {"w1": dh1 * i1, "w2": dh1 * i2, "w3": dh2 * i1, "w4": dh2 * i2,
                 "w5": do1 * h1, "w6": do1 * h2, "w7": do2 * h1, "w8": do2 * h2}
        for name in w:
            w[name] = w[name] + lr * grads[name]


net = Network()
print("Loss before training:", net.loss(0.05, 0.10, 0.01, 0.99))
for epoch in range(1, 10001):
    net.train_step(0.05, 0.10, 0.01, 0.99, 0.5)
    if epoch % 1000 == 0:
        print(f"Epoch {epoch}/10000 - loss: {net.loss(0.05, 0.10, 0.01, 0.99):.8f}")
print("Loss after training:", net.loss(0.05, 0.10, 0.01, 0.99))
