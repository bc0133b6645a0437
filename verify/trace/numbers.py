"""Decimal numbers as programs print them: which texts are numbers, their values and printed resolution.

A number is ASCII only: an optional sign, digits with an optional point (``5``,
``-0.5``, ``.5``, ``5.``), and an optional exponent (``1e-5``, ``1E+05``).
Python's ``float`` would also take ``1_000``, full-width or Arabic-Indic digits
and surrounding blanks; those are refused here. The spellings of NaN and
infinity that common languages print (``nan``, ``-NaN``, ``Infinity``,
``inf``, ``-nan(ind)``, ``1.#INF``) are recognised so that they are reported as
non-finite values rather than as garbage.

The resolution of a printed value is half a unit of its last printed digit,
``5 * 10**(exponent - digits_after_point - 1)``: 5e-10 for ``0.291027924``,
5e-08 for ``3.51e-05``. It is computed from the text's digits and exponent,
never from the (rounded) value.
"""

from __future__ import annotations

import re
from itertools import repeat

import numpy as np

NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
NON_FINITE = (r"[+-]?(?:(?i:nan)(?:\([0-9A-Za-z_]*\))?|(?i:inf(?:inity)?)|[0-9]\.#(?:INF|IND|QNAN|SNAN)[0-9]*|∞)"
              r"|None|null|NULL|undefined|nil")

_number = re.compile(NUMBER).fullmatch
_non_finite = re.compile(NON_FINITE).fullmatch
# Once every character is one of these, float() accepts exactly the grammar above.
_outside = re.compile(r"[^0-9.eE+\-]").search

# Half units 5e-400 ... 5e+400, each the double nearest to the decimal (correctly rounded by float()).
_LOW, _HIGH = -400, 400
_HALF_UNITS = np.array([float(f"5e{k}") for k in range(_LOW, _HIGH + 1)])


def is_number(text: str) -> bool:
    return _number(text) is not None


def is_non_finite(text: str) -> bool:
    return _non_finite(text) is not None


def is_value(text: str) -> bool:
    """A number or a spelling of NaN/infinity: something that stands where a value goes."""
    return _number(text) is not None or _non_finite(text) is not None


class Numbers:
    """The values of a list of number texts (already stripped), or the position of the first that is not one.

    ``bad`` is -1 when every text is a finite number; otherwise the index of the
    first text that is not a number or is not finite, and ``values`` and
    ``half_exponents`` are not computed.
    """

    __slots__ = ("values", "half_exponents", "bad")

    def __init__(self, texts: list[str]):
        self.values = self.half_exponents = None
        self.bad = -1
        count = len(texts)
        try:
            if _outside("".join(texts)):
                raise ValueError
            values = np.fromiter(map(float, texts), np.float64, count)
        except ValueError:  # a stray character, an empty text or a malformed number such as "1e" or "+-1"
            self.bad = next((k for k, text in enumerate(texts) if _number(text) is None), 0)
            return
        infinite = ~np.isfinite(values)  # a finite-looking text beyond float64, such as 1e999
        if infinite.any():
            self.bad = int(np.flatnonzero(infinite)[0])
            return
        self.values = values
        self.half_exponents = _half_exponents(texts, count)


def _half_exponents(texts: list[str], count: int) -> np.ndarray:
    """``exponent - digits_after_point - 1`` of each valid number text."""
    length = np.fromiter(map(len, texts), np.int64, count)
    point = np.fromiter(map(str.find, texts, repeat(".")), np.int64, count)
    joined = "".join(texts)
    marks = [np.fromiter(map(str.find, texts, repeat(e)), np.int64, count) for e in "eE" if e in joined]
    if not marks:
        return np.where(point >= 0, point - length, -1)
    mark = np.maximum.reduce(marks)
    scaled = np.flatnonzero(mark >= 0)
    after = (mark[scaled] + 1).tolist()
    powers = [texts[k][a:] for k, a in zip(scaled.tolist(), after)]
    exponent = np.zeros(count, np.int64)
    if max(map(len, powers)) > 7:  # the exponent's value, not its length: +00000000 is 0
        powers = [_bounded(p) for p in powers]
    exponent[scaled] = np.fromiter(map(int, powers), np.int64, len(powers))
    end = np.where(mark >= 0, mark, length)
    return exponent + np.where(point >= 0, point - end, -1)


def _bounded(power: str) -> str:
    """An exponent's text, its leading zeros dropped; beyond +-10**6 (where the half unit is 0 or infinite
    anyway) clamped there."""
    sign = "-" if power.startswith("-") else ""
    digits = power.lstrip("+-").lstrip("0") or "0"
    return sign + ("1000000" if len(digits) > 7 else digits)


# Spellings of NaN and infinity that float() does not take, as C libraries print them.
_ODD = {"nan(ind)": "nan", "#ind": "nan", "#qnan": "nan", "#snan": "nan", "#inf": "inf"}


def _non_finite_value(text: str) -> float:
    lowered = text.lower()
    sign = -1.0 if lowered.startswith("-") else 1.0
    return sign * np.inf if "inf" in lowered or "∞" in lowered else np.nan  # None, null: no value, NaN


def parse(texts: list[str], first: int = 1, lines: list[str] | None = None,
          counts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each number text's value (NaN or infinity for the non-finite ones, and for a number beyond float64)
    and the exponent of half a unit of its last printed digit (0 for a non-finite one)."""
    count = len(texts)
    try:
        values = np.fromiter(map(float, texts), np.float64, count)
    except ValueError:
        values = np.fromiter((_non_finite_value(t) if is_non_finite(t) else float(t) for t in texts), np.float64,
                             count)
    finite = np.isfinite(values)
    half = np.zeros(count, np.int64)
    if finite.all():
        half = _half_exponents(texts, count)
    elif finite.any():
        kept = np.flatnonzero(finite)
        half[kept] = _half_exponents([texts[k] for k in kept.tolist()], len(kept))
    return values, np.clip(half, -9999, 9999).astype(np.int16)


def half_units(half_exponents: np.ndarray) -> np.ndarray:
    """``5 * 10**k`` for each k as float64: 0 below 5e-400, infinity above 5e+400."""
    k = np.asarray(half_exponents, dtype=np.int64)
    units = _HALF_UNITS[np.clip(k, _LOW, _HIGH) - _LOW]
    units[k < _LOW] = 0.0
    units[k > _HIGH] = np.inf
    return units


def half_unit(text: str) -> float:
    """The resolution of one number text (see the module's docstring)."""
    found = Numbers([text])
    if found.bad >= 0:
        raise ValueError(f"not a finite number: {text!r}")
    return float(half_units(found.half_exponents)[0])  # type: ignore[arg-type]  # set when bad < 0
