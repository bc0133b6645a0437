"""Reliability, round 3: what a write may touch. A journal planted in an output folder, the user's own ``.bv-*``
files, and folders reached through a symbolic link.

Recovery settles only what its own write made: plain names inside the folder, files whose identity (device,
inode) the journal recorded. Anything else is refused with one line, or left alone.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from backprop_verify.reference import writer

from .test_reliability import ITERATIONS, ROOT, leftovers, one_line_error, rendered, run_cli, snapshot, written

__all__ = ["rendered"]  # a fixture, used by name

TOKEN = "0a1b2c3d"


def plant(folder: Path, content: object, state: str = "journal") -> Path:
    journal = folder / f"{writer.PREFIX}{TOKEN}.{state}"
    journal.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return journal


def entry(name: str, new: list[int], old: list[int] | None = None) -> dict[str, object]:
    return {"name": name, "new": new, "old": old}


def identity(path: Path) -> list[int]:
    found = os.lstat(path)
    return [found.st_dev, found.st_ino]


def journal_of(names: list[str]) -> dict[str, object]:
    return {"journal": writer.JOURNAL_FORMAT, "files": [entry(name, [1, 2]) for name in names]}


@pytest.fixture
def victims(tmp_path) -> tuple[Path, Path, Path]:
    """An output folder holding goldens, and two files the write was never given: beside it, and far off."""
    out, beside, far = tmp_path / "out", tmp_path / "victim.txt", tmp_path / "far" / "victim.txt"
    far.parent.mkdir()
    for victim in (beside, far):
        victim.write_text("not to be touched\n", encoding="utf-8")
    return out, beside, far


PLANTED = {
    "a parent's file (old journal format)": lambda beside, far: {"../victim.txt": False},
    "an absolute path (old journal format)": lambda beside, far: {str(far): False},
    "a parent's file": lambda beside, far: journal_of(["../victim.txt"]),
    "an absolute path": lambda beside, far: journal_of([str(far)]),
    "a name with a separator": lambda beside, far: journal_of(["sub/victim.txt"]),
    "a write's own temporary name": lambda beside, far: journal_of([".bv-notes"]),
    "not JSON": lambda beside, far: "{\"journal\": ",
    "identities that are not numbers": lambda beside, far: {"journal": writer.JOURNAL_FORMAT,
                                                            "files": [entry("step1.csv", ["a", 2])]},
}


@pytest.mark.parametrize("command", ["derive", "report"])
@pytest.mark.parametrize("case", PLANTED)
def test_a_planted_journal_is_refused_with_one_line_and_nothing_is_deleted(capsys, rendered, victims, case,
                                                                           command):
    out, beside, far = victims
    before = written(out, rendered)
    journal = plant(out, PLANTED[case](beside, far))
    argv = ["derive", "--iterations", ITERATIONS] if command == "derive" else ["report", "--only", "loop"]
    code, _, err = run_cli(capsys, *argv, "--spec", "per-neuron-3-4-2", "--out", out)
    one_line_error(code, err, journal.name, "not a journal")
    assert beside.read_text(encoding="utf-8") == far.read_text(encoding="utf-8") == "not to be touched\n"
    assert snapshot(out) == before and journal.exists()


@pytest.mark.parametrize("state", ["journal", "done"])
def test_a_journal_never_removes_a_file_the_write_did_not_make(tmp_path, rendered, state):
    """A well-formed journal naming the folder's files, with identities that are not theirs, changes nothing."""
    before = written(tmp_path, rendered)
    mine = tmp_path / "mine.txt"
    mine.write_text("mine\n", encoding="utf-8")
    names = [*rendered, "mine.txt"]
    for name in names:  # files that look like the staged and replaced files of the planted write
        (tmp_path / f"{writer.PREFIX}{TOKEN}-{name}.new").write_text("staged?\n", encoding="utf-8")
    (tmp_path / f"{writer.PREFIX}{TOKEN}-mine.txt.old").write_text("replaced?\n", encoding="utf-8")
    planted = {"journal": writer.JOURNAL_FORMAT,
               "files": [entry(name, [1, 2], [3, 4] if name == "mine.txt" else None) for name in names]}
    plant(tmp_path, planted, state)
    lookalikes = set(leftovers(tmp_path)) - {f"{writer.PREFIX}{TOKEN}.{state}"}
    writer.recover(tmp_path)
    assert snapshot(tmp_path) == {**before, "mine.txt": b"mine\n"}
    assert set(leftovers(tmp_path)) == lookalikes  # the journal itself is settled; nothing it names was made by it


def test_a_journal_restores_only_the_files_it_recorded(tmp_path):
    """The records of a real write (identities taken from the files) are followed: the planted part is not."""
    (tmp_path / "kept.csv").write_text("old\n", encoding="utf-8")
    made = tmp_path / "made.csv"
    made.write_text("made by the write\n", encoding="utf-8")
    old = tmp_path / f"{writer.PREFIX}{TOKEN}-kept.csv.old"
    os.link(tmp_path / "kept.csv", old)
    (tmp_path / "kept.csv").unlink()
    (tmp_path / "kept.csv").write_text("new\n", encoding="utf-8")
    (tmp_path / "other.csv").write_text("the user's\n", encoding="utf-8")
    plant(tmp_path, {"journal": writer.JOURNAL_FORMAT,
                     "files": [entry("kept.csv", identity(tmp_path / "kept.csv"), identity(old)),
                               entry("made.csv", identity(made)),
                               entry("other.csv", [identity(made)[0], identity(made)[1] + 999_999])]})
    writer.recover(tmp_path)
    assert snapshot(tmp_path) == {"kept.csv": b"old\n", "other.csv": b"the user's\n"}
    assert leftovers(tmp_path) == []


def test_the_users_own_bv_files_survive_a_write(tmp_path, rendered):
    own = {".bv-notes.txt": b"notes\n", ".bv-0a1b2c3d-x.new": b"looks staged\n", ".bv-settings.journal": b"{}\n",
           ".bv-ffffffff.probe": b"looks like a probe\n"}
    for name, data in own.items():
        (tmp_path / name).write_bytes(data)
    written(tmp_path, rendered)
    written(tmp_path, {name: text + "again\n" for name, text in rendered.items()})
    assert {name: (tmp_path / name).read_bytes() for name in leftovers(tmp_path)} == own


def test_a_write_killed_before_its_commit_leaves_no_journal_that_is_refused(tmp_path, rendered):
    """The journals a real write leaves behind are its own: the next write settles them without a word."""
    before = written(tmp_path, rendered)
    script = f"""
import os, sys
from pathlib import Path
from backprop_verify.reference import writer
real = os.replace
def replace(source, target, **kwargs):
    if str(target).endswith("step1.csv"):
        os._exit(9)
    return real(source, target, **kwargs)
os.replace = replace
writer.write_all({ {n: t + "x" for n, t in rendered.items()}!r}, Path(sys.argv[1]))
"""
    died = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert died.returncode == 9, died.stderr
    assert any(name.endswith(".journal") for name in leftovers(tmp_path))
    writer.recover(tmp_path)
    assert snapshot(tmp_path) == before and leftovers(tmp_path) == []


# --- folders inside --out are never reached through a link ------------------------------------------------------

def test_derive_all_does_not_write_through_a_linked_example_folder(tmp_path, capsys):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "documented").symlink_to(elsewhere, target_is_directory=True)
    code, _, err = run_cli(capsys, "derive", "--all", "--iterations", ITERATIONS, "--out", out)
    one_line_error(code, err, str(out / "documented"), "symbolic link")
    assert list(elsewhere.iterdir()) == [] and (out / "documented").is_symlink()


def test_a_journal_cut_short_by_a_full_disk_changes_nothing(tmp_path, monkeypatch, rendered):
    before = written(tmp_path, rendered)

    def cut_short(path: Path, entries: list) -> None:
        path.write_text('{"journal": ', encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(writer, "_write_journal", cut_short)
    with pytest.raises(writer.WriteError, match="No space left on device.*nothing was changed"):
        writer.write_all({name: text + "changed\n" for name, text in rendered.items()}, tmp_path)
    assert snapshot(tmp_path) == before and leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", ["a folder", "a FIFO"])
def test_a_journal_that_is_not_a_file_is_refused_with_one_line(tmp_path, kind):
    journal = tmp_path / f"{writer.PREFIX}{TOKEN}.journal"
    journal.mkdir() if kind == "a folder" else os.mkfifo(journal)
    with pytest.raises(writer.WriteError) as caught:
        writer.recover(tmp_path)
    assert "not a journal" in str(caught.value) and "\n" not in str(caught.value)
    assert os.path.lexists(journal)
