"""backprop-verify: the step-by-step backpropagation example derived exactly, and any program verified against it.

One import package. Its parts are the repository's folders, each a layer that imports only those above it:
``backprop_verify.reference`` (the truth), ``backprop_verify.implementations`` (the programs under test),
``backprop_verify.verify`` (the harness and the command line) and ``backprop_verify.golden`` (the shipped
examples and their goldens).

Its face is the Python API (``backprop_verify.verify.api``), imported on first use so that ``import
backprop_verify`` stays light::

    import backprop_verify as bv
    print(bv.verify({"E_total": losses}))

and, in IPython or Jupyter, ``%load_ext backprop_verify`` for the ``%%backprop_verify`` cell magic.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

API = ("Goldens", "Recorder", "Verdict", "assert_verified", "derive", "truth", "verify", "verify_command",
       "verify_text", "verify_torch")
__all__ = [*API, "__version__", "load_ipython_extension"]


def __getattr__(name: str) -> Any:
    if name == "verify":  # the harness's package, which verifies a table when called (verify/__init__.py)
        return import_module(".verify", __name__)
    if name in API:
        from .verify import api

        return getattr(api, name)
    if name == "__version__":
        from importlib.metadata import version

        return version("backprop-verify")
    raise AttributeError(f"module 'backprop_verify' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *API, "__version__"])


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext backprop_verify``: the ``%%backprop_verify [trace options]`` cell magic."""
    from .magic import register

    register(ipython)
