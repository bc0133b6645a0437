"""Run a program under a time limit and hand back what it printed, or a one-line reason why not."""

from __future__ import annotations

import os
import signal
import subprocess

from .errors import TraceError


def run(argv: list[str], timeout: float, stdin: str | None = None) -> str:
    """The program's standard output as text; TraceError if it is missing, fails, hangs or prints non-text."""
    if not argv:
        raise TraceError("usage", "no command given: put the program and its arguments after --")
    program = argv[0]
    try:
        # A session of its own, so that a hang is ended together with any children it started.
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    except FileNotFoundError:
        raise TraceError("no-command", f"command not found: {program!r} (check the name, or that it is on PATH)") from None
    except PermissionError:
        raise TraceError("no-command", f"cannot execute {program!r}: permission denied") from None
    try:
        out, err = proc.communicate(stdin.encode() if stdin is not None else None, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise TraceError("hang", f"{program} was still running after {timeout:g} s and was killed "
                         "(raise --timeout if it is only slow)") from None
    if proc.returncode != 0:
        raise TraceError("exit-status", f"{program} failed with exit status {proc.returncode}; "
                         f"its stderr ends: {_tail(err)}")
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TraceError("not-text", f"{program} printed bytes that are not UTF-8 text "
                         f"(at byte {exc.start} of its output)") from None


def _tail(err: bytes, lines: int = 3, limit: int = 300) -> str:
    """The last few lines of stderr, joined into one line."""
    text = " | ".join(line.strip() for line in err.decode("utf-8", "replace").splitlines()[-lines:] if line.strip())
    if not text:
        return "(nothing)"
    return text if len(text) <= limit else "..." + text[-limit:]
