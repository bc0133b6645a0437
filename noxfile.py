"""Orchestration: `nox` verifies everything; `nox -s golden` regenerates the goldens.

Default sessions (plain `nox`): lint, tests, report (which runs every registered
program on every example and fails when one fails).
On request: golden (rewrite golden/ from the reference), bench (benchmarks), slow (the tests marked slow:
a class graded whole in a sandbox, the class page in a browser; `tests` leaves them out).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.02.09"  # nox.project.dependency_groups
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests", "slow", "report"]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PYPROJECT = nox.project.load_toml("pyproject.toml")
# Compiled at install: uv does not by default, and where PYTHONDONTWRITEBYTECODE is set every interpreter
# start would compile SymPy, NumPy and pandas afresh (seconds each time).
COMPILED = {"UV_COMPILE_BYTECODE": "1"}


def install(session: nox.Session, group: str = "") -> None:
    """The project, editable, and one of its dependency groups (pyproject.toml's [dependency-groups])."""
    extra = nox.project.dependency_groups(PYPROJECT, group) if group else ()
    session.install("-e", ".", *extra, env=COMPILED)


def needs_ruby(session: nox.Session, what: str) -> None:
    if shutil.which("ruby") is None:
        message = f"ruby is not on PATH: {what} will be SKIPPED, not passed (apt-get install ruby)"
        if IN_CI:
            session.error(message.replace("will be SKIPPED, not passed", "cannot run under CI"))
        session.warn(message)


def link_package(tree: Path) -> None:
    """The package laid out in tree as it installs, in links to the repository's folders: mypy maps a module to a
    file by its path, and cannot follow [tool.setuptools.package-dir] nor the editable install's import hook."""
    folders = PYPROJECT["tool"]["setuptools"]["package-dir"]
    shutil.rmtree(tree, ignore_errors=True)
    for package, folder in sorted(folders.items()):
        place = tree.joinpath(*package.split("."))
        place.parent.mkdir(parents=True, exist_ok=True)
        if any(other.startswith(f"{package}.") for other in folders):  # parts mapped inside it: its files one by one
            place.mkdir()
            for entry in Path(folder).resolve().iterdir():
                if entry.name != "__pycache__":
                    (place / entry.name).symlink_to(entry)
        else:
            place.symlink_to(Path(folder).resolve(), target_is_directory=True)


@nox.session(tags=["verify"])
def lint(session: nox.Session) -> None:
    """ruff over the code; mypy over the package as it installs (pyproject.toml's [tool.mypy])."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    link_package(Path("build/typecheck"))
    session.run("mypy")


@nox.session(tags=["verify"])
def tests(session: nox.Session) -> None:
    """The test suite (pytest, over the cores): reference, programs, harness, command line, bad input."""
    install(session, "test")
    needs_ruby(session, "the Ruby tests")
    session.run("python", "-m", "pytest", "-n", "auto", "-m", "not slow", *session.posargs)


@nox.session(tags=["verify"])
def slow(session: nox.Session) -> None:
    """The tests marked slow: a class of programs in the languages the machine has and hostile ones graded in
    bubblewrap's sandbox, the class page in Chromium, programs run for real. Each file on one worker: the class is
    graded once."""
    install(session, "test")
    if shutil.which("bwrap") is None:
        message = "bwrap is not on PATH: the sandbox tests will be SKIPPED, not passed (apt-get install bubblewrap)"
        if IN_CI:
            session.error(message.replace("will be SKIPPED, not passed", "cannot run under CI"))
        session.warn(message)
    session.run("python", "-m", "pytest", "-m", "slow", "-n", "auto", "--dist", "loadfile", *session.posargs)


@nox.session(tags=["verify"])
def report(session: nox.Session) -> None:
    """Every registered program on every example, into reports/ (exit 1 when a program fails)."""
    install(session)
    needs_ruby(session, "the Ruby programs")
    session.run("backprop-verify", "report", *session.posargs)


@nox.session(tags=["golden"])
def golden(session: nox.Session) -> None:
    """Regenerate every golden file from the SymPy reference (each folder all or nothing)."""
    install(session)
    session.run("backprop-verify", "derive", "--all", *session.posargs)


@nox.session(tags=["bench"])
def bench(session: nox.Session) -> None:
    """Benchmarks into reports/bench.csv and bench.md (`nox -s bench -- --torch --quick`)."""
    install(session, "bench")
    if "--torch" in session.posargs:
        # pip, never uv: pip takes the CPU build of torch lying on this machine's disk
        try:
            session.run("python", "-m", "ensurepip", "--default-pip", silent=True)
            session.run("python", "-m", "pip", "install", "--quiet", "torch==2.13.0")
        except nox.command.CommandFailed:
            session.warn("torch could not be installed: the benchmark reports its rows as skipped")
    session.run("backprop-verify", "bench", *session.posargs)
