"""The layer-local pieces of a network as SymPy expressions, and their derivatives by ``sympy.diff``.

Backpropagation needs only local derivatives, composed by the chain rule:

- a dense layer, ``net_j = sum_k w_jk x_k + b_j``: dnet_j/dw_jk, dnet_j/dx_k, dnet_j/db_j;
- an activation, ``out = f(net)``: f'(net) for an elementwise one (sigmoid,
  tanh, relu, linear), the Jacobian dout_k/dnet_j for softmax;
- a loss per example, ``L(out, target)``: dL/dout_k.

Each is written here once, as the conventions define it, differentiated by
``sympy.diff`` (no derivative is written by hand), and compiled for an
arithmetic of reference/arithmetic.py: the compiled function computes with
that arithmetic's numbers and its ``exp``, ``log``, ``tanh``, ``sqrt`` and
``where``. Rational constants are converted once, by the arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

import sympy as sp
from sympy.printing.lambdarepr import LambdaPrinter

from .arithmetic import Arithmetic

NET = sp.Symbol("net", real=True)
OUT = sp.Symbol("out", real=True)

ACTIVATIONS: dict[str, sp.Expr] = {
    "sigmoid": 1 / (1 + sp.exp(-NET)),
    "tanh": sp.tanh(NET),
    "relu": sp.Piecewise((0, NET <= 0), (NET, True)),  # its derivative is 0 at 0
    "linear": NET,
}


# net in terms of out, where an activation can be inverted: its derivative is then written in terms of out,
# as programs write it (out * (1 - out), 1 - out**2), with the same rounding errors near 0 and 1.
INVERSES = {"sigmoid": sp.log(OUT / (1 - OUT)), "tanh": sp.atanh(OUT)}


def outputs(k: int) -> list[sp.Symbol]:
    return list(sp.symbols(f"out1:{k + 1}", real=True))


def targets(k: int) -> list[sp.Symbol]:
    return list(sp.symbols(f"t1:{k + 1}", real=True))


def nets(k: int) -> list[sp.Symbol]:
    return list(sp.symbols(f"net1:{k + 1}", real=True))


def softmax(k: int) -> list[sp.Expr]:
    z = nets(k)
    total = sum(sp.exp(zj) for zj in z)
    return [sp.exp(zk) / total for zk in z]


def loss(name: str, k: int, output_activation: str) -> sp.Expr:
    """The loss of one example with ``k`` outputs, as the conventions define it."""
    o, t = outputs(k), targets(k)
    if name == "half_squared_error":
        return sp.Rational(1, 2) * sum((ti - oi) ** 2 for ti, oi in zip(t, o))
    if name == "mean_squared_error":
        return sp.Rational(1, k) * sum((ti - oi) ** 2 for ti, oi in zip(t, o))
    if name == "cross_entropy" and output_activation == "softmax":
        return -sum(ti * sp.log(oi) for ti, oi in zip(t, o))
    if name == "cross_entropy":
        return -sum(ti * sp.log(oi) + (1 - ti) * sp.log(1 - oi) for ti, oi in zip(t, o))
    raise ValueError(f"no loss {name!r} for {output_activation} outputs")


def dense(n_in: int) -> tuple[sp.Expr, list[sp.Symbol], list[sp.Symbol], sp.Symbol]:
    """net of one neuron with ``n_in`` inputs, and its weights, inputs and bias."""
    w = list(sp.symbols(f"w1:{n_in + 1}", real=True))
    x = list(sp.symbols(f"x1:{n_in + 1}", real=True))
    b = sp.Symbol("b", real=True)
    return sum(wk * xk for wk, xk in zip(w, x)) + b, w, x, b


class _Printer(LambdaPrinter):
    """Python source whose constants and functions are those of an arithmetic."""

    def __init__(self, constants: dict[str, object], arithmetic: Arithmetic) -> None:
        super().__init__({"fully_qualified_modules": False})
        self.constants, self.arithmetic = constants, arithmetic

    def _print_Rational(self, expr: sp.Rational) -> str:
        name = f"_q{len(self.constants)}"
        self.constants[name] = self.arithmetic.constant(Fraction(int(expr.p), int(expr.q)))
        return name

    def _print_Half(self, expr: sp.Rational) -> str:
        return self._print_Rational(expr)

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        (value, condition), *rest = expr.args
        if condition is sp.true:
            printed: str = self._print(value)
            return printed
        otherwise = self._print(sp.Piecewise(*rest)) if rest else "nan"
        return f"_where({self._print(condition)}, {self._print(value)}, {otherwise})"


def compile_(args: list[sp.Symbol], exprs: sp.Expr | list[Any], arithmetic: Arithmetic) -> Callable[..., Any]:
    """A function of ``args`` (one value or array each) computing ``exprs`` in ``arithmetic``."""
    constants: dict[str, object] = {}
    namespace = {"exp": arithmetic.exp, "log": arithmetic.log, "tanh": arithmetic.tanh, "sqrt": arithmetic.sqrt,
                 "_where": lambda c, a, b: arithmetic.where(c, a, b)}
    function = sp.lambdify(args, exprs, modules=[namespace], printer=_Printer(constants, arithmetic))
    function.__globals__.update(constants)
    compiled: Callable[..., Any] = function
    return compiled


@dataclass(frozen=True)
class Activation:
    """out(net), and dout/dnet: ``derivative`` of net or of out (``of_out``), or for softmax the ``jacobian``
    dout_k/dnet_j as a function of the outs."""
    name: str
    out: Callable[..., Any]
    derivative: Callable[..., Any] | None = None
    of_out: bool = False
    jacobian: Callable[..., Any] | None = None


@cache
def activation_exprs(name: str, k: int) -> tuple[Any, Any]:
    """The expressions of an activation over a layer of ``k`` neurons: (outs, derivatives or jacobian), as
    ``sympy.diff`` gives them, in terms of net."""
    if name == "softmax":
        outs = softmax(k)
        z = nets(k)
        return outs, [[sp.diff(outs[i], z[j]) for j in range(k)] for i in range(k)]
    f = ACTIVATIONS[name]
    return f, sp.diff(f, NET)


@cache
def derivative_of_out(name: str, k: int) -> Any:
    """The derivative of ``activation_exprs`` rewritten in terms of out (softmax: of the outs), or None.

    For softmax each exp(net_k) becomes out_k * S, S standing for the sum of the exponentials, which then
    cancels: dout_i/dnet_j = out_i * (delta_ij - out_j) as SymPy simplifies it.
    """
    outs, derivative = activation_exprs(name, k)
    if name == "softmax":
        z, o, total = nets(k), outputs(k), sp.Symbol("S", positive=True)
        rewrite = {zk: sp.log(ok * total) for zk, ok in zip(z, o)}
        return [[sp.factor(sp.simplify(d.xreplace({sum(sp.exp(zk) for zk in z): total}).xreplace(rewrite)))
                 for d in row] for row in derivative]
    if name in INVERSES:
        return sp.simplify(derivative.subs(NET, INVERSES[name]))
    return None


def activation(name: str, k: int, arithmetic: Arithmetic) -> Activation:
    outs, derivative = activation_exprs(name, k)
    rewritten = derivative_of_out(name, k)
    if name == "softmax":
        return Activation(name, compile_(nets(k), outs, arithmetic), jacobian=compile_(outputs(k), rewritten,
                                                                                       arithmetic))
    if rewritten is not None:
        return Activation(name, compile_([NET], outs, arithmetic), compile_([OUT], rewritten, arithmetic), True)
    return Activation(name, compile_([NET], outs, arithmetic), derivative=compile_([NET], derivative, arithmetic))


@cache
def loss_exprs(name: str, k: int, output_activation: str) -> tuple[sp.Expr, list[sp.Expr]]:
    expr = loss(name, k, output_activation)
    return expr, [sp.diff(expr, o) for o in outputs(k)]


@dataclass(frozen=True)
class Loss:
    value: Callable[..., Any]  # L(out1, ..., outK, t1, ..., tK)
    gradient: Callable[..., Any]  # [dL/dout_k](out1, ..., tK)


def compiled_loss(name: str, k: int, output_activation: str, arithmetic: Arithmetic) -> Loss:
    expr, gradient = loss_exprs(name, k, output_activation)
    args = outputs(k) + targets(k)
    return Loss(compile_(args, expr, arithmetic), compile_(args, gradient, arithmetic))


@cache
def dense_exprs(n_in: int) -> tuple[list[sp.Expr], list[sp.Expr], sp.Expr, list[sp.Symbol]]:
    """dnet/dw_k, dnet/dx_k and dnet/db of one neuron, and its arguments (weights, inputs, bias)."""
    net, w, x, b = dense(n_in)
    return [sp.diff(net, wk) for wk in w], [sp.diff(net, xk) for xk in x], sp.diff(net, b), w + x + [b]


@dataclass(frozen=True)
class Dense:
    """The partial derivatives of a dense layer's net, each a function of (w1..wn, x1..xn, b)."""
    by_weights: Callable[..., Any]
    by_inputs: Callable[..., Any]
    by_bias: Callable[..., Any]


def dense_partials(n_in: int, arithmetic: Arithmetic) -> Dense:
    by_w, by_x, by_b, args = dense_exprs(n_in)
    return Dense(compile_(args, by_w, arithmetic), compile_(args, by_x, arithmetic), compile_(args, by_b, arithmetic))


def prepare(activations: tuple[str, ...], sizes: tuple[int, ...], loss_name: str) -> None:
    """Derive (and keep) every expression a network of these layers needs: done once before a derivation forks,
    both of its processes have them."""
    for name, k in zip(activations, sizes[1:]):
        derivative_of_out(name, k)
    loss_exprs(loss_name, sizes[-1], activations[-1])
    for n_in in sizes[:-1]:
        dense_exprs(n_in)
