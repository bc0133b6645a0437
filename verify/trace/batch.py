"""What reading a batch of lines yields: the values found, and the tally of what was passed over."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from .errors import TraceError
from .names import Lexicon
from .numbers import Numbers, is_non_finite, is_number

EXAMPLES = 5  # ignored lines kept as examples
SHOWN = 80  # characters of an example or of a line quoted in an error
MAX_UNKNOWN = 100  # distinct unknown names kept (a program could print a new name on every line)
_LABEL = re.compile(r"[+-]?[0-9]+(?:\.0*)?")


def show(text: str, limit: int = SHOWN) -> str:
    """A line quoted in a message: repr, cut to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


class Tally:
    """Lines passed over and names not recognised, shared by every part of one reader."""

    def __init__(self, lexicon: Lexicon, strict: bool):
        self.lexicon = lexicon
        self.strict = strict
        self.ignored = 0
        self.examples: list[tuple[int, str]] = []
        self.unknown: Counter[str] = Counter()

    def ignore(self, number: int, line: str) -> None:
        if self.strict:
            raise TraceError("garbage", f"line {number} is not part of the trace: {show(line)} (strict "
                             "reading: print nothing but the trace, or read without strict)")
        self.ignored += 1
        # Lines do not always come in order (those kept while the format was unknown come later): keep the first.
        if len(self.examples) < EXAMPLES or number < self.examples[-1][0]:
            self.examples.append((number, line if len(line) <= SHOWN else line[:SHOWN] + "..."))
            self.examples.sort()
            del self.examples[EXAMPLES:]

    def unknown_name(self, name: str, times: int = 1) -> None:
        if name in self.unknown or len(self.unknown) < MAX_UNKNOWN:
            self.unknown[name] += times


class Entries:
    """Values found in a batch, in print order: line (in the batch), column, value, half-unit exponent."""

    __slots__ = ("lines", "columns", "values", "half_exponents")

    def __init__(self, lines, columns, values, half_exponents):
        self.lines = np.asarray(lines, np.int64)
        self.columns = np.asarray(columns, np.int32)
        self.values = np.asarray(values, np.float64)
        # Half units below 5e-400 or above 5e+400 are all 0 or infinite: int16 holds every exponent that matters.
        self.half_exponents = np.clip(half_exponents, -9999, 9999).astype(np.int16)

    def __len__(self) -> int:
        return len(self.lines)

    @classmethod
    def empty(cls) -> Entries:
        return cls([], [], [], [])

    @classmethod
    def joined(cls, parts: list[Entries]) -> Entries:
        """Several parts of one batch, put back in line order (a line's own entries keep their order)."""
        parts = [p for p in parts if len(p)]
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return cls.empty()
        lines = np.concatenate([p.lines for p in parts])
        order = np.argsort(lines, kind="stable")
        return cls(lines[order], *(np.concatenate([getattr(p, a) for p in parts])[order]
                                   for a in ("columns", "values", "half_exponents")))


class Collector:
    """Builds Entries value by value, where lines are read one by one; the numbers are parsed together at the end."""

    def __init__(self, tally: Tally, first: int):
        self.tally, self.first = tally, first
        self.lines: list[int] = []
        self.columns: list[int] = []
        self.texts: list[str] = []
        self.names: list[str] = []  # as printed, for the messages

    def add(self, line: int, column: int, text: str, name: str) -> None:
        self.lines.append(line)
        self.columns.append(column)
        self.texts.append(text)
        self.names.append(name)

    def entries(self) -> Entries:
        """The values added; a one-line TraceError for the first that cannot be read."""
        if not self.texts:
            return Entries.empty()
        found = Numbers(self.texts)
        label = self.tally.lexicon.label
        if found.bad >= 0:
            k = found.bad
            check_value(self.texts[k], self.names[k], self.first + self.lines[k], self.columns[k] == label)
            raise AssertionError(f"check_value passed {self.texts[k]!r}, which Numbers refused")
        labels = [k for k, column in enumerate(self.columns) if column == label]
        check_labels([self.texts[k] for k in labels], [self.lines[k] for k in labels], self.first)
        return Entries(self.lines, self.columns, found.values, found.half_exponents)


def check_value(text: str, name: str, number: int, label: bool) -> None:
    """Raise the one-line error for a value that cannot be read (non-finite, not a number, bad label)."""
    if label:
        if _LABEL.fullmatch(text) is None:
            raise TraceError("not-a-number", f"line {number}: the iteration label {name} is {show(text)}, "
                             "not a whole number")
        return
    if is_number(text):
        if is_non_finite(str(float(text))):
            raise TraceError("non-finite", f"line {number}: the value of {name} is {show(text)}, beyond the "
                             "range of float64")
        return
    if is_non_finite(text):
        raise TraceError("non-finite", f"line {number}: {name} is {text} (not a finite number): the "
                         "computation diverged or a value was never set")
    raise TraceError("not-a-number", f"line {number}: the value of {name} is not a number: {show(text)} "
                     "(write ASCII decimals such as 0.25, -1.5e-05)")


def check_labels(texts: list[str], lines, first: int) -> None:
    """Every iteration label must be a whole number."""
    for text, line in zip(texts, lines):
        if _LABEL.fullmatch(text) is None:
            check_value(text, "iteration", first + line, True)
