"""The quantities of step 1 (step1.csv): what each one is and how SymPy computes it."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import names
from .network import Network

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


@dataclass(frozen=True)
class Quantity:
    name: str
    symbol: str  # in the notes' notation
    description: str
    expr: sp.Expr  # a function of the parameters


def ratio(of: str, wrt: str) -> str:
    return f"ΔE/Δ{wrt}" if of == "E_total" else f"Δ{of}/Δ{wrt}"


def step1(network: Network) -> list[Quantity]:
    """Every quantity of the first iteration, in step1.csv order."""
    spec = network.spec
    gradient = network.gradient()
    return [_quantity(network, gradient, name) for name in names.step1_quantities(spec)]


def _quantity(network: Network, gradient: dict[str, sp.Expr], name: str) -> Quantity:
    if name in DRAFT:
        of, wrt = DRAFT[name]
        return Quantity(name, name, f"notes' draft: {ratio(of, wrt)}", network.expand(network.partial(of, wrt)))
    if name.startswith("dE_dout_"):
        wrt = name.removeprefix("dE_d")
        return Quantity(name, ratio("E_total", wrt), f"change of the loss with {wrt}",
                        network.expand(network.partial("E_total", wrt)))
    if name.startswith("dE_d"):
        p = name.removeprefix("dE_d")
        applied = "" if p in names.trained_names(network.spec) else " (not applied: not trained)"
        return Quantity(name, ratio("E_total", p), f"gradient of the loss{applied}", gradient[p])
    if name.endswith("_new"):
        p = name.removesuffix("_new")
        return Quantity(name, f"{p}_new", f"{p} - learning_rate * dE_d{p}",
                        network[p] - network.rate * gradient[p])
    if name == "E_total":
        return Quantity(name, "E_total", "1/2 sum (target - out)^2 over the outputs"
                        + ("" if network.spec.reduction == "sum" or len(network.spec.examples) == 1
                           else ", averaged over the examples"), network.expand(network.E_total))
    kind = "weighted input" if name.startswith("net_") else "sigmoid output"
    return Quantity(name, name, f"{kind} of {name.split('_')[1]}", network.expand(network[name]))
