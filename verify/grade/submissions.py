"""The submissions of a class: one folder each, its content hash, and a fresh copy of it to run in.

A submission is a sub-folder of the class folder (hidden ones, starting with a
dot, are left out), or the folder itself when it is one submission (inside an
autograder). Its hash covers every path, file mode bit that matters (executable)
and byte inside it, symbolic links by their target text (never followed), so
that an unchanged submission is recognised on a rerun and any change is not.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20


class SubmissionError(Exception):
    """A class folder that cannot be graded; the message is one line."""


@dataclass(frozen=True)
class Submission:
    name: str
    folder: Path


def find(folder: Path, one: bool = False) -> list[Submission]:
    """The submissions in ``folder`` (its sub-folders, by name), or ``folder`` itself when ``one``."""
    if not folder.is_dir():
        raise SubmissionError(f"{folder}: no such folder (give the folder that holds one folder per submission)")
    if one:
        return [Submission(folder.resolve().name or "submission", folder)]
    found = sorted((Submission(entry.name, Path(entry.path)) for entry in os.scandir(folder)
                    if entry.is_dir(follow_symlinks=False) and not entry.name.startswith(".")),
                   key=lambda s: s.name)
    if not found:
        raise SubmissionError(f"{folder} holds no sub-folder: put each submission in a folder of its own, or give "
                              "--one when the folder is itself one submission")
    return found


def content_hash(folder: Path) -> str:
    """SHA-256 over the submission's tree: relative paths, kinds, the executable bit and contents, in order."""
    digest = hashlib.sha256()
    for path in sorted(_walk(folder)):
        relative = path.relative_to(folder).as_posix()
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            digest.update(b"L\0" + relative.encode() + b"\0" + os.readlink(path).encode() + b"\0")
        elif stat.S_ISDIR(mode):
            digest.update(b"D\0" + relative.encode() + b"\0")
        elif stat.S_ISREG(mode):
            executable = b"x" if mode & stat.S_IXUSR else b"-"
            digest.update(b"F\0" + relative.encode() + b"\0" + executable + b"\0")
            with open(path, "rb") as handle:
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
            digest.update(b"\0")
        # sockets, pipes and devices carry no content and are not copied
    return digest.hexdigest()


def _walk(folder: Path) -> Iterator[Path]:
    for root, folders, files in os.walk(folder, followlinks=False):
        for name in folders + files:
            yield Path(root) / name


def copy(submission: Submission, into: Path) -> Path:
    """A fresh copy of the submission at ``into`` (which must not exist); links are copied as links."""
    shutil.copytree(submission.folder, into, symlinks=True, ignore_dangling_symlinks=True,
                    ignore=_special_files)
    return into


def _special_files(folder: str, names: list[str]) -> list[str]:
    """Sockets, pipes and devices: copytree would block on a pipe or fail on a socket."""
    ignored = []
    for name in names:
        mode = os.lstat(os.path.join(folder, name)).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
            ignored.append(name)
    return ignored
