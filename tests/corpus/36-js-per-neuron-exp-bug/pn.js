// 2-2-2 net, a bias per neuron, biases trained as well
const inputs = [0.05, 0.10];
const targets = [0.01, 0.99];
const W = new Float32Array([0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55]);
const B = new Float32Array([0.35, 0.35, 0.60, 0.60]);
const rate = 0.5;

const sigma = v => 1 / (1 + Math.exp(-v));

function run() {
  const h1 = sigma(W[0] * inputs[0] + W[1] * inputs[1] + B[0]);
  const h2 = sigma(W[2] * inputs[0] + W[3] * inputs[1] + B[1]);
  const o1 = sigma(W[4] * h1 + W[5] * h2 + B[2]);
  const o2 = sigma(W[6] * h1 + W[7] * h2 + B[3]);
  return { h1, h2, o1, o2, cost: 0.5 * (targets[0] - o1) ** 2 + 0.5 * (targets[1] - o2) ** 2 };
}

for (let it = 0; it < 1000; it++) {
  const { h1, h2, o1, o2, cost } = run();
  if (it % 100 === 0) console.log(`iter ${it}: cost = ${cost.toExponential()}`);
  const e1 = (o1 - targets[0]) * o1 * (1 - o1);
  const e2 = (o2 - targets[1]) * o2 * (1 - o2);
  const f1 = (e1 * W[4] + e2 * W[6]) * h1 * (1 - h1);
  const f2 = (e1 * W[5] + e2 * W[7]) * h2 * (1 - h2);
  const grads = [f1 * inputs[0], f1 * inputs[1], f2 * inputs[0], f2 * inputs[1], e1 * h1, e1 * h2, e2 * h1, e2 * h2];
  for (let k = 0; k < 8; k++) W[k] -= rate * grads[k];
  B[0] -= rate * f1;
  B[1] -= rate * f2;
  B[2] -= rate * e1;
  B[3] -= rate * e2;
}
console.log(`final cost = ${run().cost.toExponential()}`);
