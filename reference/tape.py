"""A step of Monte Carlo arithmetic written out as straight-line NumPy code, so that an envelope costs less.

An envelope runs the reference's training graph (reference/training.py) in
Monte Carlo arithmetic (reference/montecarlo.py) at every iteration: millions
of operations on arrays of a few dozen values, where the time goes to Python
(the graph's objects and calls), not to the arithmetic. From the second
iteration on, a step does the same operations on arrays of the same shapes
every time (the first one starts the optimizer's memory).

``rows`` runs the first iterations through the graph and records two of them
as they run (the arithmetic notes each operation). When both records agree,
the step is written out once as a Python function of plain NumPy calls and
run for every later iteration: the same operations on the same values, in
the same order, each multiplied by the same random factors (taken from the
same stream in the same order), so every sample is the same double as
through the graph. When the records do not agree, every iteration goes
through the graph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, cast

import numpy as np

from .montecarlo import WIDE, MonteCarlo, Noisy
from .training import Training


def _state(training: Training) -> list[object]:
    """The parameters and the optimizer's memory, flattened (Noisy values, or the numbers they start from)."""
    found: list[object] = [*training.W, *training.b]

    def leaves(value: object) -> None:
        if isinstance(value, tuple):
            for item in value:
                leaves(item)
        else:
            found.append(value)
    for key in training.state:
        leaves(training.state[key])
    return found


class _Program:
    """One recorded step as Python source, the constants it refers to, and its random factors' places."""

    def __init__(self, entries: list[tuple[Any, ...]], state_in: list[np.ndarray], state_out: list[object],
                 samples: int):
        self.names: dict[int, str] = {id(a): f"s{k}" for k, a in enumerate(state_in)}
        self.constants: list[object] = []
        self.factors: list[tuple[int, tuple[int, ...]]] = []  # (size, shape) of each rounded operation, in order
        self.lines: list[str] = []
        self.samples = samples
        self.row = ""
        for entry in entries:
            getattr(self, "_" + entry[0])(*entry[1:])
        outs = [self._ref(v) if isinstance(v, np.ndarray) else None for v in state_out]
        self.ok = self.row != "" and all(outs)
        self.lines.append(f"return {self.row}, ({''.join(o + ', ' for o in outs if o)})")
        arguments = ", ".join(f"s{k}" for k in range(len(state_in)))
        self.source = f"def step(V, K, {arguments}):\n" + "".join(f"    {line}\n" for line in _freed(self.lines))

    def _ref(self, value: object) -> str:
        if isinstance(value, np.ndarray) and id(value) in self.names:
            return self.names[id(value)]
        self.constants.append(value)
        name = f"K[{len(self.constants) - 1}]"
        if isinstance(value, np.ndarray):
            self.names[id(value)] = name
        return name

    def _define(self, array: np.ndarray) -> str:
        name = f"t{len(self.names)}"
        self.names[id(array)] = name
        return name

    def _round(self, name: str, array: np.ndarray, wide: bool = False) -> None:
        view = f"V[{len(self.factors)}]"
        self.factors.append((array.size, array.shape))
        self.lines += [f"{name} *= {'2 * ' + view + ' - 1' if wide else view}", f"{name} = {name}.astype(S).astype(W)"]

    def _binary(self, op: str, a: object, b: object, out: np.ndarray) -> None:
        left, right = self._ref(a), self._ref(b)
        name = self._define(out)
        self.lines.append(f"{name} = {left} {op} {right}")
        self._round(name, out)

    def _call(self, function: str, x: object, out: np.ndarray) -> None:
        argument = self._ref(x)
        name = self._define(out)
        if function == "sqrt":
            self.lines.append(f"{name} = np.sqrt({argument})")
            self._round(name, out)
        else:
            self.lines.append(f"{name} = np.{function}({argument}.astype(WIDE)).astype(W, copy=False)")
            self._round(name, out, wide=True)

    def _neg(self, x: object, out: np.ndarray) -> None:
        argument = self._ref(x)
        self.lines.append(f"{self._define(out)} = -{argument}")

    def _item(self, x: np.ndarray, index: object, out: np.ndarray) -> None:
        source, where = self._ref(x), self._ref(index)
        self.lines.append(f"{self._define(out)} = {source}[{where}]")

    def _set(self, target: np.ndarray, index: object, value: object) -> None:
        self.lines.append(f"{self._ref(target)}[{self._ref(index)}] = {self._ref(value)}")

    def _compare(self, op: str, a: object, b: object, out: np.ndarray) -> None:
        left, right = self._ref(a), self._ref(b)
        self.lines.append(f"{self._define(out)} = {left} {op} {right}")

    def _where(self, condition: object, a: object, b: object, out: np.ndarray) -> None:
        parts = ", ".join(self._ref(v) for v in (condition, a, b))
        self.lines.append(f"{self._define(out)} = np.where({parts})")

    def _stack(self, values: list[object], out: np.ndarray) -> None:
        parts = ", ".join(self._ref(v) if isinstance(v, np.ndarray) else
                          f"np.broadcast_to({self._ref(v)}, ({self.samples},))" for v in values)
        self.lines.append(f"{self._define(out)} = np.array([{parts}]).astype(W)")  # as np.stack, in less time

    def _zeros(self, shape: tuple[int, ...], out: np.ndarray) -> None:
        self.lines.append(f"{self._define(out)} = np.zeros({shape!r}, dtype=W)")

    def _flat(self, arrays: list[object], out: np.ndarray) -> None:
        parts = ", ".join(f"{self._ref(a)}.reshape(-1, {self.samples})" for a in arrays)
        self.row = self._define(out)
        self.lines.append(f"{self.row} = np.concatenate([{parts}]).astype(np.float64)")

    def signature(self) -> tuple[object, ...]:
        """What must agree between two records: the code, and the constants (arrays by identity)."""
        return (self.source, tuple(self.factors),
                tuple(("array", id(c)) if isinstance(c, np.ndarray) else ("value", repr(c)) for c in self.constants))


def _freed(lines: list[str]) -> list[str]:
    """``lines`` with each intermediate array deleted after its last use, as the graph lets go of its own: a large
    step then reuses the memory it has just freed instead of spreading over new memory."""
    last: dict[str, int] = {}
    for number, line in enumerate(lines):
        for name in re.findall(r"\bt\d+\b", line):
            last[name] = number
    ending: dict[int, list[str]] = {}
    for name, number in last.items():
        ending.setdefault(number, []).append(name)
    out = []
    for number, line in enumerate(lines[:-1]):
        out.append(line)
        if number in ending:
            out.append("del " + ", ".join(sorted(ending[number], key=lambda name: int(name[1:]))))
    return out + lines[-1:]


def _record(A: MonteCarlo, training: Training, step: Callable[[], np.ndarray]) -> tuple[np.ndarray, _Program | None]:
    """One iteration through the graph, recorded; its row, and its program (None when it cannot be replayed)."""
    state_in = _state(training)
    A.tape, A.unrecordable = [], False
    try:
        row = step()
        entries = A.tape
    finally:
        A.tape = None
    noisy = [v for v in state_in if isinstance(v, Noisy)]
    if A.unrecordable or len(noisy) != len(state_in):
        return row, None
    program = _Program(entries, [v.v for v in noisy], [v.v if isinstance(v, Noisy) else v for v in _state(training)],
                       A.samples)
    return row, program if program.ok else None


class _Replay:
    """A recorded step, compiled, run from a state (the arrays the step starts from) to the next."""

    def __init__(self, A: MonteCarlo, program: _Program, state: list[np.ndarray]):
        self.A, self.state = A, state
        self.total = sum(size for size, _ in program.factors)
        self.buffer = np.empty(self.total, dtype=A.work)
        views, at = [], 0
        for size, shape in program.factors:
            views.append(self.buffer[at:at + size].reshape(shape))
            at += size
        self.views, self.constants = views, program.constants
        namespace = {"np": np, "S": A.stored, "W": A.work, "WIDE": WIDE}
        exec(compile(program.source, "<recorded Monte Carlo step>", "exec"), namespace)  # the code _Program wrote
        self.function = cast(Callable[..., tuple[np.ndarray, tuple[np.ndarray, ...]]], namespace["step"])

    def __call__(self) -> np.ndarray:
        A = self.A
        if A._used + self.total > len(A._block):
            A._refill(self.total)  # the same stream of factors: refilling earlier changes none of them
        self.buffer[:] = A._block[A._used:A._used + self.total]
        A._used += self.total
        row, state = self.function(self.views, self.constants, *self.state)
        self.state = list(state)
        return row


def rows(A: MonteCarlo, training: Training, iterations: int) -> Iterator[np.ndarray]:
    """The samples' row of every iteration (``Step.row``): through the graph, or replayed once it can be."""
    def step() -> np.ndarray:
        return training.step().row(A, training.spec.train_biases)

    replay: _Replay | None = None
    first: _Program | None = None
    for iteration in range(iterations):
        if replay is not None:
            yield replay()
        elif iteration in (1, 2) and iterations > 3:
            row, program = _record(A, training, step)
            if iteration == 2 and program is not None and first is not None \
                    and program.signature() == first.signature():
                replay = _Replay(A, program, [v.v for v in _state(training) if isinstance(v, Noisy)])
            first = program
            yield row
        else:
            yield step()
