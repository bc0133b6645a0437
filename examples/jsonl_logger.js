// A JSON-lines logger with its own names: {"step": 1, "loss": ..., "grad_w5": ...}, one object per iteration.
//
// The names are the program's, so the command maps them to golden names:
// --name loss=E_total --name grad_w5=dE_dw5. "step" is an iteration label;
// this logger counts steps from 1 (--count-from 1). Keys it does not map
// ("lr") are ignored and listed. The spec arrives as JSON on standard input.
"use strict";
const fs = require("fs");

const spec = JSON.parse(fs.readFileSync(0, "utf8"));
const { inputs: x, targets: t } = spec.examples[0];
const b = spec.b;
const w = spec.w.slice(); // w[0..7] are w1..w8
const lr = spec.learning_rate;
const sigmoid = (z) => 1 / (1 + Math.exp(-z));

function step() {
  const h = [sigmoid(w[0] * x[0] + w[1] * x[1] + b[0]), sigmoid(w[2] * x[0] + w[3] * x[1] + b[0])];
  const o = [sigmoid(w[4] * h[0] + w[5] * h[1] + b[1]), sigmoid(w[6] * h[0] + w[7] * h[1] + b[1])];
  const loss = o.reduce((sum, ok, k) => sum + 0.5 * (t[k] - ok) ** 2, 0);
  const d = o.map((ok, k) => (ok - t[k]) * ok * (1 - ok)); // dE/dnet of o1, o2
  const e = h.map((hj, j) => (d[0] * w[4 + j] + d[1] * w[6 + j]) * hj * (1 - hj)); // of h1, h2
  const grad = [e[0] * x[0], e[0] * x[1], e[1] * x[0], e[1] * x[1], d[0] * h[0], d[0] * h[1], d[1] * h[0], d[1] * h[1]];
  grad.forEach((g, k) => { w[k] -= lr * g; });
  return { loss, grad };
}

for (let s = 1; s <= spec.iterations; s++) {
  const { loss, grad } = step();
  console.log(JSON.stringify({ step: s, loss, grad_w5: grad[4], lr }));
}
