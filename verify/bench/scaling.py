"""Parts (b) and (c): one training step at growing widths, against NumPy's own matrix multiply and torch.

For every width and batch the contenders (and np.dot of the step's largest
matrix shape) are timed interleaved; GFLOP/s counts 6 x batch x parameters
flops per step. Targets: vectorized no slower than torch at width 2, and
within 1.25x of torch at width 1024, batch 64.
"""

from __future__ import annotations

import numpy as np

from . import steps
from .rows import Row
from .specs import scaling_spec, step_flops
from .timing import calls_per_sample, interleaved

WIDTHS = (2, 16, 128, 1024)
BATCHES = (1, 64)
LARGE = 128  # from this width on, GFLOP/s are worth reporting
TARGETS = {(2, 1): 1.0, (2, 64): 1.0, (1024, 64): 1.25}  # (width, batch) -> most vectorized may take, x torch


def numpy_dot(width: int, batch: int):
    """np.dot of the step's forward product, (batch x width) @ (width x width), and its flop count."""
    generator = np.random.default_rng(1)
    a, b = generator.standard_normal((batch, width)), generator.standard_normal((width, width))
    return (lambda: np.dot(a, b)), 2 * batch * width * width


def case_rows(width: int, batch: int, with_torch: bool, repeats: int, sample_seconds: float) -> list[Row]:
    spec = scaling_spec(width, batch)
    names = [name for name in steps.CONTENDERS if with_torch or name != "torch"]
    timed = {name: steps.CONTENDERS[name](spec)[0] for name in names}
    del spec
    timed["numpy dot"], dot_flops = numpy_dot(width, batch)
    for function in timed.values():
        for _ in range(3):
            function()  # warm-up: first calls set up thread pools and caches
    numbers = {name: calls_per_sample(function, sample_seconds) for name, function in timed.items()}
    stats = interleaved(timed, repeats, numbers)
    rows = []
    for name, s in stats.items():
        flops = dot_flops if name == "numpy dot" else step_flops(width, batch)
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
            row.status = "not judged: no torch figure" if row.ratio is None else \
                "met" if row.ratio <= limit else "missed"


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


def measure(torch_skipped: str | None, repeats: int, sample_seconds: float) -> list[Row]:
    """``torch_skipped``: why torch is left out (its rows then say so), or None to time it."""
    contenders = [name for name in steps.CONTENDERS if torch_skipped is None or name != "torch"]
    difference = steps.agreement(contenders)
    same = f"{', '.join(contenders)} agree after two steps of a 3-3-3 network (largest relative difference {difference:.1e})"
    rows = [peak_dot(repeats), Row("scaling", "agreement", ", ".join(contenders), note=same,
                                   status="met" if difference < 1e-12 else "failed", target="same step")]
    for width in WIDTHS:
        for batch in BATCHES:
            rows += case_rows(width, batch, torch_skipped is None, repeats, sample_seconds)
    if torch_skipped is not None:
        rows.append(Row("scaling", "every width and batch", "torch", status="skipped", note=f"skipped: {torch_skipped}"))
    for (width, batch), limit in TARGETS.items():
        judge(rows, width, batch, limit)
    return rows
