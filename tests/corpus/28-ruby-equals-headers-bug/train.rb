sig = ->(z) { 1.0 / (1.0 + Math.exp(-z)) }

x = [0.05, 0.10]
t = [0.99, 0.01]
w = [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55]
b = [0.35, 0.60]
eta = 0.5

(0...10_000).each do |step|
  h = [sig.(w[0] * x[0] + w[1] * x[1] + b[0]), sig.(w[2] * x[0] + w[3] * x[1] + b[0])]
  o = [sig.(w[4] * h[0] + w[5] * h[1] + b[1]), sig.(w[6] * h[0] + w[7] * h[1] + b[1])]
  error = 0.5 * ((t[0] - o[0])**2 + (t[1] - o[1])**2)

  d = [(o[0] - t[0]) * o[0] * (1 - o[0]), (o[1] - t[1]) * o[1] * (1 - o[1])]
  dh = [(d[0] * w[4] + d[1] * w[6]) * h[0] * (1 - h[0]),
        (d[0] * w[5] + d[1] * w[7]) * h[1] * (1 - h[1])]
  grad = [dh[0] * x[0], dh[0] * x[1], dh[1] * x[0], dh[1] * x[1],
          d[0] * h[0], d[0] * h[1], d[1] * h[0], d[1] * h[1]]
  w = w.zip(grad).map { |wi, gi| wi - eta * gi }

  next unless (step % 1000).zero?

  puts "=== T = #{step} ==="
  puts "outputs: #{o[0]}, #{o[1]}"
  puts "error: #{error}"
  puts "weights after update: #{w.inspect}"
end
