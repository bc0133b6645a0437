"""What an adversarial run broke, item by item: each test reproduces one item of the reliability issue.

Every bad input must end in one line on standard error (exit 2, nothing
half-written); a killed or failing write must leave all old files or all new
ones. The tests are offline: downloads go to servers on 127.0.0.1 that stop
by themselves, and Neuron.rb is looked for in a cache folder of the test's
own.
"""

from __future__ import annotations

import errno
import fnmatch
import http.server
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from backprop_verify.implementations import neuron_rb
from backprop_verify.implementations.registry import Unusable
from backprop_verify.reference import examples, goldens, writer
from backprop_verify.reference import names as golden_names
from backprop_verify.reference.spec import MAX_ITERATIONS, MAX_VALUES, load
from backprop_verify.verify.cli import main as cli

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTED = examples.spec_path(examples.DOCUMENTED)
SPEC_TEXT = DOCUMENTED.read_text(encoding="utf-8")
ITERATIONS = "3"  # short derivations: the behaviour under test does not depend on the length
GOLDEN_ROWS = (examples.folder(examples.DOCUMENTED) / "trajectory.csv").read_text(encoding="utf-8").splitlines()


# --- helpers ---------------------------------------------------------------------------------------------------

def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """``backprop-verify ARGV`` in this process: (exit code, stdout, stderr)."""
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code: int, err: str, *words: str) -> None:
    """Exit 2 and one line on stderr, no traceback nor usage block, holding ``words``."""
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "usage:" not in err
    for word in words:
        assert word in err, err


def spec_file(folder: Path, text: str = SPEC_TEXT, name: str = "spec.toml", data: bytes | None = None) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8") if data is None else data)
    return path


def edited(old: str, new: str) -> str:
    assert old in SPEC_TEXT
    return SPEC_TEXT.replace(old, new)


@pytest.fixture(scope="module")
def rendered():
    """The documented example's goldens over ITERATIONS, rendered once for the module."""
    return goldens.render(load(DOCUMENTED), int(ITERATIONS))


def written(folder: Path, files: dict[str, str]) -> dict[str, bytes]:
    writer.write_all(files, folder)
    return snapshot(folder)


def snapshot(folder: Path) -> dict[str, bytes]:
    """The regular files of ``folder``, a write's temporary files aside (``leftovers`` lists those)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.is_file() and not p.is_symlink() and not p.name.startswith(writer.PREFIX)}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(writer.PREFIX))


@pytest.fixture
def no_derivation(monkeypatch):
    """Fail the test if a derivation starts: what is refused must be refused before any work."""
    def refuse(*args, **kwargs):
        raise AssertionError("the derivation started before the input was checked")
    monkeypatch.setattr(goldens, "render", refuse)


@pytest.fixture
def neuron_cache(tmp_path, monkeypatch) -> Path:
    """An empty Neuron.rb cache of the test's own, and no NEURON_RB from the environment."""
    cache = tmp_path / "neuron-cache"
    cache.mkdir()
    monkeypatch.setenv(neuron_rb.CACHE_VARIABLE, str(cache))
    monkeypatch.delenv(neuron_rb.PATH_VARIABLE, raising=False)
    return cache


def processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent, session) of every live process, zombies aside."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_bytes()
        except OSError:
            continue
        fields = text[text.rfind(b")") + 2:].split()  # state, ppid, pgrp, session, ...
        if fields[0] != b"Z":
            found[int(entry)] = (int(fields[1]), int(fields[3]))
    return found


def session_members(session: int) -> list[int]:
    return [pid for pid, (_, sid) in processes().items() if sid == session]


def children(pid: int) -> list[int]:
    return [child for child, (parent, _) in processes().items() if parent == pid]


def first_line(pipe, limit: float) -> str:
    """The first line on ``pipe``, waiting at most ``limit`` seconds (a guard against hanging, not a measure)."""
    chooser = selectors.DefaultSelector()
    chooser.register(pipe, selectors.EVENT_READ)
    buffered = b""
    deadline = time.monotonic() + limit
    while b"\n" not in buffered and time.monotonic() < deadline:
        if chooser.select(timeout=1):
            chunk = os.read(pipe.fileno(), 4096)
            if not chunk:
                break
            buffered += chunk
    return buffered.decode("utf-8", "replace").partition("\n")[0]


class Server:
    """An HTTP server on 127.0.0.1 whose one answer is ``answer(handler)``; it stops with the block."""

    def __init__(self, answer):
        self.finished = finished = threading.Event()  # the whole answer was sent: the client waited for all of it

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                try:
                    answer(self)
                    finished.set()
                except OSError:  # the client went away, as it should
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/Neuron.rb"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        try:  # a network namespace without a loopback interface (``unshare -n``) cannot reach even 127.0.0.1
            socket.create_connection(self.server.server_address, timeout=5).close()
        except OSError as error:
            self.__exit__()
            pytest.skip(f"no loopback interface to serve the download from: {error}")
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def streams_forever(handler) -> None:
    """Far more than Neuron.rb, as fast as it goes (bounded, so that the server stops by itself)."""
    handler.send_response(200)
    handler.end_headers()
    for _ in range(1024):  # 64 MiB at most
        handler.wfile.write(b"#" * 65536)


def trickles(handler) -> None:
    """One byte every 50 ms, each well within the socket's timeout (for 20 s at most)."""
    handler.send_response(200)
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(400):
        handler.wfile.write(b"#")
        handler.wfile.flush()
        time.sleep(0.05)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- 1. a killed derivation ------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_derivation_leaves_no_process_and_no_partial_set(tmp_path, sig):
    out = tmp_path / "X"
    child = subprocess.Popen([sys.executable, "-m", "backprop_verify", "derive", "--spec", "documented",
                              "--iterations", "200000", "--out", str(out)],
                             cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, start_new_session=True)
    try:
        progress = first_line(child.stderr, limit=120)  # the derivation says when it starts
        assert "documented 2-2-2 example: deriving 200,000 iterations" in progress, progress
        time.sleep(0.3)  # well into the work: 200,000 iterations take minutes
        assert len(children(child.pid)) <= 1  # at most the envelope's samples, beside the trajectory
        child.send_signal(sig)
        assert child.wait(timeout=60) == (130 if sig == signal.SIGTERM else -sig)  # SIGTERM is handled as Ctrl-C
        said = child.stderr.read().decode()
    finally:
        child.kill()
        child.wait()
        child.stderr.close()
    assert said.endswith("interrupted\n") if sig == signal.SIGTERM else "interrupted" not in said
    deadline = time.monotonic() + 60  # the samples' process dies with its parent, as soon as the kernel says so
    while session_members(child.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session_members(child.pid) == []
    assert not out.exists() or list(out.iterdir()) == []


# --- 2. regeneration all or nothing ----------------------------------------------------------------------------

def test_regeneration_over_a_folder_where_a_file_belongs_changes_nothing(tmp_path, capsys, rendered, no_derivation):
    out = tmp_path / "out"
    before = written(out, rendered)
    (out / "trajectory.csv").unlink()
    (out / "trajectory.csv").mkdir()
    del before["trajectory.csv"]
    code, _, err = run_cli(capsys, "derive", "--spec", "per-neuron-3-4-2", "--iterations", ITERATIONS,
                           "--out", out)
    one_line_error(code, err, "trajectory.csv", "is a folder")
    assert snapshot(out) == before and (out / "trajectory.csv").is_dir()
    assert leftovers(out) == []


def test_a_rename_that_fails_midway_restores_every_old_file(tmp_path, monkeypatch, rendered):
    before = written(tmp_path, rendered)
    fresh = {name: text + "changed\n" for name, text in rendered.items()}
    renames = []
    real_replace = os.replace

    def failing(source, target, **kwargs):
        renames.append(target)
        if len(renames) == 2:
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(source, target, **kwargs)
    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(writer.WriteError) as caught:
        writer.write_all(fresh, tmp_path)
    monkeypatch.undo()
    assert "nothing was changed" in str(caught.value) and "\n" not in str(caught.value)
    assert snapshot(tmp_path) == before and leftovers(tmp_path) == []


# Where the writing process dies (at the second os.replace; at the second removal of a replaced file's link),
# and the files the next run must settle on.
KILLS = {"between two renames": "old", "after the last rename": "new"}


@pytest.mark.parametrize("then", ["recover", "the next write"])
@pytest.mark.parametrize("kill", KILLS)
def test_a_write_killed_midway_is_settled_by_the_next_run(tmp_path, rendered, kill, then):
    before = written(tmp_path, rendered)
    fresh = {name: text + "changed\n" for name, text in rendered.items()}
    script = f"""
import os, sys
from pathlib import Path
from backprop_verify.reference import writer
calls = []
real_replace, real_unlink = os.replace, Path.unlink
def replace(*args, **kwargs):
    calls.append("replace")
    if {kill == "between two renames"} and calls.count("replace") == 2:
        os._exit(9)
    return real_replace(*args, **kwargs)
def unlink(self, *args, **kwargs):
    calls.append(self.suffix)
    if {kill == "after the last rename"} and calls.count(".old") == 2:
        os._exit(9)
    return real_unlink(self, *args, **kwargs)
os.replace, Path.unlink = replace, unlink
writer.write_all({fresh!r}, Path(sys.argv[1]))
"""
    died = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert died.returncode == 9, died.stderr
    assert leftovers(tmp_path)  # the killed write left its staged files (and its journal) behind
    fresh_bytes = {n: t.encode() for n, t in fresh.items()}
    if kill == "between two renames":
        assert snapshot(tmp_path) not in (before, fresh_bytes)  # half written until the next run settles it
    if then == "recover":
        writer.recover(tmp_path)
        expected = before if KILLS[kill] == "old" else fresh_bytes
    else:
        third = {name: text + "third\n" for name, text in rendered.items()}
        writer.write_all(third, tmp_path)
        expected = {n: t.encode() for n, t in third.items()}
    assert snapshot(tmp_path) == expected and leftovers(tmp_path) == []


def test_the_temporary_files_of_a_write_are_ignored_by_git():
    patterns = [line.strip() for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    for name in (f"{writer.PREFIX}0a1b2c3d-trajectory.csv.new", f"{writer.PREFIX}0a1b2c3d-trajectory.csv.old",
                 f"{writer.PREFIX}0a1b2c3d.journal", f"{writer.PREFIX}0a1b2c3d.probe"):
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name


# --- 3. writes never follow a symbolic link --------------------------------------------------------------------

@pytest.mark.parametrize("command", ["derive --check", "derive"])
def test_a_planted_symbolic_link_is_replaced_never_written_through(tmp_path, capsys, rendered, command):
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    written(out, rendered)
    victim.write_text("not to be touched\n", encoding="utf-8")
    if command == "derive --check":
        (out / "trajectory.csv").write_text(rendered["trajectory.csv"].replace("0.75", "0.76"), encoding="utf-8")
        link = out / "trajectory.obtained.csv"
    else:
        link = out / "step1.csv"
        link.unlink()
    link.symlink_to(victim)
    code, _, err = run_cli(capsys, *command.split(), "--iterations", ITERATIONS, "--out", out)
    assert code == (1 if command == "derive --check" else 0), err
    assert victim.read_text(encoding="utf-8") == "not to be touched\n"
    if command == "derive --check":  # it writes nothing at all
        assert link.is_symlink() and "trajectory.csv: row 1" in err
        return
    assert not link.is_symlink() and link.is_file()
    assert link.read_text(encoding="utf-8") == rendered[link.name]


# --- 4. numbers beyond float64 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["derive", "run", "check", "trace"])
def test_a_learning_rate_beyond_float64_is_refused_with_one_line(tmp_path, capsys, command):
    spec = spec_file(tmp_path, edited("learning_rate = 0.5", "learning_rate = 1e400"))
    out, ran = tmp_path / "out", tmp_path / "the program ran"
    argv = {"derive": ["derive", "--spec", spec, "--out", out],
            "run": ["run", "vectorized", "--spec", spec],
            "check": ["check", "vectorized", "--spec", spec],
            "trace": ["trace", "--spec", spec, "--", sys.executable, "-c", f"open({str(ran)!r}, 'w')"]}[command]
    code, out_text, err = run_cli(capsys, *argv)
    one_line_error(code, err, "training.learning_rate", "float64")
    assert out_text == "" and not out.exists() and not ran.exists()


# --- 5. upper bounds -------------------------------------------------------------------------------------------

def wide_spec(hidden: int, iterations: int) -> str:
    """A 2-HIDDEN-2 sigmoid network of the notes' family."""
    return SPEC_TEXT.replace("layers = [2, 2, 2]", f"layers = [2, {hidden}, 2]").replace(
        "iterations = 10000", f"iterations = {iterations}").replace(
        "hidden = [[0.15, 0.20],       # h1 <- i1, i2: w1, w2\n          [0.25, 0.30]]",
        "hidden = [" + ", ".join(["[0.15, 0.20]"] * hidden) + "]").replace(
        "output = [[0.40, 0.45],       # o1 <- h1, h2: w5, w6\n          [0.50, 0.55]]",
        "output = [" + ", ".join(["[" + ", ".join(["0.4"] * hidden) + "]"] * 2) + "]")


LIMITS = {
    "a billion iterations in the spec": (["derive", "--spec", "SPEC"], edited("iterations = 10000",
                                         "iterations = 1_000_000_000"), "training.iterations"),
    "a million hidden neurons": (["derive", "--spec", "SPEC"], edited("layers = [2, 2, 2]",
                                 "layers = [2, 1000000, 2]"), "network.layers[1]"),
    "run loop --iterations 1000000000": (["run", "loop", "--iterations", "1000000000"], None, "--iterations"),
    "check --iterations 1000000000": (["check", "vectorized", "--iterations", "1000000000"], None, "--iterations"),
    "trace --iterations 1000000000": (["trace", "--iterations", "1000000000", "--", "true"], None, "--iterations"),
    "a trajectory too large for memory": (["run", "vectorized", "--spec", "SPEC"], wide_spec(16, 1_000_000),
                                          f"at most {MAX_VALUES:,}"),
    "--iterations making it too large": (["check", "vectorized", "--spec", "SPEC", "--iterations", "1000000"],
                                         wide_spec(16, 10), f"at most {MAX_VALUES:,}"),
}


@pytest.mark.parametrize("case", LIMITS)
def test_runs_beyond_the_documented_limits_are_refused_at_once(tmp_path, capsys, no_derivation, case):
    argv, text, words = LIMITS[case]
    if text is not None:
        spec_file(tmp_path, text)
    code, out, err = run_cli(capsys, *[str(tmp_path / "spec.toml") if a == "SPEC" else a for a in argv])
    one_line_error(code, err, words)
    assert out == ""


def test_every_shipped_example_may_run_the_most_iterations():
    for name in examples.names():
        spec = load(examples.spec_path(name))
        assert spec.trajectory_width == len(golden_names.quantities(spec)), name
        assert spec.trajectory_width * MAX_ITERATIONS <= MAX_VALUES, name


# --- 6. --check compares bytes ---------------------------------------------------------------------------------

def test_a_golden_with_crlf_line_ends_differs(tmp_path, capsys, rendered):
    written(tmp_path, rendered)
    golden = tmp_path / "trajectory.csv"
    golden.write_bytes(golden.read_bytes().replace(b"\n", b"\r\n"))
    code, _, err = run_cli(capsys, "derive", "--check", "--iterations", ITERATIONS, "--out", tmp_path)
    assert code == 1
    problems = [line for line in err.splitlines() if line.startswith("golden check failed:")]
    assert len(problems) == 1 and "trajectory.csv" in problems[0] and "line ends or encoding" in problems[0]


# --- 7. Neuron.rb: bounded reads, never a hang -----------------------------------------------------------------

ARGV = ["check", "neuron.rb", "--spec", "documented"]


def check_neuron_rb(env: dict[str, str], monkeypatch, capsys, isolated: bool) -> subprocess.CompletedProcess:
    """``check neuron.rb`` with ``env``: in a process of its own when a bug could hang or exhaust it (a FIFO,
    /dev/zero), else in this one."""
    if isolated:
        return subprocess.run([sys.executable, "-m", "backprop_verify", *ARGV], cwd=ROOT, env={**os.environ, **env},
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, out, err = run_cli(capsys, *ARGV)
    return subprocess.CompletedProcess(ARGV, code, out, err)


def errored(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("ERRORED:")]
    assert len(lines) == 1, result.stdout
    for word in words:
        assert word in lines[0], lines[0]


GIVEN = {  # how to make the path, the words of the error, whether a bug could hang or exhaust the verifier
    "/dev/zero": (lambda tmp: "/dev/zero", "not a regular file", True),
    "a folder": (lambda tmp: str(tmp), "is a folder", False),
    "a huge file": (lambda tmp: str(spec_file(tmp, name="Neuron.rb", data=b"#" * (1 << 20))), "larger than", False),
    "a path through a file": (lambda tmp: str(spec_file(tmp, name="file") / "Neuron.rb"), "cannot be read", False),
}


@pytest.mark.slow
@pytest.mark.ruby
@pytest.mark.parametrize("case", GIVEN)
def test_a_given_neuron_rb_that_cannot_be_read_errors_with_one_line(tmp_path, monkeypatch, capsys, neuron_cache,
                                                                   case):
    path, words, isolated = GIVEN[case]
    env = {neuron_rb.PATH_VARIABLE: path(tmp_path), neuron_rb.CACHE_VARIABLE: str(neuron_cache)}
    errored(check_neuron_rb(env, monkeypatch, capsys, isolated), words)


CACHED = {
    "a FIFO": (lambda path: os.mkfifo(path), "not a regular file", True),
    "a folder": (lambda path: path.mkdir(), "is a folder", False),
}


@pytest.mark.slow
@pytest.mark.ruby
@pytest.mark.parametrize("case", CACHED)
def test_a_cached_neuron_rb_that_is_not_a_file_errors_with_one_line(neuron_cache, monkeypatch, capsys, case):
    make, words, isolated = CACHED[case]
    make(neuron_cache / neuron_rb.FILE_NAME)
    errored(check_neuron_rb({neuron_rb.CACHE_VARIABLE: str(neuron_cache)}, monkeypatch, capsys, isolated), words)


@pytest.mark.ruby
@pytest.mark.parametrize("where", ["given", "cached"])
def test_an_unreadable_neuron_rb_errors_with_one_line(tmp_path, capsys, monkeypatch, neuron_cache, where):
    path = neuron_cache / neuron_rb.FILE_NAME if where == "cached" else tmp_path / neuron_rb.FILE_NAME
    path.write_text("puts 1\n", encoding="utf-8")
    if where == "given":
        monkeypatch.setenv(neuron_rb.PATH_VARIABLE, str(path))
    real_open = os.open

    def refusing(file, *args, **kwargs):  # root reads whatever the permissions say: refuse as they would
        if os.fspath(file) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(os, "open", refusing)
    code, out, err = run_cli(capsys, "check", "neuron.rb", "--spec", "documented")
    assert code == 2 and err == ""
    assert out.startswith("ERRORED: ") and "Permission denied" in out.splitlines()[0]


@pytest.mark.parametrize("answer, words", [(streams_forever, "more than 64 kB"), (trickles, "still downloading")],
                         ids=["streams forever", "trickles"])
@pytest.mark.slow
def test_the_download_is_bounded_in_bytes_and_in_time(tmp_path, answer, words):
    target = tmp_path / "cache" / neuron_rb.FILE_NAME
    with Server(answer) as server:
        with pytest.raises(Unusable) as caught:
            neuron_rb.fetch(target, server.url, timeout=0.5)
        assert not server.finished.is_set()  # refused while the server was still sending
    assert words in str(caught.value) and "\n" not in str(caught.value)
    assert not target.exists() and not target.parent.exists()


def test_the_file_run_is_a_private_copy_of_the_bytes_hashed(tmp_path, monkeypatch, neuron_cache):
    given = tmp_path / neuron_rb.FILE_NAME
    given.write_bytes(b"puts 'the bytes that were read'\n")
    monkeypatch.setenv(neuron_rb.PATH_VARIABLE, str(given))
    command = neuron_rb.command(load(DOCUMENTED))
    copy = Path(command.argv[-1])
    given.write_bytes(b"puts 'swapped after the check'\n")
    assert copy != given and copy.read_bytes() == b"puts 'the bytes that were read'\n"
    assert os.stat(copy.parent).st_mode & 0o077 == 0  # a folder only this user can write to


# --- 8. lenient numbers ----------------------------------------------------------------------------------------

# E_total of the documented example's first iteration, as float64 prints it, and in other digits
TRUE_E_TOTAL = dict(zip(GOLDEN_ROWS[0].split(","), GOLDEN_ROWS[1].split(",")))["E_total"]
FULL_WIDTH = TRUE_E_TOTAL.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
ARABIC_INDIC = TRUE_E_TOTAL.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


@pytest.mark.parametrize("value", [TRUE_E_TOTAL, FULL_WIDTH, ARABIC_INDIC, TRUE_E_TOTAL + "\0"],
                         ids=["ASCII", "full-width", "Arabic-Indic", "trailing NUL"])
def test_only_ascii_numbers_are_read_from_a_trace(capsys, value):
    printer = f"import sys; sys.stdout.buffer.write(('E_total: ' + {value!r} + '\\n').encode())"
    code, out, err = run_cli(capsys, "trace", "--iterations", "1", "--", sys.executable, "-c", printer)
    if value == TRUE_E_TOTAL:  # the control: the same value in ASCII passes
        assert code == 0, out
    else:
        assert code == 2 and err == "" and "not a number" in out, out


# --- 9. one line instead of a traceback ------------------------------------------------------------------------

def test_an_out_that_is_a_file_or_under_one_is_refused(tmp_path, capsys, no_derivation):
    a_file = spec_file(tmp_path, name="a-file")
    for out, words in ((a_file, "is a file"), (a_file / "sub", "cannot create the folder")):
        code, _, err = run_cli(capsys, "derive", "--out", out)
        one_line_error(code, err, str(out), words)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc")
def test_an_out_that_cannot_be_written_even_by_root_is_refused(capsys, no_derivation):
    code, _, err = run_cli(capsys, "derive", "--out", "/proc")  # a folder that takes no new files, whoever asks
    one_line_error(code, err, "/proc", "not writable")


def test_a_full_disk_changes_nothing(tmp_path, capsys, monkeypatch, rendered):
    before = written(tmp_path, rendered)

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(os, "fsync", full)
    code, _, err = run_cli(capsys, "derive", "--iterations", "4", "--out", tmp_path)
    one_line_error(code, err, "No space left on device", "nothing was changed")
    monkeypatch.undo()
    assert snapshot(tmp_path) == before and leftovers(tmp_path) == []


def test_a_golden_that_is_a_folder_under_check_is_refused(tmp_path, capsys, no_derivation):
    (tmp_path / "envelope.csv").mkdir()
    code, _, err = run_cli(capsys, "derive", "--check", "--out", tmp_path)
    one_line_error(code, err, "envelope.csv", "is a folder")


@pytest.mark.parametrize("timeout", ["0", "-1", "nan", "inf", "soon"])
@pytest.mark.parametrize("command", ["trace", "check"])
def test_a_timeout_that_is_not_a_positive_number_is_refused(capsys, command, timeout):
    tail = ["--", "true"] if command == "trace" else []
    code, out, err = run_cli(capsys, command, f"--timeout={timeout}", *tail)
    one_line_error(code, err, "--timeout", repr(timeout))
    assert out == ""


# --- 10. Neuron.rb: skipped unless asked to download -----------------------------------------------------------

@pytest.mark.ruby
def test_without_a_copy_neuron_rb_is_skipped_with_how_to_supply_it(capsys, neuron_cache):
    code, out, err = run_cli(capsys, "check", "neuron.rb", "--spec", "documented")
    assert code == 3 and err == ""
    verdict = out.splitlines()[0]
    assert verdict.startswith("SKIPPED: ") and neuron_rb.PATH_VARIABLE in verdict and "--download" in verdict


@pytest.mark.ruby
def test_a_download_that_fails_is_an_error(capsys, monkeypatch, neuron_cache):
    monkeypatch.setattr(neuron_rb, "PINNED_URL", f"http://127.0.0.1:{closed_port()}/Neuron.rb")
    code, out, err = run_cli(capsys, "check", "neuron.rb", "--spec", "documented", "--download")
    assert code == 2 and err == ""
    assert out.startswith("ERRORED: ") and "download failed" in out.splitlines()[0]
    assert list(neuron_cache.iterdir()) == []


# --- 11. name-map keys that can never match --------------------------------------------------------------------

NAME_KEYS = {"empty": "", "padded": " Total error ", "with a newline": "Total\nerror"}


@pytest.mark.parametrize("how", ["--names", "--name"])
@pytest.mark.parametrize("key", NAME_KEYS)
def test_a_name_map_key_that_can_never_match_is_refused(tmp_path, capsys, key, how):
    name, ran = NAME_KEYS[key], tmp_path / "the program ran"
    if how == "--names":
        escaped = name.replace("\n", "\\n")
        option = ["--names", spec_file(tmp_path, f'[names]\n"{escaped}" = "E_total"\n', name="names.toml")]
    else:
        option = ["--name", f"{name}=E_total"]
    code, out, err = run_cli(capsys, "trace", *option, "--", sys.executable, "-c", f"open({str(ran)!r}, 'w')")
    one_line_error(code, err, "name map")
    assert out == "" and not ran.exists()


# --- 12. short rows and other separators -----------------------------------------------------------------------

def csv_trace(tmp_path: Path, lines: list[str]) -> list[str]:
    trace = tmp_path / "trace.csv"
    trace.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ["trace", "--iterations", "2", "--", sys.executable, "-c",
            f"import sys; sys.stdout.write(open({str(trace)!r}).read())"]


ROWS = {
    "a short row": ([*GOLDEN_ROWS[:2], GOLDEN_ROWS[2].rsplit(",", 1)[0]], 2),
    "semicolons": ([row.replace(",", ";") for row in GOLDEN_ROWS[:3]], 0),
    "a short row with semicolons": ([row.replace(",", ";") for row in
                                     [*GOLDEN_ROWS[:2], GOLDEN_ROWS[2].rsplit(",", 1)[0]]], 2),
    "a lone label": ([*GOLDEN_ROWS[:2], "1"], 2),
}


@pytest.mark.parametrize("case", ROWS)
def test_short_rows_are_told_by_their_count_and_other_separators_are_read(tmp_path, capsys, case):
    lines, expected = ROWS[case]
    code, out, err = run_cli(capsys, *csv_trace(tmp_path, lines))
    assert code == expected and err == "", out
    if expected:
        assert "line 3 has" in out and "columns" in out and "not a number" not in out, out


# --- 13. a byte-order mark -------------------------------------------------------------------------------------

def test_a_spec_saved_with_a_byte_order_mark_is_accepted(tmp_path, capsys):
    spec = spec_file(tmp_path, data=b"\xef\xbb\xbf" + SPEC_TEXT.encode("utf-8"))
    assert load(spec).fingerprint() == load(DOCUMENTED).fingerprint()
    code, out, err = run_cli(capsys, "run", "vectorized", "--spec", spec, "--iterations", "2")
    assert code == 0 and err == "" and len(out.splitlines()) == 3


# --- what the restructuring could have broken ------------------------------------------------------------------

def subcommands() -> list[str]:
    actions = [a for a in cli.parser()._actions if hasattr(a, "choices") and isinstance(a.choices, dict)]
    return list(actions[0].choices)


@pytest.mark.parametrize("argv", [[], ["no-such-subcommand"], ["--no-such-option"]],
                         ids=["no subcommand", "an unknown subcommand", "an unknown option"])
def test_the_command_without_a_valid_subcommand_says_so_in_one_line(capsys, argv):
    code, out, err = run_cli(capsys, *argv)
    one_line_error(code, err)
    assert out == ""


@pytest.mark.parametrize("subcommand", subcommands())
def test_every_subcommands_parse_errors_are_one_line(capsys, subcommand):
    for bad in (["--no-such-option"], ["--spec"], ["--iterations", "many"]):
        code, out, err = run_cli(capsys, subcommand, *bad)
        one_line_error(code, err)
        assert out == ""


def test_derive_all_with_out_writes_each_example_into_a_folder_of_its_own(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(goldens, "render", lambda spec, iterations=None, progress=None: {"derivation.csv": spec.name})
    code, out, _ = run_cli(capsys, "derive", "--all", "--out", tmp_path / "X")
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "X").iterdir()) == sorted(examples.names())
    assert (tmp_path / "X" / "documented" / "derivation.csv").read_text() == "documented 2-2-2 example"


def test_a_spec_path_that_is_a_folder_is_refused(tmp_path, capsys, no_derivation):
    code, _, err = run_cli(capsys, "derive", "--spec", tmp_path, "--out", tmp_path / "X")
    one_line_error(code, err, "is a folder", "example.toml")
    assert not (tmp_path / "X").exists()
