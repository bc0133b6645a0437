"""Run every implementation on every example it supports, verify it and time it.

Each program yields a ``Result`` in one of four states, never merged:
passed, failed (verified, and beyond tolerance), errored (could not be
verified: the reason says why) and skipped (not applicable, or its runtime is
missing: the reason says which).
"""

from __future__ import annotations

import shlex
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TextIO

import pandas as pd

from implementations import REGISTRY, Implementation, neuron_rb, ruby_bridge
from implementations.trace import TraceError, verify_text
from implementations.trace import names as name_maps
from implementations.trace.parse import parse
from implementations.trace.run import run as run_program
from implementations.trace.verdict import table_tolerance
from reference import tolerances
from reference.compare import Comparison, compare_trajectory, read_trajectory
from reference.names import step1_quantities, trajectory_columns
from reference.spec import Spec

STATES = ("passed", "failed", "errored", "skipped")
TIMEOUT = 120.0  # seconds a program may take for one run of the example


@dataclass
class Result:
    implementation: str
    language: str
    example: str
    status: str
    reason: str
    comparison: Comparison | None = None
    trajectory: pd.DataFrame | None = None
    step1: dict[str, float] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)  # one per timed run of the full example

    def __post_init__(self):
        if self.status not in STATES:
            raise ValueError(f"unknown status {self.status!r} (one of {', '.join(STATES)})")

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


@dataclass(frozen=True)
class Program:
    """Something the report verifies: ``verify(spec, repeats)`` returns its Result on one example."""
    name: str
    language: str
    verify: Callable[[Spec, int], Result]


@dataclass(frozen=True)
class Invocation:
    """How to run a program on one example; ``note`` is added to its verdict's reason."""
    argv: list[str]
    stdin: str | None = None
    note: str = ""


def golden(spec: Spec) -> pd.DataFrame:
    return read_trajectory(Path(spec.source).parent / "trajectory.csv")


def example_of(spec: Spec) -> str:
    return tolerances.example_key(spec.source)


def judged(result: Callable[..., Result], comparison: Comparison, **more) -> Result:
    """Passed or failed, from a comparison; ``result(status, reason, **more)`` makes the Result."""
    if comparison.passed:
        reason = f"all {comparison.values_checked:,} values within tolerance; largest error {comparison.max_ulp} ULPs"
        return result("passed", reason, comparison=comparison, **more)
    return result("failed", f"first divergence: {comparison.first_divergence}", comparison=comparison, **more)


def timed(function: Callable, repeats: int) -> tuple[object, list[float]]:
    """The value of the last call and the seconds of each of ``repeats`` calls."""
    seconds, value = [], None
    for _ in range(max(repeats, 1)):
        started = time.perf_counter()
        value = function()
        seconds.append(time.perf_counter() - started)
    return value, seconds


def python_program(implementation: Implementation) -> Program:
    """An implementation (as in implementations.REGISTRY) run in this process."""
    name = implementation.name

    def verify(spec: Spec, repeats: int) -> Result:
        result = partial(Result, name, implementation.language, example_of(spec))
        reason = implementation.supports(spec)
        if reason:
            return result("skipped", reason)
        try:
            tolerance = table_tolerance(name, spec)
            got, seconds = timed(lambda: implementation.run(spec), repeats)
            return judged(result, compare_trajectory(golden(spec), got, tolerance), trajectory=got,
                           step1=implementation.step1(spec), seconds=seconds)
        except TraceError as error:  # no tolerance rows for this implementation and example
            return result("errored", str(error))
        except Exception as error:  # noqa: BLE001 - any failure of the program under test is its verdict
            return result("errored", f"{type(error).__name__}: {error}")
    return Program(name, implementation.language, verify)


def trace_program(name: str, language: str, command: Callable[[Spec], Invocation], *,
                  fmt: str = "name-value", names: name_maps.NameMap | None = None,
                  tolerance_from: str | None = None) -> Program:
    """A program run as a subprocess whose trace is verified through the trace protocol.

    ``command(spec)`` returns the Invocation, or raises LookupError
    (skipped: not for this spec or its runtime is missing) or TraceError
    (errored: it cannot be had).
    """
    def verify(spec: Spec, repeats: int) -> Result:
        result = partial(Result, name, language, example_of(spec))
        try:
            invocation = command(spec)
        except LookupError as why:
            return result("skipped", str(why.args[0]))
        except TraceError as error:
            return result("errored", str(error))
        if invocation.note:
            result = partial(noted, result, invocation.note)
        try:
            text, seconds = timed(lambda: run_program(invocation.argv, TIMEOUT, invocation.stdin), repeats)
        except TraceError as error:
            return result("errored", str(error))
        verdict = verify_text(text, spec_path=spec.source, fmt=fmt, names=names, tolerance_from=tolerance_from)
        if verdict.comparison is None:
            return result(verdict.status, verdict.reason, seconds=seconds)
        quantities = [q for q in trajectory_columns(spec) if q != "iteration"]
        mapping = names or (name_maps.neuron_rb() if fmt == "name-value" else name_maps.identity(quantities))
        got = parse(text, fmt, mapping, verdict.comparison.iterations_checked)
        first = got.iloc[0]
        step1 = {q: float(first[q]) for q in step1_quantities(spec) if q in got.columns}
        return judged(result, verdict.comparison, trajectory=got, step1=step1, seconds=seconds)
    return Program(name, language, verify)


def noted(result: Callable[..., Result], note: str, status: str, reason: str, **more) -> Result:
    return result(status, f"{reason} ({note})", **more)


def _ruby() -> str:
    ruby = shutil.which("ruby")
    if ruby is None:
        raise LookupError(ruby_bridge.INSTALL_HINT)
    return ruby


def _project_ruby(spec: Spec) -> Invocation:
    if not spec.is_documented_shape:
        raise LookupError("backprop.rb handles the notes' 2-2-2 network with one example and fixed shared biases only")
    return Invocation([_ruby(), str(ruby_bridge.SCRIPT)], ruby_bridge.example_json(spec.source))


def _neuron_rb(spec: Spec) -> Invocation:
    if example_of(spec) != "documented":
        raise LookupError("Neuron.rb has the documented example written into it")
    ruby = _ruby()
    try:
        found = neuron_rb.locate()
    except neuron_rb.Unavailable as why:
        raise TraceError("unavailable", str(why)) from None
    same = "byte-identical to" if found.identical else "NOT byte-identical to"
    return Invocation([ruby, str(found.path)], note=f"the {found.origin} copy, {same} the published original")


def _documented_only(argv: list[str]) -> Callable[[Spec], Invocation]:
    def command(spec: Spec) -> Invocation:
        if example_of(spec) != "documented":
            raise LookupError("programs given with --trace are run on the documented example only")
        return Invocation(argv)
    return command


def command_program(definition: str, fmt: str = "name-value") -> Program:
    """``NAME=COMMAND`` (as on the command line): its tolerance rows if the table has any, else exact."""
    name, equals, command = definition.partition("=")
    if not equals or not name.strip() or not command.strip():
        raise ValueError(f"--trace {definition!r}: expected NAME=COMMAND")
    name = name.strip()
    known = any(r["implementation"] == name for r in tolerances.rows())
    return trace_program(name, "trace", _documented_only(shlex.split(command)), fmt=fmt,
                         tolerance_from=name if known else None)


def programs(traces: list[str] = (), trace_format: str = "name-value") -> list[Program]:
    """Every program the suite knows, in the order the report lists them."""
    found = [python_program(implementation) for implementation in REGISTRY.values()]
    found.append(trace_program("ruby", "ruby", _project_ruby, tolerance_from="ruby"))
    found.append(trace_program(neuron_rb.IMPLEMENTATION, "ruby", _neuron_rb, tolerance_from=neuron_rb.IMPLEMENTATION))
    return found + [command_program(t, trace_format) for t in traces]


def repeats_for(program: Program, python: int, other: int) -> int:
    return python if program.language == "python" else other


def collect(programs: list[Program], specs: list[Spec], *, python_repeats: int = 3, other_repeats: int = 3,
            progress: TextIO | None = None) -> Iterator[Result]:
    """Verify each program on each example; only the documented example is timed more than once.

    Progress lines go to ``progress`` (default: standard error).
    """
    progress = progress or sys.stderr
    for spec in specs:
        example = example_of(spec)
        for program in programs:
            repeats = repeats_for(program, python_repeats, other_repeats) if example == "documented" else 1
            print(f"running {program.name} on {example} ({repeats} run{'s' * (repeats > 1)}) ...",
                  file=progress, flush=True)
            result = program.verify(spec, repeats)
            if example != "documented":
                result.seconds = []  # one run of another length: not a 10,000-iteration timing
            print(f"  {result.status}: {result.reason}", file=progress, flush=True)
            yield result
