# The notes' 2-2-2 sigmoid network, trained by plain gradient descent.
#
# The example arrives on standard input as the spec's JSON
# (implementations/spec_json.py): the inputs and targets of its one example,
# the weights and biases as the flat lists "w" (w1..w8) and "b" (b1, b2), the
# learning rate and the number of iterations. For every iteration the program
# prints 19 lines name:value (verify/trace/TRACE_PROTOCOL.md): the outputs and
# E_total with the weights the iteration starts with, then dE/dw and the new
# value of each weight, output layer first. The partial derivatives follow
# the notes' draft, R1..R20.
require "json"

def sigmoid(net)
  1.0 / (1.0 + Math.exp(-net))
end

# dout/dnet of a sigmoid neuron, written with its output (R3, R4, R15, R16).
def slope(out)
  out * (1.0 - out)
end

example = JSON.parse($stdin.read)
first = example.fetch("examples").fetch(0)
i1, i2 = first.fetch("inputs").map(&:to_f)
t1, t2 = first.fetch("targets").map(&:to_f)
w1, w2, w3, w4, w5, w6, w7, w8 = example.fetch("w").map(&:to_f)
b1, b2 = example.fetch("b").map(&:to_f)
rate = example.fetch("learning_rate").to_f

trace = []
example.fetch("iterations").times do
  out_h1 = sigmoid(w1 * i1 + w2 * i2 + b1)
  out_h2 = sigmoid(w3 * i1 + w4 * i2 + b1)
  out_o1 = sigmoid(w5 * out_h1 + w6 * out_h2 + b2)
  out_o2 = sigmoid(w7 * out_h1 + w8 * out_h2 + b2)
  e_total = 0.5 * ((t1 - out_o1)**2 + (t2 - out_o2)**2)

  # Output layer: dE/dnet_o = R1*R3 and R2*R4, then times out_h (R5..R8).
  delta_o1 = (out_o1 - t1) * slope(out_o1)
  delta_o2 = (out_o2 - t2) * slope(out_o2)
  grad_w5 = delta_o1 * out_h1
  grad_w6 = delta_o1 * out_h2
  grad_w7 = delta_o2 * out_h1
  grad_w8 = delta_o2 * out_h2
  new_w5 = w5 - rate * grad_w5
  new_w6 = w6 - rate * grad_w6
  new_w7 = w7 - rate * grad_w7
  new_w8 = w8 - rate * grad_w8

  # Hidden layer: both paths back through the weights the iteration began with (R13, R14).
  de_dout_h1 = delta_o1 * w5 + delta_o2 * w7
  de_dout_h2 = delta_o1 * w6 + delta_o2 * w8
  grad_w1 = de_dout_h1 * slope(out_h1) * i1
  grad_w2 = de_dout_h1 * slope(out_h1) * i2
  grad_w3 = de_dout_h2 * slope(out_h2) * i1
  grad_w4 = de_dout_h2 * slope(out_h2) * i2
  new_w1 = w1 - rate * grad_w1
  new_w2 = w2 - rate * grad_w2
  new_w3 = w3 - rate * grad_w3
  new_w4 = w4 - rate * grad_w4

  trace << "out_o1:#{out_o1}" << "out_o2:#{out_o2}" << "E_total:#{e_total}"
  trace << "af_E_total_w5:#{grad_w5}" << "af_E_total_w6:#{grad_w6}"
  trace << "af_E_total_w7:#{grad_w7}" << "af_E_total_w8:#{grad_w8}"
  trace << "w5_new:#{new_w5}" << "w6_new:#{new_w6}" << "w7_new:#{new_w7}" << "w8_new:#{new_w8}"
  trace << "af_E_w1:#{grad_w1}" << "af_E_w2:#{grad_w2}" << "af_E_w3:#{grad_w3}" << "af_E_w4:#{grad_w4}"
  trace << "w1_new:#{new_w1}" << "w2_new:#{new_w2}" << "w3_new:#{new_w3}" << "w4_new:#{new_w4}"

  w1, w2, w3, w4, w5, w6, w7, w8 = new_w1, new_w2, new_w3, new_w4, new_w5, new_w6, new_w7, new_w8
end
puts trace
