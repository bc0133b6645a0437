"""The number systems the reference's training graph is evaluated in.

The graph (reference/training.py) is written once, with ordinary operators on
arrays, one array per layer; an ``Arithmetic`` supplies the numbers and the
elementary functions:

- ``Exact(bits)``: MPFR numbers of ``bits`` bits (gmpy2), every operation
  correctly rounded at that precision: the truth, at 60 digits and more;
- ``Float64()``: plain float64 (NumPy), as an ordinary program computes;
- ``MonteCarlo(samples, unit)``: float64 with Monte Carlo arithmetic. Every
  value is ``samples`` copies, and every operation's result (and every
  constant's conversion to binary) is multiplied by ``1 + d`` with ``d``
  drawn uniformly from ``[-unit, unit]`` for each copy; ``exp``, ``log`` and
  ``tanh`` get twice the unit, since a libm need not round them correctly.
  The spread of the copies shows how far rounding can move each value: the
  noise envelope (reference/envelope.py).

Every function the graph calls is elementwise: ``exp``, ``log``, ``tanh``,
``sqrt``, ``where(condition, a, b)``, ``positive(x)``, plus ``constant`` and
``array`` to bring the spec's exact numbers in, and ``to_float64`` to take the
values out (correctly rounded, for ``Exact``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol, Self

import gmpy2
import numpy as np

Exactly = Fraction | Decimal | int  # a number of the spec, or of a formula's coefficients
# A value of the graph: one number or an array of them (MPFR, float64, Monte Carlo copies), with the operators.
# The graph is written once for every arithmetic (duck-typed), so its values are Any to the type checker.
Value = Any


class Arithmetic(Protocol):
    """What the graph asks of a number system (the classes below, and MonteCarlo in reference/montecarlo.py)."""

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    def constant(self, value: Exactly) -> Value: ...
    def array(self, values: Sequence[Any]) -> Value: ...
    def exp(self, x: Value) -> Value: ...
    def log(self, x: Value) -> Value: ...
    def tanh(self, x: Value) -> Value: ...
    def sqrt(self, x: Value) -> Value: ...
    def positive(self, x: Value) -> np.ndarray: ...
    def where(self, condition: Value, a: Value, b: Value) -> Value: ...
    def stack(self, values: Sequence[Value]) -> Value: ...
    def flat(self, arrays: Sequence[Value]) -> np.ndarray: ...
    def zeros_like(self, x: Value) -> Value: ...
    def to_float64(self, x: Value) -> np.ndarray: ...


def _rational(value: Exactly) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(str(value))


class Exact:
    """Correctly rounded arithmetic at ``bits`` bits of precision (MPFR through gmpy2)."""

    def __init__(self, bits: int = 200) -> None:
        self.bits = bits
        self.context = gmpy2.context(gmpy2.get_context(), precision=bits)
        self._exp = np.frompyfunc(gmpy2.exp, 1, 1)
        self._log = np.frompyfunc(gmpy2.log, 1, 1)
        self._tanh = np.frompyfunc(gmpy2.tanh, 1, 1)
        self._sqrt = np.frompyfunc(gmpy2.sqrt, 1, 1)
        self._float = np.frompyfunc(float, 1, 1)

    def __enter__(self) -> Self:
        self._saved = gmpy2.get_context()
        gmpy2.set_context(self.context)
        return self

    def __exit__(self, *exc: object) -> None:
        gmpy2.set_context(self._saved)

    def constant(self, value: Exactly) -> Value:
        q = _rational(value)
        return gmpy2.mpfr(gmpy2.mpq(q.numerator, q.denominator))

    def array(self, values: Sequence[Any]) -> np.ndarray:
        out = np.empty(np.shape(values), dtype=object)
        for index, value in np.ndenumerate(np.array(values, dtype=object)):
            out[index] = self.constant(value)
        return out

    def exp(self, x: Value) -> Value:
        return self._exp(x)

    def log(self, x: Value) -> Value:
        return self._log(x)

    def tanh(self, x: Value) -> Value:
        return self._tanh(x)

    def sqrt(self, x: Value) -> Value:
        return self._sqrt(x)

    def positive(self, x: Value) -> np.ndarray:
        return np.asarray(x > 0, dtype=bool)

    def where(self, condition: Value, a: Value, b: Value) -> Value:
        return np.where(condition, a, b)

    def stack(self, values: Sequence[Value]) -> np.ndarray:
        out = np.empty(len(values), dtype=object)
        out[:] = [gmpy2.mpfr(v) for v in values]
        return out

    def flat(self, arrays: Sequence[Value]) -> np.ndarray:
        return np.concatenate([np.ravel(np.asarray(a, dtype=object)) for a in arrays])

    def zeros_like(self, x: Value) -> np.ndarray:
        return np.full(np.shape(x), gmpy2.mpfr(0), dtype=object)

    def to_float64(self, x: Value) -> np.ndarray:
        """The nearest double of each value (MPFR's conversion rounds to nearest); inf or nan beyond float64, for
        the caller to refuse (reference/evaluate.py)."""
        with np.errstate(invalid="ignore", over="ignore"):
            return np.asarray(self._float(x), dtype=np.float64)


class Float64:
    """Plain float64, the arithmetic of an ordinary program (``Float32``: the same in float32)."""

    dtype: type[np.floating[Any]] = np.float64

    def __enter__(self) -> Self:
        self._saved = np.seterr(all="ignore")  # overflow to inf and 0/0 to nan, as a program would
        return self

    def __exit__(self, *exc: object) -> None:
        np.seterr(**self._saved)

    def constant(self, value: Exactly) -> Value:
        return self.dtype(float(_rational(value)))

    def array(self, values: Sequence[Any]) -> np.ndarray:
        exact: np.ndarray = np.vectorize(lambda v: float(_rational(v)), otypes=[np.float64])(
            np.array(values, dtype=object))
        return exact.astype(self.dtype)

    exp, log, tanh, sqrt = (staticmethod(f) for f in (np.exp, np.log, np.tanh, np.sqrt))

    def positive(self, x: Value) -> np.ndarray:
        return np.asarray(x > 0)

    def where(self, condition: Value, a: Value, b: Value) -> Value:
        return np.where(condition, a, b)

    def stack(self, values: Sequence[Value]) -> np.ndarray:
        return np.array([np.float64(v) for v in values])

    def flat(self, arrays: Sequence[Value]) -> np.ndarray:
        return np.concatenate([np.ravel(a) for a in arrays]).astype(np.float64)

    def zeros_like(self, x: Value) -> np.ndarray:
        return np.zeros(np.shape(x))

    def to_float64(self, x: Value) -> np.ndarray:
        return np.asarray(x, dtype=np.float64)


class Float32(Float64):
    """Plain float32: every value and operation in single precision."""

    dtype = np.float32


class Copies(Float64):
    """Plain float64 on ``n`` copies of every value at once (a trailing axis, as Monte Carlo arithmetic keeps its
    samples): one graph evaluated for many variants, starting points or learning rates in one pass."""

    def __init__(self, n: int) -> None:
        self.n = n

    def constant(self, value: Exactly) -> Value:
        return np.full(self.n, float(_rational(value)))

    def array(self, values: Sequence[Any]) -> np.ndarray:
        return np.repeat(super().array(values)[..., None], self.n, axis=-1)

    def stack(self, values: Sequence[Value]) -> np.ndarray:
        found = np.array(values, dtype=np.float64)
        if found.shape == (len(values), self.n):
            return found
        return np.stack([np.broadcast_to(np.asarray(v, dtype=np.float64), (self.n,)) for v in values])

    def flat(self, arrays: Sequence[Value]) -> np.ndarray:
        """The values of ``arrays`` one after the other: a row per value, a column per copy."""
        return np.concatenate([np.reshape(a, (-1, self.n)) for a in arrays])

    def zeros_like(self, x: Value) -> np.ndarray:
        return np.zeros(np.shape(x))
