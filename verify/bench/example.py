"""Part 1: the documented example, all its iterations, by every registered program, side by side.

A program that runs in this process is timed from ``run(spec)`` to the
finished trajectory; a command (the Ruby program, the original Neuron.rb) as
a whole process, interpreter start included, its trace discarded. Neuron.rb
runs only when a copy is at hand (NEURON_RB, or the cache folder): this never
downloads it. Ruby's start alone is timed beside them, for context.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from functools import partial

from ...implementations.registry import REGISTRY, Missing, Program, Unusable
from ...implementations.spec_json import dumps as spec_json
from ...reference import examples
from ...reference.spec import Spec, load
from .rows import Row, skipped
from .timing import interleaved, process

TARGETS = {"loop": 0.05, "vectorized": 0.2, "autograd": 3.0}  # seconds for the 10,000 iterations
RUBY_START = "ruby start alone"


def documented() -> Spec:
    return load(examples.spec_path(examples.DOCUMENTED))


def how(name: str) -> str:
    return "in this process" if name in REGISTRY and REGISTRY[name].in_process else "whole process"


def as_process(program: Program, spec: Spec) -> tuple[Callable[[], None], str]:
    """A call that runs the program's command once (a failure raises), and which copy it runs."""
    assert program.command is not None, "a program run as a process has a command"
    command = program.command(spec, False)  # Missing or Unusable when it cannot be run here
    argv = [shutil.which(command.argv[0]) or command.argv[0], *command.argv[1:]]
    stdin = spec_json(spec).encode() if program.stdin == "spec-json" else None

    def run() -> None:
        done = process(argv, stdin=stdin, keep=False)
        if done.status != 0:
            raise RuntimeError(f"{program.name} exited with status {done.status}")
    return run, command.note


def candidates(spec: Spec) -> tuple[dict[str, Callable[[], object]], dict[str, str], list[Row]]:
    """What to time (name -> call), a note per candidate, and the rows of the programs that cannot run here."""
    timed: dict[str, Callable[[], object]] = {}
    notes: dict[str, str] = {}
    rows: list[Row] = []
    for name, program in REGISTRY.items():
        if program.run is not None:  # in process
            timed[name] = partial(program.run, spec)
            notes[name] = f"run(spec) to the trajectory of {spec.iterations:,} iterations"
            continue
        if program.runtime and shutil.which(program.runtime) is None:
            rows.append(skipped("example", name, f"{program.runtime} is not on PATH", how(name)))
            continue
        try:
            timed[name], note = as_process(program, spec)
        except (Missing, Unusable) as why:
            rows.append(skipped("example", name, str(why).split(";")[0], how(name)))
            continue
        notes[name] = "; ".join(filter(None, ["its trace discarded", note]))
    ruby = shutil.which("ruby")
    if ruby is not None:
        timed[RUBY_START] = lambda: process([ruby, "-e", ""], keep=False)
        notes[RUBY_START] = "context: ruby -e '' (part of every Ruby figure)"
    return timed, notes, rows


def measure(repeats: int) -> list[Row]:
    spec = documented()
    timed, notes, rows = candidates(spec)
    for name, function in list(timed.items()):
        try:
            function()  # warm-up: imports, caches, the first process start
        except Exception as error:  # noqa: BLE001 - a program that fails here is reported, not timed
            rows.append(Row("example", name, how(name), note=notes[name]).failed(f"{type(error).__name__}: {error}"))
            del timed[name]
    stats = interleaved(timed, repeats)
    ranked = [name for name in stats if name != RUBY_START]
    fastest = min(stats[name].median for name in ranked)
    for name, s in stats.items():
        row = Row("example", name, how(name), number=1, note=notes[name]).timed(s)
        if name in ranked:
            row.ratio = s.median / fastest
        if name in TARGETS:
            row.within(TARGETS[name])
        rows.append(row)
    return rows
