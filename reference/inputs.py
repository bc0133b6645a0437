"""Read a small input file (a spec, a name map, a ledger of figures) whole, once it is known to be one.

The file is opened without waiting (a FIFO with no writer does not block) and
its type is checked on the open descriptor before a byte is read: a folder, a
device (/dev/zero, /dev/urandom), a FIFO or a socket is refused, and so is a
file larger than the limit, which is never read past. A symbolic link to a
regular file is followed.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MISSING, FOLDER, OTHER = "missing", "folder", "other"


class Unreadable(Exception):
    """Why a file cannot be read as an input; the message completes "FILE ..." (e.g. "is a folder, not a file")."""

    def __init__(self, why: str, kind: str = OTHER):
        super().__init__(why)
        self.kind = kind  # MISSING (nothing at the path), FOLDER or OTHER


def read_bounded(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, of at most ``limit`` bytes; Unreadable otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise Unreadable("no such file", MISSING) from None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise Unreadable("is a path name too long for this system (File name too long)") from None
        raise Unreadable(f"cannot be read ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode  # before fdopen, which refuses a folder with an exception of its own
        if stat.S_ISDIR(mode):
            raise Unreadable("is a folder, not a file", FOLDER)
        if not stat.S_ISREG(mode):
            raise Unreadable("is not a regular file (a device, FIFO or socket)")
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise Unreadable(f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        most = next((f"{limit // unit:,} {name}" for unit, name in ((1 << 20, "MiB"), (1 << 10, "KiB"))
                     if limit % unit == 0), f"{limit:,} bytes")
        raise Unreadable(f"is larger than allowed (at most {most})")
    return data
