"""The one exception of the trace adapter: a trace that cannot be verified, with a one-line diagnosis."""

from __future__ import annotations


class TraceError(Exception):
    """Why a trace could not be verified.

    ``kind`` is a short stable label (``empty``, ``garbage``, ``hang``, ...)
    that tests and reports can match; the message is one line saying what is
    wrong and, where it helps, how to fix it.
    """

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
