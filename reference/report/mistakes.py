"""The known mistakes (tests/mutants' MUTANTS), as trajectories the report can compare with.

The registry lives with the tests; until it is there the report says
"mistakes unavailable" instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

import pandas as pd

from implementations.frames import trajectory_frame
from implementations.loop import Loop
from reference.spec import Spec


@dataclass(frozen=True)
class Mistake:
    name: str
    cause: str  # one sentence
    trajectory: Callable[[Spec, int], pd.DataFrame]  # (spec, iterations) -> rows 0 .. iterations - 1


class Unavailable(Exception):
    """The registry of mistakes cannot be loaded; the message says why."""


def _loop_runner(network_class: type[Loop]) -> Callable[[Spec, int], pd.DataFrame]:
    return lambda spec, iterations: trajectory_frame(spec, network_class(spec).rows(iterations))


def _as_mistake(name: str, entry) -> Mistake:
    if isinstance(entry, type) and issubclass(entry, Loop):
        return Mistake(name, (entry.__doc__ or name).strip().splitlines()[0], _loop_runner(entry))
    cause = next((getattr(entry, a) for a in ("cause", "description", "mistake") if getattr(entry, a, None)), name)
    network = next((getattr(entry, a) for a in ("network", "cls", "loop") if isinstance(getattr(entry, a, None), type)),
                   None)
    if network is not None:
        return Mistake(name, str(cause), _loop_runner(network))
    if callable(getattr(entry, "run", None)):
        return Mistake(name, str(cause), lambda spec, iterations: entry.run(spec, iterations))
    raise Unavailable(f"tests/mutants: cannot tell how to run mutant {name!r}")


def load() -> list[Mistake]:
    """Every registered mistake, in the registry's order; Unavailable when there is no registry."""
    try:
        registry = import_module("tests.mutants").MUTANTS
    except (ImportError, AttributeError) as error:
        raise Unavailable(f"mistakes unavailable (tests/mutants has no MUTANTS registry: {error})") from None
    items = registry.items() if isinstance(registry, dict) else ((getattr(m, "name", str(m)), m) for m in registry)
    return [_as_mistake(name, entry) for name, entry in items]
