"""Run a program with bounded memory and a hard time limit, streaming its standard output to a reader.

Standard output is decoded (UTF-8) and handed to ``sink`` as it arrives, never
accumulated; of standard error only the last 8 kB are kept, with a count of
bytes and lines. Both pipes are read together, so neither can fill up and
block the program. The program dies with the process that runs it, even one
killed by SIGKILL. At the time limit, the program and every process it
started are killed (see procs.py), including those that called setsid; when
the program exits but processes it left behind still hold its output open,
they are killed after a short grace. Every problem is a one-line TraceError.
"""

from __future__ import annotations

import codecs
import functools
import itertools
import math
import os
import secrets
import selectors
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import procs
from .errors import TraceError

READ = 1 << 16
TAIL = 8192
MAX_STDOUT = 256 << 20
GRACE = 0.5  # seconds left to processes that still hold the output open after the program exited
_runs = itertools.count()


@dataclass(frozen=True)
class Outcome:
    """How a run went; ``run`` returns one only when the program exited 0 and printed valid UTF-8."""

    argv: tuple[str, ...]
    seconds: float  # from start to the end of its output
    stdout_bytes: int
    stderr_bytes: int
    stderr_lines: int
    stderr_tail: str  # the last 8 kB of stderr, decoded leniently
    left_behind: int  # processes still running after the program exited, that were killed


def check_timeout(timeout: object) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) \
            or timeout <= 0:
        raise TraceError("usage", f"the timeout must be a positive number of seconds, not {timeout!r}")
    return float(timeout)


def run(argv: list[str], *, timeout: float, sink: Callable[[str], object], stdin: bytes | None = None,
        cwd: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None,
        max_stdout_bytes: int = MAX_STDOUT) -> Outcome:
    """Run ``argv``; ``sink`` receives its standard output as text, piece by piece.

    Raises TraceError: usage (bad arguments), no-command, hang (still running
    after ``timeout`` seconds), too-much-output, not-text, exit-status, empty
    (nothing on standard output); and whatever ``sink`` raises, after the
    program has been stopped.
    """
    timeout = check_timeout(timeout)
    argv = [os.fspath(a) for a in argv]
    if not argv:
        raise TraceError("usage", "no command given: put the program and its arguments after --")
    if cwd is not None and not os.path.isdir(cwd):
        raise TraceError("usage", f"the working directory {os.fspath(cwd)!r} does not exist")
    procs.become_subreaper()
    marker = f"{os.getpid()}-{next(_runs)}-{secrets.token_hex(4)}"
    environment = dict(os.environ if env is None else env, **{procs.MARKER: marker})
    program = argv[0]
    started = time.monotonic()
    try:
        child = subprocess.Popen(argv, stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=environment,
                                 start_new_session=True,  # a session of its own: one killpg ends most of it
                                 preexec_fn=functools.partial(procs.die_with_parent, os.getpid()))
    except FileNotFoundError:
        raise TraceError("no-command", f"command not found: {program!r} (check the name, or that it is on "
                         "PATH)") from None
    except PermissionError:
        raise TraceError("no-command", f"cannot execute {program!r}: permission denied (make it executable, "
                         "or run it through its interpreter)") from None
    except OSError as exc:
        raise TraceError("no-command", f"cannot execute {program!r}: {exc.strerror or exc} (is it a program? "
                         "add a #! line, or run it through its interpreter)") from None
    session = _Session(child, marker, sink, stdin, max_stdout_bytes)
    try:
        session.pump(started + timeout, program, timeout)
    finally:
        session.close()
    seconds = time.monotonic() - started
    status = child.returncode
    if status != 0:
        how = (f"was killed by {_signal_name(-status)}" if status < 0 else f"failed with exit status {status}")
        raise TraceError("exit-status", f"{program} {how}; its stderr ends: {session.tail()}")
    if session.out_bytes == 0:
        if session.err_lines or session.err_bytes:
            raise TraceError("empty", f"nothing on stdout; {session.err_lines:,} lines on stderr: print the "
                             f"trace to standard output (stderr ends: {session.tail()})")
        raise TraceError("empty", f"{program} printed nothing")
    return Outcome(tuple(argv), seconds, session.out_bytes, session.err_bytes, session.err_lines,
                   session.err_tail.decode("utf-8", "replace"), session.left)


class _Session:
    """The pipes of one running program and what has come through them."""

    def __init__(self, child: subprocess.Popen[bytes], marker: str, sink: Callable[[str], object], stdin: bytes | None,
                 max_stdout: int) -> None:
        self.child, self.marker, self.sink, self.max_stdout = child, marker, sink, max_stdout
        self.left = 0  # processes killed after the program itself exited
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.out_bytes = self.err_bytes = self.err_lines = 0
        self.err_tail = b""
        self.selector = selectors.DefaultSelector()
        self.out, self.err = child.stdout.fileno(), child.stderr.fileno()  # type: ignore[union-attr]  # piped
        self.selector.register(self.out, selectors.EVENT_READ)
        self.selector.register(self.err, selectors.EVENT_READ)
        self.pending = memoryview(stdin or b"")
        if child.stdin is not None:
            os.set_blocking(child.stdin.fileno(), False)
            self.selector.register(child.stdin.fileno(), selectors.EVENT_WRITE)

    def pump(self, deadline: float, program: str, timeout: float) -> None:
        """Move the output to the sink until both pipes close and the program has exited."""
        exited = drained = None
        while self.selector.get_map():
            now = time.monotonic()
            if now >= deadline:
                self.end()
                raise TraceError("hang", f"{program} was still running after {timeout:g} s and was stopped "
                                 "with every process it started (raise the timeout if it is only slow)")
            if exited is None and self.child.poll() is not None:
                exited = now
            if exited is not None and drained is None and now >= exited + GRACE:
                # The program is gone, but processes it started still hold its output open.
                self.left += len(procs.end_family(self.child.pid, self.marker, spare=self.child.pid))
                drained = now + 1.0
            if drained is not None and now >= drained:
                break  # a writer that could not be found or killed: stop listening to it
            for key, _ in self.selector.select(min(deadline - now, 0.1)):
                if key.fd == self.out:
                    self._stdout(os.read(key.fd, READ), program)
                elif key.fd == self.err:
                    self._stderr(os.read(key.fd, READ))
                else:
                    self._stdin(key.fd)
        self._decode(b"", program, final=True)
        try:  # the pipes are closed, but the program may still run
            self.child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.end()
            raise TraceError("hang", f"{program} was still running after {timeout:g} s and was stopped "
                             "with every process it started (raise the timeout if it is only slow)") from None

    def _stdout(self, data: bytes, program: str) -> None:
        if not data:
            self.selector.unregister(self.out)
            return
        if self.out_bytes + len(data) > self.max_stdout:
            self.end()
            raise TraceError("too-much-output", f"{program} printed more than {_size(self.max_stdout)} on "
                             "standard output and was stopped: print only the trace, once")
        self._decode(data, program)
        self.out_bytes += len(data)

    def _decode(self, data: bytes, program: str, final: bool = False) -> None:
        held = len(self.decoder.getstate()[0])
        try:
            text = self.decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            self.end()
            offset = self.out_bytes - held + exc.start
            raise TraceError("not-text", f"{program} printed bytes that are not UTF-8 text, at byte {offset:,} "
                             f"of its standard output ({exc.object[exc.start:exc.start + 4]!r})") from None
        if text:
            try:
                self.sink(text)
            except BaseException:
                self.end()
                raise

    def _stderr(self, data: bytes) -> None:
        if not data:
            self.selector.unregister(self.err)
            return
        self.err_bytes += len(data)
        self.err_lines += data.count(b"\n")
        self.err_tail = (self.err_tail + data)[-TAIL:]

    def _stdin(self, fd: int) -> None:
        try:
            written = os.write(fd, self.pending[:READ])
        except BlockingIOError:
            return
        except (BrokenPipeError, OSError):  # the program does not read its input: fine
            written = len(self.pending)
        self.pending = self.pending[written:]
        if not self.pending:
            self.selector.unregister(fd)
            self.child.stdin.close()  # type: ignore[union-attr]  # piped when there is input

    def tail(self, lines: int = 3, limit: int = 300) -> str:
        """The last lines of stderr, on one line."""
        text = self.err_tail.decode("utf-8", "replace")
        kept = " | ".join(line.strip() for line in text.splitlines()[-lines:] if line.strip())
        if not kept:
            return "(nothing)"
        return kept if len(kept) <= limit else "..." + kept[-limit:]

    def end(self) -> None:
        """Kill the program and everything it started."""
        try:
            os.killpg(self.child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        procs.end_family(self.child.pid, self.marker, spare=self.child.pid)

    def close(self) -> None:
        """Leave nothing behind: no process of the run, no open pipe."""
        if self.child.poll() is None:
            self.end()
        self.left += len(procs.end_family(self.child.pid, self.marker, spare=self.child.pid, within=0.5))
        try:
            self.child.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        self.selector.close()
        for pipe in (self.child.stdin, self.child.stdout, self.child.stderr):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass


def _size(count: int) -> str:
    return f"{count / 1e6:,.0f} MB" if count >= 1e6 else f"{count:,} bytes"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
