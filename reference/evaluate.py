"""The truth: the training graph evaluated in exact arithmetic, for step 1 and the whole trajectory.

MPFR at ``TRAJECTORY_BITS`` (about 60 significant digits) keeps every value of
the trajectory far more precise than a double, so that rounding it to float64
gives the correctly rounded value (tests/test_reference.py recomputes at
higher precision to confirm it); step 1 is evaluated at ``STEP1_BITS``.
"""

from __future__ import annotations

from collections.abc import Callable

import gmpy2
import mpmath
import numpy as np

from . import names
from .arithmetic import Exact
from .spec import Spec
from .training import Training

TRAJECTORY_BITS = 200
MPFR = type(gmpy2.mpfr(0))
STEP1_BITS = 256


class OutOfRange(ArithmeticError):
    """A training whose true values leave the range of float64: no finite truth can be stored; one line."""


def _out_of_range(where: str, quantities: list[str], exact: np.ndarray, rounded: np.ndarray) -> OutOfRange:
    column = int(np.nonzero(~np.isfinite(rounded))[0][0])
    value = exact[column]
    said = f"{quantities[column]} = {value:.2g}" if gmpy2.is_finite(value) else \
        f"{quantities[column]} is {'not a number' if gmpy2.is_nan(value) else value}"
    return OutOfRange(f"the training overflows float64 {where} ({said}): lower the learning rate or the iterations")


def trajectory(spec: Spec, iterations: int, bits: int = TRAJECTORY_BITS,
               progress: Callable[[int], None] | None = None) -> tuple[np.ndarray, dict[str, object]]:
    """The correctly rounded trajectory (a row per iteration, columns as names.quantities), and the exact
    outputs and E_total after the last update (the forward pass of one iteration more).

    OutOfRange when a value does not round to a finite double: the truth of such a spec cannot be stored.
    """
    quantities = names.quantities(spec)
    rows = np.empty((iterations, len(quantities)))
    with Exact(bits) as A:
        training = Training(spec, A)
        for iteration in range(iterations):
            if progress is not None and iteration % 1000 == 0:
                progress(iteration)
            exact = training.step().row(A, spec.train_biases)
            rows[iteration] = A.to_float64(exact)
            if not np.isfinite(rows[iteration]).all():
                raise _out_of_range(f"at iteration {iteration}", quantities, exact, rows[iteration])
        last = training.step()
        exact = A.flat([p.outs[-1] for p in last.passes] + [last.E_total])
        rounded = A.to_float64(exact)
        if not np.isfinite(rounded).all():
            raise _out_of_range(f"after the last update (iteration {iterations})", names.forward_quantities(spec),
                                exact, rounded)
        after = dict(zip(names.forward_quantities(spec), exact))
    return rows, after


def step1(spec: Spec, bits: int = STEP1_BITS) -> dict[str, object]:
    """Every quantity of the first iteration the graph computes (the notes' draft R1..R20 aside), exact."""
    with Exact(bits) as A:
        step = Training(spec, A).step()
        values: dict[str, object] = {}
        for n, p in enumerate(step.passes):
            suffix = "" if len(step.passes) == 1 else f"_x{n + 1}"
            for layer, neurons in enumerate(names.layer_neurons(spec)):
                for kind, array in (("net", p.nets[layer]), ("out", p.outs[layer]), ("dE_dout", p.dE_dout[layer])):
                    values.update((f"{kind}_{neuron}{suffix}", v) for neuron, v in zip(neurons, A.flat([array])))
        values["E_total"] = step.E_total
        values.update(zip((f"dE_d{p}" for p in names.parameter_names(spec)), A.flat(step.dW + step.db)))
        new = step.W_new + (step.b_new if spec.train_biases else [])
        values.update(zip((f"{p}_new" for p in names.trained_names(spec)), A.flat(new)))
    return values


def as_mpf(value: object) -> mpmath.mpf:
    """An MPFR value as an mpmath number, exactly (for formatting)."""
    if not isinstance(value, MPFR):
        return mpmath.mpf(value)  # a whole number, as a derivative of 0 or 1 can be
    mantissa, exponent = value.as_mantissa_exp()
    return mpmath.mpf(mpmath.libmp.from_man_exp(int(mantissa), int(exponent)))
