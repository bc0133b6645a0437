"""The runner: output streamed to the reader, bounded memory, and no process left behind, whatever the program does."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from backprop_verify.reference import names as golden_names
from backprop_verify.reference import spec as spec_module
from backprop_verify.verify.trace import Reader, TraceError, records
from backprop_verify.verify.trace.run import run

from .conftest import one_line_error

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTED = ROOT / "golden" / "documented"
QUANTITIES = golden_names.quantities(spec_module.load(DOCUMENTED / "example.toml"))


def python(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


def fails(argv: list[str], kind: str, *words: str, sink=None, **options) -> str:
    with pytest.raises(TraceError) as caught:
        run(argv, sink=sink or (lambda text: None), **{"timeout": 30, **options})
    return one_line_error(caught, kind, *words)


def gone(pid: int) -> bool:
    """No such process, or only a zombie some other parent will reap."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except FileNotFoundError:
        return True


def pid_in(path: Path) -> int:
    for _ in range(100):  # the writer may still be starting
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"nothing written to {path}")


def test_the_golden_trace_goes_through_the_runner_and_the_reader_exactly():
    reader = Reader()
    outcome = run(["cat", str(DOCUMENTED / "trajectory.csv")], timeout=60, sink=reader.feed)
    printout = reader.finish()
    found = records(printout)
    golden = pd.read_csv(DOCUMENTED / "trajectory.csv", dtype=str)
    assert outcome.stdout_bytes == (DOCUMENTED / "trajectory.csv").stat().st_size
    assert len(found.runs) == 1 and found.runs[0].body.records == 10_000
    body = found.runs[0].body
    columns = [column.name for column in body.columns]
    for q in QUANTITIES:
        np.testing.assert_array_equal(printout.values[body.cells[:, columns.index(q)]], golden[q].map(float).to_numpy())


def test_stdin_is_given_and_stderr_tail_kept():
    got = []
    outcome = run(python("""
        import sys
        data = sys.stdin.read()
        print("E_total:", len(data))
        sys.stderr.write("warning: slow\\n" * 3000 + "the end\\n")
    """), timeout=30, sink=got.append, stdin=b"x" * 300_000)
    assert "".join(got) == "E_total: 300000\n"
    assert outcome.stderr_lines == 3001 and outcome.stderr_bytes == 14 * 3000 + 8
    assert outcome.stderr_tail.endswith("the end\n") and len(outcome.stderr_tail) <= 8192


# -- programs that fail ----------------------------------------------------------------------------------------

def test_a_non_zero_exit_status_shows_the_end_of_stderr():
    fails(python("import sys; print('E_total: 0.3'); sys.exit('boom: weights not found')"), "exit-status",
          "exit status 1", "its stderr ends: boom: weights not found")


@pytest.mark.parametrize("scale, status", [(1.0, "errored"), (1.01, "failed")])
def test_what_a_program_printed_before_it_crashed_is_judged(tmp_path, scale, status):
    """Right values then a crash: errored, saying how far it was verified; a wrong value before the crash: failed."""
    from backprop_verify.reference import examples
    from backprop_verify.verify import programs, truth

    found = truth.load(spec_module.load(examples.spec_path("documented")))
    loss = found.trajectory[:, found.quantities.index("E_total")]
    (tmp_path / "out.txt").write_text("".join(f"epoch {k} loss {v * scale!r}\n" for k, v in enumerate(loss[:50])))
    spec = spec_module.load(examples.spec_path("documented"))
    verdict = programs.verify_command(["sh", "-c", "cat out.txt; echo 'Traceback: boom' >&2; exit 3"], spec,
                                      programs.Options(cwd=str(tmp_path)), program="crashes")
    assert verdict.status.value == status, verdict.line()
    assert "E_total at 50 iterations" in verdict.line() and "then failed with exit status 3" in verdict.line()
    assert "boom" in verdict.line()


def test_a_program_killed_by_a_signal():
    fails(["sh", "-c", "kill -SEGV $$"], "exit-status", "SIGSEGV")


def test_a_missing_command():
    fails(["no-such-program-4f2a"], "no-command", "command not found: 'no-such-program-4f2a'")


def test_a_file_that_is_not_executable_or_not_a_program(tmp_path):
    script = tmp_path / "prog"
    script.write_bytes(b"\x00\x01garbage")
    fails([str(script)], "no-command", "permission denied")
    script.chmod(0o755)
    fails([str(script)], "no-command", "cannot execute")


def test_output_that_is_not_utf8_names_the_byte():
    fails(python("import sys; sys.stdout.buffer.write(b'E_total: 0.3\\nE_total: 0.\\xff2\\n')"), "not-text",
          "not UTF-8", "at byte 24")


def test_a_split_multibyte_character_is_fine_and_a_truncated_one_is_not():
    got = []
    run(python("""
        import sys, time
        sys.stdout.buffer.write(b'# caf\\xc3'); sys.stdout.flush(); time.sleep(0.1)
        sys.stdout.buffer.write(b'\\xa9\\n')
    """), timeout=30, sink=got.append)
    assert "".join(got) == "# café\n"
    fails(python("import sys; sys.stdout.buffer.write(b'E_total: 0.3\\n\\xc3')"), "not-text", "at byte 13")


def test_a_trace_printed_on_stderr():
    fails(python("""
        import sys
        for k in range(10_000):
            for n in range(19):
                print(f"out_o1:{k}", file=sys.stderr)
    """), "empty", "nothing on stdout; 190,000 lines on stderr: print the trace to standard output")


def test_a_program_that_prints_nothing():
    fails(["true"], "empty", "printed nothing")


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf"), "5", True, None])
def test_bad_timeouts_are_refused(timeout):
    fails(["true"], "usage", "timeout", timeout=timeout)


def test_usage():
    fails([], "usage", "no command")
    fails(["true"], "usage", "does not exist", cwd="/no/such/dir")


# -- hostile programs ----------------------------------------------------------------------------------------

def test_a_flood_is_stopped():
    fails(["yes"], "too-much-output", "more than 2 MB", "stopped", max_stdout_bytes=2_000_000)


def test_a_long_line_stops_the_program():
    reader = Reader()
    with pytest.raises(TraceError) as caught:
        run(python("print('E_total: 0.3'); print('x' * 100_000); import time; time.sleep(60)"), timeout=60,
            sink=reader.feed)
    assert caught.value.kind == "long-line" and "line 2" in str(caught.value)


def test_an_error_of_the_sink_stops_the_program_and_its_children(tmp_path):
    pid_file = tmp_path / "child.pid"

    def sink(text):
        pid_in(pid_file)
        raise TraceError("too-many", "enough")

    with pytest.raises(TraceError, match="enough"):
        run(["sh", "-c", f"sleep 60 & echo $! > {pid_file}; echo E_total: 1; wait"], timeout=60, sink=sink)
    assert gone(pid_in(pid_file))


@pytest.mark.slow
def test_a_timeout_ends_a_child_that_left_the_session(tmp_path):
    pid_file = tmp_path / "escaped.pid"
    program = ["sh", "-c", f"setsid sh -c 'echo $$ > {pid_file}; exec sleep 60' & echo E_total: 0.3; sleep 60"]
    fails(program, "hang", "still running after 1 s", "stopped", timeout=1)
    assert gone(pid_in(pid_file))


def test_a_double_forked_daemon_holding_the_output_is_ended_after_the_program_exits(tmp_path):
    pid_file = tmp_path / "daemon.pid"
    got = []
    outcome = run(python(f"""
        import os, time
        print("E_total: 0.3", flush=True)
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                open({str(pid_file)!r}, "w").write(str(os.getpid()))
                time.sleep(60)
            os._exit(0)
        os.wait()
        while not os.path.exists({str(pid_file)!r}):
            time.sleep(0.01)
    """), timeout=30, sink=got.append)
    assert "".join(got) == "E_total: 0.3\n" and outcome.left_behind >= 1
    assert gone(pid_in(pid_file))


def test_a_background_process_that_closed_its_output_is_ended_too(tmp_path):
    pid_file = tmp_path / "quiet.pid"
    outcome = run(["sh", "-c", f"setsid sh -c 'echo $$ > {pid_file}; exec sleep 60' >/dev/null 2>&1 </dev/null & "
                   f"while [ ! -s {pid_file} ]; do sleep 0.01; done; echo E_total: 0.3"], timeout=30,
                  sink=lambda t: None)
    assert outcome.left_behind == 1
    assert gone(pid_in(pid_file))


def test_other_children_of_the_caller_are_not_reaped():
    other = subprocess.Popen(["sh", "-c", "exit 7"])
    time.sleep(0.2)  # a zombie by now, waiting for its own parent
    run(["sh", "-c", "echo E_total: 0.3"], timeout=30, sink=lambda t: None)
    assert other.wait(timeout=5) == 7


# VmHWM: the peak of this process image. ru_maxrss would also count what the parent (a pytest worker,
# large or small depending on the tests it ran before) held before the exec.
MEMORY = """
import sys
peak_mb = lambda: next(int(line.split()[1]) // 1024 for line in open("/proc/self/status")
                       if line.startswith("VmHWM:"))
from backprop_verify.verify.trace import Reader, TraceError
from backprop_verify.verify.trace.run import run
reader = Reader(watch=["E_total"])
try:
    run(["sh", "-c", sys.argv[1]], timeout=float(sys.argv[2]), sink=reader.feed, max_stdout_bytes=1 << 30)
    outcome = "read %d" % reader.finish().data_lines
except TraceError as error:
    outcome = error.kind
print(outcome, peak_mb())
"""


@pytest.mark.parametrize("program, seconds, result", [
    ("head -c 300000000 /dev/zero >&2; echo E_total: 0.3", 60, "read 1"),  # 300 MB on stderr
    ("yes", 0.7, "hang"),
    ("head -c 100000 /dev/zero | tr '\\0' x; echo", 60, "long-line"),
    ("head -c 10000000 /dev/zero | tr '\\0' '\\n'; echo E_total: 0.3", 60, "read 1"),  # 10 M blank lines
])
@pytest.mark.slow
def test_peak_memory_stays_bounded_whatever_the_program_prints(program, seconds, result):
    out = subprocess.run([sys.executable, "-c", MEMORY, program, str(seconds)], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    outcome, peak_mb = out.stdout.rsplit(maxsplit=1)
    assert outcome == result
    assert int(peak_mb) < 200, f"peak {peak_mb} MB"


def test_environment_and_directory_are_passed(tmp_path):
    got = []
    run(python("import os; print('E_total:', len(os.getcwd()), os.environ['ANSWER'])"), timeout=30,
        sink=got.append, cwd=tmp_path, env={**os.environ, "ANSWER": "42"})
    assert "".join(got) == f"E_total: {len(str(tmp_path.resolve()))} 42\n"
