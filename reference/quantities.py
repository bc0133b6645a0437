"""The rows of step1.csv: what each quantity is, in the notes' notation, and its exact value.

Most values come from the training graph in exact arithmetic
(reference/evaluate.py). The notes' draft R1..R20 of the documented network
are each a partial derivative of one quantity by another, taken by
``sympy.diff`` on the notes' symbolic network (reference/network.py) and
evaluated at the example's exact point.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import sympy as sp

from . import names
from .evaluate import STEP1_BITS, as_mpf
from .evaluate import step1 as graph_step1
from .network import Network
from .spec import Spec

# The notes' draft: R_k is d(of)/d(wrt) for the 2-2-2 network.
DRAFT = {
    "R1": ("E_total", "out_o1"), "R2": ("E_total", "out_o2"),
    "R3": ("out_o1", "net_o1"), "R4": ("out_o2", "net_o2"),
    "R5": ("net_o1", "w5"), "R6": ("net_o1", "w6"), "R7": ("net_o2", "w7"), "R8": ("net_o2", "w8"),
    "R9": ("net_o1", "out_h1"), "R10": ("net_o2", "out_h1"),
    "R11": ("net_o1", "out_h2"), "R12": ("net_o2", "out_h2"),
    "R13": ("E_total", "out_h1"), "R14": ("E_total", "out_h2"),
    "R15": ("out_h1", "net_h1"), "R16": ("out_h2", "net_h2"),
    "R17": ("net_h1", "w1"), "R18": ("net_h1", "w2"), "R19": ("net_h2", "w3"), "R20": ("net_h2", "w4"),
}

LOSS_TEXT = {
    "half_squared_error": "1/2 sum (target - out)^2 over the outputs",
    "mean_squared_error": "1/K sum (target - out)^2 over the K outputs",
    ("cross_entropy", "softmax"): "-sum target * log(out) over the outputs",
    ("cross_entropy", "sigmoid"): "-sum target * log(out) + (1 - target) * log(1 - out) over the outputs",
}

UPDATE_TEXT = {
    "sgd": "{p} - learning_rate * dE_d{p}",
    "momentum": "{p} - learning_rate * velocity, velocity = momentum * velocity + dE_d{p} (dE_d{p} at step 1)",
    "adam": "{p} - learning_rate * m_hat / (sqrt(v_hat) + epsilon), the moments of dE_d{p} (Adam, step 1)",
}


@dataclass(frozen=True)
class Quantity:
    name: str
    symbol: str  # in the notes' notation
    description: str
    value: mpmath.mpf


def ratio(of: str, wrt: str) -> str:
    return f"ΔE/Δ{wrt}" if of == "E_total" else f"Δ{of}/Δ{wrt}"


def step1(spec: Spec) -> list[Quantity]:
    """Every quantity of the first iteration, in step1.csv order."""
    exact = graph_step1(spec)
    network = Network(spec) if spec.is_documented_shape else None
    with mpmath.workprec(STEP1_BITS):
        values = {name: as_mpf(v) for name, v in exact.items()}
        if network is not None:
            for r, (of, wrt) in DRAFT.items():
                derivative = network.expand(network.partial(of, wrt)).xreplace(network.initial)
                values[r] = mpmath.mpf(sp.N(derivative, 80)._mpf_)
        return [Quantity(name, *describe(spec, name), values[name]) for name in names.step1_quantities(spec)]


def describe(spec: Spec, name: str) -> tuple[str, str]:
    """(symbol, description) of a step-1 quantity."""
    if name in DRAFT:
        return name, f"notes' draft: {ratio(*DRAFT[name])}"
    if name.startswith("dE_dout_"):
        wrt = name.removeprefix("dE_d")
        return ratio("E_total", wrt), f"change of the loss with {wrt}"
    if name.startswith("dE_d"):
        p = name.removeprefix("dE_d")
        applied = "" if p in names.trained_names(spec) else " (not applied: not trained)"
        return ratio("E_total", p), f"gradient of the loss{applied}"
    if name.endswith("_new"):
        p = name.removesuffix("_new")
        return name, UPDATE_TEXT[spec.optimizer].format(p=p)
    if name == "E_total":
        loss = LOSS_TEXT.get(spec.loss) or LOSS_TEXT[(spec.loss, spec.activations[-1])]
        mean = spec.reduction == "mean" and len(spec.examples) > 1
        return name, loss + (", averaged over the examples" if mean else "")
    kind, neuron = name.split("_")[:2]
    layer = next(k for k, layer in enumerate(names.layer_neurons(spec)) if neuron in layer)
    text = "weighted input" if kind == "net" else f"{spec.activations[layer]} output"
    return name, f"{text} of {neuron}"
