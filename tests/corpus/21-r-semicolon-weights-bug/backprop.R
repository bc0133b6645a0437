# Backpropagation on the classic 2-2-2 example, in base R
sigmoid <- function(x) 1 / (1 + exp(-x))

i <- c(0.05, 0.10)
target <- c(0.01, 0.99)
w <- c(0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55)
b1 <- 0.35
b2 <- 0.60
lr <- 0.5

for (it in 1:10000) {
  h1 <- sigmoid(w[1] * i[1] + w[2] * i[2] + b1)
  h2 <- sigmoid(w[3] * i[1] + w[4] * i[2] + b1)
  o1 <- sigmoid(w[5] * h1 + w[6] * h2 + b2)
  o2 <- sigmoid(w[7] * h1 + w[8] * h2 + b2)

  d1 <- (o1 - target[1]) * o1 * (1 - o1)
  d2 <- (o2 - target[2]) * o2 * (1 - o2)
  dh1 <- (d1 * w[5] + d2 * w[7]) * h1 * (1 - h1)
  dh2 <- (d1 * w[6] + d2 * w[8]) * h2 * (1 - h2)
  g <- c(dh1 * i[1], dh1 * i[2], dh2 * i[1], dh2 * i[2], d1 * h1, d1 * h2, d2 * h1, d2 * h2)

  w_new <- w - lr * g
  if (it == 1 || it %% 1000 == 0) {
    cat(sprintf("# weights after iteration %d\n", it))
    for (k in 1:8) cat(sprintf("w%d = %.10f;\n", k, w[k]))
  }
  w <- w_new
}
