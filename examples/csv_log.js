// CSV with a header of a few golden names, one row per iteration, at full precision.
//
// The 2-2-2 sigmoid network of the worked example. Each row holds the forward
// pass with the weights the iteration starts with (out_o1, out_o2, E_total),
// then one gradient and two weights after the update. JavaScript's String()
// prints the shortest decimal that reads back as the same double, so every
// value is verified as the exact double the program held. The numbers come
// from the spec as JSON on standard input (backprop-verify trace --stdin-spec).
"use strict";
const fs = require("fs");

const spec = JSON.parse(fs.readFileSync(0, "utf8"));
const [x1, x2] = spec.examples[0].inputs;
const [t1, t2] = spec.examples[0].targets;
const [b1, b2] = spec.b;
const rate = spec.learning_rate;
let [w1, w2, w3, w4, w5, w6, w7, w8] = spec.w;

const sigmoid = (x) => 1 / (1 + Math.exp(-x));

console.log("iteration,out_o1,out_o2,E_total,dE_dw5,w5_new,w1_new");
for (let it = 0; it < spec.iterations; it++) {
  const h1 = sigmoid(w1 * x1 + w2 * x2 + b1);
  const h2 = sigmoid(w3 * x1 + w4 * x2 + b1);
  const o1 = sigmoid(w5 * h1 + w6 * h2 + b2);
  const o2 = sigmoid(w7 * h1 + w8 * h2 + b2);
  const loss = 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2;

  const delta1 = (o1 - t1) * o1 * (1 - o1);
  const delta2 = (o2 - t2) * o2 * (1 - o2);
  const hidden1 = (delta1 * w5 + delta2 * w7) * h1 * (1 - h1);
  const hidden2 = (delta1 * w6 + delta2 * w8) * h2 * (1 - h2);
  const g = [hidden1 * x1, hidden1 * x2, hidden2 * x1, hidden2 * x2,
             delta1 * h1, delta1 * h2, delta2 * h1, delta2 * h2];
  [w1, w2, w3, w4, w5, w6, w7, w8] = [w1, w2, w3, w4, w5, w6, w7, w8].map((w, k) => w - rate * g[k]);

  console.log([it, o1, o2, loss, g[4], w5, w1].map(String).join(","));
}
