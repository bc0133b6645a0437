"""The known mistakes (tests/mutants' MUTANTS) as trajectories of any length, for the published-figures check."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

import pandas as pd

from implementations.frames import trajectory_frame
from reference.spec import DEFAULT_SPEC, Spec

ROOT = DEFAULT_SPEC.parent.parent


@dataclass(frozen=True)
class Mistake:
    name: str
    cause: str  # one sentence
    trajectory: Callable[[Spec, int], pd.DataFrame]  # (spec, iterations) -> rows 0 .. iterations - 1


class Unavailable(Exception):
    """The registry of mistakes cannot be loaded; the message says why."""


def mistake(name: str, cause: str, network: type) -> Mistake:
    """``network``: a class of implementations.loop or .vectorized (or a subclass) with ``rows(iterations)``."""
    return Mistake(name, cause, lambda spec, iterations: trajectory_frame(spec, network(spec).rows(iterations)))


def load() -> list[Mistake]:
    """Every registered Python mutant, in the registry's order; Unavailable when the registry cannot be had."""
    if str(ROOT) not in sys.path:  # tests/ is a package of the repository, beside reference/
        sys.path.append(str(ROOT))
    try:
        registry = import_module("tests.mutants").MUTANTS
    except (ImportError, AttributeError) as error:
        raise Unavailable(f"mistakes unavailable (no tests.mutants.MUTANTS: {error})") from None
    return [mistake(m.name, m.cause, m.network) for m in registry.values()]
