"""Monte Carlo arithmetic: float64 in which every rounding is replaced by a random relative error.

A ``Noisy`` value holds ``samples`` copies of one array of the graph (the last
axis counts the copies). Each operation's result is computed in a wider
working precision, multiplied by ``1 + d`` for each copy, ``d`` uniform in
``[-unit, unit]`` and drawn afresh for each copy and each operation, and only
then rounded to the stored precision: RN(exact * (1 + d)), Parker's random
rounding as in Verificarlo. (Multiplying the already-rounded float64 result by
a float64 ``1 + d`` would not do: ``1 + d`` rounds to 1 or 1 - 2**-53, a
one-sided nudge on a quarter of the operations.) ``exp``, ``log`` and ``tanh``
get ``2 * unit``: a libm rounds them to within about an ULP, not half.

For float64 (unit 2**-53) the working precision is x87 ``long double`` (64-bit
significand); for float32 (2**-24) it is float64. Everything is deterministic:
the random numbers come from PCG64's raw output (fixed by the PCG64
specification, not by a NumPy version), and ``exp``, ``log`` and ``tanh`` are
computed in ``long double`` (the C library's x87 code) so that no CPU-specific
vector library enters the results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, Self

import numpy as np

from .arithmetic import Exactly, Value

BLOCK = 1 << 16  # uniforms drawn at a time
TAPE_MOST = 5000  # operations of a step beyond which it is not recorded (reference/tape.py): arrays that large cost
                  # more than Python's overhead, which a replay saves
WIDE = np.longdouble
STORED: dict[float, type[np.floating[Any]]] = {2.0**-53: np.float64, 2.0**-24: np.float32}


class MonteCarlo:
    """The arithmetic; ``unit`` is the unit roundoff simulated (2**-53 for float64, 2**-24 for float32)."""

    def __init__(self, samples: int = 32, unit: float = 2.0**-53, seed: int = 2024) -> None:
        if np.finfo(WIDE).nmant < 63:
            raise RuntimeError("Monte Carlo arithmetic needs an extended long double (64-bit significand), as on "
                               "x86-64 Linux; this platform's long double is narrower")
        self.samples, self.unit, self.seed = samples, unit, seed
        self.stored = STORED[unit]
        self.work: type[np.floating[Any]] = WIDE if self.stored is np.float64 else np.float64
        self._bits = np.random.PCG64(seed)
        self._block = np.empty(0, dtype=self.work)
        self._used = 0
        self.tape: list[tuple[Any, ...]] | None = None  # while a step is recorded (reference/tape.py): its operations
        self.unrecordable = False  # set when a recorded step did something a tape cannot replay

    def __enter__(self) -> Self:
        self._saved = np.seterr(all="ignore")
        return self

    def __exit__(self, *exc: object) -> None:
        np.seterr(**self._saved)

    def _refill(self, count: int) -> None:
        raw = self._bits.random_raw(max(BLOCK, count))
        d = (raw >> np.uint64(11)).view(np.int64).astype(np.float64)  # exact: below 2**53
        d *= 2.0**-52
        d -= 1.0
        d *= self.unit  # uniform in [-unit, unit)
        fresh = d.astype(self.work)
        fresh += 1
        self._block = np.concatenate([self._block[self._used:], fresh])
        self._used = 0

    def rounded(self, exact: np.ndarray, wide: bool = False) -> Noisy:
        """RN(exact * (1 + d)) in the stored precision, d drawn for each value; ``exact`` in the working precision.

        ``exact`` is the fresh result of an operation, multiplied in place. Values are kept in the working
        precision (so that the next operation casts nothing), rounded to the stored one. An envelope runs this
        millions of times on arrays of a few dozen values: it is kept to a few NumPy calls.
        """
        start = self._used
        end = start + exact.size
        if end > len(self._block):
            self._refill(exact.size)
            start, end = 0, exact.size
        self._used = end
        factors = self._block[start:end].reshape(exact.shape)
        if wide:
            factors = 2 * factors - 1  # 1 + 2d, exactly
        exact *= factors
        return Noisy(exact.astype(self.stored).astype(self.work), self)

    def note(self, entry: tuple[Any, ...]) -> None:
        """Record an operation of the step being recorded; a step too large to be worth replaying stops the record
        (it would hold every intermediate array at once)."""
        assert self.tape is not None, "called only while a step is recorded"
        if len(self.tape) < TAPE_MOST:
            self.tape.append(entry)
        else:
            self.tape, self.unrecordable = None, True

    def binary(self, op: str, a: Value, b: Value) -> Noisy:
        """``a op b`` (raw values: arrays in the working precision, or numbers), rounded."""
        out = self.rounded(BINARY[op](a, b))
        if self.tape is not None:
            self.note(("binary", op, a, b, out.v))
        return out

    def operate(self, ufunc: np.ufunc, a: Value, b: Value) -> Noisy:
        return self.rounded(ufunc(_values(a), _values(b)))

    def constant(self, value: Exactly) -> Noisy:
        return self.array([value])[0]

    def array(self, values: Sequence[Any]) -> Noisy:
        """The spec's exact numbers: each one's conversion to binary is a rounding too, unless it is exact."""
        if self.tape is not None:
            self.unrecordable = True
        exact = np.vectorize(lambda v: v if isinstance(v, Fraction) else Fraction(str(v)),
                             otypes=[object])(np.array(values, dtype=object))
        wide = np.vectorize(lambda q: self.work(q.numerator) / self.work(q.denominator),
                            otypes=[self.work])(exact)
        copies = np.repeat(wide[..., None], self.samples, axis=-1)
        nearest = copies.astype(self.stored)
        representable = np.vectorize(lambda q, f: Fraction(float(f)) == q, otypes=[bool])(exact, nearest[..., 0])
        noisy = self.rounded(copies).v
        return Noisy(np.where(representable[..., None], nearest.astype(self.work), noisy), self)

    def _transcendental(self, function: np.ufunc, x: Value) -> Noisy:
        out = self.rounded(function(_values(x).astype(WIDE)).astype(self.work, copy=False), wide=True)
        if self.tape is not None:
            self.note(("call", function.__name__, _values(x), out.v))
        return out

    def exp(self, x: Value) -> Noisy:
        return self._transcendental(np.exp, x)

    def log(self, x: Value) -> Noisy:
        return self._transcendental(np.log, x)

    def tanh(self, x: Value) -> Noisy:
        return self._transcendental(np.tanh, x)

    def sqrt(self, x: Value) -> Noisy:
        out = self.rounded(np.sqrt(_values(x)))
        if self.tape is not None:
            self.note(("call", "sqrt", _values(x), out.v))
        return out

    def positive(self, x: Value) -> np.ndarray:
        return self.compare(">", _values(x), 0)

    def compare(self, op: str, a: Value, b: Value) -> np.ndarray:
        out: np.ndarray = a > b if op == ">" else a <= b
        if self.tape is not None:
            self.note(("compare", op, a, b, out))
        return out

    def where(self, condition: Value, a: Value, b: Value) -> Noisy:
        x: np.ndarray = _values(a)  # arrays or numbers: annotated so that np.where's three-argument form is meant
        y: np.ndarray = _values(b)
        out = np.where(condition, x, y)
        if self.tape is not None:
            self.note(("where", condition, x, y, out))
        return Noisy(out, self)

    def stack(self, values: Sequence[Value]) -> Noisy:
        arrays = [v.v if type(v) is Noisy else np.broadcast_to(v, (self.samples,)) for v in values]
        out = np.stack(arrays).astype(self.work)
        if self.tape is not None:
            self.note(("stack", [_values(v) for v in values], out))
        return Noisy(out, self)

    def flat(self, arrays: Sequence[Value]) -> np.ndarray:
        """The values of ``arrays`` one after the other: a row per value, a column per copy (float64)."""
        out = np.concatenate([np.reshape(_values(a), (-1, self.samples)) for a in arrays]).astype(np.float64)
        if self.tape is not None:
            self.note(("flat", [_values(a) for a in arrays], out))
        return out

    def zeros_like(self, x: Value) -> Noisy:
        out = np.zeros(np.shape(_values(x)), dtype=self.work)
        if self.tape is not None:
            self.note(("zeros", out.shape, out))
        return Noisy(out, self)

    def to_float64(self, x: Value) -> np.ndarray:
        return np.asarray(_values(x), dtype=np.float64)


def _values(x: Value) -> Value:
    return x.v if type(x) is Noisy else x


BINARY: dict[str, Callable[[Value, Value], np.ndarray]] = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}


class Noisy:
    """An array of the graph in Monte Carlo arithmetic; the last axis of ``v`` holds the copies."""

    __slots__ = ("v", "mc")
    __array_ufunc__ = None  # a NumPy scalar or array on the left defers to Noisy's reflected operators

    def __init__(self, v: np.ndarray, mc: MonteCarlo) -> None:
        self.v, self.mc = v, mc

    def __getitem__(self, index: Any) -> Noisy:
        out = self.v[index]
        if self.mc.tape is not None:
            self.mc.note(("item", self.v, index, out))
        return Noisy(out, self.mc)

    def __setitem__(self, index: Any, value: Value) -> None:
        self.v[index] = _values(value)
        if self.mc.tape is not None:
            self.mc.note(("set", self.v, index, _values(value)))

    def __len__(self) -> int:
        return len(self.v)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.v.shape[:-1]

    def copy(self) -> Noisy:
        if self.mc.tape is not None:
            self.mc.unrecordable = True
        return Noisy(self.v.copy(), self.mc)

    def __add__(self, other: Value) -> Noisy:
        return self.mc.binary("+", self.v, _values(other))

    def __radd__(self, other: Value) -> Noisy:
        return self.mc.binary("+", _values(other), self.v)

    def __sub__(self, other: Value) -> Noisy:
        return self.mc.binary("-", self.v, _values(other))

    def __rsub__(self, other: Value) -> Noisy:
        return self.mc.binary("-", _values(other), self.v)

    def __mul__(self, other: Value) -> Noisy:
        return self.mc.binary("*", self.v, _values(other))

    def __rmul__(self, other: Value) -> Noisy:
        return self.mc.binary("*", _values(other), self.v)

    def __truediv__(self, other: Value) -> Noisy:
        return self.mc.binary("/", self.v, _values(other))

    def __rtruediv__(self, other: Value) -> Noisy:
        return self.mc.binary("/", _values(other), self.v)

    def __neg__(self) -> Noisy:
        out = -self.v  # exact
        if self.mc.tape is not None:
            self.mc.note(("neg", self.v, out))
        return Noisy(out, self.mc)

    def __pow__(self, exponent: int) -> Noisy:
        if exponent == 2:
            return self * self
        if isinstance(exponent, int) and exponent > 2:
            return self ** (exponent - 1) * self
        if isinstance(exponent, int) and exponent < 0:
            return 1 / self ** -exponent
        raise ValueError(f"Monte Carlo arithmetic has no power {exponent!r}")

    def __le__(self, other: Value) -> np.ndarray:
        return self.mc.compare("<=", self.v, _values(other))

    def __gt__(self, other: Value) -> np.ndarray:
        return self.mc.compare(">", self.v, _values(other))
