"""Read the trace a program prints, in any language, into numbers; run the program with bounded resources.

    from backprop_verify.verify.trace import NameMap, TraceReader, run

    reader = TraceReader(quantities, names=NameMap.from_options(["loss=E_total"]), max_records=10_000)
    outcome = run(["ruby", "prog.rb"], timeout=60, sink=reader.feed)
    trace = reader.finish()

The reading rules are in TRACE_PROTOCOL.md. Every problem is a ``TraceError``
with a stable ``kind`` and a one-line message.
"""

from .errors import TraceError
from .names import NameMap
from .reader import Trace, TraceReader, read_text
from .run import Outcome, run

__all__ = ["NameMap", "Outcome", "Trace", "TraceError", "TraceReader", "read_text", "run"]
