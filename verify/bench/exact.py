"""Part 2: the exact reference (MPFR), ``reference.evaluate.trajectory``, on the networks it promises and as they grow.

Three promised cases: the documented example's 10,000 iterations, a 2-30-2
network for 10 iterations, and the 2-3-3-2 Adam network with a batch of two
(golden/deep-tanh-softmax-adam) for its 400. Then the growth: one hidden layer
from 2 to 64 neurons wide, and 1 to 4 hidden layers 8 wide, quoted in seconds
per iteration. A run of one iteration and one of N (enough for about
``GROWTH_SECONDS``) are timed side by side and their difference shared out
over the extra iterations, so that a run's set-up is left out. Every case runs
once untimed first: the reference derives each layer's formulas with SymPy
once per process.
"""

from __future__ import annotations

import time
from functools import partial

from ...reference import evaluate, examples
from ...reference.spec import Spec, load
from .rows import Row
from .specs import growth_layers, network_spec
from .timing import Stats, interleaved

FEWEST, MOST = 11, 1000  # iterations of a growth run
GROWTH_SECONDS = 0.2
WIDTHS = (2, 8, 16, 32, 64)  # at one hidden layer
DEPTHS = (1, 2, 3, 4)  # hidden layers, 8 neurons wide
DEPTH_WIDTH = 8


def promised() -> list[tuple[str, Spec, int, float]]:
    """(case, spec, iterations, target in seconds) of the cases the project promises."""
    documented = load(examples.spec_path(examples.DOCUMENTED))
    deep = load(examples.spec_path("deep-tanh-softmax-adam"))
    return [("documented example, 10,000 iterations", documented, documented.iterations, 2.0),
            ("2-30-2 network, 10 iterations", network_spec(growth_layers(30, 1), iterations=10), 10, 2.0),
            ("2-3-3-2 Adam network, batch of 2, 400 iterations", deep, deep.iterations, 10.0)]


def growth() -> list[tuple[str, Spec, int, int]]:
    """(case, spec, width, hidden layers) of the growth cases."""
    cases = [(w, 1) for w in WIDTHS] + [(DEPTH_WIDTH, d) for d in DEPTHS if d > 1]
    return [(f"growth: {'-'.join(map(str, growth_layers(w, d)))}, per iteration", network_spec(growth_layers(w, d)),
             w, d) for w, d in cases]


def measure(repeats: int) -> list[Row]:
    rows = []
    for case, spec, iterations, limit in promised():
        call = {case: partial(evaluate.trajectory, spec, iterations)}
        next(iter(call.values()))()  # warm-up
        stats = interleaved(call, repeats)[case]
        rows.append(Row("reference", case, "reference.evaluate.trajectory", number=1,
                        note=f"{spec.layers}, exact (MPFR) to correctly rounded float64").timed(stats).within(limit))
    for case, spec, width, hidden in growth():
        layers = f"{hidden} hidden layer{'s' if hidden > 1 else ''} of {width}"
        stats, iterations = per_iteration(spec, repeats)
        rows.append(Row("reference", case, "reference.evaluate.trajectory", width=width, batch=1, number=iterations,
                        note=f"seconds per iteration ({layers}; runs of 1 and {iterations} iterations)").timed(stats))
    return rows


def iterations_for(spec: Spec) -> int:
    """Enough iterations that a run lasts about ``GROWTH_SECONDS`` (a second run of a few says how long one takes;
    the first derives the layers' formulas)."""
    evaluate.trajectory(spec, 1)
    started = time.perf_counter()
    evaluate.trajectory(spec, FEWEST)
    each = (time.perf_counter() - started) / FEWEST  # an overestimate: the set-up is in it
    return min(MOST, max(FEWEST, round(GROWTH_SECONDS / each)))


def per_iteration(spec: Spec, repeats: int) -> tuple[Stats, int]:
    """Seconds per iteration beyond a run's set-up: per round, (t(N iterations) - t(1)) / (N - 1); and N."""
    n = iterations_for(spec)
    runs = {"1": lambda: evaluate.trajectory(spec, 1), "N": lambda: evaluate.trajectory(spec, n)}
    samples = []
    for _ in range(repeats):
        one_round = interleaved(runs, 1)
        samples.append((one_round["N"].median - one_round["1"].median) / (n - 1))
    return Stats.of(samples), n
