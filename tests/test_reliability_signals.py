"""Reliability, round 3: signals and lost output. Ctrl-C and SIGTERM at any moment end in one line and exit 130;
killing the report leaves no worker and no program running; an output that cannot be written never changes a
verdict's exit status, nor ends in a traceback.

The waits below are guards against hanging, not measures: each is far longer than the work it waits for, and far
shorter than what a broken behaviour would take (a program left to its --timeout of 600 s).
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from backprop_verify.reference import examples
from backprop_verify.verify.cli import main as cli

from .test_reliability import ROOT, children, first_line, processes

GOLDEN = examples.folder(examples.DOCUMENTED) / "trajectory.csv"
COMMAND = [sys.executable, "-m", "backprop_verify"]
needs_proc = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")


def nudged(folder: Path) -> Path:
    """The documented trajectory with E_total at iteration 0 off by about 200 ULPs: a trace that FAILS."""
    header, first, *rest = GOLDEN.read_text(encoding="utf-8").splitlines()
    row = dict(zip(header.split(","), first.split(","), strict=True))
    row["E_total"] = repr(float(row["E_total"]) * (1 + 4e-14))
    path = folder / "nudged.csv"
    path.write_text("\n".join([header, ",".join(row.values()), *rest]) + "\n", encoding="utf-8")
    return path


def cat(path: Path) -> list[str]:
    return ["trace", "--no-diagnosis", "--", sys.executable, "-c",
            "import sys; sys.stdout.write(open(sys.argv[1]).read())", str(path)]


def gone(pids: list[int], limit: float = 60) -> bool:
    """Whether every one of ``pids`` has ended (a zombie has), waiting at most ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not set(pids) & set(processes()):
            return True
        time.sleep(0.05)
    return False


# --- 7. an output that cannot be written -----------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("trace, status", [("nudged", 1), ("golden", 0)], ids=["failed", "passed"])
def test_a_reader_gone_keeps_the_verdicts_exit_status(tmp_path, trace, status):
    read, write = os.pipe()
    os.close(read)  # the reader went away before a line was printed (`| head -0`)
    try:
        done = subprocess.run([*COMMAND, *cat(nudged(tmp_path) if trace == "nudged" else GOLDEN)], cwd=ROOT,
                              stdout=write, stderr=subprocess.PIPE, text=True, timeout=300)
    finally:
        os.close(write)
    assert done.returncode == status and done.stderr == "", done.stderr


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("trace, status", [("nudged", 1), ("golden", 2)], ids=["failed", "passed"])
def test_a_full_output_is_one_line_and_never_a_pass(tmp_path, trace, status):
    with open("/dev/full", "w") as full:
        done = subprocess.run([*COMMAND, *cat(nudged(tmp_path) if trace == "nudged" else GOLDEN)], cwd=ROOT,
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert done.returncode == status
    assert done.stderr == "error: the output could not be written (No space left on device); what was printed is " \
                          "lost\n", done.stderr


class Unwritable(io.StringIO):
    def __init__(self, error: OSError):
        super().__init__()
        self.error = error

    def write(self, text: str) -> int:
        raise self.error


@pytest.mark.parametrize("error, status", [(BrokenPipeError(32, "Broken pipe"), 1), (OSError(5, "I/O error"), 1)],
                         ids=["reader gone", "input/output error"])
@pytest.mark.slow
def test_a_failed_verdict_is_never_turned_into_a_pass_by_its_output(tmp_path, monkeypatch, error, status):
    said = io.StringIO()
    monkeypatch.setattr(sys, "stdout", Unwritable(error))
    monkeypatch.setattr(sys, "stderr", said)
    assert cli.main(cat(nudged(tmp_path))) == status
    assert said.getvalue() == ("" if isinstance(error, BrokenPipeError) else
                    "error: the output could not be written (I/O error); what was printed is lost\n")


# --- 8, 13. Ctrl-C and SIGTERM: one line, exit 130, nothing left running ------------------------------------------

SLOW = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(600)"


def wait_for_pid(path: Path, process: subprocess.Popen, limit: float = 120) -> int:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if path.exists() and path.read_text(encoding="utf-8"):
            return int(path.read_text(encoding="utf-8"))
        time.sleep(0.05)
    raise AssertionError(f"the program never started: {process.communicate(timeout=60)}")


@pytest.mark.slow
@needs_proc
@pytest.mark.parametrize("how", ["Ctrl-C", "SIGTERM", "SIGKILL"])
def test_ending_the_report_ends_its_workers_and_their_programs(tmp_path, how):
    started = tmp_path / "program.pid"
    slow = f"slow=-- {shlex.quote(sys.executable)} -c {shlex.quote(SLOW)} {shlex.quote(str(started))}"
    report = subprocess.Popen([*COMMAND, "report", "--only", "slow", "--spec", "per-neuron-3-4-2", "--jobs", "2",
                               "--timeout", "600", "--out", str(tmp_path / "out"), "--trace", slow], cwd=ROOT,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        program = wait_for_pid(started, report)
        workers = children(report.pid)
        assert workers and program not in workers  # the program runs in a worker, not in the report itself
        if how == "Ctrl-C":
            os.killpg(report.pid, signal.SIGINT)  # as the terminal does: to the report and its workers
        else:
            report.send_signal(signal.SIGTERM if how == "SIGTERM" else signal.SIGKILL)
        out, err = report.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the report's group: its workers too, should any be left
            os.killpg(report.pid, signal.SIGKILL)
        report.communicate()
    if how == "SIGKILL":
        assert report.returncode == -signal.SIGKILL
    else:
        assert (report.returncode, err, out) == (130, "interrupted\n", "")
    assert gone([*workers, program]), "a worker or the program it was verifying outlived the report"
    assert not (tmp_path / "out" / "report.html").exists()


@needs_proc
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_an_interruption_while_the_modules_load_is_one_line(tmp_path, sig):
    """numpy's import is held until the signal comes: the interruption falls inside the imports, every time."""
    (tmp_path / "sitecustomize.py").write_text(
        "import os, sys, time\n"
        "class Hold:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'numpy':\n"
        "            os.write(2, b'importing numpy\\n')\n"
        "            time.sleep(600)\n"
        "sys.meta_path.insert(0, Hold())\n", encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path),
                                                                            os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen([*COMMAND, "check", "loop"], cwd=ROOT, env=environment, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        assert first_line(child.stderr, limit=120) == "importing numpy"
        child.send_signal(sig)
        out, err = child.communicate(timeout=60)
    finally:
        child.kill()
        child.communicate()
    assert (child.returncode, err.decode(), out) == (130, "interrupted\n", b"")
