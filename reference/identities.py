"""The notes' formulas, each checked symbolically against ``sympy.diff``.

Every formula is a claim ``lhs = rhs``: the left side is SymPy's derivative,
the right side the notes' closed form (out*(1-out), out_h1, w5, the products
R1*R3*R5, the two-path sum ...). Both are written in terms of the same layer
of symbols, every exp(...) is replaced by a fresh symbol (outermost first) and
the difference is reduced with ``sympy.cancel``: zero means the formula holds
for all weights, not only at the example's point. Where the difference is too
large for ``cancel`` to finish quickly (wider layers, several examples), the
same rational function is instead evaluated exactly, in rationals, at
``RANDOM_POINTS`` random points (the Schwartz-Zippel test: a non-zero rational
function of this degree vanishes at a random point of this size with
probability far below 1e-6, so a false "holds" after several points is
practically impossible). The method used is recorded with each verdict. A
formula that does not hold is recorded as such, with its difference at the
example's point.

For the 2-2-2 example the formulas are the notes' own, labelled as there
(R1..R20, the chain rule for w5, the two-path sum); for other specs the same
formulas are generalised over every neuron, weight and example.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import sympy as sp

from . import names
from .network import Network
from .quantities import DRAFT, ratio

_LABELS = {(of, wrt): r for r, (of, wrt) in DRAFT.items()}
_HEADER = {("E_total", "out_o1"), ("out_o1", "net_o1"), ("net_o1", "w5")}


@dataclass(frozen=True)
class Identity:
    label: str  # where the notes state it
    formula: str
    lhs: sp.Expr
    rhs: sp.Expr
    wrt: str  # both sides are compared in terms of this symbol's layer


@dataclass(frozen=True)
class Verdict:
    label: str
    formula: str
    holds: bool
    method: str
    difference_at_example: float


CANCEL_SYMBOLS = 6  # beyond this many symbols cancel can take minutes (seen: 180 s at 8)
RANDOM_POINTS = 4


def rational(expr: sp.Expr) -> sp.Expr:
    """Replace every exp(...) by a fresh positive symbol, outermost first: a rational function remains."""
    exps = sorted(expr.atoms(sp.exp), key=sp.count_ops, reverse=True)
    for k, e in enumerate(exps):
        expr = expr.xreplace({e: sp.Symbol(f"_e{k}", positive=True)})
    return expr


def is_zero(expr: sp.Expr) -> tuple[bool, str]:
    """Whether a rational function is identically zero, and how that was decided."""
    symbols = sorted(expr.free_symbols, key=str)
    if len(symbols) <= CANCEL_SYMBOLS:
        return sp.cancel(expr) == 0, "cancel"
    rng = random.Random(20)  # fixed: the goldens are reproducible
    for _ in range(RANDOM_POINTS):
        point = {s: sp.Rational(rng.randint(1 if s.is_positive else -10**6, 10**6), rng.randint(1, 10**6))
                 for s in symbols}
        if expr.xreplace(point) != 0:
            return False, "exact at a random point"
    return True, f"exact at {RANDOM_POINTS} random points"


def _example_suffix(network: Network, n: int) -> str:
    return "" if len(network.spec.examples) == 1 else f"_x{n + 1}"


def claims(network: Network) -> list[Identity]:
    """The notes' formulas for this network, in the notes' order."""
    spec, S = network.spec, network.__getitem__
    documented = spec.is_documented_shape
    c = network.loss_scale
    hid, outs = names.hidden(spec), names.outputs(spec)
    w_h = [[str(w) for w in row] for row in network.w_hidden]
    w_o = [[str(w) for w in row] for row in network.w_output]
    out: list[Identity] = []

    def label(of: str, wrt: str, generic: str) -> str:
        if not documented:
            return generic
        base = "draft " + _LABELS[(of, wrt)] if (of, wrt) in _LABELS else generic
        return ("derivation; " + base) if (of, wrt) in _HEADER else base

    def local(of: str, wrt: str, rhs: sp.Expr, generic: str) -> None:
        out.append(Identity(label(of, wrt, generic), f"{ratio(of, wrt)} = {sp.sstr(rhs)}",
                            network.partial(of, wrt), rhs, wrt))

    # Closed forms of the notes, per example.
    dE_dout_o, dout_dnet_o, dE_dout_h, dout_dnet_h = {}, {}, {}, {}
    for n in range(len(spec.examples)):
        x, t, sfx = network.inputs(n), network.targets(n), _example_suffix(network, n)
        for k, o in enumerate(outs):
            out_o = S(f"out_{o}{sfx}")
            dE_dout_o[n, k] = c * (out_o - t[k])
            dout_dnet_o[n, k] = out_o * (1 - out_o)
            local("E_total", f"out_{o}{sfx}", dE_dout_o[n, k], "draft: loss over an output")
            local(f"out_{o}{sfx}", f"net_{o}{sfx}", dout_dnet_o[n, k], "draft: sigmoid derivative")
            for j, h in enumerate(hid):
                local(f"net_{o}{sfx}", w_o[k][j], S(f"out_{h}{sfx}"), "draft: weighted input over a weight")
        for j, h in enumerate(hid):
            for k, o in enumerate(outs):
                local(f"net_{o}{sfx}", f"out_{h}{sfx}", network.w_output[k][j], "draft: weighted input over an input")
        for j, h in enumerate(hid):
            out_h = S(f"out_{h}{sfx}")
            dE_dout_h[n, j] = sum(dE_dout_o[n, k] * dout_dnet_o[n, k] * network.w_output[k][j]
                                  for k in range(len(outs)))
            dout_dnet_h[n, j] = out_h * (1 - out_h)
            local("E_total", f"out_{h}{sfx}", dE_dout_h[n, j], "draft: sum over the paths to the outputs")
            local(f"out_{h}{sfx}", f"net_{h}{sfx}", dout_dnet_h[n, j], "draft: sigmoid derivative")
            for i in range(spec.n_inputs):
                local(f"net_{h}{sfx}", w_h[j][i], x[i], "draft: weighted input over a weight")

    if documented:  # the notes' order: R1, R2, R3, ...
        out.sort(key=lambda identity: int(identity.label.rsplit("R", 1)[1]))

    # The products of the draft: every weight gradient from the closed forms.
    gradient = network.gradient()
    examples = range(len(spec.examples))
    for k in range(len(outs)):
        for j, h in enumerate(hid):
            rhs = sum(dE_dout_o[n, k] * dout_dnet_o[n, k] * S(f"out_{h}{_example_suffix(network, n)}")
                      for n in examples)
            out.append(_product(gradient, w_o[k][j], rhs, documented))
    for j in range(len(hid)):
        for i in range(spec.n_inputs):
            rhs = sum(dE_dout_h[n, j] * dout_dnet_h[n, j] * network.inputs(n)[i] for n in examples)
            out.append(_product(gradient, w_h[j][i], rhs, documented))

    # The derivation's two statements, with SymPy's own partials as the factors.
    for n in range(len(spec.examples)):
        sfx = _example_suffix(network, n)
        for k, o in enumerate(outs):
            for j in range(len(hid)):
                w = w_o[k][j]
                rhs = (network.partial("E_total", f"out_{o}{sfx}") * network.partial(f"out_{o}{sfx}", f"net_{o}{sfx}")
                       * network.partial(f"net_{o}{sfx}", w))
                if len(spec.examples) == 1 and (not documented or w == "w5"):
                    formula = f"ΔE/Δ{w} = ΔE/Δout_{o} * Δout_{o}/Δnet_{o} * Δnet_{o}/Δ{w}"
                    out.append(Identity("derivation: chain rule", formula, gradient[w], rhs, w))
        for h in hid:
            if documented and h != "h1":
                continue
            terms = [(f"net_{o}{sfx}", f"out_{h}{sfx}") for o in outs]
            rhs = sum(network.partial("E_total", net) * network.partial(net, oh) for net, oh in terms)
            text = " + ".join(f"ΔE/Δ{net} * Δ{net}/Δ{oh}" for net, oh in terms)
            out.append(Identity("derivation: two paths", f"ΔE/Δout_{h}{sfx} = {text}",
                                network.partial("E_total", f"out_{h}{sfx}"), rhs, f"out_{h}{sfx}"))
    return out


def _product(gradient: dict[str, sp.Expr], w: str, rhs: sp.Expr, documented: bool) -> Identity:
    if documented:
        chain = {"w5": "R1 * R3 * R5", "w6": "R1 * R3 * R6", "w7": "R2 * R4 * R7", "w8": "R2 * R4 * R8",
                 "w1": "R13 * R15 * R17", "w2": "R13 * R15 * R18", "w3": "R14 * R16 * R19", "w4": "R14 * R16 * R20"}[w]
        return Identity("draft: product", f"ΔE/Δ{w} = {chain}", gradient[w], rhs, w)
    return Identity("draft: product", f"ΔE/Δ{w} = {sp.sstr(rhs)}", gradient[w], rhs, w)


def check(network: Network) -> list[Verdict]:
    """Decide every claim symbolically, and evaluate its difference at the example's point."""
    identities = claims(network)
    differences = []
    decided = []
    for identity in identities:
        floor = network.layer[network[identity.wrt]]
        diff = network.expand_to(identity.lhs - identity.rhs, floor)
        decided.append(is_zero(rational(diff)))
        differences.append(network.expand(diff))
    at_example = [0.0 if holds else float(sp.N(d.xreplace(network.initial), 30))
                  for d, (holds, _) in zip(differences, decided)]
    return [Verdict(i.label, i.formula, holds, method, d)
            for i, (holds, method), d in zip(identities, decided, at_example)]
