// Neural network with one hidden layer, trained on a single example
const sigmoid = (x) => 1 / (1 + Math.exp(-x));

const i1 = 0.05, i2 = 0.1;
const target1 = 0.01, target2 = 0.99;
let w1 = 0.15, w2 = 0.2, w3 = 0.25, w4 = 0.3;
let w5 = 0.4, w6 = 0.45, w7 = 0.5, w8 = 0.55;
const b1 = 0.35, b2 = 0.6;
const learningRate = 0.5;

for (let iteration = 0; iteration < 10000; iteration++) {
  const outH1 = sigmoid(w1 * i1 + w2 * i2 + b1);
  const outH2 = sigmoid(w3 * i1 + w4 * i2 + b1);
  const outO1 = sigmoid(w5 * outH1 + w6 * outH2 + b2);
  const outO2 = sigmoid(w7 * outH1 + w8 * outH2 + b2);

  const totalError = 0.5 * Math.pow(target1 - outO1, 2) + 0.5 * Math.pow(target2 - outO2, 2);
  if (iteration % 500 === 0) {
    console.log(`Iteration ${iteration} | Total Error: ${totalError.toFixed(10)}`);
  }

  // dE/dout_o = -(target - out)
  const dEdOutO1 = -(target1 - outO1);
  const dEdOutO2 = -(target2 - outO2);
  const deltaO1 = dEdOutO1 * outO1 * (1 - outO1);
  const deltaO2 = dEdOutO2 * outO2 * (1 - outO2);

  const deltaH1 = (deltaO1 * w5 + deltaO2 * w7) * outH1 * (1 - outH1);
  const deltaH2 = (deltaO1 * w6 + deltaO2 * w8) * outH2 * (1 - outH2);

  const n5 = w5 - learningRate * deltaO1 * outH1;
  const n6 = w6 - learningRate * deltaO1 * outH2;
  const n7 = w7 - learningRate * deltaO2 * outH1;
  const n8 = w8 - learningRate * deltaO2 * outH2;
  w1 -= learningRate * deltaH1 * i1;
  w2 -= learningRate * deltaH1 * i2;
  w3 -= learningRate * deltaH2 * i1;
  w4 -= learningRate * deltaH2 * i2;
  w5 = n5; w6 = n6; w7 = n7; w8 = n8;
}
