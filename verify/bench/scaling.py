"""Part 5: one training step as the network grows, against NumPy's own matrix multiply and torch.

For every width and batch the contenders (and np.dot of the step's forward
product) are timed interleaved, each sample long enough to be measured well,
with a pause before each so that one library's idle threads do not compete
with the next (on a busy machine, ``--threads 1`` avoids that altogether);
GFLOP/s count 6 x batch x parameters flops per step. First the contenders must
agree on a small network. Targets: vectorized no slower than torch at width 2,
and within 1.25x of torch at width 1024, batch 64.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ...reference.spec import Spec
from . import steps
from .rows import Row, skipped
from .specs import network_spec, scaling_layers, step_flops
from .timing import calls_per_sample, interleaved

WIDTHS = (2, 16, 128, 1024)
BATCHES = (1, 64)
LARGE = 128  # from this width on, GFLOP/s are worth reporting
TARGETS = {(2, 1): 1.0, (2, 64): 1.0, (1024, 64): 1.25}  # (width, batch) -> most vectorized may take, x torch
AGREEMENT = 1e-12
SETTLE = 0.15  # seconds between samples: OpenBLAS's and torch's idle workers spin for a while before they sleep


def numpy_dot(width: int, batch: int) -> tuple[Callable[[], np.ndarray], int]:
    """np.dot of the step's forward product, (batch x width) @ (width x width), and its flop count."""
    generator = np.random.default_rng(1)
    a, b = generator.standard_normal((batch, width)), generator.standard_normal((width, width))
    return (lambda: np.dot(a, b)), 2 * batch * width * width


def case_rows(spec: Spec, width: int, batch: int, names: list[str], repeats: int, sample_seconds: float) -> list[Row]:
    timed: dict[str, Callable[[], object]] = {name: steps.CONTENDERS[name](spec)[0] for name in names}
    timed["numpy dot"], dot_flops = numpy_dot(width, batch)
    numbers = {}
    for name, function in timed.items():
        time.sleep(SETTLE)  # the calls per sample are found as the samples are taken: after a pause
        for _ in range(3):
            function()  # warm-up: first calls set up thread pools and caches
        numbers[name] = calls_per_sample(function, sample_seconds)
    stats = interleaved(timed, repeats, numbers, SETTLE)
    rows = []
    for name, s in stats.items():
        flops = dot_flops if name == "numpy dot" else step_flops(scaling_layers(width), batch)
        what = "np.dot (batch x width) @ (width x width), float64" if name == "numpy dot" else "one training step"
        row = Row("scaling", f"width {width}, batch {batch}", name, width, batch, number=numbers[name],
                  note=what).timed(s)
        if width >= LARGE:
            row.gflops = flops / s.median / 1e9
        if "torch" in stats and name != "numpy dot":
            row.ratio = s.median / stats["torch"].median
        rows.append(row)
    return rows


def judge(rows: list[Row], width: int, batch: int, limit: float) -> None:
    """Mark the vectorized row of a target case met or missed against torch."""
    for row in rows:
        if row.implementation == "vectorized" and (row.width, row.batch) == (width, batch):
            row.target = f"<= {limit:g} x torch"
            if row.ratio is None:
                row.status, row.note = "skipped", f"{row.note}; skipped: no torch figure to judge against"
            else:
                row.status = "met" if row.ratio <= limit else "missed"


def peak_dot(repeats: int) -> Row:
    """The machine's reach with a large square product, for scale."""
    generator = np.random.default_rng(2)
    n = max(WIDTHS)
    a, b = generator.standard_normal((n, n)), generator.standard_normal((n, n))
    stats = interleaved({"dot": lambda: np.dot(a, b)}, repeats)["dot"]
    row = Row("matmul", f"np.dot {n} x {n} @ {n} x {n}, float64", "numpy dot", n, n, number=1,
              note="square product: what NumPy's BLAS reaches on this machine").timed(stats)
    row.gflops = 2 * n ** 3 / stats.median / 1e9
    return row


def agreement_row(contenders: list[str]) -> Row:
    """Whether the contenders take the same step: two steps of a 3-3-3 network, batch of 2."""
    difference = steps.agreement(contenders, network_spec(scaling_layers(3), 2))
    note = f"after two steps of a 3-3-3 network, largest relative difference {difference:.1e}"
    return Row("scaling", "agreement", ", ".join(contenders), target=f"relative difference < {AGREEMENT:g}",
               status="met" if difference < AGREEMENT else "failed", note=note)


def measure(torch_skipped: str | None, repeats: int, sample_seconds: float) -> list[Row]:
    """``torch_skipped``: why torch is left out (its rows then say so), or None to time it."""
    contenders = [name for name in steps.CONTENDERS if torch_skipped is None or name != "torch"]
    rows = [peak_dot(repeats), agreement_row(contenders)]
    for width in WIDTHS:
        widest = network_spec(scaling_layers(width), max(BATCHES))  # read once; smaller batches are its first examples
        for batch in BATCHES:
            spec = replace(widest, examples=widest.examples[:batch])
            rows += case_rows(spec, width, batch, contenders, repeats, sample_seconds)
    if torch_skipped is not None:
        rows.append(skipped("scaling", "every width and batch", torch_skipped, "torch"))
    for (width, batch), limit in TARGETS.items():
        judge(rows, width, batch, limit)
    return rows
