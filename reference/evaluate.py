"""Evaluate the reference at high precision: step 1 and the whole trajectory.

The SymPy expressions are compiled once (``lambdify`` with common-subexpression
elimination, to mpmath) and then evaluated per iteration; substituting into the
symbolic expressions at every iteration would take minutes.
"""

from __future__ import annotations

import collections

import mpmath
import sympy as sp
from sympy.printing.pycode import MpmathPrinter

from . import names
from .network import Network

STEP1_DIGITS = 40  # significant digits written for step 1
STEP1_DPS = 60  # working precision for step 1
TRAJECTORY_DPS = 50  # working precision for the trajectory


class _Printer(MpmathPrinter):
    """Prints each rational constant as a name, so that it is computed once, not per call."""

    def __init__(self, constants: dict[str, mpmath.mpf], **settings):
        super().__init__(settings)
        self.module_imports = collections.defaultdict(set)
        self.constants = constants

    def _print_Rational(self, expr: sp.Rational) -> str:
        name = f"_q{abs(expr.p)}_{expr.q}"
        self.constants[name] = mpmath.mpf(abs(expr.p)) / expr.q
        return f"(-{name})" if expr.p < 0 else name


def compile_(network: Network, exprs: list[sp.Expr]):
    """A function of the parameter values returning ``exprs`` evaluated in mpmath.

    Rational constants are evaluated once, at the precision in force when this is called.
    """
    constants: dict[str, mpmath.mpf] = {}
    printer = _Printer(constants, fully_qualified_modules=False, inline=True, allow_unknown_functions=True)
    source = sp.lambdify([network.parameters], exprs, modules="mpmath", cse=True, printer=printer)
    source.__globals__.update(constants)
    return source


def start(network: Network) -> list[mpmath.mpf]:
    """The initial parameter values at the current mpmath precision."""
    return [mpmath.mpf(v.p) / v.q for v in (network.initial[p] for p in network.parameters)]


def step1(network: Network, expressions: dict[str, sp.Expr]) -> dict[str, mpmath.mpf]:
    """Evaluate named expressions of the parameters at the starting point."""
    with mpmath.workdps(STEP1_DPS):
        f = compile_(network, list(expressions.values()))
        return dict(zip(expressions, f(start(network))))


def trajectory(network: Network, iterations: int, dps: int = TRAJECTORY_DPS):
    """Yield one row of trajectory values (mpf) per iteration, columns as names.trajectory_columns."""
    spec = network.spec
    trained = names.trained_names(spec)
    position = {str(p): k for k, p in enumerate(network.parameters)}
    gradient = network.gradient()
    outputs = [network.expand(network[n]) for n in names.per_example(spec, [f"out_{o}" for o in names.outputs(spec)])]
    n_head = len(outputs) + 1
    with mpmath.workdps(dps):
        f = compile_(network, outputs + [network.expand(network.E_total)] + [gradient[p] for p in trained])
        rate = mpmath.mpf(network.rate.p) / network.rate.q
        values = start(network)
        for iteration in range(iterations):
            row = f(values)
            grads = row[n_head:]
            for name, g in zip(trained, grads):
                values[position[name]] -= rate * g
            yield [iteration, *row, *(values[position[name]] for name in trained)]
