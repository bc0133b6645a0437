"""Run a program and read its trace in one go: the options of reading, and the run streamed into the reader.

``Reading`` gathers what the command line (and the registry) says about a
trace: a forced format, headerless column names, name maps, strictness and
the first iteration label. ``read_command`` runs the program with bounded
memory and a hard timeout (verify/trace/run.py), feeding its standard output
to a ``TraceReader`` as it arrives.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from . import names as name_maps
from .detect import FORMATS
from .errors import TraceError
from .reader import Trace, TraceReader
from .run import run

BYTES_PER_VALUE = 64  # generous: a name, a separator and 17 digits, or chatter around them
MIN_OUTPUT = 16 << 20

__all__ = ["FORMATS", "Reading", "hints", "notes", "read_command", "single_unlabelled"]


@dataclass(frozen=True)
class Reading:
    format: str | None = None
    columns: tuple[str, ...] | None = None
    names: tuple[str, ...] = ()  # "PROGRAM NAME=GOLDEN_NAME"
    names_file: Path | None = None
    strict: bool = False
    count_from: int = 0
    every: int = 0  # unlabelled records printed every N iterations

    def name_map(self) -> name_maps.NameMap | None:
        """The map of --names FILE and --name options together (the options win); None when neither is given."""
        found = name_maps.load(self.names_file) if self.names_file else None
        if self.names:
            given = name_maps.NameMap.from_options(self.names)
            found = given if found is None else found.merged(given)
        return found

    def validate(self) -> None:
        """Refuse bad options before anything runs (TraceError with one line)."""
        self.name_map()
        if self.columns is not None and self.format not in (None, "columns"):
            raise TraceError("usage", f"--columns names headerless columns; it does not go with --format {self.format}")


def read_command(argv: list[str], quantities: list[str], iterations: int, reading: Reading, *, timeout: float,
                 stdin: bytes | None = None, cwd: str | None = None) -> tuple[Trace, float]:
    """The trace ``argv`` prints (of ``quantities`` over at most ``iterations``), and the seconds it ran;
    TraceError (one line) when it cannot be read."""
    reader = TraceReader(quantities, format=reading.format, names=reading.name_map(),
                         columns=list(reading.columns) if reading.columns else None, strict=reading.strict,
                         max_records=iterations)
    limit = max(MIN_OUTPUT, 4 * BYTES_PER_VALUE * iterations * (len(quantities) + 1))
    outcome = run(argv, timeout=timeout, stdin=stdin, cwd=cwd, sink=reader.feed, max_stdout_bytes=limit)
    trace = reader.finish()
    if reading.every:
        trace = replace(trace, iterations=np.arange(trace.records) * reading.every + reading.every * reading.count_from,
                        labelled=True)
    if reading.count_from and trace.labelled:
        trace = _relabelled(trace, -reading.count_from)
    return trace, outcome.seconds


def _relabelled(trace: Trace, by: int) -> Trace:
    return replace(trace, iterations=trace.iterations + by)


def notes(trace: Trace) -> tuple[str, ...]:
    return tuple(trace.notes())


def hints(trace: Trace) -> tuple[str, ...]:
    """Names printed that look like misspelt quantities: worth saying even when the verdict is a pass."""
    return tuple(f"{name!r} is not a quantity; did you mean {golden!r}? (--name '{name}={golden}' if it is)"
                 for name, golden in trace.suggestions.items())


def single_unlabelled(trace: Trace) -> bool:
    return trace.records == 1 and not trace.labelled
