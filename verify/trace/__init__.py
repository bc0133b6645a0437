"""The read stage: run any program with bounded resources, and read what it prints into records of numbers.

    from backprop_verify.verify.trace import read_text, records

    printout = read_text(text)          # lines of known shapes, and their numbers (reader.py)
    found = records(printout)           # runs of records, labels, what came before and after (records.py)

Nothing here knows the truth. The rules are in TRACE_PROTOCOL.md; every problem
is a ``TraceError`` with a stable ``kind`` and a one-line message.
"""

from .errors import TraceError
from .reader import Printout, Reader, read_text
from .records import Records, records
from .run import Outcome, run

__all__ = ["Outcome", "Printout", "Reader", "Records", "TraceError", "read_text", "records", "run"]
