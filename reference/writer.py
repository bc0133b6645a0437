"""Write a set of files into a folder all at once, or not at all, and never through a symbolic link.

``write_all`` stages every file beside its target (``.bv-TOKEN-NAME.new``),
writes a journal (``.bv-TOKEN.journal``) naming each target with the identity
(device and inode) of its staged file and of the file it replaces, keeps a
hard link to each file it replaces (``.bv-TOKEN-NAME.old``), then renames the
staged files into place. A rename replaces a symbolic link itself, never the
file it points to. If any step fails, the files already replaced are restored
and the staged ones removed; if the process dies midway, the next
``write_all`` or ``recover`` on the folder finds the journal and rolls the
interrupted write back. The write is committed when its journal is renamed
``.bv-TOKEN.done``, after the last rename; the links to the replaced files
are then removed, and a write killed after that point is kept.

Recovery touches only what a journal's own write made: plain file names
inside the folder (no separator), and only files whose identity is the one
the journal recorded. A journal that does not read as one of this tool's is
refused with one line, and other ``.bv-*`` files are left alone.

Writers of one folder take turns: ``locked`` holds an exclusive lock on the
folder itself (``flock`` on the folder, so no file is added to it) while a
write recovers, stages and renames, and callers may hold it longer (a
derivation of the cache, so that concurrent runs wait and then share).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import stat
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .inputs import Unreadable, read_bounded

PREFIX = ".bv-"
JOURNAL_NAME = re.compile(r"\.bv-[0-9a-f]{8}\.(journal|done)")  # what write_all names its journals, and only that
JOURNAL_FORMAT = "backprop-verify write journal 1"
MAX_JOURNAL = 1 << 20


class WriteError(OSError):
    """A folder or file that cannot be written; the message is one line saying what to do."""


_held: dict[tuple[int, str], int] = {}  # the folders this process holds, per thread: the lock is re-entrant


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the exclusive lock of ``folder`` (which must exist): other processes and threads wait for it."""
    key = (threading.get_ident(), os.path.realpath(folder))
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise WriteError(f"cannot lock the folder {folder} ({exc.strerror or exc})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _held[key] = 1
        yield
    finally:
        _held.pop(key, None)
        os.close(fd)  # closing releases the lock


def _paths(folder: Path, token: str, name: str) -> tuple[Path, Path]:
    return folder / f"{PREFIX}{token}-{name}.new", folder / f"{PREFIX}{token}-{name}.old"


def writable_folder(folder: Path) -> Path:
    """``folder``, created if missing, an interrupted write in it settled; WriteError when it cannot hold files."""
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise WriteError(f"{folder} is a file, not a folder: choose another output folder")
    try:  # a path name too long for the system fails here too
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot create the folder {folder} ({exc.strerror or exc})") from None
    # A file created and removed, not os.access: root passes os.access on a read-only mount or in /proc.
    probe = folder / f"{PREFIX}{secrets.token_hex(4)}.probe"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        probe.unlink()
    except OSError as exc:
        raise WriteError(f"the folder {folder} is not writable ({exc.strerror or exc}): choose another output "
                         "folder") from None
    with locked(folder):  # a write in progress in another process is not interrupted, only one that died
        recover(folder)
    return folder


def not_a_link(folder: Path) -> Path:
    """``folder``; WriteError when it is a symbolic link (a folder the tool names inside another is never followed)."""
    if os.path.islink(folder):
        raise WriteError(f"{folder} is a symbolic link: a folder written inside the output folder is never reached "
                         "through a link; remove the link, then write again")
    return folder


def check_targets(folder: Path, names: Iterable[str]) -> None:
    """WriteError when a file of ``names`` in ``folder`` is a folder or a special file, which no write replaces."""
    for name in names:
        target = folder / name
        try:
            mode = os.lstat(target).st_mode
        except FileNotFoundError:
            continue
        except NotADirectoryError:
            raise WriteError(f"{folder} is not a folder (a file stands in its path): choose another "
                             "folder") from None
        except OSError as exc:
            raise WriteError(f"cannot use {target} ({exc.strerror or exc}): choose another folder") from None
        if stat.S_ISLNK(mode):  # a rename replaces the link itself
            continue
        if stat.S_ISDIR(mode):
            raise WriteError(f"{target} is a folder where a file belongs: remove it, then write again")
        if not stat.S_ISREG(mode):
            raise WriteError(f"{target} is not a regular file: remove it, then write again")


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of ``path`` itself (a link is not followed); None when nothing is there."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


def _plain_name(name: object) -> bool:
    """A file name right inside the folder: no separator, no '..', none of a write's own temporary names."""
    return (isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\\" not in name
            and "\0" not in name and not name.startswith(PREFIX) and len(name.encode("utf-8", "replace")) <= 200)


def _pair(value: object) -> tuple[int, int] | None:
    if isinstance(value, list) and len(value) == 2 and all(type(v) is int and v >= 0 for v in value):
        return value[0], value[1]
    return None


@dataclass(frozen=True)
class _Entry:
    """One target of a write: its name, and the identities of its staged file and of the file it replaces."""
    name: str
    new: tuple[int, int]
    old: tuple[int, int] | None  # None when the write created the target

    def record(self) -> dict[str, object]:
        return {"name": self.name, "new": list(self.new), "old": None if self.old is None else list(self.old)}


def _entries(journal: Path) -> list[_Entry]:
    """What the journal records; WriteError (one line) when it is not a journal this module wrote."""
    def refuse(why: str) -> WriteError:
        return WriteError(f"{journal} is not a journal of an interrupted write of backprop-verify ({why}): look "
                          "at it and remove it, then write again; nothing was changed")
    try:
        content = json.loads(read_bounded(journal, MAX_JOURNAL).decode("utf-8"))
    except Unreadable as why:
        raise refuse(f"it {why}") from None
    except (UnicodeDecodeError, ValueError):
        raise refuse("it is not the JSON such a write leaves") from None
    files = content.get("files") if isinstance(content, dict) and content.get("journal") == JOURNAL_FORMAT else None
    if not isinstance(files, list):
        raise refuse(f"it does not say {JOURNAL_FORMAT!r}")
    entries: list[_Entry] = []
    for item in files:
        name, new, old = (item.get(key) for key in ("name", "new", "old")) if isinstance(item, dict) else [None] * 3
        if not _plain_name(name):
            raise refuse(f"it names {name!r}, which is not a plain file name inside the folder")
        staged, replaced = _pair(new), _pair(old)
        if staged is None or (old is not None and replaced is None):
            raise refuse(f"the identities it records for {name!r} are not pairs of whole numbers")
        entries.append(_Entry(str(name), staged, replaced))
    if len({e.name for e in entries}) != len(entries):
        raise refuse("it names a file twice")
    return entries


def _remove_if(path: Path, identity: tuple[int, int] | None) -> None:
    """Remove ``path`` when it is the file of ``identity`` (one this write made), and only then."""
    if identity is not None and _identity(path) == identity:
        path.unlink(missing_ok=True)


def _roll_back(folder: Path, token: str, entries: list[_Entry]) -> None:
    """Put back what an uncommitted write replaced, and remove what it made."""
    for entry in entries:
        target = folder / entry.name
        new, old = _paths(folder, token, entry.name)
        now = _identity(target)
        if entry.old is not None and _identity(old) == entry.old and now in (None, entry.new, entry.old):
            os.replace(old, target)  # the same file as the target when it was not replaced yet: nothing happens
            _remove_if(old, entry.old)
        elif entry.old is None and now == entry.new:
            target.unlink()  # created by the interrupted write
        _remove_if(new, entry.new)


def _finish(folder: Path, token: str, entries: list[_Entry]) -> None:
    """Remove the links a committed write kept to the files it replaced."""
    for entry in entries:
        new, old = _paths(folder, token, entry.name)
        _remove_if(old, entry.old)
        _remove_if(new, entry.new)


def _settle(folder: Path, journal: Path) -> None:
    token, _, state = journal.name[len(PREFIX):].partition(".")
    entries = _entries(journal)
    (_roll_back if state == "journal" else _finish)(folder, token, entries)
    journal.unlink(missing_ok=True)


def recover(folder: Path) -> None:
    """Settle an interrupted ``write_all``: roll it back (or finish it, once committed), removing what it made.

    Only journals named as this module names them are read; WriteError (one line) for one that is not its own.
    """
    if not folder.is_dir():
        return
    for journal in sorted(folder.iterdir()):
        if JOURNAL_NAME.fullmatch(journal.name):
            _settle(folder, journal)


def _create(path: Path, data: bytes) -> tuple[int, int]:
    """Write ``data`` to a new file at ``path`` (never an existing one), on disk; its (device, inode)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
        found = os.fstat(handle.fileno())
    return found.st_dev, found.st_ino


def _write_journal(path: Path, entries: list[_Entry]) -> None:
    _create(path, json.dumps({"journal": JOURNAL_FORMAT, "files": [e.record() for e in entries]}).encode("utf-8"))


def write_all(files: Mapping[str, str | bytes], folder: Path) -> None:
    """Write every file of ``files`` (name -> text or bytes) into ``folder``, all or none."""
    bad = next((name for name in files if not _plain_name(name)), None)
    if bad is not None:
        raise WriteError(f"cannot write {bad!r} into {folder}: a file name, without a folder, is needed")
    writable_folder(folder)
    with locked(folder):
        _write_all(files, folder)


def _write_all(files: Mapping[str, str | bytes], folder: Path) -> None:
    recover(folder)
    check_targets(folder, files)
    token = secrets.token_hex(4)
    journal = folder / f"{PREFIX}{token}.journal"
    staged: list[Path] = []
    entries: list[_Entry] = []
    journaled = False
    try:
        for name, content in files.items():
            new, _ = _paths(folder, token, name)
            data = content.encode("utf-8") if isinstance(content, str) else content
            staged.append(new)
            entries.append(_Entry(name, _create(new, data), _identity(folder / name)))
        _write_journal(journal, entries)
        journaled = True
        for entry in entries:
            if entry.old is not None:
                os.link(folder / entry.name, _paths(folder, token, entry.name)[1], follow_symlinks=False)
        for name in files:
            os.replace(_paths(folder, token, name)[0], folder / name)
    except BaseException as error:
        if journaled:
            _settle(folder, journal)
        else:  # written in part, if at all, and nothing renamed yet
            journal.unlink(missing_ok=True)
        for path in staged:
            path.unlink(missing_ok=True)
        if isinstance(error, OSError) and not isinstance(error, WriteError):
            raise WriteError(f"cannot write into {folder} ({error.strerror or error}); nothing was changed") from None
        raise
    done = folder / f"{PREFIX}{token}.done"
    os.replace(journal, done)  # the commit: from here on, recovery keeps the new files
    _finish(folder, token, entries)
    done.unlink()


def write_file(path: Path, content: str | bytes) -> None:
    """One file, replaced whole; a symbolic link at ``path`` is replaced, not written through."""
    write_all({path.name: content}, path.parent)


def read_regular(path: Path) -> bytes | None:
    """The bytes of a regular file, None when it is absent; WriteError for a folder or a special file."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise WriteError(f"{path.parent} is not a folder (a file stands in its path): choose another "
                         "folder") from None
    except OSError as exc:
        raise WriteError(f"cannot use {path} ({exc.strerror or exc}): choose another folder") from None
    if stat.S_ISDIR(mode):
        raise WriteError(f"{path} is a folder where a file belongs: remove it, then derive again")
    if not stat.S_ISREG(mode):
        raise WriteError(f"{path} is not a regular file: remove it, then derive again")
    return path.read_bytes()
