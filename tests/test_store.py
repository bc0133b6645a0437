"""The golden store: the one owner of the golden files, what it checks on every read, and how runs share it.

Each test here reproduces an item of the reliability issue (a damaged or
tampered golden, concurrent runs, an unwritable cache, an overflowing spec,
``derive --check`` that writes) or a rule of the store (no other module
names a golden file; a trace reads the truth once).
"""

from __future__ import annotations

import ast
import errno
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from backprop_verify.reference import envelope, examples, goldens, store, tape, writer
from backprop_verify.reference.montecarlo import MonteCarlo
from backprop_verify.reference.spec import load
from backprop_verify.reference.training import Training
from backprop_verify.verify import truth
from backprop_verify.verify.cli import main as cli

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("reference", "implementations", "verify", "golden", "backprop_verify")
DOCUMENTED_TEXT = examples.spec_path(examples.DOCUMENTED).read_text(encoding="utf-8")
RELU_TEXT = examples.spec_path("relu-linear-momentum").read_text(encoding="utf-8")


def run_cli(capsys, *argv: object) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def spec_file(folder: Path, text: str, name: str = "spec.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def short(text: str, iterations: int) -> str:
    """A shipped example's spec text over fewer iterations (a spec elsewhere: derived into the cache)."""
    for line in text.splitlines():
        if line.startswith("iterations = "):
            return text.replace(line, f"iterations = {iterations}")
    raise AssertionError("no iterations line")


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A cache of the test's own, and nothing kept in memory from earlier tests."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(store.CACHE_VARIABLE, str(folder))
    store.forget()
    truth._memo.clear()
    store._said.clear()
    yield folder
    store.forget()
    truth._memo.clear()


def trace_printer(tmp_path: Path, found: truth.Truth) -> list[str]:
    """A program that prints the truth's trajectory as a CSV trace (made here from the values, not a file)."""
    path = tmp_path / "trace.csv"
    path.write_text(goldens.render_trajectory(found.spec, found.trajectory), encoding="utf-8")
    return [sys.executable, "-c", "import sys; sys.stdout.write(open(sys.argv[1]).read())", str(path)]


# --- one owner --------------------------------------------------------------------------------------------------

def _strings_in_code(path: Path) -> list[str]:
    """Every string constant of a module that is not a docstring (prose may mention a file; code may not)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_only_the_store_names_a_golden_file():
    golden_names = [*store.FILES, store.FLOAT32_ENVELOPE, store.LEDGER.name]
    modules = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    assert ROOT / "reference" / "store.py" in modules and len(modules) > 50
    found = [f"{path.relative_to(ROOT)}: {text!r}" for path in modules if path.name != "store.py"
             for text in _strings_in_code(path) if any(name in text for name in golden_names)]
    assert found == []
    assert any(name in text for text in _strings_in_code(ROOT / "reference" / "store.py") for name in golden_names)


def test_a_spec_knows_which_shipped_example_it_is(tmp_path):
    assert load(examples.spec_path("relu-linear-momentum")).example == "relu-linear-momentum"
    copy = spec_file(tmp_path, RELU_TEXT, "example.toml")  # the same text elsewhere is not the shipped example
    assert load(copy).example is None


def test_a_trace_reads_the_truth_once_and_its_record_once(tmp_path, capsys, cache, monkeypatch, documented):
    argv = trace_printer(tmp_path, truth.load(documented))
    store.forget()
    truth._memo.clear()
    counts = {"parse": 0, "derivation": 0}
    real_parse, real_derivation = store.parse, store._parse_derivation

    def parse(*args, **kwargs):
        counts["parse"] += 1
        return real_parse(*args, **kwargs)

    def derivation(*args, **kwargs):
        counts["derivation"] += 1
        return real_derivation(*args, **kwargs)
    monkeypatch.setattr(store, "parse", parse)
    monkeypatch.setattr(store, "_parse_derivation", derivation)
    code, out, err = run_cli(capsys, "trace", "--spec", "documented", "--", *argv)
    assert code == 0, out + err
    assert counts == {"parse": 1, "derivation": 1}


# --- 11. every file checked on load -------------------------------------------------------------------------------

def cached_folder(cache: Path) -> Path:
    (folder,) = (cache / "goldens").iterdir()
    return folder


def _every_value(text: str, value: str) -> str:
    lines = text.splitlines()
    return "\n".join([lines[0]] + [",".join(line.split(",")[:2] + [value] * (len(line.split(",")) - 2))
                                   for line in lines[1:]]) + "\n"


DAMAGES = {
    "an envelope of 1e300": lambda text: _every_value(text, "1e300"),
    "a header-only envelope": lambda text: text.splitlines()[0] + "\n",
    "an empty envelope": lambda text: "",
    "a truncated envelope": lambda text: text[: len(text) // 2],
    "a non-numeric envelope": lambda text: _every_value(text, "wide"),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_cache_is_derived_afresh(tmp_path, capsys, cache, damage):
    spec = spec_file(tmp_path, short(RELU_TEXT, 30))
    clean = truth.load(load(spec))
    path = cached_folder(cache) / store.ENVELOPE
    path.write_text(DAMAGES[damage](path.read_text(encoding="utf-8")), encoding="utf-8")
    store.forget()
    truth._memo.clear()
    again = truth.load(load(spec))
    assert (again.envelope == clean.envelope).all() and (again.trajectory == clean.trajectory).all()
    assert path.read_bytes() == goldens.render(load(spec))[store.ENVELOPE].encode()  # rewritten


@pytest.mark.parametrize("file", [store.STEP1, store.TRAJECTORY, store.AFTER, store.IDENTITIES, store.DERIVATION])
@pytest.mark.parametrize("damage", ["empty", "truncated", "non-numeric"])
def test_any_damaged_cache_file_is_derived_afresh_without_a_traceback(tmp_path, cache, file, damage):
    spec = spec_file(tmp_path, short(RELU_TEXT, 30))
    clean = truth.load(load(spec))
    path = cached_folder(cache) / file
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    letters = "".join([lines[0], re.sub(r"[0-9]", "x", lines[1]), *lines[2:]])  # the first row's digits gone
    path.write_text({"empty": "", "truncated": text[: len(text) // 2], "non-numeric": letters}[damage],
                    encoding="utf-8")
    store.forget()
    truth._memo.clear()
    again = truth.load(load(spec))
    assert (again.trajectory == clean.trajectory).all() and again.after_exact == clean.after_exact
    assert path.read_text(encoding="utf-8") == text  # derived afresh and rewritten


def test_a_tampered_cached_envelope_never_lets_a_wrong_program_pass(tmp_path, capsys, cache):
    spec = spec_file(tmp_path, short(RELU_TEXT, 30))
    found = truth.load(load(spec))
    path = cached_folder(cache) / store.ENVELOPE
    path.write_text(_every_value(path.read_text(encoding="utf-8"), "1e300"), encoding="utf-8")
    store.forget()
    truth._memo.clear()
    wrong = truth.Truth(found.spec, found.iterations, found.quantities, found.trajectory * 1.01, found.after,
                        found.envelope, found.precision, None)
    code, out, err = run_cli(capsys, "trace", "--spec", spec, "--", *trace_printer(tmp_path, wrong))
    assert code == 1 and "FAILED" in out, out + err


@pytest.mark.parametrize("file", [store.ENVELOPE, store.TRAJECTORY, store.STEP1])
def test_a_damaged_shipped_golden_is_refused_with_one_line(tmp_path, capsys, cache, monkeypatch, file):
    root = tmp_path / "golden"
    shutil.copytree(examples.folder("relu-linear-momentum"), root / "relu-linear-momentum")
    monkeypatch.setattr(examples, "ROOT", root)
    path = root / "relu-linear-momentum" / file
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("0.", "0.9", 1) if file != store.ENVELOPE else text.replace("e-", "e+", 1),
                    encoding="utf-8")
    code, out, err = run_cli(capsys, "check", "vectorized", "--spec", root / "relu-linear-momentum" / "example.toml")
    assert code == 2 and out.count("\n") <= 2, out + err
    assert f"{file} does not match its SHA-256" in out and "Traceback" not in out + err
    assert not cache.exists()  # never derived instead


def test_a_shipped_golden_with_a_matching_hash_but_an_infinite_value_is_refused(tmp_path, monkeypatch, cache):
    """A file edited together with its recorded hash still has to be a trajectory of finite numbers."""
    root = tmp_path / "golden"
    shutil.copytree(examples.folder("relu-linear-momentum"), root / "relu-linear-momentum")
    monkeypatch.setattr(examples, "ROOT", root)
    folder = root / "relu-linear-momentum"
    text = (folder / store.TRAJECTORY).read_text(encoding="utf-8")
    cells = text.splitlines()[1].split(",")
    bad = text.replace(text.splitlines()[1], ",".join(cells[:2] + ["inf"] + cells[3:]), 1)
    (folder / store.TRAJECTORY).write_text(bad, encoding="utf-8")
    record = (folder / store.DERIVATION).read_text(encoding="utf-8")
    (folder / store.DERIVATION).write_text(record.replace(store.sha256(text), store.sha256(bad)), encoding="utf-8")
    with pytest.raises(truth.TruthError, match="iteration 0: a value that is not a finite number"):
        truth.load(load(folder / "example.toml"))


@pytest.mark.parametrize(("change", "said"), [
    (lambda row: row + ",0.5", "a row without"),
    (lambda row: row.rsplit(",", 1)[0], "a row without"),
    (lambda row: row.replace(",", ",x", 1), "cannot be read as numbers"),
    (lambda row: "7" + row[1:], "does not hold iterations"),
])
def test_a_shipped_trajectory_with_a_matching_hash_but_a_broken_row_is_refused(tmp_path, monkeypatch, cache, change,
                                                                              said):
    root = tmp_path / "golden"
    shutil.copytree(examples.folder("relu-linear-momentum"), root / "relu-linear-momentum")
    monkeypatch.setattr(examples, "ROOT", root)
    folder = root / "relu-linear-momentum"
    text = (folder / store.TRAJECTORY).read_text(encoding="utf-8")
    row = text.splitlines()[1]
    bad = text.replace(row, change(row), 1)
    (folder / store.TRAJECTORY).write_text(bad, encoding="utf-8")
    record = (folder / store.DERIVATION).read_text(encoding="utf-8")
    (folder / store.DERIVATION).write_text(record.replace(store.sha256(text), store.sha256(bad)), encoding="utf-8")
    with pytest.raises(truth.TruthError, match=said):
        truth.load(load(folder / "example.toml"))


# --- 9. a spec that overflows float64 -----------------------------------------------------------------------------

def overflowing(tmp_path: Path) -> Path:
    return spec_file(tmp_path, short(RELU_TEXT, 20).replace("learning_rate = 0.05", "learning_rate = 1e10"))


def test_a_spec_that_overflows_float64_is_refused_at_derive_time(tmp_path, capsys, cache):
    out = tmp_path / "out"
    code, _, err = run_cli(capsys, "derive", "--spec", overflowing(tmp_path), "--out", out)
    assert code == 2 and err.count("\n") == 1 and err.startswith("error: "), err
    assert "the training overflows float64 at iteration 15 (E_total = 7.7e+316)" in err
    assert "lower the learning rate or the iterations" in err
    assert not out.exists() or [p for p in out.iterdir() if p.name in store.FILES] == []


def test_a_trace_against_a_spec_that_overflows_float64_errors_in_one_line(tmp_path, capsys, cache):
    code, out, err = run_cli(capsys, "trace", "--spec", overflowing(tmp_path), "--", sys.executable, "-c",
                             "print('E_total: 1')")
    assert code == 2 and "overflows float64 at iteration 15" in out and "Traceback" not in out + err, out + err
    assert not (cache / "goldens").exists() or list((cache / "goldens").rglob(store.TRAJECTORY)) == []


# --- 10. concurrent runs ------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_concurrent_traces_on_a_cold_cache_all_succeed(tmp_path, cache):
    spec = spec_file(tmp_path, short(RELU_TEXT, 40))
    found = truth.compute(load(spec), 40)
    argv = trace_printer(tmp_path, found)
    env = {**os.environ, store.CACHE_VARIABLE: str(cache)}
    runs = [subprocess.Popen([sys.executable, "-m", "backprop_verify", "trace", "--spec", str(spec), "--", *argv],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path, text=True)
            for _ in range(3)]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    assert all(code == 0 for code, _, _ in results), results
    assert len(list((cache / "goldens").iterdir())) == 1 and writer.PREFIX not in str(list(cache.rglob("*")))


@pytest.mark.slow
def test_concurrent_derivations_into_one_folder_all_succeed(tmp_path):
    spec = spec_file(tmp_path, short(RELU_TEXT, 30))
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "backprop_verify", "derive", "--spec", str(spec), "--out", str(out)]
    runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, text=True)
            for _ in range(3)]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    assert all(code == 0 for code, _, _ in results), results
    assert sorted(p.name for p in out.iterdir()) == sorted(store.FILES)
    assert store.differences(goldens.render(load(spec)), out) == []


# --- 16. the float32 envelope on a cache that cannot be written ---------------------------------------------------

def test_the_float32_envelope_on_a_cache_that_cannot_be_written_is_computed_and_said_once(tmp_path, capsys,
                                                                                          monkeypatch, cache):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv(store.CACHE_VARIABLE, str(a_file / "cache"))  # no folder can be made there, even by root
    said = []
    for _ in range(2):
        truth._memo.clear()
        code, out, err = run_cli(capsys, "check", "vectorized", "--precision", "float32", "--iterations", "30")
        assert code == 0 and "Traceback" not in err, out + err
        said.append(err)
    assert said[0].count("\n") == 1 and "cannot cache the float32 envelope" in said[0] and said[1] == "", said


def test_the_float32_envelope_on_a_full_disk_is_computed_without_caching(tmp_path, capsys, monkeypatch, cache):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(os, "fsync", full)
    code, out, err = run_cli(capsys, "check", "vectorized", "--precision", "float32", "--iterations", "30")
    assert code == 0, out + err
    assert err.count("\n") == 1 and "cannot cache the float32 envelope" in err and "No space left" in err, err
    assert not list(cache.rglob(store.FLOAT32_ENVELOPE))


# --- arguable cases: HOME='' and derive --iterations into a shipped folder ------------------------------------------

def test_an_empty_home_puts_no_cache_at_the_root(tmp_path, capsys, monkeypatch, cache):
    monkeypatch.delenv(store.CACHE_VARIABLE)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "")
    assert store.cache_root()[0] is None
    existed = Path("/.cache/backprop-verify").exists()
    spec = spec_file(tmp_path, short(RELU_TEXT, 10))
    code, out, err = run_cli(capsys, "check", "vectorized", "--spec", spec)
    assert code == 0, out + err
    assert err.count("\n") == 1 and "no cache folder" in err and "HOME" in err, err
    assert Path("/.cache/backprop-verify").exists() == existed


def test_derive_refuses_another_iteration_count_into_a_shipped_folder(tmp_path, capsys, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the derivation started")
    monkeypatch.setattr(goldens, "render", refuse)
    before = {p.name: p.read_bytes() for p in examples.folder(examples.DOCUMENTED).iterdir()}
    code, out, err = run_cli(capsys, "derive", "--spec", "documented", "--iterations", "5")
    assert code == 2 and err.count("\n") == 1 and "--out" in err and "10,000" in err, err
    assert {p.name: p.read_bytes() for p in examples.folder(examples.DOCUMENTED).iterdir()} == before
    monkeypatch.undo()
    code, _, err = run_cli(capsys, "derive", "--spec", "documented", "--iterations", "5", "--out", tmp_path)
    assert code == 0 and (tmp_path / store.TRAJECTORY).read_text().count("\n") == 6, err


# --- 19. derive --check writes nothing -----------------------------------------------------------------------------

def test_derive_check_writes_nothing_and_names_the_differing_file(tmp_path, capsys, monkeypatch):
    spec = spec_file(tmp_path, short(RELU_TEXT, 20))
    store.write(goldens.render(load(spec)), tmp_path)
    path = tmp_path / store.TRAJECTORY
    path.write_text(path.read_text(encoding="utf-8").replace("0.", "0.1", 1), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def refuse(*args, **kwargs):
        raise AssertionError("derive --check wrote")
    for name in ("write_all", "write_file", "writable_folder"):
        monkeypatch.setattr(writer, name, refuse)
    code, out, err = run_cli(capsys, "derive", "--spec", spec, "--check")
    assert code == 1 and f"{path}: row 1" in err and "Traceback" not in err, err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# --- progress: one callback, long work only -------------------------------------------------------------------------

def test_a_short_derivation_says_nothing_however_slow_the_machine(tmp_path, capsys, monkeypatch):
    """Progress follows the amount of work, not the clock: a derivation of 4 iterations prints only its result."""
    clock = iter(range(0, 10**9, 100))
    monkeypatch.setattr(time, "monotonic", lambda: float(next(clock)))
    monkeypatch.setattr(time, "perf_counter", lambda: float(next(clock)))
    code, out, err = run_cli(capsys, "derive", "--iterations", "4", "--out", tmp_path)
    assert code == 0 and err == "", err


def test_progress_goes_to_the_callback_and_only_for_long_work(monkeypatch, capsys):
    spec = load(examples.spec_path("relu-linear-momentum"))
    heard: list[str] = []
    goldens.render(spec, 5, heard.append)
    assert heard == []
    monkeypatch.setattr(goldens, "LONG", 10)
    goldens.render(spec, 5, heard.append)
    assert heard and heard[0] == f"{spec.name}: deriving 5 iterations ..."
    assert capsys.readouterr() == ("", "")  # the library printed nothing itself


# --- the replayed Monte Carlo step ----------------------------------------------------------------------------------

@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_the_replayed_step_gives_the_same_samples_as_the_graph(example, precision, monkeypatch):
    spec = load(examples.spec_path(example))
    replayed = envelope.extremes(spec, 40, precision)

    def graph_only(A: MonteCarlo, training: Training, iterations: int):
        for _ in range(iterations):
            yield training.step().row(A, spec.train_biases)
    monkeypatch.setattr(tape, "rows", graph_only)
    through_graph = envelope.extremes(spec, 40, precision)
    assert np.array_equal(replayed, through_graph, equal_nan=True)


def test_a_step_that_differs_from_the_one_before_is_never_replayed(documented, monkeypatch):
    """The guard: when the two records disagree, every iteration goes through the graph."""
    signatures = iter(range(1000))
    monkeypatch.setattr(tape._Program, "signature", lambda self: next(signatures))
    built = []
    monkeypatch.setattr(tape, "_Replay", lambda *args: built.append(args))
    with MonteCarlo(32, 2.0**-53, 1) as A:
        rows = list(tape.rows(A, Training(documented, A), 6))
    assert len(rows) == 6 and built == []
