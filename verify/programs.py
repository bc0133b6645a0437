"""Verify a program against the truth of a spec: a registered one, or any command through the trace protocol.

Every path ends in one ``Verdict``:

- skipped: the program does not support the spec, its runtime is not on PATH,
  or it cannot be had here (Neuron.rb without a copy and without --download);
- errored: it could not be verified (bad spec, stale goldens, a crash, a
  hang, an unreadable trace);
- failed: a value is beyond what the envelope allows; the first divergence,
  hints (``--after-update``, ...) and the likely cause are given;
- passed: every value checked is within it.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, replace

from ..implementations.registry import Missing, Program, Unusable
from ..implementations.spec_json import dumps as spec_json
from ..reference import names
from ..reference.spec import Spec
from .compare import Comparison, Layout, LayoutError, compare, from_frame
from .mistakes import diagnose as diagnosis
from .status import Status
from .trace import reading
from .trace.errors import TraceError
from .truth import Truth, TruthError, check_fresh, load
from .verdict import Verdict, errored, failed_reason, passed_reason, skipped

DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class Options:
    """How to verify: the run's length and arithmetic, how the trace lines up, and what may be done."""
    iterations: int | None = None
    precision: str = "float64"
    layout: Layout = Layout()
    reading: reading.Reading = reading.Reading()
    timeout: float = DEFAULT_TIMEOUT
    cwd: str | None = None
    download: bool = False
    diagnose: bool = True


def example_name(spec: Spec) -> str:
    return spec.example or str(spec.source)


# --- judging a comparison -----------------------------------------------------------------------------

def _alternatives(comparison: Comparison, shift_labels: bool) -> list[tuple[str, Layout, object]]:
    """Other ways the same records could line up: (the option that says so, layout, iterations)."""
    if comparison.layout.final:
        return []
    flipped = Layout(after_update=not comparison.layout.after_update)
    tries = [("drop --after-update" if comparison.layout.after_update else "--after-update", flipped,
              comparison.iterations)]
    if shift_labels:
        tries.append(("--count-from 1", comparison.layout, comparison.iterations - 1))
    return tries


def _realigned(truth: Truth, comparison: Comparison, shift_labels: bool):
    """The same values placed as each other option would place them: (the option, that comparison)."""
    for option, layout, iterations in _alternatives(comparison, shift_labels):
        try:
            yield option, comparison.again(truth, iterations, layout)
        except LayoutError:
            continue


def _matching_alternative(truth: Truth, comparison: Comparison, shift_labels: bool) -> tuple[str, Comparison] | None:
    """The option under which the same values pass, and that comparison; None when there is none."""
    return next(((option, other) for option, other in _realigned(truth, comparison, shift_labels) if other.passed),
                None)


def _cause_in_another_layout(truth: Truth, comparison: Comparison) -> tuple[object | None, tuple[str, ...]]:
    """A known mistake the values match when lined up as another option says (e.g. printed after the update)."""
    for option, other in _realigned(truth, comparison, shift_labels=False):
        cause = diagnosis.diagnose(truth, other)
        if cause is not None:
            return cause, (f"read with {option}, the values match a known mistake (below)",)
    return None, ()


def judge(truth: Truth, comparison: Comparison, *, program: str = "", labelled: bool = False,
          diagnose: bool = True, **more) -> Verdict:
    """Passed or failed; a failure gets a hint (when another option makes the values match) or its likely cause."""
    who = {"program": program, "example": example_name(truth.spec)}
    if comparison.passed:
        return Verdict(Status.PASSED, passed_reason(comparison), comparison=comparison, **who, **more)
    matching = _matching_alternative(truth, comparison, labelled and comparison.iterations.min(initial=0) > 0)
    hints, cause, diagnosed = (), None, False
    if matching is not None:
        option, other = matching
        hints = (f"the values match with {option}: rerun with it" if not option.startswith("drop") else
                 "the values match the forward pass before each update: drop --after-update",)
        if option == "--after-update":
            cause = diagnosis.printed_after_update(other)
    elif diagnose:
        diagnosed = True
        cause = diagnosis.diagnose(truth, comparison)
        if cause is None:
            cause, hints = _cause_in_another_layout(truth, comparison)
    return Verdict(Status.FAILED, failed_reason(comparison), comparison=comparison, cause=cause, hints=hints,
                   diagnosed=diagnosed, **who, **more)


# --- programs run in this process ---------------------------------------------------------------------

def _in_process(program: Program, spec: Spec, truth: Truth, options: Options) -> Verdict:
    started = time.perf_counter()
    try:
        frame = program.run(spec, truth.iterations, **program.run_options.get(options.precision, {}))
    except Exception as error:  # noqa: BLE001 - whatever the program under test raises is its verdict
        return errored(f"{type(error).__name__}: {error}", "exception", program=program.name,
                       example=example_name(spec))
    ran = time.perf_counter() - started
    iterations, values = from_frame(frame)
    comparison = compare(truth, iterations, values, layout=options.layout)
    verdict = judge(truth, comparison, program=program.name, diagnose=options.diagnose)
    return replace(verdict, seconds={"run": ran, "verify": time.perf_counter() - started - ran})


# --- commands --------------------------------------------------------------------------------------------

def verify_command(argv: list[str], spec: Spec, options: Options = Options(), *, stdin: bytes | None = None,
                   program: str = "", notes: tuple[str, ...] = ()) -> Verdict:
    """Run ``argv`` and verify the trace it prints on standard output.

    The program runs first; goldens the run needs and nobody has derived yet are derived after it, so
    that a program that cannot be read costs no derivation.
    """
    who = {"program": program, "example": example_name(spec), "notes": notes}
    started = time.perf_counter()
    iterations = options.iterations or spec.iterations
    try:
        check_fresh(spec)
        trace, ran = reading.read_command(argv, names.quantities(spec), iterations, options.reading,
                                          timeout=options.timeout, stdin=stdin, cwd=options.cwd)
        truth = load(spec, options.iterations, options.precision)
    except TruthError as error:
        return errored(str(error), "golden", **who)
    except TraceError as error:
        return errored(str(error), error.kind, **who)
    notes = notes + reading.notes(trace)
    hints = reading.hints(trace)
    if not trace.quantities:
        seen = ", ".join(f"{name!r}" for name in list(trace.unknown_names)[:6]) or "no names"
        return errored(f"none of the example's quantities is in the trace (it prints {seen}): print the golden "
                       f"names ({', '.join(truth.quantities[:3])}, ...) or map yours with --name "
                       "'PROGRAM NAME=GOLDEN_NAME'", "no-names", hints=hints, **who)
    try:
        layout = options.layout
        if layout.final and trace.records > 1:
            return errored(f"--final compares one record, the state after training, but the trace has "
                           f"{trace.records:,}: drop --final", "layout", hints=hints, **who)
        if not layout.final and reading.single_unlabelled(trace):
            layout = _final_or_first(truth, trace, layout)
        comparison = compare(truth, trace.iterations, trace.values, trace.resolution, layout, trace.present)
    except LayoutError as error:
        hint = _labels_hint(truth, trace, options)
        if hint:
            reason = (f"the labels run up to {truth.iterations:,}, one past the run's last iteration "
                      f"({truth.iterations - 1:,}): {hint}")
        return errored(reason if hint else str(error), "layout", hints=hints, **who)
    verdict = judge(truth, comparison, program=program, labelled=trace.labelled, diagnose=options.diagnose,
                    notes=notes)
    return replace(verdict, hints=hints + verdict.hints,
                   seconds={"run": ran, "verify": time.perf_counter() - started - ran})


def _labels_hint(truth: Truth, trace, options: Options) -> str | None:
    """When labels run exactly one past the run, the labels count from 1: say which options line them up."""
    if not trace.labelled or options.reading.count_from or int(trace.iterations.max()) != truth.iterations:
        return None
    for after in (options.layout.after_update, not options.layout.after_update):
        layout = Layout(after_update=after)
        try:
            if compare(truth, trace.iterations - 1, trace.values, trace.resolution, layout, trace.present).passed:
                return "they count from 1, and the values match with --count-from 1" + \
                    (" --after-update" if after else "")
        except LayoutError:
            return None
    return ("they count from 1 (--count-from 1; add --after-update when the values are printed after each update, "
            "and --iterations when the program runs more iterations than the spec)")


def _final_or_first(truth: Truth, trace, layout: Layout) -> Layout:
    """One record without a label: iteration 0, or the final state, whichever it matches."""
    final = Layout(after_update=layout.after_update, final=True)
    first = compare(truth, trace.iterations, trace.values, trace.resolution, layout, trace.present)
    if first.passed or truth.iterations == 1:
        return layout
    last = compare(truth, trace.iterations, trace.values, trace.resolution, final, trace.present)
    return final if last.passed or last.max_ratio < first.max_ratio else layout


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
        command = program.command(spec, options.download)
    except Missing as why:
        return skipped(str(why), **who)
    except Unusable as why:
        return errored(str(why), "unavailable", **who)
    argv = [shutil.which(command.argv[0]) or command.argv[0], *command.argv[1:]]
    stdin = spec_json(spec, options.iterations).encode() if program.stdin == "spec-json" else None
    reading_options = replace(options.reading, format=program.trace_format, names_file=program.names)
    return verify_command(argv, spec, replace(options, reading=reading_options), stdin=stdin,
                          program=program.name, notes=(command.note,) if command.note else ())
