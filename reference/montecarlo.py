"""Monte Carlo arithmetic: float64 in which every rounding is replaced by a random relative error.

A ``Noisy`` value holds ``samples`` float64 copies of one array of the graph
(the last axis counts the copies). Each operation computes its result in
float64 and multiplies every copy by ``1 + d``, ``d`` uniform in
``[-unit, unit]`` and drawn afresh for each copy and each operation (Parker's
random rounding, as in Verificarlo and CADNA). ``exp``, ``log`` and ``tanh``
get ``2 * unit``: a libm rounds them to within about an ULP, not half.

Everything is deterministic: the random numbers come from PCG64's raw output
(fixed by the PCG64 specification, not by a NumPy version) turned into
uniforms here, and ``exp``, ``log`` and ``tanh`` are computed in extended
precision (``long double``) before rounding to float64, so that no CPU-specific
vector library enters the results.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

BLOCK = 1 << 16  # uniforms drawn at a time


class MonteCarlo:
    """The arithmetic; ``unit`` is the unit roundoff simulated (2**-53 for float64, 2**-24 for float32)."""

    def __init__(self, samples: int = 32, unit: float = 2.0**-53, seed: int = 2024):
        self.samples, self.unit, self.seed = samples, unit, seed
        self._bits = np.random.PCG64(seed)
        self._block = np.empty((2, 0))
        self._used = 0

    def __enter__(self):
        self._saved = np.seterr(all="ignore")
        return self

    def __exit__(self, *exc):
        np.seterr(**self._saved)

    def _factors(self, count: int, wide: bool) -> np.ndarray:
        """The next ``count`` factors 1 + d, d uniform in [-unit, unit] (``wide``: [-2 unit, 2 unit])."""
        if self._used + count > self._block.shape[1]:
            raw = self._bits.random_raw(max(BLOCK, count))
            uniform = (raw >> np.uint64(11)).astype(np.float64) * 2.0**-52 - 1.0  # in [-1, 1)
            fresh = np.stack([1.0 + self.unit * uniform, 1.0 + 2 * self.unit * uniform])
            self._block = np.concatenate([self._block[:, self._used:], fresh], axis=1)
            self._used = 0
        out = self._block[int(wide), self._used:self._used + count]
        self._used += count
        return out

    def rounded(self, values: np.ndarray, wide: bool = False) -> Noisy:
        values = np.asarray(values, dtype=np.float64)
        return Noisy(values * self._factors(values.size, wide).reshape(values.shape), self)

    def constant(self, value) -> Noisy:
        q = value if isinstance(value, Fraction) else Fraction(str(value))
        nearest = float(q)
        copies = np.full(self.samples, nearest)
        return Noisy(copies, self) if Fraction(nearest) == q else self.rounded(copies)

    def array(self, values) -> Noisy:
        values = np.array(values, dtype=object)
        exact = np.vectorize(lambda v: Fraction(str(v)), otypes=[object])(values)
        nearest = exact.astype(np.float64)
        copies = np.repeat(nearest[..., None], self.samples, axis=-1)
        inexact = np.vectorize(lambda q, f: Fraction(f) != q, otypes=[bool])(exact, nearest)
        noisy = self.rounded(copies).v
        return Noisy(np.where(inexact[..., None], noisy, copies), self)

    def _transcendental(self, function, x) -> Noisy:
        result = function(_values(x).astype(np.longdouble)).astype(np.float64)
        return self.rounded(result, wide=True)

    def exp(self, x):
        return self._transcendental(np.exp, x)

    def log(self, x):
        return self._transcendental(np.log, x)

    def tanh(self, x):
        return self._transcendental(np.tanh, x)

    def sqrt(self, x):
        return self.rounded(np.sqrt(_values(x)))

    def positive(self, x) -> np.ndarray:
        return _values(x) > 0

    def where(self, condition, a, b) -> Noisy:
        return Noisy(np.where(condition, _values(a), _values(b)), self)

    def stack(self, values) -> Noisy:
        return Noisy(np.stack([np.broadcast_to(_values(v), (self.samples,)) for v in values]), self)

    def flat(self, arrays) -> np.ndarray:
        """The values of ``arrays`` one after the other: a row per value, a column per copy."""
        return np.concatenate([np.reshape(_values(a), (-1, self.samples)) for a in arrays])

    def zeros_like(self, x) -> Noisy:
        return Noisy(np.zeros_like(_values(x)), self)

    def to_float64(self, x) -> np.ndarray:
        return np.asarray(_values(x), dtype=np.float64)


def _values(x):
    return x.v if isinstance(x, Noisy) else x


class Noisy:
    """An array of the graph in Monte Carlo arithmetic; the last axis of ``v`` holds the copies."""

    __slots__ = ("v", "mc")
    __array_ufunc__ = None  # a NumPy scalar or array on the left defers to Noisy's reflected operators

    def __init__(self, v: np.ndarray, mc: MonteCarlo):
        self.v, self.mc = v, mc

    def __getitem__(self, index) -> Noisy:
        return Noisy(self.v[index], self.mc)

    def __setitem__(self, index, value) -> None:
        self.v[index] = _values(value)

    def __len__(self) -> int:
        return len(self.v)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.v.shape[:-1]

    def copy(self) -> Noisy:
        return Noisy(self.v.copy(), self.mc)

    def __add__(self, other):
        return self.mc.rounded(self.v + _values(other))

    __radd__ = __add__

    def __sub__(self, other):
        return self.mc.rounded(self.v - _values(other))

    def __rsub__(self, other):
        return self.mc.rounded(_values(other) - self.v)

    def __mul__(self, other):
        return self.mc.rounded(self.v * _values(other))

    __rmul__ = __mul__

    def __truediv__(self, other):
        return self.mc.rounded(self.v / _values(other))

    def __rtruediv__(self, other):
        return self.mc.rounded(_values(other) / self.v)

    def __neg__(self):
        return Noisy(-self.v, self.mc)  # exact

    def __pow__(self, exponent):
        if exponent == 2:
            return self * self
        if isinstance(exponent, int) and exponent > 2:
            return self ** (exponent - 1) * self
        if isinstance(exponent, int) and exponent < 0:
            return 1 / self ** -exponent
        raise ValueError(f"Monte Carlo arithmetic has no power {exponent!r}")

    def __le__(self, other):
        return self.v <= _values(other)

    def __gt__(self, other):
        return self.v > _values(other)
