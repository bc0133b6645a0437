import numpy as np

x = np.array([0.05, 0.10])
y = np.array([0.01, 0.99])
w_hidden = np.array([[0.15, 0.20], [0.25, 0.30]])
w_out = np.array([[0.40, 0.45], [0.50, 0.55]])
b_hidden, b_out = 0.35, 0.60
lr = 0.5

sig = lambda z: 1.0 / (1.0 + np.exp(-z))

print("epoch,loss,out_o1,out_o2,grad_w5")
for epoch in range(10000):
    hidden = sig(w_hidden @ x + b_hidden)
    out = sig(w_out @ hidden + b_out)
    loss = np.sum((y - out) ** 2) / 2
    delta_out = (out - y) * out * (1 - out)
    grad_out = np.outer(delta_out, hidden)
    w_out = w_out - lr * grad_out
    delta_hidden = (w_out.T @ delta_out) * hidden * (1 - hidden)
    grad_hidden = np.outer(delta_hidden, x)
    w_hidden = w_hidden - lr * grad_hidden
    if epoch % 100 == 0:
        print(f"{epoch},{loss!r},{out[0]!r},{out[1]!r},{grad_out[0, 0]!r}")
