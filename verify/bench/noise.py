"""Part 3: the noise envelope of the documented example, ``reference.envelope.spread`` over its golden trajectory.

Monte Carlo arithmetic runs the reference's training graph 32 times at once
in perturbed float64 for all 10,000 iterations; the time is that of the
spread alone, the golden trajectory read beforehand (verify.truth).
"""

from __future__ import annotations

from ...reference import envelope
from .. import truth
from .example import documented
from .rows import Row
from .timing import interleaved

TARGET = 3.0


def measure(repeats: int) -> list[Row]:
    spec = documented()
    golden = truth.load(spec).trajectory
    case = f"documented example, {len(golden):,} iterations"
    stats = interleaved({case: lambda: envelope.spread(spec, golden)}, repeats)[case]
    note = f"{envelope.SAMPLES} Monte Carlo samples over the golden trajectory ({golden.size:,} values)"
    return [Row("envelope", case, "reference.envelope.spread", number=1, note=note).timed(stats).within(TARGET)]
