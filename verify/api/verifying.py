"""Verify from Python: a table of values, printed text, or a command; every path ends in the same verdict.

These are the ``trace`` command's stages, called in process: what was printed
(or held) is read, interpreted against the truth, compared under the noise
envelope, and a failure explained. The options are the command's, as keywords
(options.py).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Unpack

from ...implementations.spec_json import dumps as spec_json
from ...reference.spec import Spec
from .. import programs
from ..programs import DEFAULT_TIMEOUT, Options, reader_for, verify_printout
from ..trace import TraceError
from ..truth import TruthError, load
from ..verdict import errored
from .options import TraceOptions, options_of, spec_of
from .tables import table_lines
from .verdicts import Verdict

FEED_CHARS = 1 << 20  # text is read in pieces, as a program's output is


def _options(spec: Spec, options: Options | None, given: dict[str, Any], **run: Any) -> Options:
    """The options as keywords, or as the command line parsed them (``options=``), never both."""
    if options is None:
        return options_of(spec, given, **run)
    mixed = [*given, *(k for k, v in run.items() if v is not None)]
    if mixed:
        raise ValueError(f"give options= or the options as keywords ({', '.join(mixed)}), not both")
    return options


def verify_text(text: str, *, spec: str | Path | Spec = "documented", program: str = "text",
                options: Options | None = None, **trace: Unpack[TraceOptions]) -> Verdict:
    """Verify what a program printed: ``bv.verify_text(printed, spec="deep-tanh-softmax-adam")``."""
    if not isinstance(text, str):
        raise TypeError(f"verify_text() takes the printed text as a str, not {type(text).__name__}")
    spec = spec_of(spec)
    found = _options(spec, options, dict(trace))
    who = {"program": program, "example": programs.example_name(spec)}
    try:  # read first, as for a command: text that cannot be read costs no derivation of the truth
        reader = reader_for(spec, found.iterations or spec.iterations, found.printing)
        for start in range(0, len(text), FEED_CHARS):
            reader.feed(text[start:start + FEED_CHARS])
        printout = reader.finish()
        truth = load(spec, found.iterations, found.precision)
    except TruthError as error:
        return Verdict.of(errored(str(error), "golden", **who))
    except TraceError as error:
        return Verdict.of(errored(str(error), error.kind, **who))
    return Verdict.of(verify_printout(printout, truth, found, program=program))


def verify(table: Any, *, spec: str | Path | Spec = "documented", program: str = "table",
           options: Options | None = None, **trace: Unpack[TraceOptions]) -> Verdict:
    """Verify values a program holds: a dict of columns or a DataFrame, a row per iteration.

    ``bv.verify({"E_total": losses})`` (a loss per iteration, from iteration 0); a DataFrame may hold an
    ``iteration`` (or ``epoch``, ``step``) column and any golden or usual names (``loss``, ``w5``, ``out_o1``).
    Each row is verified as the line a program would print (tables.py); the verdict's line numbers are rows,
    counted from 1.
    """
    text = "".join(line + "\n" for line in table_lines(table))
    return verify_text(text, spec=spec, program=program, options=options, **trace)


def verify_command(argv: str | Sequence[str], *, spec: str | Path | Spec = "documented", timeout: float | None = None,
                   cwd: str | Path | None = None, stdin: bytes | str | None = None, stdin_spec: bool = False,
                   program: str | None = None, options: Options | None = None,
                   **trace: Unpack[TraceOptions]) -> Verdict:
    """Run a program and verify what it prints: ``bv.verify_command(["python3", "train.py"], timeout=60)``.

    ``stdin`` is what the program reads; ``stdin_spec=True`` gives it the spec as JSON instead (--stdin-spec).
    The program and everything it starts are stopped after ``timeout`` seconds (default 120).
    """
    command = shlex.split(argv) if isinstance(argv, str) else [str(a) for a in argv]
    if not command:
        raise ValueError("no command given: for instance verify_command(['python3', 'train.py'])")
    spec = spec_of(spec)
    if stdin is not None and stdin_spec:
        raise ValueError("give stdin= or stdin_spec=True, not both")
    if cwd is not None and not Path(cwd).is_dir():
        raise ValueError(f"cwd={str(cwd)!r}: no such folder")
    run = {"timeout": timeout, "cwd": cwd} if options is not None else \
        {"timeout": _seconds(DEFAULT_TIMEOUT if timeout is None else timeout), "cwd": str(cwd) if cwd else None}
    found = _options(spec, options, dict(trace), **run)
    if stdin_spec:
        stdin = spec_json(spec, found.iterations)
    data = stdin.encode() if isinstance(stdin, str) else stdin
    verdict = programs.verify_command(command, spec, found, stdin=data, program=program or Path(command[0]).name)
    return Verdict.of(verdict)


def _seconds(timeout: float) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout < float("inf"):
        raise ValueError(f"timeout must be a number of seconds greater than 0 (got {timeout!r})")
    return float(timeout)
