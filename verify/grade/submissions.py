"""The submissions of a class: one folder each, its content hash, and a fresh copy of it to run in.

A submission is a sub-folder of the class folder (hidden ones, starting with a
dot, are left out), or the folder itself when it is one submission (inside an
autograder). A sub-folder that is a symbolic link is graded from the folder it
leads to, unless it leads nowhere or to a folder that holds the class: then it
is skipped, with why. What grade itself writes (the --out folder, or, when
--out is the class folder, the files and folders it writes there) is never
graded: such a sub-folder is left out of the class, and such a place inside a
submission is left out of its hash and its copy.

Its hash covers every path, file mode bit that matters (executable) and byte
inside it, symbolic links by their target text (never followed), so that an
unchanged submission is recognised on a rerun and any change is not.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20


class SubmissionError(Exception):
    """A class folder that cannot be graded; the message is one line."""


@dataclass(frozen=True)
class Submission:
    name: str
    folder: Path
    leave_out: tuple[Path, ...] = ()  # places inside it that grade writes: never hashed, copied or run
    skipped: str = ""  # why it cannot be graded, when it cannot


@dataclass(frozen=True)
class Found:
    submissions: list[Submission]
    left_out: tuple[str, ...] = ()  # sub-folders that are grade's own output, not submissions


def find(folder: Path, one: bool = False, written: tuple[Path, ...] = ()) -> Found:
    """The submissions in ``folder`` (its sub-folders, by name), or ``folder`` itself when ``one``.

    ``written`` are the places grade writes (the --out folder and what it writes in it): never graded.
    """
    if not folder.is_dir():
        raise SubmissionError(f"{folder}: no such folder (give the folder that holds one folder per submission)")
    home = folder.resolve()
    # the --out folder is grade's own unless it holds the class; the files and folders grade writes in it always
    never = tuple(p.resolve() for p in written if not _within(home, p.resolve()))
    if one:
        if _inside_any(home, never):
            raise SubmissionError(f"{folder} is where grade writes its results (--out): give the submission's "
                                  "own folder, or another --out")
        return Found([Submission(home.name or "submission", folder, _inside(home, never))])
    found, left_out = [], []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith(".") or not (entry.is_dir() or entry.is_symlink()):
            continue
        real = Path(entry.path).resolve()
        if _inside_any(real, never):
            left_out.append(entry.name)
        elif not entry.is_symlink():
            found.append(Submission(entry.name, Path(entry.path), _inside(real, never)))
        elif why := _unusable_link(Path(entry.path), real, home):
            found.append(Submission(entry.name, Path(entry.path), skipped=why))
        elif real.is_dir():
            found.append(Submission(entry.name, real, _inside(real, never)))
        # a link to a file is a file: not a submission
    if not found:
        raise SubmissionError(f"{folder} holds no sub-folder: put each submission in a folder of its own, or give "
                              "--one when the folder is itself one submission" +
                              (f" ({', '.join(left_out)}: grade's own output, left out)" if left_out else ""))
    return Found(found, tuple(left_out))


def _unusable_link(link: Path, real: Path, home: Path) -> str:
    """Why a sub-folder that is a symbolic link cannot be graded, or "" when it can (from the folder it leads to)."""
    target = os.readlink(link)
    if not real.exists():
        return f"a symbolic link to {target}, which does not exist: not graded (put the submission's folder there)"
    if _within(home, real):
        return f"a symbolic link to {target}, a folder that holds the class: not graded (link the submission's own " \
               "folder)"
    return ""


def _within(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or inside it (both resolved)."""
    return path == folder or folder in path.parents


def _inside_any(path: Path, places: tuple[Path, ...]) -> bool:
    return any(_within(path, place) for place in places)


def _inside(folder: Path, places: tuple[Path, ...]) -> tuple[Path, ...]:
    """Those of ``places`` that lie inside ``folder`` (resolved), so that they are left out of it."""
    return tuple(place for place in places if folder in place.parents)


def content_hash(folder: Path, leave_out: Collection[Path] = ()) -> str:
    """SHA-256 over the submission's tree: relative paths, kinds, the executable bit and contents, in order;
    the places in ``leave_out`` (resolved paths) and what they hold are not part of it."""
    digest = hashlib.sha256()
    for path in sorted(_walk(folder, leave_out)):
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


def _walk(folder: Path, leave_out: Collection[Path]) -> Iterator[Path]:
    base = folder.resolve()
    for root, folders, files in os.walk(folder, followlinks=False):
        here = base / Path(root).relative_to(folder)
        folders[:] = [name for name in folders if here / name not in leave_out]
        for name in folders + files:
            if here / name not in leave_out:
                yield Path(root) / name


def copy(submission: Submission, into: Path) -> Path:
    """A fresh copy of the submission at ``into`` (which must not exist); links are copied as links."""
    base = submission.folder.resolve()

    def ignored(folder: str, names: list[str]) -> list[str]:
        here = base / Path(folder).relative_to(submission.folder)
        return _special_files(folder, names) + [n for n in names if here / n in submission.leave_out]

    shutil.copytree(submission.folder, into, symlinks=True, ignore_dangling_symlinks=True, ignore=ignored)
    return into


def _special_files(folder: str, names: list[str]) -> list[str]:
    """Sockets, pipes and devices: copytree would block on a pipe or fail on a socket."""
    ignored = []
    for name in names:
        mode = os.lstat(os.path.join(folder, name)).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
            ignored.append(name)
    return ignored
