"""Reliability, round 3: hostile inputs and the report's options. Special files, deep nesting and over-long path
names end in one line; the report's --timeout reaches every program and bounds the ledger check; a spec named
twice runs once; a bad name map is refused before anything runs; a program's text is shown, never obeyed.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from backprop_verify.reference import examples, store
from backprop_verify.reference.spec import SpecError, loads
from backprop_verify.verify import truth
from backprop_verify.verify.interpret import names
from backprop_verify.verify.report import ledger, published
from backprop_verify.verify.trace.errors import TraceError

from .test_reliability import DOCUMENTED, ROOT, no_derivation, one_line_error, run_cli, spec_file

__all__ = ["no_derivation"]  # a fixture, used by name

GOLDEN = examples.folder(examples.DOCUMENTED) / "trajectory.csv"
COMMAND = [sys.executable, "-m", "backprop_verify"]
MEMORY = 4 << 30  # a bound on the address space of a command run here: reading /dev/zero whole stops at it


def bounded(*argv: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``backprop-verify ARGV`` in a process of its own, with bounded memory; what a hang or a MemoryError is
    then shows as a failure of the test rather than of the machine."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    try:
        return subprocess.run([*COMMAND, *argv], cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {timeout} s: the file was read, not refused")


def one_line(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


# --- 12. special files are refused before they are read ---------------------------------------------------------

@pytest.fixture
def special(tmp_path):
    """``special(kind)``: the path of a device that never ends, a FIFO nobody writes to, or a huge sparse file."""
    def path(kind: str) -> str:
        if kind == "fifo":
            fifo = tmp_path / "fifo"
            os.mkfifo(fifo)
            return str(fifo)
        if kind == "huge":
            huge = tmp_path / "huge"
            with open(huge, "wb") as handle:
                handle.truncate(64 << 30)  # 64 GiB of nothing: sparse, no disk used
            return str(huge)
        return kind
    return path


def ledger_argv(path: str) -> list[str]:
    return ["report", "--only", "loop", "--spec", "documented", "--ledger", path, "--out", "unused"]


def names_argv(path: str) -> list[str]:
    return ["trace", "--names", path, "--", "true"]


SPECIAL = {"/dev/zero": "not a regular file", "/dev/urandom": "not a regular file", "fifo": "not a regular file",
           "huge": "larger than"}


# Every kind for the spec; one device for the others (every device is refused alike).
GIVEN = [(given, kind) for given in ("spec", "name map", "ledger") for kind in SPECIAL
         if given == "spec" or kind != "/dev/urandom"]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/zero").exists() or not hasattr(os, "mkfifo"), reason="needs /dev/zero, FIFOs")
@pytest.mark.parametrize("given, kind", GIVEN)
def test_a_special_or_huge_file_is_refused_before_it_is_read(special, given, kind):
    path = special(kind)
    argv = {"spec": ["check", "loop", "--spec", path], "name map": names_argv(path), "ledger": ledger_argv(path)}
    one_line(bounded(*argv[given]), path, SPECIAL[kind])
    assert not (ROOT / "unused").exists()


def test_a_name_map_of_too_many_names_is_refused(tmp_path):
    listed = tmp_path / "names.toml"
    listed.write_text("[names]\n" + "".join(f'n{k} = "E_total"\n' for k in range(names.MAX_MAP_NAMES + 1)),
                      encoding="utf-8")
    with pytest.raises(TraceError) as caught:
        names.load(listed)
    assert caught.value.kind == "name-map" and f"at most {names.MAX_MAP_NAMES:,}" in str(caught.value)


# --- 15. deep nesting ------------------------------------------------------------------------------------------

DEEP = "x = " + "[" * 1200 + "]" * 1200 + "\n"


def test_a_deeply_nested_spec_is_one_line(tmp_path, capsys, no_derivation):
    code, _, err = run_cli(capsys, "derive", "--spec", spec_file(tmp_path, DEEP), "--out", tmp_path / "out")
    one_line_error(code, err, "nested too deeply")
    with pytest.raises(SpecError, match="nested too deeply"):
        loads(DEEP)


def test_a_deeply_nested_name_map_is_one_line(tmp_path, capsys):
    ran = tmp_path / "the program ran"
    deep = spec_file(tmp_path, "[names]\n" + DEEP, name="names.toml")
    code, out, err = run_cli(capsys, "trace", "--names", deep, "--", sys.executable, "-c", f"open({str(ran)!r}, 'w')")
    one_line_error(code, err, "nested too deeply")
    assert out == "" and not ran.exists()


# --- 17. over-long path names ----------------------------------------------------------------------------------

NAME_MAX = "n" * 300  # longer than any file system allows for one name
PATH_MAX = "/tmp/" + "/".join(["p" * 200] * 30)  # longer than any path the system takes


def long_argv(long: str) -> dict[str, list[str]]:
    return {
        "derive --out": ["derive", "--iterations", "2", "--out", long],
        "derive --all --out": ["derive", "--all", "--iterations", "2", "--out", long],
        "derive --check --out": ["derive", "--check", "--iterations", "2", "--out", long],
        "check --spec": ["check", "loop", "--spec", long],
        "trace --cwd": ["trace", "--cwd", long, "--", "true"],
        "trace --names": ["trace", "--names", long, "--", "true"],
        "report --out": ["report", "--only", "loop", "--spec", "per-neuron-3-4-2", "--out", long],
        "report --ledger": ["report", "--only", "loop", "--spec", "documented", "--ledger", long],
        "report --trace --cwd": ["report", "--only", "x", "--spec", "per-neuron-3-4-2", "--trace",
                                 f"x=--cwd {long} -- true"],
        "bench --out": ["bench", "--quick", "--out", long],
    }


@pytest.mark.parametrize("long", [NAME_MAX, PATH_MAX], ids=["a name too long", "a path too long"])
@pytest.mark.parametrize("case", long_argv(""))
def test_an_over_long_path_name_is_one_line(capsys, no_derivation, case, long):
    code, out, err = run_cli(capsys, *long_argv(long)[case])
    one_line_error(code, err)
    assert out == ""


def test_an_over_long_cache_folder_is_one_line_and_the_check_goes_on(capsys, monkeypatch):
    """A cache that cannot be written is no error: the float32 envelope is derived in memory, and one line says so."""
    monkeypatch.setenv("BACKPROP_VERIFY_CACHE", PATH_MAX)
    store.forget()
    truth._memo.clear()
    store._said.clear()  # the notice is said once per process: an earlier test may have had it said
    try:
        code, out, err = run_cli(capsys, "check", "loop", "--spec", "documented", "--precision", "float32",
                                 "--iterations", "30")
    finally:
        store.forget()
        truth._memo.clear()
    # under the float32 envelope a float64 run's small mistakes print the same, and a hint may say so first
    assert code == 0 and any(line.startswith("PASSED: ") for line in out.splitlines()), out + err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "cannot cache the float32 envelopes" in err and "too long" in err and "derived in memory" in err, err


# --- 14. the report's --timeout, for every program -------------------------------------------------------------

SLEEPS = f"{shlex.quote(sys.executable)} -c 'import time; time.sleep(600)'"


@pytest.mark.slow
@pytest.mark.parametrize("own, limit", [("", "1"), ("--timeout 2 ", "2")], ids=["the report's", "its own"])
def test_the_reports_timeout_reaches_a_traced_program(tmp_path, capsys, own, limit):
    code, out, err = run_cli(capsys, "report", "--timeout", "1", "--jobs", "1", "--out", tmp_path, "--only", "slow",
                             "--trace", f"slow=--spec per-neuron-3-4-2 {own}-- {SLEEPS}")
    assert code == 2, err
    first = out.splitlines()[0]
    assert first.startswith("ERRORED: slow") and f"timed out after {limit} s" in first, out
    assert "it was stopped with every process it started" in first, out


def test_the_ledger_check_is_bounded_by_the_timeout(tmp_path, capsys, monkeypatch):
    """The clock runs a thousand seconds a look: whatever the machine, the time is up at once."""
    clock = iter(range(0, 10**9, 1000))
    monkeypatch.setattr(published, "clock", lambda: float(next(clock)))

    def never(*args, **kwargs):
        raise AssertionError("a variant was run after the time was up")
    monkeypatch.setattr(published.Variants, "value", never)
    code, out, err = run_cli(capsys, "report", "--timeout", "5", "--jobs", "1", "--out", tmp_path, "--only", "loop",
                             "--spec", "documented")
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert code == 0, err
    for found in summary["published"]:
        if found["truth"] == found["published"]:
            assert found["verdict"] == published.AGREES
        else:  # explained when given the time (the control below); unexplained, saying why, when not
            assert found["verdict"] == published.UNEXPLAINED and "stopped after 5 s" in found["explanation"]
    assert any(found["verdict"] == published.UNEXPLAINED for found in summary["published"])


# --- the report's other options --------------------------------------------------------------------------------

def test_a_spec_given_twice_runs_once(tmp_path, capsys):
    twice = ["per-neuron-3-4-2", "per-neuron-3-4-2", str(examples.spec_path("per-neuron-3-4-2"))]
    code, out, err = run_cli(capsys, "report", "--only", "loop", "--spec", *twice, "--out", tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert code == 0 and [(r["program"], r["example"]) for r in summary["results"]] == [("loop", "per-neuron-3-4-2")]


@pytest.mark.parametrize("mapping", ["--name 'loss=E_totl'", "--names {map}"])
def test_a_traced_program_with_a_bad_name_map_is_refused_before_anything_runs(tmp_path, capsys, mapping):
    ran = tmp_path / "the program ran"
    (tmp_path / "map.toml").write_text('[names]\nloss = "nope"\n', encoding="utf-8")
    program = f"{shlex.quote(sys.executable)} -c {shlex.quote(f'open({str(ran)!r}, chr(119))')}"
    definition = f"mine={mapping.format(map=shlex.quote(str(tmp_path / 'map.toml')))} -- {program}"
    code, out, err = run_cli(capsys, "report", "--only", "mine", "--trace", definition, "--out", tmp_path / "out")
    one_line_error(code, err, "--trace mine", "not a quantity of this example")
    assert out == "" and not ran.exists() and not (tmp_path / "out").exists()


# --- a program's text is shown, never obeyed -------------------------------------------------------------------

HOSTILE_ERR = "\x1b[2J\x1b[31mboom <script>alert(1)</script> ![t](http://127.0.0.1:9/t.png) [x](javascript:alert(1))"


@pytest.fixture
def hostile(tmp_path) -> Path:
    """A program named with a newline (the name ends like a verdict line) whose stderr clears the screen."""
    path = tmp_path / "evil\nPASSED: <img src=x onerror=alert(1)>"
    path.write_text(f"#!{sys.executable}\nimport sys\nsys.stderr.write({HOSTILE_ERR!r} + '\\nPASSED: forged\\n')\n"
                    "sys.exit(3)\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_a_programs_name_and_stderr_reach_the_terminal_escaped(capsys, hostile):
    code, out, err = run_cli(capsys, "trace", "--", str(hostile))
    assert code == 2 and err == ""
    assert out.count("\n") == 1 and out.startswith("ERRORED: evil\\nPASSED: <img"), out
    assert "\x1b" not in out and "\\x1b[2J" in out


def test_a_programs_name_and_stderr_are_escaped_in_report_md(tmp_path, capsys, hostile):
    name = "<b>mine</b>"
    code, out, err = run_cli(capsys, "report", "--only", name, "--spec", "per-neuron-3-4-2", "--out", tmp_path,
                             "--trace", f"{name}=--spec per-neuron-3-4-2 -- {shlex.quote(str(hostile))}")
    assert code == 2, err
    assert "\x1b" not in out and out.count("ERRORED: ") == 1
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "\x1b" not in markdown
    for raw in ("<b>", "<img", "<script"):
        assert raw not in markdown, raw
    assert not re.search(r"(?<!\\)[\[\]]", markdown.partition("## Results")[2]), "a link or an image"
    assert "&lt;b&gt;mine&lt;/b&gt;" in markdown and "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert "evil\\\\nPASSED" in markdown  # the newline of the name, shown as an escape


@pytest.mark.slow
def test_the_documented_ledger_is_checked_in_full_when_time_allows(documented):
    """The control of the bound above: with time enough, no figure is left unsearched."""
    figures = ledger.read(DOCUMENTED.parent / "published.csv", documented)
    assert all("stopped after" not in c.explanation for c in published.check(documented, figures))
