"""Measure, over many random specs, how far each implementation's one step is from the reference.

Not a test: run ``python tests/probe_properties.py N`` from the repository root
to re-measure the norm-wise errors behind the ``random-1-step`` rows of
reference/tolerances.csv (N random specs, as drawn by tests/test_properties.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parent.parent)]

from hypothesis import HealthCheck, given, settings  # noqa: E402

import test_properties  # noqa: E402
from implementations import REGISTRY  # noqa: E402


def probe(examples: int) -> dict[str, tuple[float, str]]:
    worst = {name: (0.0, "") for name in REGISTRY}

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(spec=test_properties.specs())
    def one(spec):
        expected = test_properties.reference_step(spec)
        for name, implementation in REGISTRY.items():
            if implementation.supports(spec) is None:
                errors = test_properties.normwise_ulps(spec, expected, implementation.run(spec, 1).iloc[0])
                column = max(errors, key=errors.get)
                if errors[column] > worst[name][0]:
                    worst[name] = (errors[column], f"{column} of a {spec.layers} network")

    one()
    return worst


if __name__ == "__main__":
    for name, (ulps, where) in probe(int(sys.argv[1]) if len(sys.argv) > 1 else 100).items():
        print(f"{name}: {ulps:g} ULPs ({where})")
