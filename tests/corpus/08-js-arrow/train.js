'use strict';
// w[0..3]: input -> hidden, w[4..7]: hidden -> output
let w = [0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55];
const inp = [0.05, 0.1];
const tgt = [0.01, 0.99];
const bHidden = 0.35;
const bOut = 0.6;
const lr = 0.5;

function sig(z) {
  return 1 / (1 + Math.exp(-z));
}

let wOld = w.slice(); // the weights before this step, for the hidden layer's backprop
for (let i = 0; i < 10000; i++) {
  const h1 = sig(w[0] * inp[0] + w[1] * inp[1] + bHidden);
  const h2 = sig(w[2] * inp[0] + w[3] * inp[1] + bHidden);
  const o1 = sig(w[4] * h1 + w[5] * h2 + bOut);
  const o2 = sig(w[6] * h1 + w[7] * h2 + bOut);
  const err = 0.5 * ((tgt[0] - o1) ** 2 + (tgt[1] - o2) ** 2);
  if (i % 100 === 0) console.log(i + ' -> ' + err);

  const d1 = (o1 - tgt[0]) * o1 * (1 - o1);
  const d2 = (o2 - tgt[1]) * o2 * (1 - o2);
  // output layer first
  w[4] -= lr * d1 * h1;
  w[5] -= lr * d1 * h2;
  w[6] -= lr * d2 * h1;
  w[7] -= lr * d2 * h2;
  // hidden layer, with the old output weights
  const dh1 = (d1 * wOld[4] + d2 * wOld[6]) * h1 * (1 - h1);
  const dh2 = (d1 * wOld[5] + d2 * wOld[7]) * h2 * (1 - h2);
  w[0] -= lr * dh1 * inp[0];
  w[1] -= lr * dh1 * inp[1];
  w[2] -= lr * dh2 * inp[0];
  w[3] -= lr * dh2 * inp[1];
  wOld = w.slice();
}
