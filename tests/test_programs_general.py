"""vectorized and autograd on specs of every feature: against each other, against PyTorch (optional),
against a plain-Python oracle of the conventions; float32 runs; loop's refusal of other shapes.

The specs are the shipped examples and random specs drawn from fixed seeds, one
or more per feature (depth, each activation, loss, optimizer, bias layout,
trained or fixed biases, reduction, batch size), so every run is the same.
Nothing here asserts a time.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from backprop_verify.implementations import autodiff, loop, spec_json, vectorized
from backprop_verify.reference import names
from backprop_verify.reference.spec import Spec, load, loads

try:
    import torch
except ImportError:
    torch = None

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = {path.parent.name: path for path in sorted(ROOT.glob("golden/*/example.toml"))}
ITERATIONS = 6  # compared iterations: enough for momentum and adam to carry state from step to step
AGREEMENT = 1e-12

# --- random specs, one feature fixed, the rest drawn -------------------------------------

ELEMENTWISE = ("sigmoid", "tanh", "relu", "linear")
LOSSES_OF = {"sigmoid": ("half_squared_error", "mean_squared_error", "cross_entropy"),
             "softmax": ("half_squared_error", "mean_squared_error", "cross_entropy"),
             "tanh": ("half_squared_error", "mean_squared_error"),
             "relu": ("half_squared_error", "mean_squared_error"),
             "linear": ("half_squared_error", "mean_squared_error")}


def random_spec(seed: int, **fixed) -> Spec:
    """A small spec drawn from ``seed``; ``fixed`` sets any of hidden_layers, hidden, output, loss, optimizer,
    biases, train_biases, reduction, examples. Written as TOML and read by reference.spec, as a user's would be."""
    rng = random.Random(seed)
    pick = lambda key, draw: fixed[key] if key in fixed else draw()  # noqa: E731
    output = pick("output", lambda: rng.choice(ELEMENTWISE + ("softmax",)))
    loss = pick("loss", lambda: rng.choice(LOSSES_OF[output]))
    optimizer = pick("optimizer", lambda: rng.choice(("sgd", "momentum", "adam")))
    bias_mode = pick("biases", lambda: rng.choice(("shared", "per_neuron")))
    if optimizer == "adam" and output == "softmax" and bias_mode == "shared":
        # A shared bias under softmax has a gradient of exactly 0 that floats give as rounding noise, and Adam
        # divides that noise by epsilon: the bias then moves by noise that differs from program to program.
        bias_mode = "per_neuron"
    hidden = [pick("hidden", lambda: rng.choice(ELEMENTWISE)) for _ in range(pick("hidden_layers",
                                                                                    lambda: rng.randint(1, 3)))]
    layers = [rng.randint(1, 3), *(rng.randint(1, 4) for _ in hidden), rng.randint(2 if output == "softmax" else 1, 3)]
    n_examples = pick("examples", lambda: rng.randint(1, 3))
    number = lambda low, high: f"{rng.uniform(low, high):.3f}"  # noqa: E731

    def target() -> str:
        if output == "softmax" or loss == "cross_entropy":
            return number(0.02, 0.98)
        return number(-0.9, 0.9) if output in ("tanh", "linear") else number(0.02, 0.98)

    shapes = list(zip(layers[1:], layers[:-1]))
    weights = [[[number(-0.9, 0.9) for _ in range(n_in)] for _ in range(n_out)] for n_out, n_in in shapes]
    biases = [[number(-0.5, 0.5) for _ in range(1 if bias_mode == "shared" else n_out)] for n_out, _ in shapes]
    settings = {"sgd": "", "momentum": "momentum = 0.9",
                "adam": "beta1 = 0.9\nbeta2 = 0.999\nepsilon = 1e-8"}[optimizer]
    rate = {"sgd": "0.5", "momentum": "0.1", "adam": "0.01"}[optimizer]
    examples = "".join(f"[[examples]]\ninputs = [{', '.join(number(-1, 1) for _ in range(layers[0]))}]\n"
                       f"targets = [{', '.join(target() for _ in range(layers[-1]))}]\n"
                       for _ in range(n_examples))
    text = f"""
name = "random {seed} {sorted(fixed.items())}"
[network]
layers = {layers}
activations = {json.dumps(hidden + [output])}
loss = "{loss}"
biases = "{bias_mode}"
train_biases = {str(pick("train_biases", lambda: rng.random() < 0.5)).lower()}
[training]
learning_rate = {rate}
iterations = {ITERATIONS}
reduction = "{pick("reduction", lambda: rng.choice(("sum", "mean")))}"
optimizer = "{optimizer}"
{settings}
{examples}
[weights]
layers = {json.dumps(weights).replace('"', '')}
[biases]
layers = {json.dumps(biases).replace('"', '')}
"""
    return loads(text, source=f"<random {seed}>")


FEATURES = [
    *({"hidden": a} for a in ELEMENTWISE),
    *({"output": a} for a in ELEMENTWISE + ("softmax",)),
    {"output": "sigmoid", "loss": "cross_entropy"}, {"output": "softmax", "loss": "cross_entropy"},
    {"loss": "half_squared_error"}, {"loss": "mean_squared_error"},
    {"optimizer": "sgd"}, {"optimizer": "momentum"}, {"optimizer": "adam"},
    {"biases": "shared"}, {"biases": "per_neuron"}, {"train_biases": True}, {"train_biases": False},
    {"reduction": "sum"}, {"reduction": "mean"}, {"examples": 1}, {"examples": 4},
    {"hidden_layers": 1}, {"hidden_layers": 3},
]
RANDOM = {f"{'-'.join(f'{k}={v}' for k, v in feature.items())}#{seed}": random_spec(100 * n + seed, **feature)
          for n, feature in enumerate(FEATURES) for seed in (1, 2)}


def spec_named(name: str) -> Spec:
    return load(SHIPPED[name]) if name in SHIPPED else RANDOM[name]


EVERY = [*SHIPPED, *RANDOM]


# --- comparing trajectories --------------------------------------------------------------

def disagreement(spec: Spec, a, b) -> float:
    """The largest difference between two trajectories, relative to the size of what is compared: each
    column's largest magnitude, and for gradients the largest magnitude of any gradient (a gradient that is
    0 in exact arithmetic comes out as rounding noise, so it is measured against the gradient it belongs to)."""
    columns = names.trajectory_columns(spec)[1:]
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape == (len(a), len(columns))
    gradient = np.array([c.startswith("dE_d") for c in columns])
    scale = np.abs(a).max(axis=0)
    if gradient.any():
        scale[gradient] = scale[gradient].max()
    return float((np.abs(a - b).max(axis=0) / np.where(scale > 0, scale, 1.0)).max())


def trajectory(module, spec: Spec, **options) -> np.ndarray:
    frame = module.run(spec, ITERATIONS, **options)
    assert list(frame.columns) == names.trajectory_columns(spec) and len(frame) == ITERATIONS
    assert frame["iteration"].tolist() == list(range(ITERATIONS))
    return frame.drop(columns="iteration").to_numpy()


@pytest.mark.parametrize("name", EVERY)
def test_vectorized_and_autograd_agree(name):
    spec = spec_named(name)
    assert disagreement(spec, trajectory(vectorized, spec), trajectory(autodiff, spec)) <= AGREEMENT


@pytest.mark.parametrize("name", EVERY)
def test_step1_of_vectorized_and_autograd_agree(name):
    spec = spec_named(name)
    ours, theirs = vectorized.step1(spec), autodiff.step1(spec)
    expected = [q for q in names.step1_quantities(spec) if q not in names.draft_names()]
    assert list(ours) == list(theirs) == expected
    for kind in ("net_", "out_", "E_total", "dE_dout_", "dE_dw", "dE_db", "_new"):
        same = [q for q in expected if kind in q and not (kind == "out_" and q.startswith("dE_dout"))]
        a, b = np.array([ours[q] for q in same]), np.array([theirs[q] for q in same])
        assert np.abs(a - b).max(initial=0) <= AGREEMENT * np.abs(a).max(initial=0), kind


def test_every_feature_is_drawn():
    specs = list(RANDOM.values())
    assert {a for s in specs for a in s.activations[:-1]} == set(ELEMENTWISE)
    assert {s.activations[-1] for s in specs} == set(ELEMENTWISE) | {"softmax"}
    assert {(s.loss, s.activations[-1]) for s in specs} >= {("cross_entropy", "sigmoid"),
                                                              ("cross_entropy", "softmax")}
    assert {s.optimizer for s in specs} == {"sgd", "momentum", "adam"}
    assert {(s.bias_mode, s.train_biases) for s in specs} == {(m, t) for m in ("shared", "per_neuron")
                                                             for t in (True, False)}
    assert {s.reduction for s in specs} == {"sum", "mean"} and {s.depth for s in specs} >= {2, 4}
    assert {len(s.examples) for s in specs} >= {1, 4}


# --- float32 -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["documented", "deep-tanh-softmax-adam", "relu-linear-momentum",
                                  "output=softmax-loss=cross_entropy#1", "optimizer=momentum#2"])
def test_float32_runs_are_float32(name):
    spec = spec_named(name)
    network = vectorized.Vectorized(spec, dtype="float32")
    nets, outs = network.forward()
    assert network.theta.dtype == network.grad.dtype == np.float32
    assert all(a.dtype == np.float32 for a in nets + outs + network.backward(nets, outs, True))
    single, double = trajectory(vectorized, spec, dtype="float32"), trajectory(vectorized, spec)
    assert np.array_equal(single.astype(np.float32).astype(np.float64), single), "a value not in float32"
    assert not np.array_equal(single, double)
    assert disagreement(spec, double, single) <= 1e-5
    step1 = vectorized.step1(spec, dtype="float32")
    assert all(float(np.float32(v)) == v for v in step1.values())


# --- loop: the notes' shape only ---------------------------------------------------------------

def test_loop_refuses_a_deep_spec_with_a_reason():
    deep = spec_named("deep-tanh-softmax-adam")
    reason = loop.supports(deep)
    assert reason and "2-2-2" in reason and "vectorized" in reason
    with pytest.raises(ValueError, match="2-2-2"):
        loop.run(deep, 1)
    with pytest.raises(ValueError, match="2-2-2"):
        loop.Loop(deep)
    assert loop.supports(spec_named("documented")) is None
    assert loop.supports(spec_named("per-neuron-trained"))  # trained biases: not the notes' shape


# --- the conventions, by a plain-Python oracle -----------------------------------------------

def plain_layers(spec: Spec, w: list[float], b: list[float]):
    """[(rows of weights, bias of each neuron, activation)] from flat w, b in the documented numbering."""
    layers, wi, bi = [], 0, 0
    for n_in, n_out, activation in zip(spec.layers, spec.layers[1:], spec.activations):
        rows = [w[wi + j * n_in:wi + (j + 1) * n_in] for j in range(n_out)]
        bias = [b[bi]] * n_out if spec.bias_mode == "shared" else b[bi:bi + n_out]
        layers.append((rows, bias, activation))
        wi, bi = wi + n_in * n_out, bi + (1 if spec.bias_mode == "shared" else n_out)
    return layers


def activate(activation: str, net: list[float]) -> list[float]:
    if activation == "softmax":
        e = [math.exp(v) for v in net]
        return [v / sum(e) for v in e]
    function = {"sigmoid": lambda v: 1 / (1 + math.exp(-v)), "tanh": math.tanh, "relu": lambda v: max(v, 0.0),
                "linear": lambda v: v}[activation]
    return [function(v) for v in net]


def plain_forward(spec: Spec, w, b, nudge=None):
    """The outputs of each example, and E_total; ``nudge`` = (layer, example, neuron, h) adds h to one out."""
    outputs, losses = [], []
    for n, example in enumerate(spec.examples):
        x = [float(v) for v in example.inputs]
        for k, (rows, bias, activation) in enumerate(plain_layers(spec, w, b)):
            x = activate(activation, [sum(wi * xi for wi, xi in zip(row, x)) + bj for row, bj in zip(rows, bias)])
            if nudge and nudge[:2] == (k, n):
                x[nudge[2]] += nudge[3]
        t = [float(v) for v in example.targets]
        if spec.loss == "half_squared_error":
            loss = sum((ti - o) ** 2 for ti, o in zip(t, x)) / 2
        elif spec.loss == "mean_squared_error":
            loss = sum((ti - o) ** 2 for ti, o in zip(t, x)) / len(t)
        elif spec.activations[-1] == "softmax":
            loss = -sum(ti * math.log(o) for ti, o in zip(t, x))
        else:
            loss = -sum(ti * math.log(o) + (1 - ti) * math.log(1 - o) for ti, o in zip(t, x))
        outputs.append(x)
        losses.append(loss)
    return outputs, sum(losses) / (len(losses) if spec.reduction == "mean" else 1)


def central_difference(f, h=1e-6) -> float:
    return (f(h) - f(-h)) / (2 * h)


@pytest.mark.parametrize("name", [*SHIPPED, *list(RANDOM)[::3]])
def test_step1_matches_the_conventions(name):
    """Forward pass, E_total, ΔE/Δout of every neuron and ΔE/Δθ of every parameter, checked against
    the plain-Python network and central differences of its E_total (which knows no chain rule)."""
    spec = spec_named(name)
    step1 = vectorized.step1(spec)
    w, b = [float(v) for v in spec.weights], [float(v) for v in spec.biases]
    outputs, E_total = plain_forward(spec, w, b)
    assert step1["E_total"] == pytest.approx(E_total, rel=1e-14)
    assert [step1[q] for q in names.output_columns(spec)] == pytest.approx(sum(outputs, []), rel=1e-14, abs=1e-15)

    def nudged(k, values, position):
        def f(h):
            moved = list(values)
            moved[position] += h
            return plain_forward(spec, *((moved, b) if k == "w" else (w, moved)))[1]
        return f
    expected = {f"dE_dw{j + 1}": central_difference(nudged("w", w, j)) for j in range(len(w))}
    expected |= {f"dE_db{j + 1}": central_difference(nudged("b", b, j)) for j in range(len(b))}
    for k, neurons in enumerate(names.layer_neurons(spec)):
        for n in range(len(spec.examples)):
            for j, neuron in enumerate(neurons):
                quantity = names.per_example(spec, [f"dE_dout_{neuron}"])[n]
                f = lambda h, at=(k, n, j): plain_forward(spec, w, b, nudge=(*at, h))[1]  # noqa: E731
                expected[quantity] = central_difference(f)
    scale = max(abs(v) for v in expected.values())
    for quantity, value in expected.items():
        assert step1[quantity] == pytest.approx(value, abs=1e-7 * scale), quantity


@pytest.mark.parametrize("name", ["per-neuron-trained", "deep-tanh-softmax-adam", "relu-linear-momentum",
                                  "optimizer=momentum#1", "optimizer=adam#2"])
def test_each_iteration_starts_from_the_previous_update(name):
    """Row k's outputs and E_total are the forward pass with the parameters row k-1 ends with."""
    spec = spec_named(name)
    frame = vectorized.run(spec, 3)
    n_w = len(spec.weights)
    for k in (1, 2):
        w = [frame[f"w{j}_new"][k - 1] for j in range(1, n_w + 1)]
        b = ([frame[f"b{j}_new"][k - 1] for j in range(1, len(spec.biases) + 1)] if spec.train_biases
             else [float(v) for v in spec.biases])
        outputs, E_total = plain_forward(spec, w, b)
        assert frame["E_total"][k] == pytest.approx(E_total, rel=1e-13)
        assert [frame[q][k] for q in names.output_columns(spec)] == pytest.approx(sum(outputs, []), rel=1e-13)


def with_optimizer(spec_path: Path, optimizer: str) -> Spec:
    """The shipped spec's text with another optimizer (and its settings) written in."""
    lines = [line for line in spec_path.read_text().splitlines()
             if line.split("=")[0].strip() not in ("optimizer", "momentum", "beta1", "beta2", "epsilon")]
    extra = {"sgd": 'optimizer = "sgd"', "momentum": 'optimizer = "momentum"\nmomentum = 0.9',
             "adam": 'optimizer = "adam"\nbeta1 = 0.9\nbeta2 = 0.999\nepsilon = 1e-8'}[optimizer]
    at = lines.index("[training]") + 1
    return loads("\n".join(lines[:at] + [extra] + lines[at:]), source=f"{spec_path} with {optimizer}")


@pytest.mark.parametrize("module", [vectorized, autodiff], ids=["vectorized", "autograd"])
@pytest.mark.parametrize("name", ["per-neuron-trained", "deep-tanh-softmax-adam", "relu-linear-momentum"])
def test_the_optimizers_first_steps(module, name):
    """sgd: θ - lr g. momentum: the first step is sgd's exactly (v starts at 0), the second moves by
    lr (μ g1 + g2). adam: the first step moves each parameter by lr g / (|g| + ε) (m̂ = g, v̂ = g²)."""
    runs = {o: module.run(with_optimizer(SHIPPED[name], o), 2) for o in ("sgd", "momentum", "adam")}
    spec = with_optimizer(SHIPPED[name], "sgd")
    trained = names.trained_names(spec)
    start = dict(zip(names.parameter_names(spec), (float(v) for v in spec.weights + spec.biases)))
    lr = float(spec.learning_rate)
    for p in trained:
        g1 = runs["sgd"][f"dE_d{p}"][0]
        assert runs["sgd"][f"{p}_new"][0] == start[p] - lr * g1
        assert runs["momentum"][f"{p}_new"][0] == runs["sgd"][f"{p}_new"][0]
        g1m, g2m = runs["momentum"][f"dE_d{p}"]
        assert runs["momentum"][f"{p}_new"][1] == pytest.approx(runs["momentum"][f"{p}_new"][0]
                                                                - lr * (0.9 * g1m + g2m), rel=1e-15, abs=1e-16)
        g1a = runs["adam"][f"dE_d{p}"][0]
        moved = runs["adam"][f"{p}_new"][0] - start[p]
        assert moved == pytest.approx(-lr * g1a / (abs(g1a) + 1e-8), rel=1e-12, abs=1e-15)


# --- the project's Ruby program reads the spec JSON ------------------------------------------

@pytest.mark.ruby
def test_the_ruby_program_reads_the_spec_json():
    spec = spec_named("documented")
    lines = subprocess.run([shutil.which("ruby") or "ruby", str(ROOT / "implementations" / "ruby" / "backprop.rb")],
                           input=spec_json.dumps(spec, iterations=3), capture_output=True, text=True,
                           check=True, timeout=30).stdout.splitlines()
    assert len(lines) == 3 * 19
    first = dict(line.split(":") for line in lines[:19])
    step1 = vectorized.step1(spec)
    assert float(first["E_total"]) == pytest.approx(step1["E_total"], rel=1e-15)
    assert float(first["w5_new"]) == pytest.approx(step1["w5_new"], rel=1e-15)


# --- PyTorch, an independent oracle (optional: skipped without torch) ---------------------------

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed (optional: pip install torch==2.13.0)")


def torch_trajectory(spec: Spec, iterations: int) -> np.ndarray:
    """The trajectory as a torch user would write it: torch's activations, losses and optimizers, float64."""
    f64 = torch.float64
    X = torch.tensor([[float(v) for v in e.inputs] for e in spec.examples], dtype=f64)
    T = torch.tensor([[float(v) for v in e.targets] for e in spec.examples], dtype=f64)
    weights = [torch.tensor([[float(v) for v in row] for row in matrix], dtype=f64, requires_grad=True)
               for matrix in spec.weight_layers]
    biases = [torch.tensor([float(v) for v in layer], dtype=f64, requires_grad=spec.train_biases)
              for layer in spec.bias_layers]
    trained = weights + (biases if spec.train_biases else [])
    lr, s = float(spec.learning_rate), {k: float(v) for k, v in spec.settings.items()}
    optimizer = {"sgd": lambda: torch.optim.SGD(trained, lr=lr),
                 "momentum": lambda: torch.optim.SGD(trained, lr=lr, momentum=s["momentum"]),
                 "adam": lambda: torch.optim.Adam(trained, lr=lr, betas=(s["beta1"], s["beta2"]), eps=s["epsilon"]),
                 }[spec.optimizer]()
    functions = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "linear": lambda x: x,
                 "softmax": lambda x: torch.softmax(x, dim=1)}
    F = torch.nn.functional
    rows = []
    for _ in range(iterations):
        optimizer.zero_grad()
        x = X
        for W, b, activation in zip(weights, biases, spec.activations):
            net = x @ W.T + b
            x = functions[activation](net)
        if spec.loss == "half_squared_error":
            per_example = 0.5 * ((T - x) ** 2).sum(dim=1)
        elif spec.loss == "mean_squared_error":
            per_example = F.mse_loss(x, T, reduction="none").mean(dim=1)
        elif spec.activations[-1] == "softmax":
            per_example = F.cross_entropy(net, T, reduction="none")  # from the logits, with probability targets
        else:
            per_example = F.binary_cross_entropy(x, T, reduction="none").sum(dim=1)
        E_total = per_example.sum() if spec.reduction == "sum" else per_example.mean()
        E_total.backward()
        head = [x.detach().reshape(-1), E_total.detach().reshape(1), *(p.grad.reshape(-1) for p in trained)]
        optimizer.step()
        rows.append(torch.cat(head + [p.detach().reshape(-1) for p in trained]).numpy().copy())
    return np.array(rows)


@needs_torch
def test_torch_agrees():
    """vectorized and autograd against PyTorch on every spec, shipped and random (one skip, with its reason,
    where torch is not installed)."""
    for name in EVERY:
        spec = spec_named(name)
        for module in (vectorized, autodiff):
            assert disagreement(spec, torch_trajectory(spec, ITERATIONS), trajectory(module, spec)) <= AGREEMENT, \
                (name, module.__name__)
