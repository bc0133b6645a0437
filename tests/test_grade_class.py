"""grade on a class: corpus programs in ten languages, correct and buggy, and hostile submissions, each run in a
sandbox; the hostile ones contained and graded; every file autograders read valid; the class page in Chromium.

Slow (a minute or two on 2 cores): ``nox -s slow``. The same hostile submissions run without the sandbox show that
these tests see an escape when there is one.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from backprop_verify.verify.cli.main import main
from backprop_verify.verify.grade.sandbox import TOOL_HOMES, Limits, Sandbox
from lxml import etree

from . import chromium
from .conftest import ROOT
from .test_grade import junit_schema, platform_validator, schema_validator

pytestmark = [pytest.mark.slow, pytest.mark.needs("bwrap")]

CORPUS = ROOT / "tests" / "corpus"
HOSTILE = ROOT / "tests" / "grade" / "hostile"
TRAINER = CORPUS / "01-python-epoch-loss" / "train.py"  # the correct program every hostile submission trains with
# Pairs of the corpus (a correct program and its buggy twin) training the documented example as specified.
PAIRS = ["01-python-epoch-loss", "03-js-iteration-pipe", "05-rust-bracket-counter", "06-c-training-g", "07-ruby-gt",
         "09-c-columns", "15-numpy-array-output", "17-go-weight-block", "20-cs-markdown-table",
         "21-r-semicolon-weights", "23-python-decimal", "25-python-carriage", "30-numpy-csv-wrapped",
         "33-java-default-double", "42-go-outputs-table-rows", "02-python-epoch-round6", "08-js-arrow"]
TOOLS = {"python": ["python3"], "numpy": ["python3"], "javascript": ["node"], "c": ["gcc"], "c++": ["g++"],
         "java": ["javac", "java"], "ruby": ["ruby"], "go": ["go"], "rust": ["rustc"], "r": ["Rscript"],
         "c#": ["mcs", "mono"]}
AT_LEAST = 30
TIMEOUT = 30  # seconds: the sleeping submission is stopped then
SECRET = "the-victims-secret-7f3a"


@dataclass
class Class:
    folder: Path
    out: Path
    records: dict[str, dict]
    expected: dict[str, str]  # corpus submissions: "pass" or "fail"
    listener: socket.socket
    outside: Path  # where the writing submission aims
    token: str  # on the command line of the forking submission's processes


def _usable(case: str) -> bool:
    language = tomllib.loads((CORPUS / case / "case.toml").read_text(encoding="utf-8"))["language"]
    if not all(shutil.which(tool) for tool in TOOLS[language]):
        return False
    if language == "numpy":
        return subprocess.run(["python3", "-c", "import numpy"], capture_output=True).returncode == 0
    return True


def build(base: Path, port: int) -> tuple[Path, dict[str, str], Path, str]:
    folder = base / "class"
    expected = {}
    for case in PAIRS:
        if not _usable(case):
            continue
        for name in (case, f"{case}-bug"):
            shutil.copytree(CORPUS / name, folder / name)
            expected[name] = tomllib.loads((folder / name / "case.toml").read_text(encoding="utf-8"))["expect"]
    for kind in ("network", "write", "read", "fork", "disk", "sleep"):
        shutil.copytree(HOSTILE / kind, folder / f"hostile-{kind}")
        shutil.copyfile(TRAINER, folder / f"hostile-{kind}" / "train.py")
    victim = folder / "victim"
    victim.mkdir()
    shutil.copyfile(TRAINER, victim / "train.py")
    (victim / "run.sh").write_text('#!/bin/sh\ncd "$(dirname "$0")" && exec python3 train.py\n', encoding="utf-8")
    (victim / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    outside = base / "escaped.txt"
    (folder / "hostile-network" / "target.txt").write_text(f"127.0.0.1 {port}\n", encoding="utf-8")
    (folder / "hostile-write" / "target.txt").write_text(f"{outside}\n", encoding="utf-8")
    (folder / "hostile-read" / "target.txt").write_text(f"{victim / 'secret.txt'} victim/secret.txt\n",
                                                         encoding="utf-8")
    token = f"fork-{secrets.token_hex(6)}"  # names this class's forking processes among any others on the machine
    run = folder / "hostile-fork" / "run.sh"
    run.write_text(run.read_text(encoding="utf-8").replace("hostile.py", f"hostile.py {token}"), encoding="utf-8")
    return folder, expected, outside, token


def listen() -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    return listener


def connected(listener: socket.socket) -> bool:
    """Whether anything connected (a connection made, even one closed since, waits in the backlog)."""
    try:
        connection, _ = listener.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


def grade_json(*argv: str, capsys) -> dict[str, dict]:
    capsys.readouterr()
    main(["grade", *argv, "--format", "json"])
    return {r["name"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory) -> Class:
    base = tmp_path_factory.mktemp("class")
    listener = listen()
    folder, expected, outside, token = build(base, listener.getsockname()[1])
    if len(expected) + 7 < AT_LEAST:
        pytest.skip(f"only {len(expected)} corpus programs can be built here: the class needs {AT_LEAST}")
    out = base / "out"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):  # a module's fixture has no capsys
        main(["grade", str(folder), "--run", "sh run.sh", "--sandbox", "--timeout", str(TIMEOUT), "--jobs", "2",
              "--out", str(out), "--format", "json"])
    records = {r["name"]: r for r in map(json.loads, printed.getvalue().splitlines())}
    return Class(folder, out, records, expected, listener, outside, token)


def test_the_class_is_graded_whole(graded_class):
    records, expected = graded_class.records, graded_class.expected
    assert len(records) >= AT_LEAST and set(records) == {p.name for p in graded_class.folder.iterdir()}
    validator = schema_validator("graded")
    for record in records.values():
        validator.validate(record)
    languages = {tomllib.loads((graded_class.folder / n / "case.toml").read_text())["language"] for n in expected}
    assert len(languages) >= 5, languages
    wrong = {n: records[n]["verdict"]["line"] for n, want in expected.items()
             if records[n]["verdict"]["status"] != {"pass": "passed", "fail": "failed"}[want]}
    assert wrong == {}
    assert all(records[n]["score"] == 10 for n, want in expected.items() if want == "pass")
    assert all(records[n]["score"] < 10 for n, want in expected.items() if want == "fail")
    assert records["victim"]["verdict"]["status"] == "passed"


def test_a_connection_is_refused_and_the_submission_graded(graded_class):
    record = graded_class.records["hostile-network"]
    assert not connected(graded_class.listener)
    assert record["verdict"]["status"] == "passed" and record["score"] == 10


def test_a_write_outside_its_folder_is_refused(graded_class):
    record = graded_class.records["hostile-write"]
    assert record["verdict"]["status"] == "passed"
    assert not graded_class.outside.exists()
    assert not (graded_class.folder / "written-beside.txt").exists()


def test_another_submission_cannot_be_read(graded_class):
    assert graded_class.records["hostile-read"]["verdict"]["status"] == "passed"
    for path in graded_class.out.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(encoding="utf-8", errors="replace"), path


def test_processes_without_end_are_bounded_and_ended(graded_class):
    record = graded_class.records["hostile-fork"]
    found = re.search(r"started (\d+) processes, then: \[Errno 11\]", record["verdict"]["reason"])
    assert record["verdict"]["status"] == "errored" and found, record["verdict"]["reason"]
    assert int(found.group(1)) < Limits.processes
    assert record["score"] == 0
    left = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and graded_class.token.encode() in (entry / "cmdline").read_bytes():
                left.append(entry.name)
        except OSError:
            continue
    assert left == []


def test_a_full_disk_is_bounded(graded_class):
    record = graded_class.records["hostile-disk"]
    found = re.search(r"wrote (\d+) MiB, then: \[Errno 28\] No space left on device", record["verdict"]["reason"])
    assert record["verdict"]["status"] == "errored" and found, record["verdict"]["reason"]
    assert int(found.group(1)) <= Limits.disk_mb
    assert not list(graded_class.folder.glob("hostile-disk/fill-*"))


def test_a_sleep_without_end_is_stopped_and_what_it_printed_graded(graded_class):
    record = graded_class.records["hostile-sleep"]
    assert record["verdict"]["status"] == "errored" and record["verdict"]["kind"] == "hang"
    assert re.fullmatch(rf"verified to iteration 3,99\d of 10,000, then timed out after {TIMEOUT} s",
                        record["reached"]) or re.fullmatch(
        rf"verified to iteration 4,000 of 10,000, then timed out after {TIMEOUT} s", record["reached"]), \
        record["reached"]
    assert record["score"] == 9  # all but the trajectory, which was cut short: errored, not failed
    assert record["stages"][-1]["status"] == "errored" and "failed" not in {s["status"] for s in record["stages"]}


def test_the_class_files_validate(graded_class, capsys):
    out = graded_class.out
    schema = junit_schema()
    document = etree.parse(str(out / "junit.xml"))
    assert schema.validate(document), schema.error_log
    assert len(document.getroot().findall("testsuite")) == len(graded_class.records)
    rows = (out / "grades.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + len(graded_class.records)
    # again, for the autograders' files: every submission is unchanged, so nothing runs again
    for form in ("gradescope", "prairielearn"):
        again = grade_json(str(graded_class.folder), "--run", "sh run.sh", "--sandbox", "--timeout", str(TIMEOUT),
                           "--out", str(out), capsys=capsys)
        assert again == graded_class.records
        main(["grade", str(graded_class.folder), "--run", "sh run.sh", "--sandbox", "--timeout", str(TIMEOUT),
              "--out", str(out), "--format", form])
        assert "unchanged since they were graded" in capsys.readouterr().out
        validator = platform_validator(form)
        for name in graded_class.records:
            validator.validate(json.loads((out / form / name / "results.json").read_text(encoding="utf-8")))


@pytest.mark.browser
def test_the_class_page_in_a_browser(graded_class):
    """No error while loading, nothing fetched, nothing wider than a 1,400 px page; a screenshot is kept."""
    page_file = graded_class.out / "class.html"
    keep = ROOT / "reports" if (ROOT / ".git").exists() else graded_class.out
    keep.mkdir(exist_ok=True)
    with chromium.Browser() as browser:
        page = browser.open(page_file, width=1400)
        assert page.errors == []
        assert [url for url in page.requests if not url.startswith("file:")] == []
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1400
        broken = page.evaluate("[...document.querySelectorAll('a[href^=\"#\"]')].filter(a => "
                               "!document.getElementById(a.getAttribute('href').slice(1))).length")
        assert broken == 0
        rows = page.evaluate("document.querySelectorAll('table.grades tbody tr').length")
        assert rows == len(graded_class.records)
        mistakes = page.evaluate("document.querySelectorAll('ol.mistakes li').length")
        assert mistakes >= 5
        shot = page.screenshot(keep / "class-1400.png")
        narrow = browser.open(page_file, width=390)
        assert narrow.errors == []
    assert shot.stat().st_size > 10_000


# --- without the sandbox, the same submissions escape: the tests above would see it -----------------------------

def test_without_the_sandbox_the_hostile_submissions_escape(tmp_path, capsys):
    listener = listen()
    folder, _, outside, _ = build(tmp_path, listener.getsockname()[1])
    for entry in folder.iterdir():
        if entry.name not in ("hostile-network", "hostile-write", "hostile-read", "victim"):
            shutil.rmtree(entry)
    records = grade_json(str(folder), "--run", "sh run.sh", "--out", str(tmp_path / "out"), "--jobs", "1",
                         capsys=capsys)
    assert connected(listener)
    assert outside.exists()
    assert SECRET in records["hostile-read"]["verdict"]["reason"]
    assert all(records[f"hostile-{k}"]["verdict"]["status"] == "errored" for k in ("network", "write", "read"))


# --- the sandbox of an ordinary user ----------------------------------------------------------------------------

def test_the_sandbox_of_an_ordinary_user(monkeypatch):
    """Run as root, the grader uses a privileged sandbox; an ordinary user's is one unprivileged bubblewrap. Here it
    is tried as such a user (nobody) when this runs as root, else as the user running the tests; with the system's
    tools only, which nobody can reach."""
    staged = Path(tempfile.mkdtemp(prefix="bv-grade-test-"))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setenv("HOME", str(staged / "home"))
    for name in TOOL_HOMES:
        monkeypatch.delenv(name, raising=False)
    try:
        os.chmod(staged, 0o755)
        (staged / "run.sh").write_text(
            "echo inside > made.txt && cat made.txt\n"
            "touch /etc/escaped 2>/dev/null && echo ESCAPED\n"
            "ls /home /root 2>/dev/null | head -n 3\n"
            "i=0; while [ $i -lt 40 ]; do sleep 5 & i=$((i+1)); done; echo forked\n", encoding="utf-8")
        os.chmod(staged / "run.sh", 0o644)
        sandbox = Sandbox(Limits(processes=16), privileged=False)
        argv = sandbox.command(staged, "sh run.sh")
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("setpriv is not on PATH (util-linux): the ordinary user's sandbox was not tried")
            argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd="/")
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    assert done.stdout.startswith("inside\n"), done.stderr
    assert "ESCAPED" not in done.stdout
    assert "forked" not in done.stdout and "Cannot fork" in done.stderr  # 40 processes, 16 allowed
