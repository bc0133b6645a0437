"""The explain stage: the known mistake that reproduces what a failing program printed, or where it goes wrong.

    cause, where = explain(comparison, reading, beyond)

Local: before its first divergence a program agrees with the truth, so its
state there is the truth's. Each candidate is replayed from the last state
the program agreed on (replay.py), switched on at any iteration between that
state and the first divergence, and kept when it reproduces every printed
value from there through the next records, under the same rule as the truth
(the envelope, times ``SLACK`` for the replay's own rounding, plus the printed
rounding). Candidates, in the order they are tried:

1. the printout wrong while the training is right (old weights printed as
   new, values truncated, a value printed as 0 throughout);
2. an iteration count that is off ("10,001 updates, not 10,000");
3. the catalogue (verify/mistakes/variants.py): whole network, one layer, one
   neuron or one weight;
4. a starting weight other than the spec's, solved from the first record;
5. a learning rate other than the spec's, estimated from the printed numbers;
6. float32 arithmetic, only when the error is float32's from the first
   records on and within the float32 envelope throughout.

Candidates that reproduce as many values are ranked simplest first; two
equally simple are both named. When none reproduces the numbers, the answer is
where the program leaves the truth, by stage (where.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ...reference.training import Training
from ..compare import Cells, Comparison, compare
from ..mistakes import variants
from ..mistakes.variants import Mistake
from ..timeline import FORWARD, PARAMETER, Timeline
from ..truth import Truth
from ..verdict import TOO_FEW
from . import replay as replays
from . import solve
from .where import localise

SLACK = 4
STARTS = 12  # iterations a mistake is tried to begin at, between the last agreement and the first divergence
CONFIRM = 2  # records after the first divergence a cause must also reproduce
MAX_STEPS = 3000  # iterations replayed at the most
LONG_ALONE = 3000  # beyond this many iterations, the slowest mistakes to replay are not tried
EVIDENCE = 6  # significant digits, in all, that the printed values a cause reproduces must carry at the least
SOLVED = 3  # a number solved from the printed values spends some: three more digits, and three values at least
SHORT = 50  # a gap between agreement and divergence up to this is searched for every mistake switched on late
COARSE = 1e-5  # printed values this coarse (relatively, in the median) may hide a mistake: a pass says which
HOPE_CHECKS = 8  # records at which a replay is first asked whether any copy may still reproduce the printed values
NEARER = 0.5  # a learning rate is searched for more closely only if some rate swept comes this much nearer
LATE = {variants.UPDATED_WEIGHTS, variants.ACCUMULATED}  # mistakes that begin after the first iteration in practice
                                                         # (arrays that become aliases, a sum never reset)


@dataclass(frozen=True)
class Cause:
    name: str  # the catalogue's name, or what was found ("learning rate 0.05")
    category: str
    sentence: str
    kind: str = "logic"  # "logic", "printing", "iterations", "precision"
    start: int = 0  # the iteration it begins at
    window: tuple[int, int] = (0, 0)  # the iterations over which it reproduces the printed values
    digits: int = 0  # significant digits it agrees to, at the least
    printed: bool = False  # it agrees to every digit printed
    also: tuple[tuple[str, str], ...] = ()  # (category, sentence) of causes that reproduce the numbers as well

    def __str__(self) -> str:
        text = self.sentence
        if self.start > 0 and self.kind == "logic":
            text = f"from iteration {self.start:,}, {text}"
        if self.kind == "precision":
            return f"{text} (every value within the float32 envelope)"
        agree = "to every printed digit" if self.printed else f"to {self.digits} digits"
        text += f" (reproduces the printed values {agree}"
        if self.window[1] > self.window[0]:
            text += f", iterations {self.window[0]:,} to {self.window[1]:,}"
        text += ")"
        if self.also:
            text += f"; equally: {'; '.join(sentence for _, sentence in self.also)}"
        return text

    @property
    def categories(self) -> tuple[str, ...]:
        """This cause's category, then those of the causes named as equally good."""
        return (self.category, *(category for category, _ in self.also))


@dataclass(frozen=True)
class Explanation:
    cause: Cause | None
    where: str  # by stage, when no cause is found
    reading: int  # which of the readings weighed the cause was found under (0: the first)


def explain(comparisons: list[Comparison], outside: Cells | None = None) -> Explanation:
    """The cause of a failed comparison and, when no known mistake reproduces it, where it goes wrong.

    ``comparisons`` are the same printed values under each reading that fits them equally well (the first is
    the reading's own): the cause may show under one of them only, and is looked for under each. ``outside``
    are printed values placed beyond the run (a run longer than the spec's).
    """
    outside = outside if outside is not None and len(outside) else None
    failing = [(k, c) for k, c in enumerate(comparisons) if c.first_divergence is not None]
    if not failing:
        cause = _iteration_count(comparisons[0], outside) if outside is not None else None
        return Explanation(cause, "" if cause else "values printed beyond the run's last iteration", 0)
    for k, comparison in failing:
        printing, count = _printing(comparison), _iteration_count(comparison, outside)
        if printing is not None and count is not None:  # old weights printed as new, or one update short: both
            return Explanation(replace(printing, also=printing.also + ((count.category, count.sentence),)), "", k)
        cause = printing or count
        if cause is not None:
            return Explanation(cause, "", k)
    found = _catalogue([c for _, c in failing])
    if found is not None:
        return Explanation(_as_a_rate(found[0], failing[0][1].truth), "", failing[found[1]][0])
    spans = [_window(c)[::2] for _, c in failing]
    sweeps = Sweeps(min(a for a, _ in spans), max(b for _, b in spans))
    for k, comparison in failing:
        cause = _start_value(comparison) or _learning_rate(comparison, sweeps)
        if cause is not None:
            return Explanation(cause, "", k)
    k, first = failing[0]
    cause = _precision(first)
    if cause is not None:
        return Explanation(cause, "", k)
    window = _window(first)
    digits = evidence(first, window[3])
    if all(evidence(c, _window(c)[3]) < EVIDENCE for _, c in failing):
        failed = window[3] & (np.nan_to_num(first.ratio, nan=0.0) > 1)
        why = "are NaN or infinite" if not np.isfinite(first.cells.got[failed]).any() else \
            f"carry {digits:.0f} significant digits in all, {EVIDENCE} needed"
        return Explanation(None, f"{TOO_FEW} (the values printed up to iteration {window[2]:,} that the truth does "
                                 f"not explain {why}): {localise(first)}", k)
    return Explanation(None, localise(first), k)


def aliases(comparison: Comparison) -> tuple[tuple[str, ...], int]:
    """For a passing comparison printed coarsely: the catalogue's mistakes, made from the start, that print every
    checked value the same at the printed digits (a loss to 4 decimals cannot tell the truth from the already-
    updated weights of the layer above), and the last iteration looked at (at most ``MAX_STEPS``). Said beside a
    PASSED, so that a pass is never taken for more than the printed digits show."""
    keep = comparison.checked & np.isfinite(comparison.cells.got)
    if not keep.any():
        return (), 0
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = comparison.resolution[keep] / np.abs(comparison.expected[keep])
    if not np.median(np.nan_to_num(relative, nan=0.0)) >= COARSE:
        return (), 0  # printed to five significant digits or more: every mistake of the catalogue shows
    rows = _rows(comparison, keep)
    keep[keep] = rows <= MAX_STEPS  # a bounded replay: what it says is said of the values up to there
    if not keep.any():
        return (), 0
    last = int(_rows(comparison, keep).max())
    window = (0, 0, last, keep)
    mistakes: list[Mistake | None] = [None] + [m for m in variants.catalogue(comparison.truth.spec) if not m.alone]
    begins = np.zeros(len(mistakes), np.int64)
    found = replays.replay(comparison.truth, mistakes, begins, 0, last, hope=_hope([comparison], [window], skip=1))
    # the verifier's own allowance, not the search's slack: a mistake the comparison would have failed is no alias
    expected = _replayed(comparison, keep, found)
    with np.errstate(invalid="ignore"):
        same = np.abs(comparison.cells.got[keep][:, None] - expected) <= comparison.allowed[keep][:, None] * 1.000001
    hiding = sorted((m for j, m in enumerate(mistakes) if m is not None and same[:, j].all()),
                    key=lambda m: m.complexity)  # the simplest first, as causes are ranked
    return tuple(dict.fromkeys(m.sentence for m in hiding)), last


# The whole-network mistakes that are the same training as another learning rate (the rate applied twice:
# rate * rate; doubled, or the 1/2 forgotten: 2 * rate).
AS_A_RATE = {"learning rate applied twice": "square", "learning rate doubled": "double", "forgotten half": "double"}


def _as_a_rate(cause: Cause, truth: Truth) -> Cause:
    """A cause that is also another learning rate says so: the two are told apart by no printed number."""
    how = AS_A_RATE.get(cause.name)
    if how is None or truth.spec.optimizer != "sgd" or truth.spec.train_biases and cause.name != "forgotten half":
        return cause  # a rule misapplied to the weights alone is no other rate where the biases train too
    rate = float(truth.spec.learning_rate)
    other = rate * rate if how == "square" else 2 * rate
    said = (variants.LEARNING_RATE_VALUE, f"the learning rate used was {other:g}, not {rate:g}")
    return replace(cause, also=tuple(dict.fromkeys(cause.also + (said,))))


# --- agreement -------------------------------------------------------------------------------------------

def _agreement(comparison: Comparison, expected: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per candidate (columns of ``expected``): the cells it reproduces and the digits it agrees to."""
    cells = comparison.cells
    got = cells.got[keep][:, None]
    envelope = comparison.envelope[keep][:, None]
    resolution = comparison.resolution[keep][:, None]
    truth = np.abs(comparison.expected[keep])[:, None]
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        error = np.abs(got - expected)
        # the envelope scaled to the mistake's own values: a mistaken run may sit far from the truth's size
        relative = np.where(truth > 0, envelope / truth, 0.0) * np.abs(expected)
        allowed = SLACK * np.maximum(envelope, np.nan_to_num(relative)) + resolution * 1.000001
        ok = np.where(np.isfinite(expected), error <= allowed, False)
        relative = np.where(expected != 0, error / np.abs(expected), error)
    worst = np.nan_to_num(np.max(np.where(comparison.checked[keep][:, None], relative, 0), axis=0, initial=0.0),
                          nan=1.0, posinf=1.0)
    digits = np.where(worst == 0, 17, np.clip(np.floor(-np.log10(np.maximum(worst, 1e-17))), 0, 17)).astype(int)
    return ok & comparison.checked[keep][:, None], digits


def _printed_fully(comparison: Comparison, keep: np.ndarray, expected: np.ndarray) -> bool:
    resolution = comparison.resolution[keep]
    return bool(resolution.max(initial=0) > 0 and np.all(np.abs(comparison.cells.got[keep] - expected)
                                                         <= resolution * 1.000001))


def evidence(comparison: Comparison, keep: np.ndarray) -> float:
    """The significant digits, in all, of the kept values the truth does not explain (a value printed to
    round-trip precision: 16; NaN and infinity: none). Only those tell one mistake from another: a loss before
    training, right, is the same under every mistake of the gradients."""
    telling = keep.copy()
    telling[keep] = np.nan_to_num(comparison.ratio[keep], nan=0.0) > 1
    got = np.abs(comparison.cells.got[telling])
    resolution = comparison.resolution[telling]
    with np.errstate(divide="ignore", invalid="ignore"):
        digits = np.where(resolution > 0, np.log10(np.maximum(got, 1e-300) / (2 * resolution)), 16.0)
    return float(np.sum(np.clip(np.where(np.isfinite(got), digits, 0.0), 0, 16)))


# --- 1. the printout -------------------------------------------------------------------------------------

def _printing(comparison: Comparison) -> Cause | None:
    timeline, cells = comparison.timeline, comparison.cells
    first = comparison.first_divergence
    if first is None:
        return None
    column = cells.column == cells.column[comparison.beyond[0]]
    printed = cells.got[column]
    # zero throughout, where the truth rounded to the digits printed is not (0.00000000 for 0.29837111)
    if len(printed) > 1 and np.all(printed == 0) and \
            np.all(np.abs(comparison.expected[column]) > comparison.resolution[column] + comparison.envelope[column]):
        return Cause("printed as zero", variants.PRINTING, f"{first.quantity} is printed as 0 throughout: the value "
                     "is exactly zero (integer arithmetic, such as an integer division, or a value never set), or "
                     "it was rounded to too few digits", kind="printing", printed=True)
    loss = _loss_scaled(comparison)
    if loss is not None:
        return loss
    failing = comparison.beyond
    group = timeline.group[cells.quantity]
    parameters = failing[group[failing] == PARAMETER]
    if len(parameters) == len(failing):
        moved = comparison.subset(group == PARAMETER)
        earlier = compare(timeline, moved.cells.moved(np.maximum(moved.cells.t - 1, 0)))
        if earlier.passed:
            return Cause("old weights printed as new", variants.PRINTING, "the training is right, but the weights "
                         "printed as the new ones are those before the update", kind="printing", printed=True)
    if _truncated(comparison):
        return Cause("truncated", variants.PRINTING, "the values were cut off (truncated) at the last digit printed "
                     "instead of rounded to it", kind="printing", printed=True)
    return None


def _truncated(comparison: Comparison) -> bool:
    """Every value checked is the truth (anywhere within its envelope) cut off at the last digit printed."""
    checked = comparison.checked
    resolution = comparison.resolution[checked]
    if not checked.any() or not np.all(resolution > 0):
        return False
    unit = 2 * resolution
    size = np.abs(comparison.expected[checked])
    spread = SLACK * comparison.envelope[checked]
    got = np.abs(comparison.cells.got[checked])
    same_sign = np.sign(comparison.cells.got[checked]) * np.sign(comparison.expected[checked]) >= 0
    with np.errstate(invalid="ignore"):
        low = np.floor(np.maximum(size - spread, 0) / unit + 1e-9) * unit
        high = np.floor((size + spread) / unit + 1e-9) * unit
        return bool(np.all(same_sign & (got >= low - resolution * 1e-6) & (got <= high + resolution * 1e-6)))


def _loss_scaled(comparison: Comparison) -> Cause | None:
    """E_total printed as a constant multiple of the truth, everything else right: the loss mis-reduced when it
    is printed (the mean over the outputs, the full sum), the training right."""
    timeline, cells = comparison.timeline, comparison.cells
    if "E_total" not in timeline.quantities:
        return None
    loss = cells.quantity == timeline.quantities.index("E_total")
    failing = np.zeros(len(cells), bool)
    failing[comparison.beyond] = True
    if not (failing <= loss).all() or not (loss & comparison.checked).any():
        return None
    mine = loss & comparison.checked
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = cells.got[mine] / comparison.expected[mine]
    k = timeline.truth.spec.n_outputs
    for factor, words in ((2.0, "the full sum of the squared errors instead of half of it"),
                          (0.5, "a quarter of the sum of the squared errors (half of the mean over the outputs)"),
                          (2.0 / k, "the mean of the squared errors over the outputs instead of half their sum"),
                          (1.0 / k, "the mean of half the squared errors over the outputs")):
        if factor == 1.0:
            continue
        expected = comparison.expected[mine] * factor
        allowed = SLACK * comparison.envelope[mine] * factor + comparison.resolution[mine]
        if np.all(np.abs(cells.got[mine] - expected) <= allowed) and np.all(np.isfinite(ratio)):
            return Cause("loss mis-reduced", variants.LOSS_SCALE, f"the training is right, but the loss printed is "
                         f"{words}", kind="printing", printed=True)
    return None


# --- 2. the iteration count ------------------------------------------------------------------------------

def _iteration_count(comparison: Comparison, outside: Cells | None) -> Cause | None:
    """The program ran a few updates more or fewer than the spec: its values beyond the run are those of the
    training continued, its failing values at the end those of the longer or shorter run, and every other value
    is right where it is."""
    timeline, cells = comparison.timeline, comparison.cells
    T = timeline.updates
    failing = np.zeros(len(cells), bool)
    failing[comparison.beyond] = True
    group = timeline.group[cells.quantity]
    # the last forward passes, and the weights after the last updates (printed after the loop)
    end = ((group == FORWARD) & (cells.t >= T - 2)) | ((group == PARAMETER) & (cells.t >= T - 1))
    if not (failing <= end).all():
        return None
    extra_cells = outside if outside is not None else Cells.joined([])
    tail = replays.replay(timeline.truth, [None], np.zeros(1, np.int64), max(T - 2, 0), T + 2)
    for extra in (1, -1, 2, -2):
        if extra < 0 and len(extra_cells):
            continue  # values beyond the run: it ran longer
        moved = cells.t[failing] + extra
        places = Cells.joined([cells.subset(failing).moved(moved), extra_cells])
        if not len(places):
            continue
        expected = _continued(timeline, tail, places)
        allowed = SLACK * np.maximum(timeline.at(places.quantity, np.clip(places.t, 0, timeline.last(
            places.quantity)))[1], timeline.truth.floor(expected)) + places.resolution * 1.000001
        if np.all(np.abs(places.got - expected) <= allowed):
            return Cause(f"{T + extra:,} updates", variants.ITERATIONS, f"the program ran {T + extra:,} updates, not "
                         f"{T:,} (if it is meant to, give --iterations {T + extra})", kind="iterations",
                         printed=bool(np.all(np.abs(places.got - expected) <= places.resolution * 1.000001)
                                      and places.resolution.max() > 0), digits=15)
    return _shorter_run(comparison, failing)


def _shorter_run(comparison: Comparison, failing: np.ndarray) -> Cause | None:
    """The values at the end are the truth's many updates earlier: the program ran fewer iterations (5,000 of
    10,000). Every run length is tried at once; the digits printed may leave several, the roundest is named."""
    timeline, cells = comparison.timeline, comparison.cells
    T = timeline.updates
    if failing.sum() < 2 or T < 4 or evidence(comparison, failing) < EVIDENCE + SOLVED:
        return None  # a run length solved from a few digits could be another mistake's look-alike
    lengths = np.arange(1, T - 2)
    fits = np.ones(len(lengths), bool)
    for i in np.flatnonzero(failing):
        t = cells.t[i] - (T - lengths)
        q = np.full(len(lengths), cells.quantity[i])
        inside = t >= 0
        value, envelope = timeline.at(q[inside], t[inside])
        allowed = SLACK * np.maximum(envelope, timeline.truth.floor(value)) + cells.resolution[i] * 1.000001
        here = np.zeros(len(lengths), bool)
        here[inside] = np.abs(cells.got[i] - value) <= allowed
        fits &= here
    if not fits.any():
        return None
    found = lengths[fits]
    if found.max() - found.min() > max(2, found.min() // 100):
        return None  # too loose a fit to name a length
    zeros = np.array([len(str(n)) - len(str(n).rstrip("0")) for n in found])
    named = int(found[np.argmax(zeros)])
    also = "" if len(found) == 1 else f"; any of {found.min():,} to {found.max():,} fits the digits printed"
    return Cause(f"{named:,} updates", variants.ITERATIONS, f"the program ran {named:,} updates, not {T:,} (if it is "
                 f"meant to, give --iterations {named}){also}", kind="iterations", digits=15,
                 printed=bool(cells.resolution[failing].max() > 0))


def _continued(timeline: Timeline, tail: replays.Replay, places: Cells) -> np.ndarray:
    """The truth at each place, continued past the run's end by ``tail`` (a replay of the right training)."""
    found = np.full(len(places), np.nan)
    inside = timeline.valid(places.quantity, places.t)
    found[inside] = timeline.at(places.quantity[inside], places.t[inside])[0]
    group = timeline.group[places.quantity]
    row = np.where(group == PARAMETER, places.t - 1, places.t) - tail.first
    later = ~inside & (row >= 0) & (row < len(tail.rows))
    found[later] = tail.rows[row[later], places.quantity[later], 0]
    after = ~inside & (group == FORWARD) & (row == len(tail.rows))
    if after.any():
        forward = [timeline.quantities.index(q) for q in tail.forward]
        found[after] = tail.after[[forward.index(q) for q in places.quantity[after]], 0]
    return found


# --- 3. the catalogue -------------------------------------------------------------------------------------

def _window(comparison: Comparison, begin: int | None = None) -> tuple[int, int, int, np.ndarray]:
    """(the state to start from, the first divergence's iteration, the horizon, the cells to reproduce); the
    state is the last the program agreed on, or ``begin``'s."""
    timeline, cells = comparison.timeline, comparison.cells
    T = timeline.updates
    iteration = timeline.iteration(cells.quantity, cells.t)
    diverge = int(min(iteration[int(comparison.beyond[0])], T - 1))
    earlier = iteration[comparison.checked & (iteration < diverge)]
    start = max(int(earlier.max()) if len(earlier) else -1, 0) if begin is None else begin
    later = np.unique(iteration[comparison.checked & (iteration > diverge)])
    inside = comparison.checked & (iteration >= start) & \
        ~((timeline.group[cells.quantity] == PARAMETER) & (cells.t <= start))
    after = comparison.checked & (timeline.group[cells.quantity] == FORWARD)

    def up_to(horizon: int) -> np.ndarray:
        return (inside & (iteration <= horizon)) | (after & (cells.t == horizon + 1))

    # the first divergence and the records after it that confirm a cause; more records while the values kept
    # carry too few digits to tell one mistake from another (a loss printed to 8 decimals as it nears zero)
    records = min(CONFIRM, len(later))
    while True:
        horizon = min(int(later[records - 1]) if records else diverge, max(diverge, start + MAX_STEPS), T - 1)
        keep = up_to(horizon)
        if records >= len(later) or horizon >= start + MAX_STEPS or \
                evidence(comparison, keep) >= EVIDENCE + SOLVED:
            return start, diverge, horizon, keep
        records += 1


def _catalogue(comparisons: list[Comparison]) -> tuple[Cause, int] | None:
    """The catalogue's mistakes replayed from the last agreement, under each reading; the best, and its reading."""
    truth = comparisons[0].truth
    informative = [k for k, c in enumerate(comparisons) if evidence(c, _window(c)[3]) >= EVIDENCE]
    if not informative:
        return None  # too few printed digits for any mistake to be told from another
    comparisons = [comparisons[k] for k in informative]
    windows = [_window(c) for c in comparisons]
    start = min(w[0] for w in windows)
    diverge = max(w[1] for w in windows)
    horizon = max(w[2] for w in windows)
    every = [m for m in variants.catalogue(truth.spec) if not m.alone]
    every += [m for c in comparisons for m in _partial_updates(c)]
    results: list[tuple[Any, ...]] = []
    # Phase 1: every mistake from the state the program last agreed on; phase 2, when none reproduces the
    # numbers: each switched on later, up to the first divergence; phase 3: each from the very beginning, for a
    # mistake whose effect stayed within the envelope and the printed digits until the divergence (weights
    # rounded to 6 decimals, printed to 8)
    for phase in (1, 2, 3):
        mistakes, first, last = every, start, horizon
        if phase == 1:
            starts = np.array([start])
        elif phase == 2:
            if diverge <= start or horizon - start > MAX_STEPS:
                continue
            starts = np.unique(np.linspace(start + 1, diverge, min(STARTS, diverge - start)).round().astype(np.int64))
            if diverge - start > SHORT:  # over a long gap, only the mistakes that begin late in real programs
                mistakes = [m for m in every if m.category in LATE]
        else:
            if start == 0:
                break
            windows = [_window(c, begin=0) for c in comparisons]
            starts, first, last = np.array([0]), 0, max(w[2] for w in windows)
        copies: list[Mistake | None] = [None] + [m for m in mistakes for _ in starts]
        begins = np.concatenate(([0], np.tile(starts, len(mistakes))))
        found = replays.replay(truth, copies, begins, first, last, hope=_hope(comparisons, windows, skip=1))
        for k, (comparison, window) in enumerate(zip(comparisons, windows)):
            results += [r + (k, window) for r in _score(comparison, window[3], found, copies, begins)]
        if phase == 1 and not any(r[0] for r in results):  # those replayed one by one, when none of the rest fits
            for mistake in (m for m in variants.catalogue(truth.spec) if m.alone):
                if (mistake.own is not None and horizon - start > LONG_ALONE) or horizon - start > MAX_STEPS:
                    continue
                alone = replays.replay_alone(truth, mistake, start, horizon, hope=_hope(comparisons, windows))
                if alone is not None:
                    for k, (comparison, window) in enumerate(zip(comparisons, windows)):
                        results += [r + (k, window) for r in _score(comparison, window[3], alone, [mistake],
                                                                    np.array([start]))]
        if any(r[0] for r in results):
            break
    matches = [r for r in results if r[0]]
    if not matches:
        return None
    matches.sort(key=lambda r: (r[4].complexity, -r[2], r[3], r[6]))
    best = matches[0]
    starts_found = [r[3] for r in matches if r[4] is best[4] and r[6] == best[6]]
    ties = [r for r in matches if r[4] is not best[4] and r[4].complexity == best[4].complexity
            and r[4].category != best[4].category]
    mistake = best[4]
    comparison, window = comparisons[best[6]], best[7]
    iteration = comparison.timeline.iteration(comparison.cells.quantity[window[3]], comparison.cells.t[window[3]])
    return Cause(mistake.name, mistake.category, mistake.sentence, start=min(starts_found),
                 window=(int(iteration.min()), int(iteration.max())), digits=best[2], printed=best[5],
                 also=tuple(dict.fromkeys((r[4].category, r[4].sentence) for r in ties))[:2]), informative[best[6]]


def _hope(comparisons: list[Comparison], windows: list[tuple[int, int, int, np.ndarray]], skip: int = 0
          ) -> tuple[set[int], replays.Hope]:
    """When a replay may stop: at the first records of the windows (then at every power-of-two record), once no
    copy (past the first ``skip``) reproduces every value kept so far under any reading. It changes no result:
    a cause must reproduce every kept value."""
    rows = [_rows(c, w[3]) for c, w in zip(comparisons, windows)]
    distinct = np.unique(np.concatenate(rows))
    at = {int(r) for k, r in enumerate(distinct) if k < HOPE_CHECKS or (k & (k - 1)) == 0}

    def judge(found: replays.Replay) -> bool:
        for comparison, (_, _, _, keep), row in zip(comparisons, windows, rows):
            done = keep.copy()
            done[keep] = (row >= found.first) & (row <= found.last)
            if not done.any():
                return True
            ok, _ = _agreement(comparison, _replayed(comparison, done, found), done)
            alive: np.ndarray = np.all(ok, axis=0)
            if alive[skip:].any():
                return True
        return False
    return at, judge


def _rows(comparison: Comparison, keep: np.ndarray) -> np.ndarray:
    """The trajectory row (the iteration) each kept cell is read from: a new parameter value from its update's."""
    group = comparison.timeline.group[comparison.cells.quantity[keep]]
    t = comparison.cells.t[keep]
    return np.asarray(np.where(group == PARAMETER, t - 1, t), np.int64)


def _score(comparison: Comparison, keep: np.ndarray, found: replays.Replay, copies: list[Mistake | None],
           begins: np.ndarray) -> list[tuple[Any, ...]]:
    """For each copy: (reproduces every cell, cells reproduced, digits, start, mistake, to every printed digit)."""
    expected = _replayed(comparison, keep, found)
    ok, digits = _agreement(comparison, expected, keep)
    results = []
    for j, mistake in enumerate(copies):
        if mistake is None:
            continue
        column = expected[:, j]
        results.append((bool(ok[:, j].all()), int(ok[:, j].sum()), int(digits[j]), int(begins[j]), mistake,
                        _printed_fully(comparison, keep, column)))
    return results


def _replayed(comparison: Comparison, keep: np.ndarray, found: replays.Replay) -> np.ndarray:
    """The replay's values at the kept cells: cells x copies."""
    timeline, cells = comparison.timeline, comparison.cells
    q, t = cells.quantity[keep], cells.t[keep]
    group = timeline.group[q]
    row = np.where(group == PARAMETER, t - 1, t) - found.first
    copies = found.rows.shape[2]
    out = np.full((len(q), copies), np.nan)
    inside = (row >= 0) & (row < len(found.rows))
    out[inside] = found.rows[row[inside], q[inside], :]
    after = (group == FORWARD) & (row == len(found.rows))
    if after.any():
        forward = [timeline.quantities.index(name) for name in found.forward]
        out[after] = found.after[[forward.index(k) for k in q[after]], :]
    return out


def _partial_updates(comparison: Comparison) -> list[Mistake]:
    """When only some new parameter values are off at the first divergence, the update of just those."""
    timeline, cells = comparison.timeline, comparison.cells
    first = int(comparison.beyond[0])
    if timeline.group[cells.quantity[first]] != PARAMETER:
        return []
    same = (cells.t == cells.t[first]) & (timeline.group[cells.quantity] == PARAMETER) & comparison.checked
    ratio = np.nan_to_num(comparison.ratio, nan=0.0)
    off = sorted({timeline.quantities[q].removesuffix("_new") for q in cells.quantity[same & (ratio > 1)]})
    printed = {timeline.quantities[q] for q in cells.quantity[same]}
    return variants.update_mistakes(timeline.truth.spec, off) if 0 < len(off) < len(printed) else []


# --- 4. a starting value, 5. the learning rate --------------------------------------------------------------

def _reproduces(comparison: Comparison, found: replays.Replay,
                keep: np.ndarray) -> tuple[Any, np.ndarray, np.ndarray]:
    """Per copy of a replay: whether it reproduces every kept cell, and the digits."""
    expected = _replayed(comparison, keep, found)
    ok, digits = _agreement(comparison, expected, keep)
    return ok.all(axis=0), digits, expected


def _start_value(comparison: Comparison) -> Cause | None:
    """The first record's forward pass is wrong: a parameter that started at another value than the spec's."""
    timeline, cells = comparison.timeline, comparison.cells
    first = int(comparison.beyond[0])
    forward = (timeline.group[cells.quantity] == FORWARD) & (cells.t == 0) & comparison.checked
    if not (forward[first] and cells.t[first] == 0):
        return None
    printed: dict[str, tuple[float, float]] = {}
    for i in np.flatnonzero(forward):
        name = timeline.quantities[int(cells.quantity[i])]
        printed.setdefault(name, (float(cells.got[i]), SLACK * float(comparison.envelope[i])
                                  + float(comparison.resolution[i]) * 1.000001))
    candidates = solve.start_values(comparison.truth, printed)
    if not candidates:
        return None
    start, _, horizon, keep = _window(comparison)
    if start != 0 or keep.sum() < SOLVED or evidence(comparison, keep) < EVIDENCE + SOLVED:
        return None  # one number solved from one value always fits it

    def prepare(training: Training) -> None:
        for j, (parameter, value) in enumerate(candidates, start=1):
            solve.set_copy(training, parameter, j, value)

    matching: list[int] = []
    for window in (horizon, min(comparison.timeline.updates - 1, MAX_STEPS)):
        keep_now = keep if window == horizon else _window_to(comparison, window)
        found = replays.replay(comparison.truth, [None] * (len(candidates) + 1),
                               np.zeros(len(candidates) + 1, np.int64), 0, window, prepare)
        ok, digits, expected = _reproduces(comparison, found, keep_now)
        matching = [j for j in range(1, len(candidates) + 1) if ok[j]]
        if len(matching) <= 1 or window == horizon and window >= MAX_STEPS:
            break
    if not matching:
        return None
    spec = comparison.truth.spec
    matching.sort(key=lambda j: solve.typo_rank(spec, *candidates[j - 1]))

    def words(j: int) -> tuple[str, str]:
        parameter, value = candidates[j - 1]
        name = solve.parameter_name(comparison.truth, parameter)
        return name, f"{name} started at {value:g}, not {float((spec.weights + spec.biases)[parameter]):g}"

    name, sentence = words(matching[0])
    return Cause(f"{name} started at {candidates[matching[0] - 1][1]:g}", variants.START_VALUE, sentence,
                 digits=int(digits[matching[0]]), printed=_printed_fully(comparison, keep_now,
                                                                          expected[:, matching[0]]),
                 window=_iterations_of(comparison, keep_now),
                 also=tuple((variants.START_VALUE, words(j)[1]) for j in matching[1:3]))


def _window_to(comparison: Comparison, horizon: int) -> np.ndarray:
    timeline, cells = comparison.timeline, comparison.cells
    iteration = timeline.iteration(cells.quantity, cells.t)
    start = (timeline.group[cells.quantity] == PARAMETER) & (cells.t == 0)
    keep = comparison.checked & (iteration <= horizon) & ~start
    return keep | (comparison.checked & (timeline.group[cells.quantity] == FORWARD) & (cells.t == horizon + 1))


def _learning_rate(comparison: Comparison, sweeps: Sweeps) -> Cause | None:
    """The trajectory is that of another learning rate: estimated from a printed update, or solved."""
    truth = comparison.truth
    if truth.spec.optimizer != "sgd":
        return None
    rate = float(truth.spec.learning_rate)
    keep = _window(comparison)[3]
    if keep.sum() < SOLVED or evidence(comparison, keep) < EVIDENCE + SOLVED:
        return None
    estimate = solve.rates_from_updates(truth, comparison.cells, comparison)
    if estimate is not None and np.isclose(estimate, rate, rtol=1e-9):
        return None
    candidates = [estimate] if estimate is not None else list(rate * np.geomspace(1 / 64, 64, 97))
    for _ in range(1 if estimate is not None else 4):
        found = sweeps.of(truth, candidates)
        ok, digits, expected = _reproduces(comparison, found, keep)
        if ok[1:].any():
            j = int(np.flatnonzero(ok[1:])[0]) + 1
            value = _shortest_rate(comparison, candidates[j - 1], keep, sweeps)
            return Cause(f"learning rate {value:g}", variants.LEARNING_RATE_VALUE, "the learning rate used was "
                         f"{value:g}, not {rate:g} (if it is meant to, give --learning-rate {value:g})",
                         digits=int(digits[j]), printed=_printed_fully(comparison, keep, expected[:, j]),
                         window=_iterations_of(comparison, keep))
        if estimate is not None:
            return None
        # narrow the sweep around the rate whose replay comes nearest the printed values, if one comes clearly
        # nearer than the spec's own rate (column 0): otherwise the trajectory is not another rate's
        error = np.nansum(np.abs(expected - comparison.cells.got[keep][:, None]), axis=0)
        error = np.where(np.isfinite(error), error, np.inf)
        best = int(np.argmin(error[1:]))
        if not error[1 + best] < NEARER * error[0]:
            return None
        low = candidates[max(best - 1, 0)]
        high = candidates[min(best + 1, len(candidates) - 1)]
        # people type rates with few digits: the nearest rate rounded to 1 to 6 of them, and a finer grid
        typed = sorted({float(f"{candidates[best]:.{d}g}") for d in range(1, 7)} - {rate})
        candidates = typed + list(np.linspace(low, high, 33))
    return None


@dataclass
class Sweeps:
    """Replays of other learning rates, shared by the readings: each over the span of every reading's window."""
    start: int
    horizon: int
    done: dict[tuple[float, ...], replays.Replay] = field(default_factory=dict)

    def of(self, truth: Truth, rates: list[float]) -> replays.Replay:
        key = tuple(rates)
        if key not in self.done:
            spec_rate = float(truth.spec.learning_rate)
            self.done[key] = replays.replay(truth, [None] * (len(rates) + 1), np.zeros(len(rates) + 1, np.int64),
                                            self.start, self.horizon,
                                            lambda training: solve.with_rate(training, [spec_rate] + list(rates)))
        return self.done[key]


def _shortest_rate(comparison: Comparison, rate: float, keep: np.ndarray, sweeps: Sweeps) -> float:
    tries = [float(f"{rate:.{digits}g}") for digits in range(1, 13)]
    found = sweeps.of(comparison.truth, tries)
    ok, _, _ = _reproduces(comparison, found, keep)
    return next((value for value, good in zip(tries, ok[1:]) if good), rate)


def _iterations_of(comparison: Comparison, keep: np.ndarray) -> tuple[int, int]:
    iteration = comparison.timeline.iteration(comparison.cells.quantity[keep], comparison.cells.t[keep])
    return int(iteration.min()), int(iteration.max())


# --- 6. precision -----------------------------------------------------------------------------------------

def _precision(comparison: Comparison) -> Cause | None:
    """float32, only when the error is float32's from the first records on and within its envelope throughout."""
    timeline, cells = comparison.timeline, comparison.cells
    first = comparison.first_divergence
    if first is None:
        return None
    iteration = timeline.iteration(cells.quantity, cells.t)
    early = comparison.checked & (iteration <= max(2, int(iteration[comparison.checked].min())))
    with np.errstate(divide="ignore", invalid="ignore"):
        error = np.abs(cells.got - comparison.expected)
        relative = error / np.abs(comparison.expected)
    # float32's error shows from the first records, beyond what float64 and the printed digits allow
    visible = early & (error > comparison.envelope + comparison.resolution * 1.000001)
    if not visible.any() or not np.any(relative[visible] > 1e-9) or np.nanmax(relative[early]) > 1e-5:
        return None
    from ..truth import load

    try:
        single = load(timeline.truth.spec, timeline.updates, "float32")
    except Exception:  # noqa: BLE001 - no float32 envelope, no float32 finding
        return None
    if compare(Timeline(single), cells).passed:
        return Cause("float32", variants.PRECISION, variants.FLOAT32.sentence, kind="precision")
    return None


__all__ = ["Cause", "Explanation", "explain"]
