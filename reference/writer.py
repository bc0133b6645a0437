"""Write a set of files into a folder all at once, or not at all, and never through a symbolic link.

``write_all`` stages every file beside its target (``.bv-TOKEN-NAME.new``),
keeps a hard link to each file it replaces (``.bv-TOKEN-NAME.old``) and a
journal (``.bv-TOKEN.journal``), then renames the staged files into place. A
rename replaces a symbolic link itself, never the file it points to. If any
step fails, the files already replaced are restored and the staged ones
removed; if the process dies midway, the next ``write_all`` or ``recover`` on
the folder finds the journal and rolls the interrupted write back. Either
every file changes or none does: the write is committed when its journal is
removed, after the last rename, so a write killed after that point is kept.

Writers of one folder take turns: ``locked`` holds an exclusive lock on the
folder itself (``flock`` on the folder, so no file is added to it) while a
write recovers, stages and renames, and callers may hold it longer (a
derivation of the cache, so that concurrent runs wait and then share).
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = ".bv-"


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
    """``folder``, created if missing; WriteError when it cannot hold files."""
    if folder.exists() and not folder.is_dir():
        raise WriteError(f"{folder} is a file, not a folder: choose another output folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot create the folder {folder} ({exc.strerror or exc})") from None
    # A file created and removed, not os.access: root passes os.access on a read-only mount or in /proc.
    probe = folder / f"{PREFIX}{secrets.token_hex(4)}.probe"
    try:
        with locked(folder):  # a concurrent write's recovery would remove the probe
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            probe.unlink()
    except OSError as exc:
        raise WriteError(f"the folder {folder} is not writable ({exc.strerror or exc}): choose another output "
                         "folder") from None
    return folder


def check_targets(folder: Path, names) -> None:
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
        if stat.S_ISLNK(mode):  # a rename replaces the link itself
            continue
        if stat.S_ISDIR(mode):
            raise WriteError(f"{target} is a folder where a file belongs: remove it, then write again")
        if not stat.S_ISREG(mode):
            raise WriteError(f"{target} is not a regular file: remove it, then write again")


def recover(folder: Path) -> None:
    """Undo an interrupted ``write_all`` (restore what it replaced) and remove its leftovers."""
    if not folder.is_dir():
        return
    for journal in folder.glob(f"{PREFIX}*.journal"):
        token = journal.name[len(PREFIX):-len(".journal")]
        try:
            existed = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            existed = {}
        for name, had_one in existed.items():
            new, old = _paths(folder, token, name)
            if old.exists() or old.is_symlink():
                os.replace(old, folder / name)
            elif not had_one and not new.exists():
                (folder / name).unlink(missing_ok=True)  # created by the interrupted write
        journal.unlink(missing_ok=True)
    for leftover in folder.glob(f"{PREFIX}*"):
        if leftover.is_file() or leftover.is_symlink():
            leftover.unlink(missing_ok=True)


def write_all(files: dict[str, str | bytes], folder: Path) -> None:
    """Write every file of ``files`` (name -> text or bytes) into ``folder``, all or none."""
    writable_folder(folder)
    with locked(folder):
        _write_all(files, folder)


def _write_all(files: dict[str, str | bytes], folder: Path) -> None:
    recover(folder)
    check_targets(folder, files)
    token = secrets.token_hex(4)
    journal = folder / f"{PREFIX}{token}.journal"
    existed = {name: os.path.lexists(folder / name) for name in files}
    staged: list[Path] = []
    try:
        for name, content in files.items():
            new, _ = _paths(folder, token, name)
            data = content.encode("utf-8") if isinstance(content, str) else content
            fd = os.open(new, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            staged.append(new)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        journal.write_text(json.dumps(existed), encoding="utf-8")
        for name in files:
            if existed[name]:
                os.link(folder / name, _paths(folder, token, name)[1], follow_symlinks=False)
        for name in files:
            os.replace(_paths(folder, token, name)[0], folder / name)
    except BaseException as error:
        if journal.exists():
            recover(folder)
        for path in staged:
            path.unlink(missing_ok=True)
        if isinstance(error, OSError) and not isinstance(error, WriteError):
            raise WriteError(f"cannot write into {folder} ({error.strerror or error}); nothing was changed") from None
        raise
    journal.unlink()  # the commit: from here on, recover keeps the new files
    for name in files:
        _paths(folder, token, name)[1].unlink(missing_ok=True)


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
    if stat.S_ISDIR(mode):
        raise WriteError(f"{path} is a folder where a file belongs: remove it, then derive again")
    if not stat.S_ISREG(mode):
        raise WriteError(f"{path} is not a regular file: remove it, then derive again")
    return path.read_bytes()
