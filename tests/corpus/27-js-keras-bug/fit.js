// a little "model.fit" that logs like Keras does
const EPOCHS = 1000;
const LR = 0.5;
const X = [0.05, 0.1];
const Y = [0.01, 0.99];
let Wh = [[0.15, 0.2], [0.25, 0.3]];
let Wo = [[0.4, 0.45], [0.5, 0.55]];
const bh = 0.35, bo = 0.6;

const sigmoid = z => 1 / (1 + Math.exp(-z));

function gradients() {
  const h = Wh.map(r => sigmoid(r[0] * X[0] + r[1] * X[1] + bh));
  const o = Wo.map(r => sigmoid(r[0] * h[0] + r[1] * h[1] + bo));
  const loss = 0.5 * ((Y[0] - o[0]) ** 2 + (Y[1] - o[1]) ** 2);
  const dO = o.map((v, k) => (v - Y[k]) * v * (1 - v));
  const dH = h.map((v, j) => (dO[0] * Wo[0][j] + dO[1] * Wo[1][j]) * v * (1 - v));
  const gWo = dO.map(d => h.map(v => LR * d * v));
  const gWh = dH.map(d => X.map(v => LR * d * v));
  return { loss, gWh, gWo };
}

for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const { loss, gWh, gWo } = gradients();
  Wo = Wo.map((r, k) => r.map((v, j) => v - LR * gWo[k][j]));
  Wh = Wh.map((r, j) => r.map((v, i) => v - LR * gWh[j][i]));
  console.log(`Epoch ${epoch}/${EPOCHS}`);
  console.log(`1/1 [==============================] - 0s 1ms/step - loss: ${loss.toFixed(4)}`);
}
