def sigmoid(x)
  1.0 / (1.0 + Math.exp(-x))
end

i1, i2 = 0.05, 0.10
t1, t2 = 0.01, 0.99
w1, w2, w3, w4 = 0.15, 0.20, 0.25, 0.30
w5, w6, w7, w8 = 0.40, 0.54, 0.50, 0.55
b1, b2 = 0.35, 0.60
lr = 0.5

10_000.times do |i|
  h1 = sigmoid(w1 * i1 + w2 * i2 + b1)
  h2 = sigmoid(w3 * i1 + w4 * i2 + b1)
  o1 = sigmoid(w5 * h1 + w6 * h2 + b2)
  o2 = sigmoid(w7 * h1 + w8 * h2 + b2)
  err = 0.5 * (t1 - o1)**2 + 0.5 * (t2 - o2)**2
  puts "#{i} > #{err.round(4)}" if (i % 100).zero?

  d_o1 = (o1 - t1) * o1 * (1 - o1)
  d_o2 = (o2 - t2) * o2 * (1 - o2)
  d_h2 = (d_o1 * w6 + d_o2 * w8) * h2 * (1 - h2)
  d_h1 = (d_o1 * w5 + d_o2 * w7) * h1 * (1 - h1)
  w5 -= lr * d_o1 * h1
  w6 -= lr * d_o1 * h2
  w7 -= lr * d_o2 * h1
  w8 -= lr * d_o2 * h2
  w1 -= lr * d_h1 * i1
  w2 -= lr * d_h1 * i2
  w3 -= lr * d_h2 * i1
  w4 -= lr * d_h2 * i2
end
