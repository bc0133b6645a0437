"""The published figures beside the truth: does the truth, rounded to the published digits, give them?

When it does not, the figure is explained by the first computed candidate
that reproduces every published digit, tried in this order:

1. the truth truncated instead of rounded;
2. the same quantity one iteration earlier or later (the counting of iterations);
3. the quantity recomputed from the published, rounded weights of the iteration before;
4. a variant of the catalogue (verify/mistakes/variants.py), run in float64 as far as the figure's iteration.

Variants cost time in proportion to the iteration (about half a second for
10,000), so those that explained an earlier figure of the ledger are tried
first, and the others only when none of them does. The search is bounded in
time (the report's --timeout): once the time is up, a figure the truth does
not give is unexplained, saying that the search was cut short.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from time import monotonic as clock

import numpy as np

from ...reference import names
from ...reference.arithmetic import Float64
from ...reference.spec import Spec
from ...reference.training import Training
from ..mistakes import variants
from ..truth import Truth, load
from .ledger import Figure

AGREES, EXPLAINED, UNEXPLAINED = "agrees", "explained", "unexplained"


@dataclass(frozen=True)
class Check:
    figure: Figure
    truth: str  # the truth rounded to the published digits
    verdict: str  # AGREES, EXPLAINED or UNEXPLAINED
    explanation: str = ""
    candidate: str = ""  # truncated, counting, rounded weights, or the variant's name

    def record(self) -> dict[str, object]:
        f = self.figure
        return {"figure": f.figure, "published": f.published, "quantity": f.quantity, "iteration": f.iteration,
                "truth": self.truth, "verdict": self.verdict, "candidate": self.candidate,
                "explanation": self.explanation}


def rounded(value: Decimal, decimals: int, how: str = ROUND_HALF_EVEN) -> str:
    return str(value.quantize(Decimal(1).scaleb(-decimals), rounding=how))


class Sources:
    """The true value of any quantity at any iteration, at the best precision the goldens hold."""

    def __init__(self, spec: Spec):
        self.spec = spec
        self.truth: Truth = load(spec)
        self.step1 = {row["quantity"]: row["value"] for row in self.truth.step1}
        self.after = self.truth.after_exact
        self.forward = set(names.forward_quantities(spec))

    def exists(self, quantity: str, iteration: int) -> bool:
        last = self.spec.iterations if quantity in self.forward else self.spec.iterations - 1
        return 0 <= iteration <= last

    def value(self, quantity: str, iteration: int) -> Decimal:
        if iteration == self.spec.iterations:
            return Decimal(self.after[quantity])
        if iteration == 0 and quantity in self.step1:
            return Decimal(self.step1[quantity])
        return Decimal(repr(float(self.truth.trajectory[iteration, self.truth.column(quantity)])))


class Variants:
    """The catalogue's variants, each run once as far as asked and kept."""

    def __init__(self, spec: Spec):
        self.spec = spec
        self.mistakes = variants.catalogue(spec)
        self.runs: dict[str, tuple[int, list[str], np.ndarray, np.ndarray] | None] = {}

    def value(self, mistake: variants.Mistake, quantity: str, iteration: int) -> float | None:
        forward = quantity in names.forward_quantities(self.spec)
        needed = iteration if forward else iteration + 1
        run = self.runs.get(mistake.name)
        if mistake.name not in self.runs or (run is not None and run[0] < needed):
            try:
                run = (needed, *mistake.trajectory(self.spec, needed))
            except (ArithmeticError, ValueError):
                run = None
            self.runs[mistake.name] = run
        if run is None:
            return None
        length, own, rows, after = run
        if quantity not in own:
            return None
        if forward and iteration == length:
            return float(after[names.forward_quantities(self.spec).index(quantity)])
        return float(rows[iteration, own.index(quantity)])


def _from_published_weights(spec: Spec, figure: Figure, ledger: list[Figure]) -> float | None:
    """The figure recomputed in float64 from the published, rounded parameters of the iteration before."""
    if figure.iteration == 0:
        return None
    before = {f.quantity[:-len("_new")]: Decimal(f.published) for f in ledger
              if f.iteration == figure.iteration - 1 and f.quantity.endswith("_new")}
    if not set(names.trained_names(spec)) <= set(before):
        return None
    weights = iter([before[w] for w in names.weight_names(spec)])
    layers = tuple(tuple(tuple(next(weights) for _ in row) for row in matrix) for matrix in spec.weight_layers)
    bias_layers = spec.bias_layers
    if spec.train_biases:
        biases = iter([before[b] for b in names.bias_names(spec)])
        bias_layers = tuple(tuple(next(biases) for _ in layer) for layer in spec.bias_layers)
    training = Training(replace(spec, weight_layers=layers, bias_layers=bias_layers), Float64())
    with training.A:
        row = training.step().row(training.A, spec.train_biases)
    return float(row[names.quantities(spec).index(figure.quantity)])


class Checker:
    def __init__(self, spec: Spec, ledger: list[Figure], seconds: float = math.inf):
        self.spec, self.ledger, self.seconds = spec, ledger, seconds
        self.deadline = clock() + seconds
        self.sources, self.variants = Sources(spec), Variants(spec)
        self.explainers: list[variants.Mistake] = []

    def _candidates(self, figure: Figure) -> Iterator[tuple[str | variants.Mistake, str, Callable[[], str | None]]]:
        """(candidate, explanation, value) in the order tried; values computed only when reached."""
        q, k, d = figure.quantity, figure.iteration, figure.decimals
        truth = self.sources.value(q, k)
        yield "truncated", f"the truth cut after {d} decimals instead of rounded", \
            lambda: rounded(truth, d, ROUND_DOWN)
        for step, word in ((-1, "earlier"), (1, "later")):
            if self.sources.exists(q, k + step):
                def shifted(s: int = step) -> str | None:
                    return rounded(self.sources.value(q, k + s), d)

                yield "counting", (f"the true {q} one iteration {word} (iteration {k + step:,} instead of "
                                   f"{k:,}): the counting of iterations"), shifted
        yield "rounded weights", f"{q} recomputed from the published, rounded weights of iteration {k - 1:,}", \
            lambda: self._round(_from_published_weights(self.spec, figure, self.ledger), d)
        others = [m for m in self.variants.mistakes if m not in self.explainers]
        for mistake in self.explainers + others:
            def made(m: variants.Mistake = mistake) -> str | None:
                return self._round(self.variants.value(m, q, k), d)

            yield mistake, f"the catalogue's '{mistake.name}': {mistake.sentence}", made

    @staticmethod
    def _round(value: float | None, decimals: int) -> str | None:
        if value is None or not np.isfinite(value):
            return None
        return rounded(Decimal(repr(value)), decimals)

    def check(self, figure: Figure) -> Check:
        truth = rounded(self.sources.value(figure.quantity, figure.iteration), figure.decimals)
        if truth == figure.published:
            return Check(figure, truth, AGREES)
        for candidate, explanation, value in self._candidates(figure):
            if clock() > self.deadline:
                return Check(figure, truth, UNEXPLAINED, f"the search for an explanation was stopped after "
                             f"{self.seconds:g} s (the report's --timeout): raise it to search further")
            if value() == figure.published:
                if isinstance(candidate, variants.Mistake):
                    if candidate not in self.explainers:
                        self.explainers.append(candidate)
                    candidate = candidate.name
                return Check(figure, truth, EXPLAINED, explanation, candidate)
        return Check(figure, truth, UNEXPLAINED, "no computed candidate reproduces every published digit")


def check(spec: Spec, ledger: list[Figure], seconds: float = math.inf) -> list[Check]:
    """Each figure of the ledger, in order, checked against the truth of ``spec`` and explained; the explanations
    are searched for ``seconds`` in all."""
    checker = Checker(spec, ledger, seconds)
    return [checker.check(figure) for figure in ledger]
