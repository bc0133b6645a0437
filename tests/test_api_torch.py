"""``bv.verify_torch``: a PyTorch model and its optimizer, trained on a spec, checked value by value.

The models here are written as a PyTorch user writes them (their own autograd Function, or torch's layers);
the verdicts are the harness's. Skipped, with the reason, where PyTorch is not installed.
"""

from __future__ import annotations

import pytest
from backprop_verify.reference import examples
from backprop_verify.reference.spec import load as load_spec
from backprop_verify.verify.status import Status

import backprop_verify as bv

torch = pytest.importorskip("torch", reason="torch is not installed (optional: pip install 'backprop-verify[torch]'; "
                                            "on this project's machines pip install torch==2.13.0)")

SLOPE_ARGUMENT = "activation-derivative-wrong-argument"  # the catalogue's category (verify/mistakes/variants.py)


class SigmoidSlopeOfOut(torch.autograd.Function):
    """The sigmoid with its derivative out * (1 - out): right."""

    @staticmethod
    def forward(ctx, net):
        out = 1 / (1 + torch.exp(-net))
        ctx.save_for_backward(net, out)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        net, out = ctx.saved_tensors
        return grad_out * out * (1 - out)


class SigmoidSlopeOfNet(SigmoidSlopeOfOut):
    """The classic slip: the slope taken of net, net * (1 - net), instead of out."""

    @staticmethod
    def backward(ctx, grad_out):
        net, out = ctx.saved_tensors
        return grad_out * net * (1 - net)


class Net(torch.nn.Module):
    def __init__(self, sigmoid):
        super().__init__()
        self.sigmoid = sigmoid
        self.hidden, self.output = torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)

    def forward(self, x):
        return self.sigmoid.apply(self.output(self.sigmoid.apply(self.hidden(x))))


def sgd(model, lr=0.5):
    return torch.optim.SGD(model.parameters(), lr=lr)


def test_a_custom_sigmoid_with_the_slope_taken_of_net_fails_with_that_cause():
    model = Net(SigmoidSlopeOfNet).double()
    verdict = bv.verify_torch(model, sgd(model), spec="documented", iterations=2000)  # it fails from the first
    assert verdict.status is Status.FAILED
    assert verdict.cause is not None and verdict.cause.category == SLOPE_ARGUMENT, verdict.line()
    assert "net * (1 - net)" in str(verdict.cause) and "instead of out * (1 - out)" in str(verdict.cause)
    first = verdict.first_divergence
    assert first.iteration == 0 and first.quantity.startswith("dE_dw")  # the forward pass is right; the gradients not
    assert "likely cause: " in verdict.line()


def test_the_same_model_with_a_right_sigmoid_passes_every_value_of_every_iteration():
    model = Net(SigmoidSlopeOfOut).double()
    verdict = bv.verify_torch(model, sgd(model), spec="documented")
    assert verdict.passed, verdict.line()
    assert verdict.comparison.values_checked == 19 * 10_000
    assert "the biases were held fixed, as the spec does not train them" in verdict.notes
    assert all(layer.bias.requires_grad for layer in (model.hidden, model.output))  # given back as they were


def test_a_float32_model_is_held_to_the_float32_envelope():
    model = Net(SigmoidSlopeOfOut).float()
    verdict = bv.verify_torch(model, sgd(model), iterations=2000)
    assert verdict.passed, verdict.line()
    assert "computed in float32: checked under the float32 envelope" in verdict.notes


ACTIVATIONS = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU,
               "linear": torch.nn.Identity, "softmax": lambda: torch.nn.Softmax(dim=-1)}


def torch_users_model(spec):
    """The spec's network from torch's own layers, and its optimizer from torch.optim."""
    layers = []
    for n_in, n_out, activation in zip(spec.layers, spec.layers[1:], spec.activations):
        layers += [torch.nn.Linear(n_in, n_out), ACTIVATIONS[activation]()]
    model = torch.nn.Sequential(*layers).double()
    lr, settings = float(spec.learning_rate), {k: float(v) for k, v in spec.settings.items()}
    optimizer = {"sgd": lambda: torch.optim.SGD(model.parameters(), lr=lr),
                 "momentum": lambda: torch.optim.SGD(model.parameters(), lr=lr, momentum=settings["momentum"]),
                 "adam": lambda: torch.optim.Adam(model.parameters(), lr=lr, betas=(settings["beta1"],
                                                  settings["beta2"]), eps=settings["epsilon"])}[spec.optimizer]()
    return model, optimizer


@pytest.mark.parametrize("name", [n for n in examples.names() if n != "documented"])
def test_torchs_own_layers_and_optimizers_pass_every_shipped_example(name):
    spec = load_spec(examples.spec_path(name))
    model, optimizer = torch_users_model(spec)
    verdict = bv.verify_torch(model, optimizer, spec=name)
    assert verdict.passed, verdict.line()
    assert verdict.comparison.values_checked == spec.trajectory_width * spec.iterations


def test_a_hand_written_optimizer_is_checked_like_any_other():
    class PlainDescent:
        def __init__(self, parameters, lr):
            self.parameters, self.lr = list(parameters), lr
            self.state = {"name": "plain descent"}  # a word of its own, not torch's optimizer state

        def step(self):
            with torch.no_grad():
                for p in self.parameters:
                    if p.grad is not None:
                        p -= self.lr * p.grad

    model = Net(SigmoidSlopeOfOut).double()
    assert bv.verify_torch(model, PlainDescent(model.parameters(), 0.5), iterations=500).passed
    model = Net(SigmoidSlopeOfOut).double()
    slow = bv.verify_torch(model, PlainDescent(model.parameters(), 0.05), iterations=500)
    assert slow.status is Status.FAILED and slow.first_divergence.quantity.endswith("_new")


def test_what_cannot_be_verified_is_refused_or_errored():
    with pytest.raises(ValueError, match=r"shapes \[\(3, 2\), \(2, 3\)\], the spec's \[\(2, 2\), \(2, 2\)\]"):
        bv.verify_torch(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 2)).double(), None)
    model = Net(SigmoidSlopeOfOut).double()
    stepped = torch.optim.Adam(model.parameters())
    model(torch.zeros(1, 2, dtype=torch.float64)).sum().backward()
    stepped.step()
    with pytest.raises(ValueError, match="pass a fresh one"):
        bv.verify_torch(model, stepped)
    half = Net(SigmoidSlopeOfOut).half()
    with pytest.raises(ValueError, match=r"torch.float16: use float64 \(model.double\(\)\)"):
        bv.verify_torch(half, sgd(half))

    class Broken(Net):
        def forward(self, x):
            raise RuntimeError("mat1 and mat2 shapes cannot be multiplied")

    broken = Broken(SigmoidSlopeOfOut).double()
    verdict = bv.verify_torch(broken, sgd(broken), iterations=5)
    assert verdict.status is Status.ERRORED and verdict.kind == "exception"
    assert verdict.reason == "RuntimeError: mat1 and mat2 shapes cannot be multiplied"
