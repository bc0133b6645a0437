"""In-memory specs for the scaling cases: width-width-width networks with random weights and a batch of examples.

The numbers are drawn from a seeded generator (the documented example's are
never used here). Biases are per neuron and trained, so one step updates every
parameter.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from reference.spec import Example, Spec


def parameters(width: int) -> int:
    """Weights and biases of a width-width-width network with a bias per neuron."""
    return 2 * width * width + 2 * width


def step_flops(width: int, batch: int) -> int:
    """The conventional count for one forward and backward pass: 6 flops per parameter per example."""
    return 6 * batch * parameters(width)


def _decimals(values: np.ndarray) -> tuple[Decimal, ...]:
    """The shortest decimals that read back as the same doubles, as a spec file would hold them."""
    return tuple(Decimal(repr(v)) for v in values.tolist())


def scaling_spec(width: int, batch: int, seed: int = 0) -> Spec:
    """A valid spec of layers (width, width, width), ``batch`` examples, one iteration."""
    generator = np.random.default_rng(seed)
    scale = 1.0 / np.sqrt(width)  # keeps the sigmoids away from saturation at every width
    weights = lambda: tuple(_decimals(row) for row in generator.uniform(-scale, scale, (width, width)))  # noqa: E731
    examples = tuple(Example(_decimals(generator.uniform(0, 1, width)), _decimals(generator.uniform(0, 1, width)))
                     for _ in range(batch))
    return Spec(name=f"scaling {width}-{width}-{width}, batch {batch}", layers=(width, width, width),
                activation="sigmoid", loss="half_squared_error", bias_mode="per_neuron", train_biases=True,
                learning_rate=Decimal("0.5"), iterations=1, reduction="mean", examples=examples,
                w_hidden=weights(), w_output=weights(), b_hidden=_decimals(generator.uniform(-scale, scale, width)),
                b_output=_decimals(generator.uniform(-scale, scale, width)), source=f"<scaling w={width} b={batch}>")
