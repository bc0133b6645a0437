const sigmoid = x => 1 / (1 + Math.exp(-x));

const x = [0.05, 0.10];
const t = [0.01, 0.99];
const w = [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55];
const b = [0.35, 0.60];
const lr = 0.5;

function forward() {
  const h = [sigmoid(w[0] * x[0] + w[1] * x[1] + b[0]),
             sigmoid(w[2] * x[0] + w[1] * x[1] + b[0])];
  const o = [sigmoid(w[4] * h[0] + w[5] * h[1] + b[1]),
             sigmoid(w[6] * h[0] + w[7] * h[1] + b[1])];
  return [h, o];
}

function show(epoch) {
  const [h, o] = forward();
  const E = 0.5 * (t[0] - o[0]) ** 2 + 0.5 * (t[1] - o[1]) ** 2;
  console.log(`epoch ${epoch}`);
  console.log(`H: ${h[0]} H: ${h[1]}`);
  console.log(`O: ${o[0]}  O: ${o[1]}`);
  console.log(`E: ${E}`);
}

show(0);
for (let epoch = 1; epoch <= 10000; epoch++) {
  const [h, o] = forward();
  const dO = o.map((v, k) => (v - t[k]) * v * (1 - v));
  const dH = [(dO[0] * w[4] + dO[1] * w[6]) * h[0] * (1 - h[0]),
              (dO[0] * w[5] + dO[1] * w[7]) * h[1] * (1 - h[1])];
  const g = [dH[0] * x[0], dH[0] * x[1], dH[1] * x[0], dH[1] * x[1],
             dO[0] * h[0], dO[0] * h[1], dO[1] * h[0], dO[1] * h[1]];
  for (let k = 0; k < 8; k++) w[k] -= lr * g[k];
  if (epoch % 1000 === 0) show(epoch);
}
