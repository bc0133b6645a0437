"""Verify the trace of any program, in any language, against the goldens.

The protocol is described in implementations/TRACE_PROTOCOL.md. From Python::

    from implementations.trace import verify_command
    verdict = verify_command(["ruby", "prog.rb"], tolerance_from="ruby")
    verdict.status, verdict.reason, verdict.comparison, verdict.seconds, verdict.exit_code

From the shell: ``python -m implementations.trace -- COMMAND ARGS...``.
"""

from .errors import TraceError
from .names import NameMap
from .verdict import Verdict, describe, verify_command, verify_text

__all__ = ["NameMap", "TraceError", "Verdict", "describe", "verify_command", "verify_text"]
