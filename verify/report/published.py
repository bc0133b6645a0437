"""The published figures (golden/published.csv) checked against the truth.

For each figure: does the truth, rounded to the published number of
decimals, give the published digits? Where it does not, by how much, and
which computed candidate does reproduce them: the truth truncated instead of
rounded, the same quantity one iteration earlier or later (counting of
iterations), the quantity recomputed from the published, rounded weights
(rounded intermediates), or a known mistake run for as many iterations. The
truth is never adjusted; a figure nothing reproduces is reported as
unexplained, with the nearest candidate.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from functools import cache
from pathlib import Path

import pandas as pd

from implementations.loop import Loop
from reference.compare import read_trajectory
from reference.names import trajectory_columns
from reference.spec import Spec

from .mutants import Mistake

OFFSETS = (-1, 1)  # neighbouring iterations tried for a miscounted iteration
COLUMNS = ["figure", "quantity", "iteration", "published", "truth", "published - truth", "verdict", "likely_reason",
           "also"]


def read_ledger(path: str | Path) -> pd.DataFrame:
    """The ledger with the published values kept as written (their digits matter)."""
    return pd.read_csv(path, dtype={"figure": str, "published": str, "quantity": str, "iteration": int})


def decimals(published: str) -> int:
    return len(published.partition(".")[2])


def rounded(value: Decimal, places: int, rounding=ROUND_HALF_EVEN) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=rounding)


class Truth:
    """The true value of a quantity at an iteration, at the best precision the goldens hold.

    Iteration 0 comes from step1.csv (40 digits) where it has the quantity,
    the iteration after the last update from after_training.csv, every other
    from trajectory.csv (correctly rounded float64, exact to ~16 digits).
    """

    def __init__(self, spec: Spec):
        folder = Path(spec.source).parent
        self.iterations = spec.iterations
        self.trajectory = read_trajectory(folder / "trajectory.csv").set_index("iteration")
        self.step1 = _decimal_column(folder / "step1.csv", "quantity")
        self.after = _decimal_column(folder / "after_training.csv", "quantity")

    def __call__(self, quantity: str, iteration: int) -> Decimal | None:
        if iteration == 0 and quantity in self.step1:
            return self.step1[quantity]
        if iteration == self.iterations:
            return self.after.get(quantity)
        if iteration in self.trajectory.index and quantity in self.trajectory.columns:
            return Decimal(repr(float(self.trajectory.at[iteration, quantity])))
        return None


def _decimal_column(path: Path, key: str) -> dict[str, Decimal]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row[key]: Decimal(row["value"]) for row in csv.DictReader(handle)}


@dataclass(frozen=True)
class Candidate:
    """A computed value that might be what was published, and the reason it would stand for."""
    reason: str
    value: Decimal | None


def candidates(figure: pd.Series, truth: Truth, ledger: pd.DataFrame, spec: Spec,
               mistakes: list[Mistake], runs: Callable[[Mistake], pd.DataFrame | None]) -> list[Candidate]:
    """Every alternative to the truth, in the order of likelihood used to pick the reason."""
    quantity, iteration, places = figure.quantity, int(figure.iteration), decimals(figure.published)
    exact = truth(quantity, iteration)
    found = [Candidate("the truth truncated, not rounded, to the published digits",
                       None if exact is None else rounded(exact, places, ROUND_DOWN))]
    for offset in OFFSETS:
        where = "earlier" if offset < 0 else "later"
        found.append(Candidate(f"counting of iterations: the true {quantity} one iteration {where} "
                               f"(iteration {iteration + offset})", truth(quantity, iteration + offset)))
    found.append(Candidate("rounded intermediates: recomputed from the published, rounded weights "
                           f"of iteration {iteration - 1}", from_published_weights(ledger, spec, quantity, iteration)))
    for mistake in mistakes:
        frame = runs(mistake)
        found_there = frame is not None and iteration in frame.index and quantity in frame
        value = frame.at[iteration, quantity] if found_there else None
        found.append(Candidate(f"known mistake ({mistake.name}): {mistake.cause}",
                               None if value is None else Decimal(repr(float(value)))))
    return [c for c in found if c.value is not None]


def from_published_weights(ledger: pd.DataFrame, spec: Spec, quantity: str, iteration: int) -> Decimal | None:
    """One step of the notes' network from the weights as published for the previous iteration."""
    if not spec.is_documented_shape:
        return None
    previous = ledger[ledger.iteration == iteration - 1].set_index("quantity").published
    weights = [f"w{k}_new" for k in range(1, len(spec.weights) + 1)]
    if not set(weights) <= set(previous.index):
        return None
    network = Loop(spec)
    head, new_weights, _ = network.step(tuple(float(previous[w]) for w in weights), network.biases)
    row = dict(zip(trajectory_columns(spec)[1:], (*head, *new_weights)))
    return Decimal(repr(row[quantity])) if quantity in row else None


def check(ledger: pd.DataFrame, spec: Spec, mistakes: list[Mistake], mistakes_note: str = "") -> pd.DataFrame:
    """One row per published figure: the verdict (agrees, explained, unexplained), the gap, the likely reason."""
    truth = Truth(spec)
    needed = int(ledger.iteration.max()) + 1

    @cache
    def runs(mistake: Mistake) -> pd.DataFrame | None:
        try:
            return mistake.trajectory(spec, needed).set_index("iteration")
        except ArithmeticError:  # some mistakes blow up long before the last iteration: no candidate then
            return None

    rows = [_verdict(figure, truth, candidates(figure, truth, ledger, spec, mistakes, runs), mistakes_note)
            for figure in ledger.itertuples(index=False)]
    return pd.DataFrame(rows, columns=COLUMNS)


def _verdict(figure, truth: Truth, found: list[Candidate], mistakes_note: str) -> dict:
    places = decimals(figure.published)
    published = Decimal(figure.published)
    exact = truth(figure.quantity, int(figure.iteration))
    row = {"figure": figure.figure, "quantity": figure.quantity, "iteration": int(figure.iteration),
           "published": figure.published}
    if exact is None:
        return row | {"truth": "", "verdict": "no truth", "published - truth": "", "likely_reason":
                      f"the goldens hold no {figure.quantity} at iteration {figure.iteration}", "also": ""}
    unit = Decimal(1).scaleb(-places)
    row |= {"truth": str(rounded(exact, places + 4)), "published - truth": ""}
    if rounded(exact, places) == published:
        return row | {"verdict": "agrees", "likely_reason": "", "also": ""}
    gap = published - exact
    row["published - truth"] = f"{float(gap):+.3g} ({float(gap / unit):+.1f} in the last published digit)"
    matching = [c.reason for c in found if rounded(c.value, places) == published]
    if matching:
        return row | {"verdict": "explained", "likely_reason": matching[0], "also": "; ".join(matching[1:])}
    nearest = min(found, key=lambda c: abs(c.value - published), default=None)
    reason = "nothing computed reproduces the published digits"
    if nearest is not None:
        reason += f"; nearest: {nearest.reason}, {float(nearest.value - published):+.3g} away"
    if mistakes_note:
        reason += "; no known mistake could be tried"
    return row | {"verdict": "unexplained", "likely_reason": reason, "also": ""}
