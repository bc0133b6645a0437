"""The harness: verify any program against the truth, and say how it went.

distances in ULPs (ulps), the truth of a spec (truth), one comparison under
the noise envelope (compare), verdicts with one status model (status,
verdict), the trace protocol (trace/), the catalogue of mistakes and the
diagnosis (mistakes/), the runner of registered programs (programs), the
report (report/), the benchmarks (bench/), the Python API (api/), and on top
of them the command line (cli/). It imports ``reference`` and
``implementations``; neither imports it.

Called, this package verifies a table: ``backprop_verify.verify(table, ...)``
is ``backprop_verify.verify.api.verify(table, ...)``, the name the Python API
gives it (the package and the function share the name ``bv.verify``).
"""

import sys
from types import ModuleType
from typing import Any


class _Callable(ModuleType):
    def __call__(self, table: Any, /, **options: Any) -> Any:
        from .api import verify

        return verify(table, **options)


sys.modules[__name__].__class__ = _Callable
