"""A line as a person reads it: text with numbers in it. Each line becomes its shape and its numbers.

The shape of a line is its text with every number replaced by a slot mark, runs
of blanks squeezed, progress bars and terminal colours taken out: lines of one
shape (the same text, other numbers) are records of one kind. ``shapes`` does
this for a whole batch of lines at once, with a few passes of compiled regular
expressions over the batch's text, so that a long trace or a flood of chatter
costs little per line.

A number stands on its own: not inside a word (``w1``, ``float64``, ``out_o1``
hold no number), an optional sign, digits with an optional point, an optional
exponent (``-0.5``, ``.5``, ``5.``, ``1e-5``, ``1E+05``), or a whole number
grouped by thousands between blanks (``1,000``). It may carry a unit
right after it (``2ms/step``, ``900.00it/s``, ``29%``). ``nan``, ``inf``,
``-Infinity`` and the like are values too, not finite ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import repeat

# Words that label an iteration: "epoch 5: 0.29" gives the loss of epoch 5 (elsewhere, "output 1: 0.75" names
# the value "output 1").
LABEL_WORDS = frozenset({"iteration", "iterations", "iter", "iters", "it", "epoch", "epochs", "step", "steps",
                         "round", "rounds", "t", "n", "i", "k", "e", "ep", "generation", "gen", "cycle", "update",
                         "updates", "迭代", "轮", "次", "迭代次数", "训练次数", "第",
                         # German, Spanish, French, Italian
                         "epoche", "época", "epoca", "époque", "iteración", "iteracion", "itération", "iterazione",
                         "schritt"})
SLOT = "\x00"  # the mark of a number in a shape; a NUL the program printed is taken out first

_FINITE = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NON_FINITE = (r"[+-]?(?:(?i:nan)(?:\([0-9A-Za-z_]*\))?(?![A-Za-z])|(?i:inf(?:inity)?)(?![A-Za-z])"
               r"|[0-9]\.#(?:INF|IND|QNAN|SNAN)[0-9]*|∞)"
               # a value never computed, where a value is given ("loss = None"): read as NaN, so it fails
               r"|(?:(?<=[:=])|(?<=[:=] ))(?:None|null|NULL|undefined|nil)(?![A-Za-z])")
# Not after an ASCII word character or a point: w1, float64, 1.2.3 hold no number after their first part
# (after other letters they do: 第1000次 holds 1000).
# A whole number grouped by thousands (``Epoch  1,000 |``): only between blanks, or at a line's start before one,
# so that a row of comma-separated values (``5,100``) stays two numbers.
_GROUPED = (r"(?:(?<=[ \t(\[/:=#])|(?m:^)(?=[1-9][0-9]{0,2}(?:,[0-9]{3})+[ \t]))"
            r"[1-9][0-9]{0,2}(?:,[0-9]{3})+(?![0-9,]|\.[0-9])")
NUMBER = re.compile(rf"(?<![A-Za-z0-9_.\x1a])(?:{_GROUPED}|{_FINITE}(?!\.?[0-9]|\.?#|\x1a)|{_NON_FINITE}(?!\x1a))")
_NUL = "\x1a"  # a NUL the program printed: kept (as SUB) so that a number it touches is no number
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
                   r"|[\x00\x07\x08\x0b\x0c\x0e-\x19\x1c-\x1f\x7f]")
# Progress bars: a run of bar characters in brackets or between bars (tqdm, Keras, hand-made).
_BAR = re.compile(r"\[[#=>.\-*~_ \u2580-\u259f\u2500-\u257f]*\]"
                  r"|\| *[#=\u2580-\u259f\u2500-\u257f][#=>.\- \u2580-\u259f\u2500-\u257f]*\|"
                  r"|(?<=%)\| *\|")  # tqdm's bar, empty at the start
_BLANKS = re.compile(r"[ \t]+")


def clean(text: str) -> str:
    """Terminal colours and control characters taken out (tabs, newlines and carriage returns kept; a NUL kept as a
    mark that no number may touch)."""
    if "\x00" in text:
        text = text.replace("\x00", _NUL)
    return _ANSI.sub("", text) if ("\x1b" in text or _has_controls(text)) else text


def _has_controls(text: str) -> bool:
    return any(c in text for c in "\x00\x07\x08\x0b\x0c\x7f") or re.search(r"[\x0e-\x1a\x1c-\x1f]", text) is not None


@dataclass(frozen=True)
class Batch:
    """The shapes of a batch of lines and their numbers, in order: line k has ``counts[k]`` numbers."""
    shapes: list[str]  # stripped, blanks squeezed, bars as "[]"
    counts: list[int]
    numbers: list[str]  # every number's text, line after line


# A small whole number between a word and a colon, before a value: part of the value's name ("Output 1: 0.75",
# "weight 5 = 0.35"), unless the word labels an iteration.
_INDEXED = re.compile(r"(?<![\w.])([A-Za-z]+) ([0-9]{1,3})(?=[ \t]*[:=][ \t]*[-+.0-9])")


def _index(found: re.Match[str]) -> str:
    word, number = found.groups()
    return found.group() if word.lower() in LABEL_WORDS else f"{word}_{number}"


def shapes(lines: list[str]) -> Batch:
    """The shape of each line (as above) and its numbers' texts."""
    text = clean("\n".join(lines))
    if " " in text and (":" in text or "=" in text):
        text = _INDEXED.sub(_index, text)
    if "|" in text or "[" in text:
        text = _BAR.sub(lambda m: "[]" if m.group().startswith("[") else "|", text)
    numbers = NUMBER.findall(text)
    if "," in text:
        numbers = [n.replace(",", "") if "," in n else n for n in numbers]
    marked = NUMBER.sub(SLOT, text) if numbers else text
    if "\t" in marked or "  " in marked:
        marked = _BLANKS.sub(" ", marked)
    found = list(map(str.strip, marked.split("\n")))
    return Batch(found, list(map(str.count, found, repeat(SLOT))), numbers)


def numbers_of(line: str) -> list[str]:
    """The numbers' texts of one line, as ``shapes`` finds them."""
    return [n.replace(",", "") for n in NUMBER.findall(_INDEXED.sub(_index, clean(line)))]
