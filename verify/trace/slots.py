"""What each number of a line shape stands for, read from the text around it, as a person reads it.

The text before a number names it (``loss = 0.29``, ``| Total Error | 0.29 |``,
``w5: tensor(0.35, dtype=torch.float64)``); wrappers (``np.float64(``,
``tensor(``, ``Decimal('``), quotes and keyword arguments are not names. Several
numbers after one name are a list, named by position (``Output: [0.75, 0.77]``
gives ``Output[1]`` and ``Output[2]``); a name printed twice on a line is
indexed in printed order (``O: 0.75  O: 0.77``). A group opened after a value
is a remark about it (``loss 0.29 (29%)``, ``out_o1: 0.75 (target 0.01)``). A
word right after a number is its unit (``2ms/step``, ``1000 iterations``), and
``1000/10000`` is a progress counter: the iteration, out of the total.

A shape is one of three kinds:

- ``row``: numbers and separators only (``0,0.2983,0.7514``, ``| 0 | 0.29 |``),
  named by the header printed above it, by ``--columns``, or by position;
- ``header``: one iteration label and decoration (``=== T = 1000 ===``,
  ``--- epoch 5 ---``, ``Epoch 5/100``): it labels the lines below it;
- ``text``: anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import LABEL_WORDS, SLOT

UNIT_LABELS = frozenset({"iteration", "iterations", "iter", "iters", "epoch", "epochs", "step", "steps", "updates",
                         "rounds", "次", "轮", "次迭代"})
_UNIT = re.compile(r"^[A-Za-z%µ\u4e00-\u9fff][A-Za-z%µ/\u4e00-\u9fff]*")
_UNIT_WORD = re.compile(r"^ (?P<unit>[A-Za-z]+)(?=\s*[:=,;|)\]]|\s*$)")  # "1000 iterations: 0.0011"
_PREPOSITIONS = ("after", "at", "for", "in", "@", "on", "of")
_WRAPPER = re.compile(r"[A-Za-z_][\w.]*\(\s*['\"]?$|['\"]$")  # np.float64( tensor([ Decimal(' , before a value
_KEYWORD = re.compile(r"\b[A-Za-z_]\w*=(?:[A-Za-z_][\w.]*|<[^>]*>|'[^']*'|\"[^\"]*\")")  # dtype=torch.float64
_STRONG = re.compile(r"[,;|{}\[\]()<>\"'：]|:\s|\s-\s|\s->?\s|=>")
_TRAILING = " \t:=：|,;\"'"
# A remark in brackets right after a name, of words only: (after training), [final], (new)
_REMARK = re.compile(r"(?<=[\w)\]])[ \t]*[(\[]([A-Za-z][A-Za-z _-]*)[)\]]$")
_AROUND = " \t:=：#-*>.'\""
_DECORATION = set("=-*#~_:|[]()<>+. \t") | {SLOT}
_ROW_CHARS = set(",;|\t []()'\"") | {SLOT}
_OPENERS = "([{"


@dataclass(frozen=True)
class Slot:
    name: str  # "" when nothing names it
    role: str  # "value", "counter" (an iteration out of a total), "total", "remark"
    unit: str = ""
    group: int = 0  # which list of values it belongs to (numbers of one name); 0 when it is alone
    position: int = 0  # its place in that list, from 1


@dataclass(frozen=True)
class Shape:
    text: str
    kind: str  # "row", "header", "text"
    slots: tuple[Slot, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """A display name per slot: its name, indexed where several numbers share it; #k for a nameless one."""
        seen: dict[str, int]
        found, seen = [], {}
        for k, slot in enumerate(self.slots):
            base = slot.name or f"#{k + 1}"
            if slot.role == "remark":
                base = f"{base} (remark)" if slot.name else f"#{k + 1} (remark)"
            elif slot.role == "total":
                base = f"{slot.name or '#' + str(k)} total"
            seen[base] = seen.get(base, 0) + 1
            found.append(base)
        counts = dict(seen)
        shared = {n for n, c in counts.items() if c > 1}
        index: dict[str, int] = {}
        named = []
        for base, slot in zip(found, self.slots):
            if base in shared or slot.position:
                index[base] = index.get(base, 0) + 1
                named.append(f"{base}[{slot.position or index[base]}]")
            else:
                named.append(base)
        return tuple(named)


def _name_of(before: str) -> tuple[str, bool]:
    """The name a stretch of text gives the number after it, and whether it opens a list or a group."""
    text = _KEYWORD.sub(" ", before)
    opened = False
    while True:
        stripped = text.rstrip(" \t")
        wrapper = _WRAPPER.search(stripped)
        if wrapper:
            text = stripped[:wrapper.start()]
            continue
        if stripped.endswith(tuple(_OPENERS)):
            opened = True
            text = stripped[:-1]
            continue
        break
    text = text.rstrip(_TRAILING)
    remark = _REMARK.search(text)
    if remark:  # "E_total (after training):", "Loss [final] =": the remark's words join the name's
        text = f"{text[:remark.start()]} {remark.group(1)}"
    pieces = _STRONG.split(text)
    if len(pieces) > 1 and not pieces[-1].strip(_AROUND) and text.endswith(">"):
        return pieces[-2].strip(_AROUND), opened  # "w5 -> 0.36", "loss => 0.29": an arrow from the name
    last = pieces[-1].strip(_AROUND)
    if len(pieces) > 1 and last.lower() in _PREPOSITIONS and pieces[-2].strip(_AROUND):
        # "Total Error (after 10,000 rounds): 0.00005": the words before the bracket name what is after it
        return f"{pieces[-2].strip(_AROUND)} {last}", opened
    return pieces[-1].strip(_AROUND), opened


def _leading_words(slot: Slot) -> str:
    """The words before an iteration label that name the value after it ("loss after epoch" gives "loss")."""
    words = slot.name.split()
    if not words or not (slot.role == "counter" or _is_label_word(slot.name)):
        return ""
    if _is_label_word(words[-1]):
        words.pop()
    while words and words[-1].lower() in _PREPOSITIONS:
        words.pop()
    return " ".join(words)


def _is_label_word(name: str) -> bool:
    words = name.lower().replace("_", " ").split()
    return bool(words) and (words[-1] in LABEL_WORDS or name in LABEL_WORDS or name.lower() in LABEL_WORDS)


def describe(shape: str) -> Shape:
    """The slots of a shape (see the module's docstring), named from its text alone."""
    parts = shape.split(SLOT)
    count = len(parts) - 1
    if count == 0:
        return Shape(shape, "text", ())
    units, befores = [], []
    for k in range(count):
        after = parts[k + 1]
        written = _UNIT.match(after)  # the unit written after the number, if any
        if written is None:
            word = _UNIT_WORD.match(after)
            written = word if word and word.group("unit").lower() in UNIT_LABELS else None
        units.append(written.group().strip() if written else "")
        if written:
            parts[k + 1] = after[written.end():]
    for k in range(count):
        befores.append(parts[k])
    if all(set(p) <= _ROW_CHARS for p in parts) and not any(units):
        return Shape(shape, "row", tuple(Slot("", "value") for _ in range(count)))
    slots: list[Slot] = []
    group, owner = 0, ""
    k = 0
    while k < count:
        name, opened = _name_of(befores[k])
        between = befores[k].strip()
        role, unit = "value", units[k]
        if k and between in ("/", "of") and slots[-1].role in ("value", "counter") and not units[k - 1]:
            previous = slots[-1]
            slots[-1] = Slot(previous.name, "counter", previous.unit, 0, 0)
            slots.append(Slot(previous.name, "total", unit))
            k += 1
            owner = ""
            continue
        if name:
            if unit and unit.lower() in UNIT_LABELS:
                role = "counter"
            slots.append(Slot(name, role, unit))
            group, owner = (group + 1, name) if opened else (0, name)
            if opened:
                slots[-1] = Slot(name, role, unit, group, 1)
            k += 1
            continue
        # A nameless number: a remark on the value before it, the next of a list, or a column of its own.
        remark = opened and k > 0 and not slots[-1].group
        leading = _leading_words(slots[-1]) if k else ""
        if leading:
            # "Total error after 1000 iterations: 0.0011", "loss after epoch 5: 0.2": the words before the
            # iteration name the value
            slots.append(Slot(leading, "value", unit))
            owner = ""
        elif remark:
            slots.append(Slot(slots[-1].name, "remark", unit))
        elif k and owner and not _is_label_word(owner) and slots[-1].role == "value" and \
                set(between) <= set(", ;\t" + ("[]()" if slots[-1].group else "")) and not slots[-1].unit:
            last = slots[-1]
            if not last.group:
                group += 1
                slots[-1] = Slot(last.name, last.role, last.unit, group, 1)
                last = slots[-1]
            slots.append(Slot(owner, "value", unit, last.group, last.position + 1))
        else:
            slots.append(Slot("", "counter" if unit.lower() in UNIT_LABELS else "value", unit))
            owner = ""
        k += 1
    kind = "header" if _is_header(parts, slots) else "text"
    return Shape(shape, kind, tuple(slots))


def _is_header(parts: list[str], slots: list[Slot]) -> bool:
    """One label, perhaps out of a total, with nothing but decoration around it: it labels the lines below."""
    values = [s for s in slots if s.role != "total"]
    if len(values) != 1:
        return False
    label = values[0]
    if not (label.role == "counter" or _is_label_word(label.name)):
        return False
    words = re.sub(r"[^\w\u4e00-\u9fff]+", " ", "".join(parts)).split()
    extra = [w for w in words if not _is_label_word(w) and w.lower() not in ("of", label.unit.lower())]
    return not extra or (len(extra) <= 1 and set("".join(parts)) & set("=-*#~"))  # type: ignore[return-value]


def split_row(line: str) -> list[str]:
    """A header line's names, cut as rows are: at commas, semicolons, tabs, bars, or else blanks."""
    text = line.strip().strip("|").strip()
    for separator in (",", ";", "\t", "|"):
        if separator in text:
            return [cell.strip().strip("'\"").strip() for cell in text.split(separator)]
    return [cell.strip("'\"") for cell in text.split()]
