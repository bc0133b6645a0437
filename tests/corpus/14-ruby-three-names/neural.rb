# A neural network with one hidden layer, trained by backpropagation
class Neuron
  attr_accessor :weights, :bias, :output

  def initialize(weights, bias)
    @weights = weights
    @bias = bias
  end

  def activate(inputs)
    net = @bias
    inputs.each_with_index { |x, k| net += @weights[k] * x }
    @output = 1.0 / (1.0 + Math.exp(-net))
  end
end

INPUTS = [0.05, 0.10].freeze
TARGETS = [0.01, 0.99].freeze
RATE = 0.5

hidden = [Neuron.new([0.15, 0.20], 0.35), Neuron.new([0.25, 0.30], 0.35)]
output = [Neuron.new([0.40, 0.45], 0.60), Neuron.new([0.50, 0.55], 0.60)]

def total_error(hidden, output)
  h = hidden.map { |n| n.activate(INPUTS) }
  output.each_with_index.sum { |n, k| 0.5 * (TARGETS[k] - n.activate(h))**2 }
end

def train(hidden, output)
  h = hidden.map { |n| n.activate(INPUTS) }
  o = output.map { |n| n.activate(h) }
  delta_o = o.each_with_index.map { |out, k| (out - TARGETS[k]) * out * (1 - out) }
  delta_h2 = (delta_o[0] * output[0].weights[1] + delta_o[1] * output[1].weights[1]) * h[1] * (1 - h[1])
  delta_h1 = (delta_o[0] * output[0].weights[0] + delta_o[1] * output[1].weights[0]) * h[0] * (1 - h[0])
  output.each_with_index do |n, k|
    n.weights = n.weights.each_with_index.map { |w, j| w - RATE * delta_o[k] * h[j] }
  end
  hidden[0].weights = hidden[0].weights.each_with_index.map { |w, i| w - RATE * delta_h1 * INPUTS[i] }
  hidden[1].weights = hidden[1].weights.each_with_index.map { |w, i| w - RATE * delta_h2 * INPUTS[i] }
end

puts "Error before training: #{total_error(hidden, output)}"
train(hidden, output)
puts "Error after first round: #{total_error(hidden, output)}"
9999.times { train(hidden, output) }
puts "Error after 10000 rounds: #{total_error(hidden, output)}"
