// Backpropagation for any spec the suite accepts, in plain JavaScript (node).
//
// The spec arrives as JSON on standard input (implementations/spec_json.py);
// the trajectory leaves as CSV on standard output, with the golden's column
// names (reference/names.py) and every number in shortest round-trip form.
// Layer by layer: net = W x + b, out = f(net); back: delta = dE/dout * f'
// (softmax: through its Jacobian), dE/dW = delta x, dE/dx = W^T delta.
"use strict";

const spec = JSON.parse(require("fs").readFileSync(0, "utf8"));
const sizes = spec.layers;
const depth = sizes.length - 1;
const shared = spec.biases === "shared";
let W = spec.weights.map((matrix) => matrix.map((row) => row.slice()));
let B = spec.bias_values.map((values) => values.slice());
const examples = spec.examples;
const scale = spec.reduction === "mean" ? 1 / examples.length : 1;

const activate = {
  sigmoid: (z) => z.map((v) => 1 / (1 + Math.exp(-v))),
  tanh: (z) => z.map(Math.tanh),
  relu: (z) => z.map((v) => (v > 0 ? v : 0)),
  linear: (z) => z.slice(),
  softmax: (z) => { const e = z.map(Math.exp); const s = e.reduce((a, b) => a + b, 0); return e.map((v) => v / s); },
};
const slope = {  // dout/dnet of the elementwise activations
  sigmoid: (net, out) => out * (1 - out),
  tanh: (net, out) => 1 - out * out,
  relu: (net) => (net > 0 ? 1 : 0),
  linear: () => 1,
};

function lossOf(out, t) {
  const K = out.length;
  let total = 0;
  for (let k = 0; k < K; k++) {
    if (spec.loss === "half_squared_error") total += 0.5 * (t[k] - out[k]) ** 2;
    else if (spec.loss === "mean_squared_error") total += (t[k] - out[k]) ** 2 / K;
    else if (spec.activations[depth - 1] === "softmax") total -= t[k] * Math.log(out[k]);
    else total -= t[k] * Math.log(out[k]) + (1 - t[k]) * Math.log(1 - out[k]);
  }
  return total;
}

function dLossOf(out, t) {
  const K = out.length;
  return out.map((o, k) => {
    if (spec.loss === "half_squared_error") return o - t[k];
    if (spec.loss === "mean_squared_error") return 2 * (o - t[k]) / K;
    if (spec.activations[depth - 1] === "softmax") return -t[k] / o;
    return -t[k] / o + (1 - t[k]) / (1 - o);
  });
}

function forward(x) {
  const nets = [], outs = [x];
  for (let l = 0; l < depth; l++) {
    const net = W[l].map((row, j) => row.reduce((s, w, k) => s + w * outs[l][k], 0) + (shared ? B[l][0] : B[l][j]));
    nets.push(net);
    outs.push(activate[spec.activations[l]](net));
  }
  return { nets, outs };
}

function step() {
  const dW = W.map((m) => m.map((row) => row.map(() => 0)));
  const dB = B.map((b) => b.map(() => 0));
  const outputs = [];
  let E = 0;
  for (const { inputs, targets } of examples) {
    const { nets, outs } = forward(inputs);
    const out = outs[depth];
    outputs.push(...out);
    E += lossOf(out, targets);
    let dOut = dLossOf(out, targets).map((g) => g * scale);
    for (let l = depth - 1; l >= 0; l--) {
      const a = spec.activations[l], o = outs[l + 1];
      const delta = a === "softmax"
        ? o.map((_, j) => dOut.reduce((s, g, k) => s + g * o[k] * ((k === j ? 1 : 0) - o[j]), 0))
        : dOut.map((g, j) => g * slope[a](nets[l][j], o[j]));
      delta.forEach((d, j) => {
        outs[l].forEach((x, k) => { dW[l][j][k] += d * x; });
        dB[l][shared ? 0 : j] += d;
      });
      dOut = outs[l].map((_, k) => delta.reduce((s, d, j) => s + d * W[l][j][k], 0));
    }
  }
  return { outputs, E: E * scale, dW, dB };
}

// The optimizers, as PyTorch defines them; the state is one array per parameter array.
const rate = spec.learning_rate;
const state = new Map();
function update(key, values, grads) {
  if (spec.optimizer === "sgd") return values.map((v, i) => v - rate * grads[i]);
  if (spec.optimizer === "momentum") {
    const old = state.get(key);
    const velocity = grads.map((g, i) => (old ? spec.momentum * old[i] + g : g));
    state.set(key, velocity);
    return values.map((v, i) => v - rate * velocity[i]);
  }
  const { beta1, beta2, epsilon } = spec;
  const s = state.get(key) || { m: grads.map(() => 0), v: grads.map(() => 0), t: 0 };
  s.t += 1;
  s.m = s.m.map((m, i) => beta1 * m + (1 - beta1) * grads[i]);
  s.v = s.v.map((v, i) => beta2 * v + (1 - beta2) * grads[i] * grads[i]);
  state.set(key, s);
  return values.map((value, i) => value - rate * (s.m[i] / (1 - beta1 ** s.t)) / (Math.sqrt(s.v[i] / (1 - beta2 ** s.t)) + epsilon));
}

const flat = (layers) => layers.flat(2);
const nW = flat(W).length, nB = flat(B).length;
const trained = spec.train_biases;
const suffix = (names) => (examples.length === 1 ? names : examples.flatMap((_, n) => names.map((q) => `${q}_x${n + 1}`)));
const outNames = suffix(Array.from({ length: sizes[depth] }, (_, k) => `out_o${k + 1}`));
const params = [...Array.from({ length: nW }, (_, k) => `w${k + 1}`), ...(trained ? Array.from({ length: nB }, (_, k) => `b${k + 1}`) : [])];
const lines = [["iteration", ...outNames, "E_total", ...params.map((p) => `dE_d${p}`), ...params.map((p) => `${p}_new`)].join(",")];
for (let it = 0; it < spec.iterations; it++) {
  const { outputs, E, dW, dB } = step();
  W = W.map((m, l) => { const moved = update(`W${l}`, m.flat(), dW[l].flat()); return m.map((row, j) => moved.slice(j * row.length, (j + 1) * row.length)); });
  if (trained) B = B.map((b, l) => update(`b${l}`, b, dB[l]));
  const grads = [...flat(dW), ...(trained ? flat(dB) : [])];
  const now = [...flat(W), ...(trained ? flat(B) : [])];
  lines.push([it, ...outputs, E, ...grads, ...now].map(String).join(","));
}
process.stdout.write(lines.join("\n") + "\n");
