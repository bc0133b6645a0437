sigmoid <- function(z) 1 / (1 + exp(-z))

x <- c(0.05, 0.10)
y <- c(0.01, 0.99)
W1 <- matrix(c(0.15, 0.20, 0.25, 0.30), nrow = 2, byrow = TRUE)
W2 <- matrix(c(0.40, 0.45, 0.50, 0.55), nrow = 2, byrow = TRUE)
b1 <- 0.35
b2 <- 0.60
eta <- 0.5
n_iter <- 2000

forward <- function() {
  h <- sigmoid(as.vector(W1 %*% x) + b1)
  o <- sigmoid(as.vector(W2 %*% h) + b2)
  list(h = h, o = o, error = 0.5 * sum((y - o)^2))
}

for (iter in 0:(n_iter - 1)) {
  f <- forward()
  if (iter %% 200 == 0) cat(sprintf("Iter %d: error = %.10f\n", iter, f$error))
  delta_o <- (f$o - y) * f$o * (1 - f$o)
  delta_h <- as.vector(t(W2) %*% delta_o) * f$h * (1 - f$h)
  W2 <- round(W2 - eta * outer(delta_o, f$h), 4)
  W1 <- round(W1 - eta * outer(delta_h, x), 4)
}
cat(sprintf("Iter %d: error = %.10f\n", n_iter, forward()$error))
