"""Replay mistakes from a state of the truth: many mistakes, and many starting iterations, in one pass.

The reference's training graph is evaluated in ``Copies`` arithmetic (float64
with a trailing axis of copies, reference/arithmetic.py): copy ``j`` runs
mistake ``j`` (or none), switched on from iteration ``starts[j]``. Every stage
a mistake overrides computes the right value and the mistaken one, and each
copy keeps its own; everything downstream then follows per copy. Mistakes
that change the spec or the structure of the step are replayed on their own
(``Mistake.alone``).

A replay starts from the truth's state after ``first`` updates (the weights
of the golden trajectory, rounded to doubles); for optimizers with a memory
(momentum, Adam) it starts from the beginning, every copy right until its
mistake switches on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...reference import names
from ...reference.arithmetic import Copies
from ...reference.spec import Spec
from ...reference.training import Training
from ..mistakes.variants import Mistake
from ..truth import Truth


@dataclass(frozen=True, eq=False)
class Replay:
    """Values of the truth's quantities per copy: ``rows[k]`` is iteration ``first + k``; ``after`` the forward
    pass after the last iteration replayed."""
    first: int
    rows: np.ndarray  # steps x quantities x copies
    after: np.ndarray  # forward quantities x copies
    quantities: list[str]
    forward: list[str]

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1


def _with_copies(value: Any, n: int) -> Any:
    return np.repeat(np.asarray(value, dtype=np.float64)[..., None], n, axis=-1)


def _merge(active: np.ndarray, wrong: Any, right: Any) -> Any:
    """Per copy, the mistaken value where ``active``, else the right one (through lists and tuples)."""
    if isinstance(right, (list, tuple)):
        return type(right)(_merge(active, w, r) for w, r in zip(wrong, right))
    return np.where(active, wrong, right)


def mixture(spec: Spec, mistakes: list[Mistake | None], starts: np.ndarray) -> Training:
    """One training whose copy ``j`` makes mistake ``j`` (None: no mistake) from iteration ``starts[j]`` on.

    Each family of mistakes (verify/mistakes/variants.py) is evaluated once per stage for all the copies that
    make a mistake of it, each with its own parameter.
    """
    n = len(mistakes)
    families: dict[str, dict[Any, list[Any]]] = {}
    for j, mistake in enumerate(mistakes):
        if mistake is None or mistake.family is None:
            continue
        params = families.setdefault(mistake.method, {}).setdefault(mistake.family, [None] * n)
        params[j] = mistake.parameter
    namespace: dict[str, Any] = {}
    for name, used in families.items():
        masked = [(f, p, np.array([q is not None for q in p])) for f, p in used.items()]

        def method(self: Any, *args: Any, _name: str = name, _used: list[Any] = masked) -> Any:
            if len(_used) == 1 and self.active(_used[0][2]) is _used[0][2]:
                family, params, _ = _used[0]  # every copy of the family has switched its mistake on
                return family(self, params, *args)
            right = getattr(Training, _name)(self, *args)
            for family, params, mask in _used:
                active = self.active(mask)
                if active is not None:
                    right = _merge(active, family(self, params, *args), right)
            return right
        namespace[name] = method

    def active(self: Any, mask: np.ndarray) -> np.ndarray | None:
        """The copies of ``mask`` whose mistake is on at this iteration (None when none is): it changes only
        as the iteration passes a copy's start, so it is worked out again only then."""
        key = id(mask)
        if key not in self.actives:
            on = mask & (self.iteration >= self.starts)
            self.actives[key] = mask if (on == mask).all() else on if on.any() else None
        found: np.ndarray | None = self.actives[key]
        return found

    def step(self: Any) -> Any:
        if self.iteration in self.switches:
            self.actives = {}
        found = Training.step(self)
        self.iteration += 1
        return found

    namespace["step"] = step
    namespace["active"] = active
    training: Any = type("Mixture", (Training,), namespace)(spec, Copies(n))
    training.iteration = 0
    training.starts = np.asarray(starts, np.int64)
    training.switches = {0, *(int(s) for s in training.starts)}
    training.actives = {}
    return training  # type: ignore[no-any-return]  # a subclass of Training made here


def state(truth: Truth, updates: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The truth's weights and biases after ``updates`` updates, as doubles, layer by layer."""
    spec = truth.spec
    if updates == 0:
        return ([np.array([[float(w) for w in row] for row in m]) for m in spec.weight_layers],
                [np.array([float(b) for b in layer]) for layer in spec.bias_layers])
    row = truth.trajectory[updates - 1]
    column = {q: k for k, q in enumerate(truth.quantities)}
    flat = iter(row[column[f"{w}_new"]] for w in names.weight_names(spec))
    W = [np.array([[next(flat) for _ in r] for r in m]) for m in spec.weight_layers]
    if spec.train_biases:
        biases = iter(row[column[f"{b}_new"]] for b in names.bias_names(spec))
        b = [np.array([next(biases) for _ in layer]) for layer in spec.bias_layers]
    else:
        b = [np.array([float(v) for v in layer]) for layer in spec.bias_layers]
    return W, b


# Given the replay so far (its rows up to an iteration at which values were printed), whether some copy may
# still reproduce every value printed up to there; when none may, the replay stops.
Hope = Callable[["Replay"], bool]


def run(training: Training, own: Spec, steps: int, truth_quantities: list[str],
        stop: Callable[[np.ndarray, int], bool] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``steps`` iterations of ``training``: the truth's quantities per step and copy, and the forward pass after.
    ``stop(rows, k)``, asked after step k, ends the run early: the rows after it, and the pass after, are NaN."""
    A = training.A
    mine = names.quantities(own)
    index = [mine.index(q) if q in mine else -1 for q in truth_quantities]
    n = getattr(A, "n", 1)
    rows = np.full((steps, len(truth_quantities), n), np.nan)
    present = [i for i, j in enumerate(index) if j >= 0]
    # biases the truth trains and the mistake does not: printed, they stay at their values, and their gradients
    # are those the step computes anyway
    biases = {q: k for k, q in enumerate(f"{b}_new" for b in names.bias_names(own))}
    fixed = [(i, biases[q]) for i, q in enumerate(truth_quantities) if index[i] < 0 and q in biases]
    slopes = {q: k for k, q in enumerate(f"dE_d{b}" for b in names.bias_names(own))}
    computed = [(i, slopes[q]) for i, q in enumerate(truth_quantities) if index[i] < 0 and q in slopes]
    with A:
        for k in range(steps):
            step = training.step()
            values = np.asarray(step.row(A, own.train_biases), dtype=np.float64).reshape(len(mine), n)
            rows[k, present] = values[[index[i] for i in present]]
            if fixed:
                kept = np.asarray(A.flat(training.b), dtype=np.float64).reshape(-1, n)
                rows[k, [i for i, _ in fixed]] = kept[[j for _, j in fixed]]
            if computed:
                gradient = np.asarray(A.flat(step.db), dtype=np.float64).reshape(-1, n)
                rows[k, [i for i, _ in computed]] = gradient[[j for _, j in computed]]
            if stop is not None and stop(rows, k):
                return rows, np.full((len(names.forward_quantities(own)), n), np.nan)
        last = training.step()
        after = np.asarray(A.flat([p.outs[-1] for p in last.passes] + [last.E_total]),
                           dtype=np.float64).reshape(-1, n)
    return rows, after


def _stopping(truth: Truth, first: int, begin: int, hope: tuple[set[int], Hope] | None
              ) -> Callable[[np.ndarray, int], bool] | None:
    """``run``'s stop from ``hope``: at each of its iterations, the replay so far is judged."""
    if hope is None:
        return None
    at, judge = hope
    forward = names.forward_quantities(truth.spec)

    def stop(rows: np.ndarray, k: int) -> bool:
        iteration = begin + k
        if iteration not in at or iteration < first:
            return False
        so_far = rows[first - begin:k + 1]
        after = np.full((len(forward), rows.shape[2]), np.nan)
        return not judge(Replay(first, so_far, after, truth.quantities, forward))
    return stop


def replay(truth: Truth, mistakes: list[Mistake | None], starts: np.ndarray, first: int, last: int,
           prepare: Callable[[Training], object] | None = None,
           hope: tuple[set[int], Hope] | None = None) -> Replay:
    """Iterations ``first`` to ``last`` of each copy (see the module's docstring); ``starts`` are absolute.
    ``prepare`` may change the training before it starts (a copy's starting weights, its learning rate).
    ``hope`` (iterations, judge) ends the replay at the first of those iterations where the judge finds that no
    copy can reproduce what was printed so far."""
    spec = truth.spec
    memory = spec.optimizer != "sgd"
    begin = 0 if memory else first
    training = mixture(spec, mistakes, np.asarray(starts) - begin)
    if begin:
        W, b = state(truth, begin)
        training.W = [_with_copies(w, len(mistakes)) for w in W]
        training.b = [_with_copies(v, len(mistakes)) for v in b]
    if prepare is not None:
        prepare(training)
    rows, after = run(training, spec, last + 1 - begin, truth.quantities, _stopping(truth, first, begin, hope))
    return Replay(first, rows[first - begin:], after, truth.quantities, names.forward_quantities(spec))


def replay_alone(truth: Truth, mistake: Mistake, first: int, last: int,
                 hope: tuple[set[int], Hope] | None = None) -> Replay | None:
    """One mistake that changes the spec or the step, from ``first`` (from 0 with an optimizer's memory)."""
    spec = truth.spec
    begin = 0 if spec.optimizer != "sgd" else first
    single = mistake.kind == "precision"
    try:
        training = mistake.training(spec)
    except (ValueError, ArithmeticError):
        return None
    own = training.spec
    if begin:
        W, b = state(truth, begin)
        if len(own.biases) != len(spec.biases):  # one bias per neuron, each started at its layer's value
            b = [np.repeat(v, size) if len(v) == 1 else v for v, size in zip(b, own.layers[1:])]
        shaped = (lambda a: np.asarray(a, np.float32)) if single else (lambda a: _with_copies(a, 1))
        training.W, training.b = [shaped(w) for w in W], [shaped(v) for v in b]
    try:
        rows, after = run(training, own, last + 1 - begin, truth.quantities, _stopping(truth, first, begin, hope))
    except (ValueError, ArithmeticError, FloatingPointError):
        return None
    return Replay(first, rows[first - begin:], after, truth.quantities, names.forward_quantities(spec))


__all__ = ["Replay", "mixture", "replay", "replay_alone", "state"]
