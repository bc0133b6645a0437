"""Which format a trace is in, decided from its first meaningful lines.

Lines are looked at one by one until one settles it:

* a JSON object naming a quantity or the label: ``jsonl``;
* a line of names (one at least known) followed by a row of as many numbers: ``csv``;
* a line with a known quantity and its number: ``name-value``;
* with ``columns=[...]``: the first row of that many numbers is ``columns``.

Lines before that (banners, chatter) are ignored. Two rows of bare numbers
with no header and no ``columns=`` are refused: nothing says what they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .batch import show
from .errors import TraceError
from .names import Lexicon
from .numbers import is_value
from .pairs import known_pair, separator_of, split_pairs
from .rows import SEPARATORS, Layout, columns_layout, fields, header_layout, json_object

FORMATS = ("name-value", "csv", "jsonl", "columns")
# A deciding line holds a number, a JSON object or a name:value pair (possibly with a bad value).
_DECISIVE = re.compile(r"[0-9{:=]|(?i:nan|inf)")


@dataclass(frozen=True)
class Decision:
    format: str
    separator: str | None = None  # name-value: the fast path's separator (None: every line read one by one)
    layout: Layout | None = None  # csv and columns
    header: int | None = None  # csv: the number of the header line


class Detector:
    def __init__(self, lexicon: Lexicon, forced: str | None, columns: list[str] | None):
        self.lexicon, self.forced, self.columns = lexicon, forced, columns
        self.previous: tuple[int, str] | None = None  # the last non-blank line
        self.unknown: dict[str, int] = {}  # names seen on pair lines, for the diagnosis if nothing is found
        self.unnamed_header: tuple[int, list[str]] | None = None
        self.meaningful = 0

    def _may(self, fmt: str) -> bool:
        return self.forced in (None, fmt)

    def look(self, number: int, line: str) -> Decision | None:
        text = line.strip()
        if not text:
            return None
        self.meaningful += 1
        previous, self.previous = self.previous, (number, text)
        if not _may_decide(text):
            return None
        if self.columns is not None:
            layout = columns_layout(self.columns, text, self.lexicon)
            return Decision("columns", layout=layout) if layout else None
        if self._may("jsonl") and text.startswith("{"):
            found = json_object(text)
            if found is not None and (self.forced or any(self.lexicon.column(k.strip()) is not None
                                                         for k in found)):
                return Decision("jsonl")
        if previous is not None and self._may("csv"):
            layout = header_layout(previous[1], text, self.lexicon)
            if layout is not None:
                return Decision("csv", layout=layout, header=previous[0])
            if self.unnamed_header is None:
                unnamed = header_layout(previous[1], text, self.lexicon, known=False)
                if unnamed is not None:
                    self.unnamed_header = (previous[0], list(unnamed.names))
        if self._may("name-value"):
            decision = self._pairs(text)
            if decision is not None:
                return decision
        if self.forced is None and previous is not None and _numbers_only(text, previous[1]):
            raise self._no_names(number, text)
        return None

    def _pairs(self, text: str) -> Decision | None:
        single = known_pair(text, self.lexicon)
        if single is not None:
            separator = separator_of(text, self.lexicon)
            # "E_total: 0.29x" is a trace with a bad value; "E_total iteration" may be a header.
            if single[1] != self.lexicon.label and (is_value(single[2]) or separator != " "):
                return Decision("name-value", separator=separator)
            return None
        pairs = split_pairs(text) or []
        columns = [self.lexicon.column(name) for name, _ in pairs]
        if any(c is not None and c != self.lexicon.label for c in columns):
            return Decision("name-value")
        for (name, _), column in zip(pairs, columns):
            if column is None and (name in self.unknown or len(self.unknown) < 100):
                self.unknown[name] = self.unknown.get(name, 0) + 1
        return None

    def _no_names(self, number: int, text: str) -> TraceError:
        if self.unnamed_header is not None:
            return self.unknown_header()
        return TraceError("no-names", f"line {number} and the one before are rows of bare numbers "
                          f"({show(text)}) and nothing names them: print a header line of names, or "
                          "name the columns (columns=[...], for example iteration E_total)")

    def unknown_header(self) -> TraceError:
        number, names = self.unnamed_header
        return TraceError("unknown-name", f"line {number} is a header naming none of the example's "
                          f"quantities: {', '.join(map(self.lexicon.describe, names))}; print the golden names "
                          f"({', '.join(self.lexicon.quantities[:3])}, ...) or map yours (--name 'loss=E_total')")

    def undecided(self, lines: int, example: str | None) -> TraceError:
        """Why nothing was read, once the whole output has been looked at."""
        if self.meaningful == 0:
            if lines == 0:
                return TraceError("empty", "the program printed nothing on standard output")
            return TraceError("empty", f"the program printed {lines:,} blank lines and nothing else")
        if self.unnamed_header is not None:
            return self.unknown_header()
        if self.unknown:
            seen = sorted(self.unknown.items(), key=lambda item: -item[1])[:6]
            listed = ", ".join(f"{self.lexicon.describe(n)} ({t:,}x)" for n, t in seen)
            example = f"--name '{seen[0][0]}=E_total'" if "E_total" in self.lexicon.quantities else \
                f"--name '{seen[0][0]}=GOLDEN_NAME'"
            return TraceError("unknown-name", f"none of the example's quantities is in the trace; it names "
                              f"{listed}: print the golden names ({', '.join(self.lexicon.quantities[:3])}, ...) "
                              f"or map yours (for instance {example})")
        if self.columns is not None:
            return TraceError("garbage", f"no line is a row of {len(self.columns)} numbers, as columns= "
                              f"says ({', '.join(self.columns)}); first line: {show(example or '')}")
        wanted = {"csv": "a CSV header followed by rows of numbers", "jsonl": "a JSON object per line",
                  "name-value": "name:value pairs", None: "name:value pairs, CSV or JSON lines"}[self.forced]
        return TraceError("garbage", f"no trace in the {lines:,} lines printed: none is {wanted}; "
                          f"first line: {show(example or '')}")


def _may_decide(text: str) -> bool:
    """False for a line that cannot settle the format whatever came before (most chatter): a quick test."""
    return _DECISIVE.search(text) is not None


def _numbers_only(text: str, previous: str) -> bool:
    """Both lines are rows of the same number of numbers."""
    for separator in SEPARATORS:
        row, before = fields(text, separator), fields(previous, separator)
        if len(row) == len(before) and all(map(is_value, row)) and all(map(is_value, before)):
            return True
    return False
