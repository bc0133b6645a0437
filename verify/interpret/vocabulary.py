"""The names people print, and the quantities of the truth they can stand for.

A printed name is read the way a person reads it: the golden names
(``E_total``, ``out_o1``, ``dE_dw5``, ``w5_new``) in any spelling of case,
blanks and underscores; ``loss``, ``error``, ``cost``, ``E``, ``mse`` or any
phrase holding one (``Total Error``, ``the loss is``, ``误差``) for the loss;
``o1``, ``y1``, ``output1`` for an output; ``w5``, ``W5``, ``weight 5`` for a
parameter; ``dE/dw5``, ``grad_w5``, ``dw5`` for a gradient; a list after
``output``, ``out``, ``y`` or ``weights``, and a name repeated down a record
(``Weight`` eight times), by position. Words like ``before``, ``initial``,
``final`` or ``after one update`` say when a value was printed. Nothing here
decides: ``candidates`` proposes, and the interpretation checks the proposal
against the printed values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LOSS_WORDS = frozenset({"loss", "error", "err", "cost", "e", "mse", "etotal", "e_total", "total", "objective",
                        "误差", "损失", "代价", "总误差",
                        "verlust", "fehler", "perdida", "pérdida", "perte", "erreur", "perdita", "errore"})
OUTPUT_LISTS = frozenset({"output", "outputs", "out", "outs", "o", "y", "yhat", "y_hat", "ŷ", "pred", "preds",
                          "prediction", "predictions", "a", "activation", "activations", "result", "results",
                          "输出", "预测"})
WEIGHT_LISTS = frozenset({"weights", "weight", "w", "params", "parameters", "权重"})
# Words that say when or which, not what: "final weights" is a list of weights, "outputs after training" one of
# outputs (the moment is read from them apart, by ``moment``).
QUALIFIERS = frozenset({"final", "initial", "init", "trained", "learned", "learnt", "new", "updated", "current",
                        "last", "first", "start", "starting", "end", "the", "after", "before", "training", "update",
                        "one", "step", "of", "network", "model", "最终", "初始"})
HIDDEN = re.compile(r"^(?:out_?)?h(?:idden)?_?\d+$|^(?:net|net_h|net_o)_?\w*$", re.I)
_OUTPUT = re.compile(r"^(?:out_?o|o|y|yhat|y_hat|output|out|pred|prediction|a_?o)_?(\d+)$", re.I)
_WEIGHT = re.compile(r"^(?:w|weight|weight_|w_)\s*_?(\d+)(?:_?(?:new|old|updated|after|next)|\+|')?$", re.I)
_BIAS = re.compile(r"^(?:b|bias)_?(\d+)(?:_?(?:new|old|updated|next)|\+|')?$", re.I)
# dE_dw5, dE/dw5, dE_total/dw5, ∂E/∂w5, ∂E_total/∂w5, dL_dw5, grad_w5, gradient w5 ("gradient of w5"), dw5, g_w5
_GRADIENT = re.compile(r"^(?:[d∂](?:e|l|loss|etotal|e_total|error)?(?:_?d|/[d∂]|_?∂)|grad_?|gradient_?|d|g_?|dedw_?)"
                       r"\s*_?(w|b)_?(\d+)$", re.I)
# Words that say a parameter printed is the one after its update ("w5_new", "new w5", "w5 after update", "w5+")
_NEW = re.compile(r"(?:\b|_)(?:new|updated|after|next)\b|\+$|'$", re.I)
# What programs print beside the example's quantities and never is one of them, whatever its value
_OTHER = re.compile(r"^(?:acc|accuracy|lr|learning[ _]?rate|time|elapsed|seconds?|secs?|ms|eta|speed|it/s|s/it"
                    r"|duration|took|mem|memory)$", re.I)
_MOMENTS = (
    ("first-update", re.compile(r"after (?:the )?(?:first|one|1|a single) (?:update|step|iteration|epoch|round)"
                                r"|after 1st", re.I)),
    ("initial", re.compile(r"\b(?:before|initial|init|start|starting|untrained|original)\b|训练前|初始", re.I)),
    ("final", re.compile(r"\b(?:final|after training|trained|end|finished|last|result)\b|训练后|最终", re.I)),
)


@dataclass(frozen=True)
class Candidate:
    quantity: str
    how: str  # "golden name", "usual name", "position"


def squeezed(name: str) -> str:
    return "".join(c for c in name.lower() if c not in "_- .:/\\'\"")


def moment(name: str) -> str | None:
    """When the words of a name say the value was printed: initial, first-update or final (None: no word)."""
    for which, pattern in _MOMENTS:
        if pattern.search(name):
            return which
    return None


def _base(name: str) -> tuple[str, int | None]:
    """A column's name without its index (``Output[2]`` gives ``Output`` and 2)."""
    found = re.fullmatch(r"(.*?)\[(\d+)\](?:\[(\d+)\])?", name)
    if found:
        return found.group(1).strip(), int(found.group(2))
    return name.strip(), None


def candidates(name: str, quantities: list[str], outputs: list[str], weights: list[str]) -> list[Candidate]:
    """The quantities a printed column name can stand for, strongest first (empty: the name says nothing).

    ``quantities`` are the truth's, ``outputs`` its output columns in order (out_o1, out_o2, ...), ``weights``
    its trained parameters in order (w1, ..., b1, ...).
    """
    base, index = _base(name)
    # "out_o1 final", "w5 new", "E_total after training": the words of when are read apart (moment)
    base = " ".join(w for w in base.split() if w.lower() not in QUALIFIERS) or base
    squeeze = squeezed(base)
    golden = {squeezed(q): q for q in quantities}
    if index is None and squeeze in golden:
        return [Candidate(golden[squeeze], "golden name")]
    if index is None:
        for pattern, kind in ((_OUTPUT, "output"), (_WEIGHT, "weight"), (_BIAS, "bias"), (_GRADIENT, "gradient")):
            found = pattern.match(base.replace(" ", ""))
            if found:
                return _numbered(kind, found, quantities)
        words = re.findall(r"[^\W\d_]+", base.lower())
        loss = words and (any(w in LOSS_WORDS for w in words) or squeeze in LOSS_WORDS) and "E_total" in quantities
        if loss and not any(w in ("lr", "rate", "learning", "target", "targets") for w in words):
            return [Candidate("E_total", "usual name")]
        return []
    lowered = " ".join(w for w in re.findall(r"[^\W\d]+|[\u4e00-\u9fff]+", base.lower()) if w not in QUALIFIERS)
    if lowered in OUTPUT_LISTS and 1 <= index <= len(outputs):
        return [Candidate(outputs[index - 1], "position")]
    if lowered in WEIGHT_LISTS and 1 <= index <= len(weights):
        return [Candidate(f"{weights[index - 1]}_new", "position")]
    return []


def _numbered(kind: str, found: re.Match[str], quantities: list[str]) -> list[Candidate]:
    if kind == "output":
        q = f"out_o{found.group(1)}"
        return [Candidate(q, "usual name")] if q in quantities else []
    if kind in ("weight", "bias"):
        q = f"{'w' if kind == 'weight' else 'b'}{found.group(1)}_new"
        return [Candidate(q, "usual name")] if q in quantities else []
    q = f"dE_d{found.group(1).lower()}{found.group(2)}"
    return [Candidate(q, "usual name")] if q in quantities else []


def usual_names(outputs: list[str], weights: list[str]) -> list[str]:
    """Names people print a value right after, spelled out: the loss's words, and o1, y1, w5 by number (a decimal
    comma after one of them is refused, not read as two numbers)."""
    words = [w for w in LOSS_WORDS if len(w) > 1 and w.isascii()]
    words += [w.capitalize() for w in words]
    numbered = [f"{p}{k}" for k in range(1, len(outputs) + 1) for p in ("o", "y", "out", "output", "O", "Y")]
    numbered += [f"{p}{k}" for k in range(1, len(weights) + 1) for p in ("w", "W")]
    return words + numbered


def says_new(name: str) -> bool:
    """A parameter's name that says it was printed after its update."""
    return _NEW.search(name) is not None


def is_other(name: str) -> bool:
    """A name of something programs print that is no quantity of the example (accuracy, time, the rate)."""
    return _OTHER.match(_base(name)[0].strip()) is not None


def is_hidden(name: str) -> bool:
    """A hidden neuron's value (h1, out_h1, net_h2): printed by many programs, not part of the trajectory."""
    return HIDDEN.match(_base(name)[0].replace(" ", "")) is not None
