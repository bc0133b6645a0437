"""The name-value format: ``name:value``, ``name = value`` or ``name value`` lines, or several pairs on a line.

A line is read in two steps. If it is one name the reader knows, one
separator (``:``, ``=`` or blanks) and one token, that is its pair (so mapped
names may hold spaces or digits). Otherwise it is cut at every number standing
on its own (``Epoch 100: loss = 0.0123`` gives ``Epoch`` 100 and ``loss``
0.0123); it is a pair line only if every number then has a name before it and
nothing but separators follows the last one. Any other line is not part of the
trace (chatter, banners, object dumps).

``read_batch`` takes a fast path for the lines that are exactly one known name,
the trace's separator and a number, nearly every line of a real trace, and
reads the rest one by one.
"""

from __future__ import annotations

import re
from itertools import repeat

import numpy as np

from .batch import Collector, Entries, Tally, check_labels
from .names import Lexicon
from .numbers import NON_FINITE, NUMBER, Numbers, is_value

_token = re.compile(rf"(?<![^\s:=,;])(?:{NUMBER}|{NON_FINITE})(?![^\s:,;])")
_NOT_IN_NAMES = re.compile(r"[\[\]{}<>\"'`=]")
_BETWEEN = " \t,;|:-"  # what may separate a number from the next name
_SINGLE = re.compile(r"[^\s;:=]+")  # a value that is one token (a decimal comma included: an error)
# A progress counter, "1000/10000" or "[1000/10000]" as training loops print it: the iteration, out of the total.
_PROGRESS = re.compile(r"\[?\s*(\d+)\s*/\s*\d+\s*\]?")
_LEADING_COUNT = re.compile(r"^\[?\s*(\d+)\s*\]?(?=[\s,:;|-])")


def known_pair(line: str, lexicon: Lexicon) -> tuple[str, int, str] | None:
    """(name, column, value) when the line is a known name, a separator and a single token.

    The token of a quantity may be anything (a bad value is an error); that of
    the label must be a number ("Epoch 1/100" is chatter).
    """
    for sep in (":", "=", None):
        if sep is None:
            parts = line.rsplit(None, 1)
            name, value = parts if len(parts) == 2 else ("", "")
        else:
            name, found, value = line.partition(sep)
            if not found:
                continue
            name, value = name.strip(), value.strip()
        column = lexicon.column(name)
        if column is not None and _SINGLE.fullmatch(value) and (column != lexicon.label or is_value(value)):
            return name, column, value
    return None


def split_pairs(line: str, label: str = "iteration") -> list[tuple[str, str]] | None:
    """The (name, value text) pairs of a stripped line, or None when the line is not made of pairs.

    A progress counter stands for its first number ("Epoch 1000/10000 - loss: 0.0011" gives Epoch 1000 and
    loss 0.0011), and a whole number opening the line without a name is the iteration ("[1000/10000] loss: ...").
    A counter with no value after it ("Epoch 1/100" on a line of its own, as Keras prints it) is chatter.
    """
    counted = _PROGRESS.search(line) is not None
    line = _PROGRESS.sub(r" \1 ", line).strip()
    opening = _LEADING_COUNT.match(line)
    if opening:
        line = f"{label} {opening.group(1)}{line[opening.end():]}"
    pairs, start = [], 0
    for match in _token.finditer(line):
        name = line[start:match.start()].lstrip(_BETWEEN).rstrip(" \t:=")
        if not name or _NOT_IN_NAMES.search(name):
            return None
        pairs.append((name, match.group()))
        start = match.end()
    if not pairs or line[start:].strip(" \t,;") or (counted and len(pairs) == 1):
        return None
    return pairs


def separator_of(line: str, lexicon: Lexicon) -> str | None:
    """The separator of a line that is one known pair: ':', '=' or ' ' (blanks); None otherwise."""
    found = known_pair(line.strip(), lexicon)
    if found is None:
        return None
    rest = line.strip()[len(found[0]):].lstrip()
    return rest[0] if rest[:1] in (":", "=") else " "


def read_line(line: str, k: int, collector: Collector, tally: Tally) -> None:
    """Add the pairs of line ``k`` of the batch, or tally it as ignored."""
    text = line.strip()
    lexicon = tally.lexicon
    pair = known_pair(text, lexicon) if text else None
    if pair is not None:
        collector.add(k, pair[1], pair[2], pair[0])
        return
    pairs = split_pairs(text) if text else None
    if pairs is None:
        tally.ignore(collector.first + k, line)
        return
    for name, value in pairs:
        column = lexicon.column(name)
        if column is None:
            tally.unknown_name(name)
        else:
            collector.add(k, column, value, name)


def read_slowly(lines: list[str], which, first: int, tally: Tally) -> Entries:
    collector = Collector(tally, first)
    for k in which:
        read_line(lines[k], k, collector, tally)
    return collector.entries()


def read_batch(lines: list[str], first: int, separator: str | None, tally: Tally) -> Entries:
    """The entries of a batch of lines; ``first`` is the number of its first line."""
    fast = _fast(lines, first, separator, tally.lexicon) if separator else None
    if fast is None:
        return read_slowly(lines, range(len(lines)), first, tally)
    entries, rest = fast
    if len(rest) == 0:
        return entries
    return Entries.joined([entries, read_slowly(lines, rest.tolist(), first, tally)])


def _fast(lines: list[str], first: int, separator: str, lexicon: Lexicon):
    """(entries, indices of the lines left for read_line), or None when a value needs a diagnosis."""
    count = len(lines)
    if separator == " ":
        split = [line.split() for line in lines]
        where = [k for k, parts in enumerate(split) if len(parts) == 2]
        names = [split[k][0] for k in where]
        texts = [split[k][1] for k in where]
    else:
        seps = list(map(str.count, lines, repeat(separator)))
        if seps.count(1) == count:
            where, picked = range(count), lines
        else:
            where = [k for k, n in enumerate(seps) if n == 1]
            picked = [lines[k] for k in where]
        # With exactly one separator per line, joining and splitting on it alternates names and values.
        tokens = separator.join(picked).split(separator) if picked else []
        names = list(map(str.strip, tokens[0::2]))
        texts = list(map(str.strip, tokens[1::2]))
    columns = np.fromiter(map(lexicon.exact.get, names, repeat(-1)), np.int64, len(names))
    where = np.asarray(where, np.int64)
    if (columns < 0).any():
        keep = np.flatnonzero(columns >= 0)
        columns, where = columns[keep], where[keep]
        texts = [texts[k] for k in keep.tolist()]
    found = Numbers(texts)
    if found.bad >= 0:
        return None
    labels = np.flatnonzero(columns == lexicon.label)
    if len(labels):
        check_labels([texts[k] for k in labels.tolist()], where[labels], first)
    rest = np.setdiff1d(np.arange(count), where, assume_unique=True) if len(where) < count else where[:0]
    return Entries(where, columns, found.values, found.half_exponents), rest
