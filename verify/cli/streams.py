"""Standard output and error that cannot end a command: a reader that went away or a full disk only stop the printing.

A verdict does not depend on being read: ``backprop-verify check loop | head -1`` keeps the exit status of the
check. What could not be printed is dropped, and what is still buffered goes to /dev/null, so that the
interpreter's last flush at exit raises nothing either.
"""

from __future__ import annotations

import io
import os
from typing import TextIO


class Guarded(io.TextIOBase):
    """A text stream that stops writing, without raising, at its first failed write; ``lost`` holds that error."""

    def __init__(self, stream: TextIO):
        super().__init__()
        self.stream = stream
        self.lost: OSError | None = None

    def write(self, text: str) -> int:
        if self.lost is None:
            try:
                self.stream.write(text)
            except OSError as error:
                self._lose(error)
        return len(text)

    def flush(self) -> None:
        if self.lost is None:
            try:
                self.stream.flush()
            except OSError as error:
                self._lose(error)

    def _lose(self, error: OSError) -> None:
        self.lost = error
        try:
            descriptor = self.stream.fileno()
        except (OSError, ValueError, AttributeError):  # a stream in memory: nothing is left to flush at exit
            return
        nowhere = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(nowhere, descriptor)
        finally:
            os.close(nowhere)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.lost is None and self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.stream.errors
