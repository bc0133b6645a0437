"""Orchestration: `nox` verifies everything; `nox -s golden` regenerates the goldens.

Default sessions (run by plain `nox`): check, tests, ruby, report.
On request: golden (rewrite golden/ from the reference), bench.
"""

from __future__ import annotations

import os
import shutil

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["check", "tests", "ruby", "report"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
RUNTIME = PYPROJECT["project"]["dependencies"]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def install(session: nox.Session, *groups: str) -> None:
    # Compiled at install: uv does not by default, and where PYTHONDONTWRITEBYTECODE is set every
    # interpreter start would compile SymPy, NumPy and pandas afresh (seconds each time).
    session.install(*RUNTIME, *(dep for g in groups for dep in nox.project.dependency_groups(PYPROJECT, g)),
                    env={"UV_COMPILE_BYTECODE": "1"})


@nox.session(tags=["golden"])
def golden(session: nox.Session) -> None:
    """Regenerate every golden file from the SymPy reference (written atomically)."""
    install(session)
    session.run("python", "-m", "reference", "--all")


@nox.session(tags=["verify"])
def check(session: nox.Session) -> None:
    """Derive every example afresh and compare with the committed goldens, byte for byte."""
    install(session)
    session.run("python", "-m", "reference", "--all", "--check")


@nox.session(tags=["verify"])
def tests(session: nox.Session) -> None:
    """The test suite (pytest): reference, implementations, bridges, bad input."""
    install(session, "test")
    if shutil.which("ruby") is None:
        message = "ruby is not on PATH: the Ruby bridge tests will be SKIPPED (apt-get install ruby)"
        if IN_CI:
            session.error(message.replace("will be SKIPPED", "cannot run under CI"))
        session.warn(message)
    session.run("python", "-m", "pytest", "-n", "auto", *session.posargs)


@nox.session(tags=["verify"])
def ruby(session: nox.Session) -> None:
    """The project's Ruby program and the original Neuron.rb (when available) through the trace bridge."""
    if shutil.which("ruby") is None:
        message = "ruby is not on PATH: the Ruby checks were SKIPPED, not passed (apt-get install ruby)"
        if IN_CI:
            session.error(message)
        session.skip(message)
    install(session)
    session.run("python", "-m", "implementations.ruby_bridge")
    # The original only when it is at hand (--path, $NEURON_RB or the cache): exit 3 prints SKIPPED.
    # To download it first: python -m implementations.neuron_rb
    session.run("python", "-m", "implementations.neuron_rb", "--no-download", *session.posargs, success_codes=[0, 3])


@nox.session(tags=["verify"])
def report(session: nox.Session) -> None:
    """The comparison report: every implementation against the truth, into reports/ (md, html, csv, json)."""
    install(session)
    session.run("python", "-m", "reference.report", *session.posargs)


@nox.session(tags=["bench"])
def bench(session: nox.Session) -> None:
    """Benchmarks: writes reports/bench.csv and reports/bench.md (`nox -s bench -- --torch --quick --threads N`)."""
    install(session, "bench")
    if "--torch" in session.posargs:
        # pip, never uv: pip takes the CPU build of torch lying on this machine's disk
        try:
            session.run("python", "-m", "ensurepip", "--default-pip", silent=True)
            session.run("python", "-m", "pip", "install", "--quiet", "torch==2.13.0")
        except nox.command.CommandFailed:
            session.warn("torch could not be installed: the benchmark reports its rows as skipped")
    session.run("python", "-m", "benchmarks", *session.posargs)
