"""``verify_torch``: a PyTorch model and optimizer trained on a spec's example, every value checked.

The model's layers are its modules that hold a 2-D parameter ``weight`` of shape
(outputs, inputs), as ``nn.Linear`` does (a custom layer of the same shape
counts), in the order ``model.modules()`` gives them. Their weights and biases
are set from the spec; biases the spec does not train are held fixed
(``requires_grad`` off during the run, restored after). Then each iteration
runs the model on the spec's inputs, takes the spec's loss (or ``loss(out,
target)``), back-propagates, records the outputs, the loss and the gradients,
lets the optimizer step, and records the parameters. The record is compared,
value by value as the model held it, with the truth at the same place, and a
failure is explained by the catalogue of mistakes, as for any program. The
model is trained in place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...reference import names
from ...reference.spec import Spec
from ..compare import compare
from ..programs import example_name, frame_cells, judge
from ..timeline import Timeline
from ..truth import TruthError, load
from ..verdict import errored
from .options import iterations_of, spec_of
from .verdicts import Verdict

if TYPE_CHECKING:
    import pandas as pd

PRECISION = {"torch.float64": "float64", "torch.float32": "float32"}


def _layers(torch: Any, model: Any, spec: Spec) -> list[Any]:
    found = [m for m in model.modules()
             if isinstance(getattr(m, "weight", None), torch.nn.Parameter) and m.weight.dim() == 2]
    shapes = [tuple(m.weight.shape) for m in found]
    wanted = [(n_out, n_in) for n_in, n_out in zip(spec.layers, spec.layers[1:])]
    if shapes != wanted:
        raise ValueError(f"the model's layers have weights of shapes {shapes or 'none'}, the spec's "
                         f"{wanted} (outputs x inputs, as nn.Linear holds them): build the model with the spec's "
                         f"layers {list(spec.layers)}")
    dtypes = {str(m.weight.dtype) for m in found}
    if len(dtypes) > 1 or not dtypes <= set(PRECISION):
        raise ValueError(f"the model's weights are {', '.join(sorted(dtypes))}: use float64 (model.double()) or "
                         "float32 throughout")
    if spec.bias_mode == "shared" and spec.train_biases:
        raise ValueError("the spec trains one bias shared by a layer's neurons, which a layer with a bias per "
                         "neuron cannot hold")
    for layer, biases in zip(found, spec.bias_layers):
        if getattr(layer, "bias", None) is None and any(b != 0 for b in biases):
            raise ValueError(f"a layer of the model has no bias, and the spec's are {[float(b) for b in biases]}: "
                             "build it with bias=True")
    held = {id(p) for m in found for p in (m.weight, getattr(m, "bias", None)) if p is not None}
    others = [n for n, p in model.named_parameters() if id(p) not in held and p.requires_grad]
    if others:
        raise ValueError(f"the model trains parameters that are no layer's weight or bias ({', '.join(others[:4])}): "
                         "verify_torch sets and checks the spec's weights and biases only")
    return found


def _set_parameters(torch: Any, layers: list[Any], spec: Spec) -> list[Any]:
    """Weights and biases from the spec; the biases it does not train are frozen (returned, to be thawed)."""
    frozen = []
    with torch.no_grad():
        for layer, weights, biases in zip(layers, spec.weight_layers, spec.bias_layers):
            layer.weight.copy_(torch.tensor([[float(w) for w in row] for row in weights], dtype=layer.weight.dtype))
            bias = getattr(layer, "bias", None)
            if bias is None:  # the spec's are zero (checked with the layers)
                continue
            values = [float(b) for b in biases] * (bias.numel() if len(biases) == 1 else 1)
            bias.copy_(torch.tensor(values, dtype=bias.dtype))
            if not spec.train_biases and bias.requires_grad:
                bias.requires_grad_(False)
                frozen.append(bias)
    return frozen


def spec_loss(torch: Any, spec: Spec) -> Callable[[Any, Any], Any]:
    """E_total of a batch of outputs, as the spec defines it (its loss, summed over outputs, then its reduction)."""
    def loss(out: Any, target: Any) -> Any:
        if spec.loss == "half_squared_error":
            each = 0.5 * (target - out) ** 2
        elif spec.loss == "mean_squared_error":
            each = (target - out) ** 2 / target.shape[-1]
        elif spec.activations[-1] == "softmax":
            each = -target * torch.log(out)
        else:
            each = -(target * torch.log(out) + (1 - target) * torch.log(1 - out))
        per_example = each.sum(dim=-1)
        return per_example.sum() if spec.reduction == "sum" else per_example.mean()
    return loss


def _train(torch: Any, model: Any, optimizer: Any, layers: list[Any], spec: Spec, iterations: int,
           loss: Callable[[Any, Any], Any]) -> pd.DataFrame:
    import pandas as pd

    dtype = layers[0].weight.dtype
    X = torch.tensor([[float(v) for v in e.inputs] for e in spec.examples], dtype=dtype)
    T = torch.tensor([[float(v) for v in e.targets] for e in spec.examples], dtype=dtype)
    trained = [m.weight for m in layers] + ([m.bias for m in layers] if spec.train_biases else [])
    rows = []
    for k in range(iterations):
        model.zero_grad(set_to_none=True)
        out = model(X)
        E = loss(out, T)
        if not isinstance(E, torch.Tensor) or E.numel() != 1:
            raise ValueError(f"the loss is not one number but {type(E).__name__} {getattr(E, 'shape', '')}")
        E.backward()
        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in trained]
        row = [k, *out.detach().reshape(-1).tolist(), E.item(), *torch.cat([g.reshape(-1) for g in grads]).tolist()]
        optimizer.step()
        rows.append(row + torch.cat([p.detach().reshape(-1) for p in trained]).tolist())
    return pd.DataFrame(rows, columns=names.trajectory_columns(spec))


def verify_torch(model: Any, optimizer: Any, spec: str | Path | Spec = "documented", *, iterations: int | None = None,
                 loss: Callable[[Any, Any], Any] | None = None, diagnose: bool = True,
                 program: str | None = None) -> Verdict:
    """Train ``model`` with ``optimizer`` on the spec's example and verify the outputs, the loss, the gradients
    and the parameters of every iteration (see the module's docstring). Pass a fresh optimizer over the model's
    parameters; ``loss(out, target)`` replaces the spec's loss with your own."""
    try:
        import torch
    except ModuleNotFoundError:
        raise ModuleNotFoundError("verify_torch needs PyTorch: pip install 'backprop-verify[torch]'") from None
    spec = spec_of(spec)
    iterations = iterations_of(spec, iterations) or spec.iterations
    layers = _layers(torch, model, spec)
    if isinstance(optimizer, torch.optim.Optimizer) and optimizer.state:
        raise ValueError("the optimizer has already stepped (it holds state): pass a fresh one")
    precision = PRECISION[str(layers[0].weight.dtype)]
    who = {"program": program or type(model).__name__, "example": example_name(spec)}
    try:
        truth = load(spec, iterations, precision)
    except TruthError as error:
        return Verdict.of(errored(str(error), "golden", **who))
    frozen = _set_parameters(torch, layers, spec)
    try:
        frame = _train(torch, model, optimizer, layers, spec, iterations, loss or spec_loss(torch, spec))
    except Exception as error:  # noqa: BLE001 - what the model, its loss or its optimizer raises is its verdict
        return Verdict.of(errored(f"{type(error).__name__}: {error}", "exception", **who))
    finally:
        for bias in frozen:
            bias.requires_grad_(True)
    timeline = Timeline(truth)
    cells = frame_cells(timeline, frame)
    comparison = compare(timeline, cells.subset(timeline.valid(cells.quantity, cells.t)))
    notes = [f"computed in {precision}: checked under the {precision} envelope"] if precision != "float64" else []
    notes += ["the biases were held fixed, as the spec does not train them"] if frozen else []
    return Verdict.of(judge(comparison, program=who["program"], notes=tuple(notes), diagnose=diagnose))
