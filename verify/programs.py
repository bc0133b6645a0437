"""Verify a program against the truth of a spec: read, interpret, compare, explain; one function per stage.

    printout = reader.finish()                    # read       (trace/)
    reading = interpret(records(printout), ...)   # interpret  (interpret/)
    comparison = compare(timeline, reading.cells) # compare    (compare.py)
    cause, where = explain(comparison, ...)       # explain    (explain/)

Every path ends in one ``Verdict``:

- skipped: the program does not support the spec, its runtime is not on PATH,
  or it cannot be had here (Neuron.rb without a copy and without --download);
- errored: it could not be verified (bad spec, stale goldens, a crash, a
  hang before anything checkable, nothing checkable in the output);
- failed: a value is beyond what the envelope allows; the first divergence,
  and the cause when a known mistake reproduces the printed numbers, else
  where the program leaves the truth, stage by stage;
- passed: every value checked is within it, under a reading that needs no
  mistake.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..implementations.registry import Missing, Program, Unusable
from ..implementations.spec_json import dumps as spec_json
from ..reference import names
from ..reference.spec import Spec
from .compare import Cells, Comparison, compare, rounding
from .explain import aliases, explain
from .interpret import Options as InterpretOptions
from .interpret import Reading, interpret
from .interpret.names import NameMap
from .interpret.names import load as load_names
from .interpret.vocabulary import usual_names
from .status import Status
from .timeline import Timeline
from .trace import Printout, Reader, TraceError, records, run
from .truth import Truth, TruthError, check_fresh, load

if TYPE_CHECKING:
    import pandas as pd  # frames come from the in-process programs, which import it
from .verdict import Verdict, errored, failed_reason, passed_reason, skipped

DEFAULT_TIMEOUT = 120.0
BYTES_PER_VALUE = 64  # generous: a name, a separator and 17 digits, or chatter around them
MIN_OUTPUT = 16 << 20
VALUES_PER_EXPECTED = 8  # numbers held per value the run could print (chatter with numbers included)
MIN_VALUES = 2_000_000


@dataclass(frozen=True)
class Printing:
    """What the user says about how a program prints (the command line's reading options); the rest is inferred."""
    names: tuple[str, ...] = ()  # "PROGRAM NAME=GOLDEN_NAME"
    names_file: Path | None = None
    columns: tuple[str, ...] | None = None
    strict: bool = False
    count_from: int | None = None
    every: int | None = None
    after_update: bool | None = None
    final: bool = False

    def name_map(self) -> NameMap | None:
        """The map of --names FILE and --name options together (the options win); None when neither is given."""
        found = load_names(self.names_file) if self.names_file else None
        if self.names:
            given = NameMap.from_options(self.names)
            found = given if found is None else found.merged(given)
        return found

    def validate(self, spec: Spec | None = None) -> None:
        """Refuse bad options before anything runs (TraceError with one line)."""
        mapping = self.name_map()
        if mapping is not None and spec is not None:
            mapping.checked(names.quantities(spec))


@dataclass(frozen=True)
class Options:
    """How to verify: the run's length and arithmetic, how it prints, and what may be done."""
    iterations: int | None = None
    precision: str = "float64"
    printing: Printing = field(default_factory=Printing)
    timeout: float = DEFAULT_TIMEOUT
    cwd: str | None = None
    download: bool = False
    diagnose: bool = True


def example_name(spec: Spec) -> str:
    return spec.example or str(spec.source)


# --- the four stages, given what the program printed -----------------------------------------------------

def verify_printout(printout: Printout, truth: Truth, options: Options = Options(), *, program: str = "",
                    notes: tuple[str, ...] = (), ended: str = "", stopped: str = "hang") -> Verdict:
    """Interpret, compare and explain what a program printed (``ended``: how its run was cut short, if it was;
    ``stopped``: the kind of that end, hang or exit-status)."""
    who = {"program": program, "example": example_name(truth.spec)}
    timeline = Timeline(truth)
    printing = options.printing
    try:
        mapping = printing.name_map()
        if mapping is not None:
            mapping.checked(truth.quantities)
        reading = interpret(records(printout), timeline, InterpretOptions(
            names=mapping, count_from=printing.count_from, forward_after=printing.after_update,
            final=printing.final, every=printing.every))
    except TraceError as error:
        return errored(str(error), error.kind, notes=notes, **who)
    notes = notes + _chatter(printout) + reading.notes
    if not len(reading.cells):
        return errored(_nothing_read(printout, reading), "no-names", notes=notes, **who)
    comparison = compare(timeline, reading.cells)
    return judge(comparison, reading, program=program, notes=notes, diagnose=options.diagnose, ended=ended,
                 stopped=stopped)


def judge(comparison: Comparison, reading: Reading | None = None, *, program: str = "", notes: tuple[str, ...] = (),
          diagnose: bool = True, ended: str = "", stopped: str = "hang") -> Verdict:
    """Passed, failed (explained when it can be) or errored (nothing checkable, or a run cut short)."""
    truth = comparison.truth
    who: dict[str, Any] = {"program": program, "example": example_name(truth.spec), "comparison": comparison,
           "reading": reading.words() if reading is not None else "", "notes": notes,
           "unread": reading.unread if reading is not None else 0}
    hints = tuple(dict.fromkeys(f"read equally well as: {a}" for run in (reading.runs if reading else ())
                                for a in run.alternatives)) if comparison.passed else ()
    last = [name for run in (reading.runs if reading else ()) for name, _, moment in run.singles
            if moment == "last-iteration"]
    if comparison.passed:
        hints += _short_of_the_end(comparison)
    if comparison.passed and last:
        hints += (f"{', '.join(repr(n) for n in last[:3])} matched the last iteration's forward pass, as a program "
                  f"prints it from inside its loop; a run one update short prints the same after its loop: "
                  f"--final takes {'it' if len(last) == 1 else 'them'} as the state after training",)
    beyond = [b for run in (reading.runs if reading else ()) for b in run.beyond]
    if comparison.values_checked == 0:
        return errored(f"nothing checkable: every one of the {comparison.values_coarse:,} values read was printed "
                       "too coarsely to tell the truth from a wrong value (print more digits)", "too-coarse", **who)
    if comparison.passed and not beyond:
        if diagnose:
            hidden, seen = aliases(comparison)
            if hidden:
                which = "these values" if seen >= comparison.truth.iterations - 1 else \
                    f"the values up to iteration {seen:,}"
                hints += (f"at the printed digits {which} are also those of {len(hidden)} known mistake"
                          f"{'s' if len(hidden) > 1 else ''} ({hidden[0]}{'; ...' if len(hidden) > 1 else ''}): "
                          "print more digits to tell a right program from those",)
        if ended:
            return errored(f"{passed_reason(comparison)}, then {ended}", stopped, hints=hints, **who)
        return Verdict(Status.PASSED, passed_reason(comparison), hints=hints, **who)
    cause, where = None, ""
    if diagnose:
        variants = reading.variants() if reading is not None else [(None, comparison.cells)]
        comparisons = [comparison] + [compare(comparison.timeline, cells) for _, cells in variants[1:]]
        outside = Cells.joined([run.outside for run in reading.runs if run.outside is not None]) if reading else None
        found = explain(comparisons, outside)
        cause, where = found.cause, found.where
        if found.reading:  # the cause shows under another reading that fits as well: report under that one
            comparison = comparisons[found.reading]
            who.update(comparison=comparison,  # the other readings come from reading, so it is not None
                       reading=variants[found.reading][0].words())  # type: ignore[union-attr]
    reason = failed_reason(comparison) if not comparison.passed else ""
    if beyond:
        reason = "; ".join(filter(None, [f"the trace goes beyond the run's {truth.iterations:,} iterations (line "
                                         f"{beyond[0][0]:,}: iteration {beyond[0][1]:,})", reason]))
    if ended:
        reason += f", then {ended}"
    return Verdict(Status.FAILED, reason, cause=cause, where=where, diagnosed=diagnose, hints=hints, **who)


def _short_of_the_end(comparison: Comparison) -> tuple[str, ...]:
    """Said when the values checked stop well before the run's end: the rest of the run was not seen."""
    timeline, cells = comparison.timeline, comparison.cells
    at = np.unique(timeline.iteration(cells.quantity[comparison.checked], cells.t[comparison.checked]))
    T = timeline.updates
    step = int(np.median(np.diff(at))) if len(at) > 1 else 1
    if not len(at) or at[-1] >= T - 1 or at[-1] + step > T - 1:
        return ()
    printed = timeline.iteration(cells.quantity, cells.t)
    if printed.max() > at[-1]:  # printed further, as 0.0000: too coarse to tell the truth from a wrong value
        return (f"the values checked end at iteration {int(at[-1]):,} of a run of {T:,}: those printed after it are "
                "too coarse to check (rounded to zero or near it); print more digits to check the rest",)
    return (f"the values checked end at iteration {int(at[-1]):,} of a run of {T:,}: the rest of the run was not "
            "printed, so not checked",)


def _chatter(printout: Printout) -> tuple[str, ...]:
    if not printout.chatter:
        return ()
    number, text = printout.chatter_examples[0]
    lines = "line" if printout.chatter == 1 else "lines"
    return (f"ignored {printout.chatter:,} {lines} without a number, first (line {number:,}): {text!r}",)


def _nothing_read(printout: Printout, reading: Reading) -> str:
    if printout.data_lines == 0:
        return "the program printed no number at all" if printout.lines else "the program printed nothing"
    seen = [f"{c.name!r} ({c.values:,}x)" for c in reading.columns if c.how != "label"][:6]
    return ("none of the printed values could be read as a quantity of the example" +
            (f" (it prints {', '.join(seen)})" if seen else "") +
            ": print the golden names (E_total, out_o1, ...) or map yours (for instance --name 'loss=E_total')")


# --- commands --------------------------------------------------------------------------------------------

def reader_for(spec: Spec, iterations: int, printing: Printing) -> Reader:
    mapping = printing.name_map()
    watch = names.quantities(spec) + (list(mapping.to_golden) if mapping else [])
    limit = max(MIN_VALUES, VALUES_PER_EXPECTED * iterations * (len(names.quantities(spec)) + 1))
    return Reader(columns=printing.columns, watch=watch, max_values=limit, strict=printing.strict,
                  usual=usual_names(names.output_columns(spec), names.trained_names(spec)))


def verify_command(argv: list[str], spec: Spec, options: Options = Options(), *, stdin: bytes | None = None,
                   program: str = "", notes: tuple[str, ...] = ()) -> Verdict:
    """Run ``argv`` and verify what it prints on standard output.

    The program runs first; goldens the run needs and nobody has derived yet are derived after it, so that a
    program that cannot be read costs no derivation. What a program printed before it hung is still judged.
    """
    who = {"program": program, "example": example_name(spec), "notes": notes}
    started = time.perf_counter()
    iterations = options.iterations or spec.iterations
    ended, stopped, crash = "", "hang", ""
    try:
        check_fresh(spec)
        reader = reader_for(spec, iterations, options.printing)
        output = max(MIN_OUTPUT, 4 * BYTES_PER_VALUE * iterations * (len(names.quantities(spec)) + 1))
        try:
            outcome = run(argv, timeout=options.timeout, stdin=stdin, cwd=options.cwd, sink=reader.feed,
                          max_stdout_bytes=output)
            ran = outcome.seconds
        except TraceError as error:
            # a run that hangs or crashes is judged on what it printed before: "verified to iteration 500, then
            # failed with exit status 1"
            if error.kind == "hang":
                ended, ran = f"timed out after {options.timeout:g} s", options.timeout
            elif error.kind == "exit-status":
                crash = str(error)
                ended, stopped = crash.removeprefix(f"{argv[0]} "), "exit-status"
                ran = time.perf_counter() - started
            else:
                raise
        try:
            printout = reader.finish()
        except TraceError:
            if stopped == "exit-status":
                return errored(crash, stopped, **who)
            if ended:
                return errored(f"{program or argv[0]} {ended} (it was stopped with every process it started)",
                               "hang", **who)
            raise
        if ended and printout.data_lines == 0:
            if stopped == "exit-status":
                return errored(crash, stopped, **who)
            return errored(f"{program or argv[0]} printed nothing to check and {ended} (it was stopped with every "
                           "process it started; raise --timeout if it is only slow)", "hang", **who)
        truth = load(spec, options.iterations, options.precision)
    except TruthError as error:
        return errored(str(error), "golden", **who)
    except TraceError as error:
        return errored(str(error), error.kind, **who)
    verdict = verify_printout(printout, truth, options, program=program, notes=notes, ended=ended,
                              stopped=stopped)
    return replace(verdict, seconds={"run": ran, "verify": time.perf_counter() - started - ran})


# --- programs run in this process ---------------------------------------------------------------------

def frame_cells(timeline: Timeline, frame: pd.DataFrame) -> Cells:
    """An in-process program's trajectory table (golden columns, an iteration per row) as cells: every value a
    double the program held, each at its golden place; a value that is not finite is kept, and fails."""
    quantities = timeline.quantities
    iterations = frame["iteration"].to_numpy(np.int64) if "iteration" in frame else np.arange(len(frame))
    parts = []
    for column in frame.columns:
        if column == "iteration" or column not in quantities:
            continue
        q = quantities.index(column)
        got = frame[column].to_numpy(dtype=np.float64)
        t = iterations + (1 if timeline.group[q] == 2 else 0)
        parts.append(Cells(np.full(len(got), q), t, got, np.zeros(len(got)), np.full(len(got), q),
                           iterations + 1))
    return Cells.joined(parts)


def verify_frame(frame: pd.DataFrame, truth: Truth, *, program: str = "", diagnose: bool = True) -> Verdict:
    """A trajectory table held in this process (golden columns, a row per iteration from 0, every value a double)
    against the truth: the same comparison and explanation as a printed trace's."""
    timeline = Timeline(truth)
    if len(frame) != truth.iterations:
        how = "stopped after" if len(frame) < truth.iterations else "ran"
        return Verdict(Status.FAILED, f"the program {how} {len(frame):,} iterations; the run has {truth.iterations:,}",
                       program=program, example=example_name(truth.spec))
    cells = frame_cells(timeline, frame)
    inside = timeline.valid(cells.quantity, cells.t)
    return judge(compare(timeline, cells.subset(inside)), program=program, diagnose=diagnose)


def _in_process(program: Program, spec: Spec, truth: Truth, options: Options) -> Verdict:
    who = {"program": program.name, "example": example_name(spec)}
    started = time.perf_counter()
    try:
        frame = program.run(spec, truth.iterations,  # type: ignore[misc]  # in process: run is set
                            **program.run_options.get(options.precision, {}))
    except Exception as error:  # noqa: BLE001 - whatever the program under test raises is its verdict
        return errored(f"{type(error).__name__}: {error}", "exception", **who)
    ran = time.perf_counter() - started
    verdict = verify_frame(frame, truth, program=program.name, diagnose=options.diagnose)
    return replace(verdict, seconds={"run": ran, "verify": time.perf_counter() - started - ran})


def verify_program(program: Program, spec: Spec, options: Options = Options()) -> Verdict:
    """A registered program on one spec."""
    who = {"program": program.name, "example": example_name(spec)}
    reason = program.supports(spec)
    if reason:
        return skipped(f"{program.name} {reason}", **who)
    if program.runtime and shutil.which(program.runtime) is None:
        return skipped(f"{program.runtime} is not on PATH: install it (apt-get install {program.runtime}) to run "
                       f"{program.name}", **who)
    if program.in_process:
        try:
            truth = load(spec, options.iterations, options.precision)
        except TruthError as error:
            return errored(str(error), "golden", **who)
        return _in_process(program, spec, truth, options)
    try:
        command = program.command(spec, options.download)  # type: ignore[misc]  # not in process: a command
    except Missing as why:
        return skipped(str(why), **who)
    except Unusable as why:
        return errored(str(why), "unavailable", **who)
    argv = [shutil.which(command.argv[0]) or command.argv[0], *command.argv[1:]]
    stdin = spec_json(spec, options.iterations).encode() if program.stdin == "spec-json" else None
    printing = replace(options.printing, names_file=program.names, strict=False)
    verdict = verify_command(argv, spec, replace(options, printing=printing), stdin=stdin, program=program.name,
                             notes=(command.note,) if command.note else ())
    return _whole_run(verdict, spec, options)


def _whole_run(verdict: Verdict, spec: Spec, options: Options) -> Verdict:
    """A registered program prints every iteration: one that stops early has not run the spec."""
    comparison = verdict.comparison
    if verdict.status is not Status.PASSED or comparison is None:
        return verdict
    run_length = options.iterations or spec.iterations
    at = comparison.timeline.iteration(comparison.cells.quantity, comparison.cells.t)
    last = int(at.max()) if len(at) else -1
    if last < run_length - 1:
        return replace(verdict, status=Status.FAILED, reason=f"the program stopped after iteration {last:,} of "
                       f"the run's {run_length:,}: {verdict.reason}")
    return verdict


__all__ = ["DEFAULT_TIMEOUT", "Options", "Printing", "judge", "rounding", "verify_command", "verify_frame",
           "verify_printout", "verify_program"]
