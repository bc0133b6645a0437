"""The textbook closed forms of every layer-local derivative a spec uses, checked against ``sympy.diff``.

For networks beyond the notes' family (other activations, losses, depths) the
notes' own formulas do not apply; what a learner writes instead are these
closed forms: sigmoid' = out(1 - out), tanh' = 1 - out^2, the softmax Jacobian
out_k(delta_kj - out_j), dL/dout of each loss, and the dense layer's partials.
Each is decided exactly like the notes' formulas (reference/identities.py):
exp(...) replaced by fresh symbols, then ``sympy.cancel``; a piecewise
derivative (relu) branch by branch.
"""

from __future__ import annotations

import sympy as sp

from . import layers
from .identities import Verdict, is_zero, rational
from .spec import Spec

POINT = sp.Rational(3, 7)  # where a formula that does not hold is evaluated, to show by how much


def _exponentials(expr: sp.Expr) -> sp.Expr:
    """Every net as log(e) of a fresh positive e: exp(2 net) and exp(-net) become e**2 and 1/e, a rational function."""
    nets = [s for s in expr.free_symbols if s.name.startswith("net")]
    return expr.xreplace({n: sp.log(sp.Symbol(f"_e_{n.name}", positive=True)) for n in nets})


def _verdict(label: str, formula: str, difference: sp.Expr) -> Verdict:
    if difference.has(sp.exp) and not difference.has(sp.Piecewise):
        difference = _exponentials(difference)
    if difference.has(sp.Piecewise):
        holds = all(sp.simplify(branch) == 0 for branch, _ in sp.piecewise_fold(difference).args)
        method = "each branch"
    else:
        holds, method = is_zero(rational(difference))
    at = 0.0 if holds else float(difference.subs({s: POINT for s in difference.free_symbols}))
    return Verdict(label, formula, holds, method, at)


def activation_claims(name: str, k: int) -> list[Verdict]:
    where = f"{name} layer"
    if name == "softmax":
        outs, jacobian = layers.activation_exprs(name, k)

        def entry(i: int, j: int) -> str:
            return f"out_{i} * (1 - out_{i})" if i == j else f"-out_{i} * out_{j}"

        return [_verdict(where, f"Δout_{i + 1}/Δnet_{j + 1} = {entry(i + 1, j + 1)}",
                         jacobian[i][j] - outs[i] * ((1 if i == j else 0) - outs[j]))
                for i in range(k) for j in range(k)]
    out, derivative = layers.activation_exprs(name, 1)
    closed = {"sigmoid": ("out * (1 - out)", out * (1 - out)), "tanh": ("1 - out^2", 1 - out ** 2),
              "relu": ("1 where net > 0, else 0", sp.Piecewise((0, layers.NET <= 0), (1, True))),
              "linear": ("1", sp.Integer(1))}[name]
    return [_verdict(where, f"Δout/Δnet = {closed[0]}", derivative - closed[1])]


def loss_claims(spec: Spec) -> list[Verdict]:
    k, output = spec.n_outputs, spec.activations[-1]
    _, gradient = layers.loss_exprs(spec.loss, k, output)
    o, t = layers.outputs(k), layers.targets(k)
    text: str
    closed: list[sp.Expr]
    if spec.loss == "cross_entropy":
        text, closed = (("-t_k / out_k", [-ti / oi for oi, ti in zip(o, t)]) if output == "softmax" else
                        ("(out_k - t_k) / (out_k * (1 - out_k))",
                         [(oi - ti) / (oi * (1 - oi)) for oi, ti in zip(o, t)]))
    else:
        text, closed = {"half_squared_error": ("out_k - t_k", [oi - ti for oi, ti in zip(o, t)]),
                        "mean_squared_error": (f"2 * (out_k - t_k) / {k}",
                                               [2 * (oi - ti) / k for oi, ti in zip(o, t)])}[spec.loss]
    return [_verdict(f"{spec.loss} loss", f"ΔL/Δout_{i + 1} = {text.replace('_k', f'_{i + 1}')}", g - c)
            for i, (g, c) in enumerate(zip(gradient, closed))]


def dense_claims(n_in: int) -> list[Verdict]:
    by_w, by_x, by_b, _ = layers.dense_exprs(n_in)
    net, w, x, b = layers.dense(n_in)
    where = f"dense layer, {n_in} inputs"
    return ([_verdict(where, f"Δnet/Δw{k + 1} = x{k + 1}", by_w[k] - x[k]) for k in range(n_in)]
            + [_verdict(where, f"Δnet/Δx{k + 1} = w{k + 1}", by_x[k] - w[k]) for k in range(n_in)]
            + [_verdict(where, "Δnet/Δb = 1", by_b - 1)])


def check(spec: Spec) -> list[Verdict]:
    """Every closed form the spec's layers rely on, once per kind of layer."""
    found: list[Verdict] = []
    seen = set()
    for name, k in zip(spec.activations, spec.layers[1:]):
        key = (name, k if name == "softmax" else 1)
        if key not in seen:
            seen.add(key)
            found += activation_claims(*key)
    found += loss_claims(spec)
    for n_in in dict.fromkeys(spec.layers[:-1]):
        found += dense_claims(n_in)
    return found
