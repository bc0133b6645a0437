"""Benchmark (not a test): 10,000 iterations of the documented example per implementation, median of 5.

    python tests/speed.py [NAME ...]

Prints the median and the fastest of 5 runs (timeit), wall-clock and CPU time,
next to the target of issue 3. On a shared machine the CPU time is the steadier.
"""

from __future__ import annotations

import statistics
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from implementations import REGISTRY  # noqa: E402
from reference.spec import load  # noqa: E402

TARGET_SECONDS = {"loop": 0.050, "vectorized": 0.200, "autograd": 3.0}
REPEAT = 5


def measure(name: str, clock) -> list[float]:
    spec = load()
    run = REGISTRY[name].run
    run(spec, 10)  # imports and first-call costs are not part of the figure
    return timeit.Timer(lambda: run(spec, spec.iterations), timer=clock).repeat(repeat=REPEAT, number=1)


def main(names: list[str]) -> None:
    for name in names or list(REGISTRY):
        wall, cpu = measure(name, time.perf_counter), measure(name, time.process_time)
        print(f"{name:11s} wall median {statistics.median(wall):.4f} s (min {min(wall):.4f}), "
              f"cpu median {statistics.median(cpu):.4f} s (min {min(cpu):.4f}); "
              f"target < {TARGET_SECONDS.get(name, float('nan'))} s")


if __name__ == "__main__":
    main(sys.argv[1:])
