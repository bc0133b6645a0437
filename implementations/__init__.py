"""The programs under test and their bridges.

``REGISTRY`` maps a name to an ``Implementation``; adding an implementation is
one entry. Modules are imported on first use, so importing the package (and
listing the names) stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas

    from reference.spec import Spec


@dataclass(frozen=True)
class Implementation:
    name: str
    language: str
    description: str
    supports: Callable[[Spec], str | None]  # None: it can run the spec; otherwise the reason it cannot
    run: Callable[..., pandas.DataFrame]  # run(spec, iterations=None, **options) -> trajectory
    step1: Callable[[Spec], dict[str, float]]  # the step1.csv quantities it computes


def _lazy(module: str, function: str) -> Callable:
    def call(*args, **kwargs):
        return getattr(import_module(f"{__name__}.{module}"), function)(*args, **kwargs)
    call.__name__ = call.__qualname__ = f"{module}.{function}"
    return call


def _python(name: str, module: str, description: str) -> Implementation:
    return Implementation(name, "python", description, _lazy(module, "supports"), _lazy(module, "run"),
                          _lazy(module, "step1"))


REGISTRY: dict[str, Implementation] = {
    "loop": _python("loop", "loop", "the notes line by line, Python floats, 2-2-2 only"),
    "vectorized": _python("vectorized", "vectorized", "NumPy matrix form, any sizes, batches, float64 or float32"),
    "autograd": _python("autograd", "autodiff", "forward pass in autograd.numpy, gradients by autograd"),
}
