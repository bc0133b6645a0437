"""Work on the second core: a computation run in a forked child while this process goes on with another.

A derivation has two long parts that need nothing of each other: the exact
trajectory (MPFR) and the Monte Carlo samples of the envelope (reference/
goldens.py). ``Background`` forks, and the child fills an array that lives in
memory shared with the parent (nothing is copied back), then exits. The
child dies with its parent (``PR_SET_PDEATHSIG`` on Linux): a derivation that
is killed leaves no process behind. Where ``fork`` is not available, the
work is done in this process when its result is asked for.
"""

from __future__ import annotations

import ctypes
import mmap
import os
import signal
from collections.abc import Callable

import numpy as np

PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the parent's pipe closing ends the child's wait soon enough
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


class Background:
    """``work(out)`` filling ``out`` (float64, of ``shape``) in a forked child; ``result()`` waits for it."""

    def __init__(self, work: Callable[[np.ndarray], object], shape: tuple[int, ...]):
        self._work, self._pid = work, 0
        size = int(np.prod(shape)) * 8
        self._memory = mmap.mmap(-1, max(size, 1))
        self.out = np.frombuffer(self._memory, dtype=np.float64, count=int(np.prod(shape))).reshape(shape)
        if not hasattr(os, "fork"):
            return
        parent = os.getpid()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: do the work, say how it went, and leave without running any of the parent's exit code
            status = 1
            try:
                os.close(read)
                _die_with(parent)
                work(self.out)
                os.write(write, b"ok")
                status = 0
            except BaseException as error:  # noqa: BLE001 - whatever happened is told to the parent
                message = f"{type(error).__name__}: {error}".encode("utf-8", "replace")[:4000]
                try:
                    os.write(write, message)
                except OSError:
                    pass
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._pipe = pid, read

    def result(self) -> np.ndarray:
        """The filled array; RuntimeError with the child's one-line reason when it failed."""
        if not self._pid:
            self._work(self.out)
            return self.out
        chunks = []
        try:
            while chunk := os.read(self._pipe, 4096):
                chunks.append(chunk)
        finally:
            os.close(self._pipe)
            os.waitpid(self._pid, 0)
            self._pid = 0
        said = b"".join(chunks).decode("utf-8", "replace")
        if said != "ok":
            raise RuntimeError(f"the envelope's samples failed: {said or 'the worker process died'}")
        return self.out

    def cancel(self) -> None:
        """Stop the child, if it still runs (the parent's own part failed or was interrupted)."""
        if self._pid:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.close(self._pipe)
            os.waitpid(self._pid, 0)
            self._pid = 0
