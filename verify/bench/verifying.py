"""Part 4: what verifying a program's full trace costs beyond the program's own run, and what inference adds.

The documented example's 10,000 iterations are 190,000 values. A stand-in
program prints them with ``cat`` from a file, once as the golden CSV and once
as a name:value trace (one ``name:value`` line per value, as Neuron.rb prints
them); ``verify_command`` runs it, reads the trace as it streams in, and
compares it with the goldens. What verifying adds is the verification's wall
time less that of ``cat`` alone with its output captured, round by round. The
reader alone (``read_text`` of the text in hand) is timed beside it. So is a
trace of the loss every 1,000 iterations lost among 180,000 lines of chatter
(half of them with numbers: progress, timings), and the interpretation of the
190,000-value trace with every printing convention inferred, less the same
with them all given.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from functools import partial
from pathlib import Path

from ...reference import names
from ...reference.goldens import render_trajectory
from ...reference.spec import Spec
from .. import programs, truth
from ..status import Status
from ..trace import read_text
from .example import documented
from .rows import Row, skipped
from .timing import Stats, interleaved, process

TARGET = 0.5


def name_value(golden: Path, quantities: list[str]) -> str:
    """A trajectory file as a name:value trace, each value's text as the CSV has it."""
    lines = golden.read_text(encoding="utf-8").splitlines()[1:]
    return "".join(f"{name}:{value}\n" for line in lines
                   for name, value in zip(quantities, line.split(",")[1:], strict=True))


def verified(argv: list[str], spec: Spec) -> None:
    verdict = programs.verify_command(argv, spec)
    if verdict.status is not Status.PASSED:
        raise RuntimeError(f"the verdict is {verdict.status}: {verdict.reason}")


def beyond_the_command(cat: str, path: Path, spec: Spec, repeats: int) -> Stats:
    """Per round: verify_command's wall time minus that of the command alone."""
    differences = []
    for _ in range(repeats):
        alone = process([cat, str(path)]).seconds
        started = time.perf_counter()
        verified([cat, str(path)], spec)
        differences.append(time.perf_counter() - started - alone)
    return Stats.of(differences)


def measure(repeats: int) -> list[Row]:
    cat = shutil.which("cat")
    if cat is None:
        return [skipped("verify", "full trace", "cat is not on PATH", target=f"< {TARGET:g} s")]
    spec = documented()
    quantities = names.quantities(spec)
    golden = truth.load(spec)  # warm: the goldens read once, as any run after the first finds them
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-trace-") as scratch:
        traces = {"csv": Path(scratch) / "trace.csv", "name:value": Path(scratch) / "trace.txt"}
        traces["csv"].write_text(render_trajectory(spec, golden.trajectory), encoding="utf-8")  # the golden's text
        traces["name:value"].write_text(name_value(traces["csv"], quantities), encoding="utf-8")
        values = f"{spec.iterations * len(quantities):,} values"
        for form, path in traces.items():
            case = f"{form} trace, {values}"
            try:
                verified([cat, str(path)], spec)
            except RuntimeError as error:
                rows.append(Row("verify", case, "verify_command").failed(str(error)).within(TARGET))
                continue
            rows.append(Row("verify", case, "verify_command less cat alone", number=1,
                            note=f"cat {path.name} (fed through the runner and reader), compared with the goldens")
                        .timed(beyond_the_command(cat, path, spec, repeats)).within(TARGET))
            text = path.read_text(encoding="utf-8")
            reader = interleaved({form: partial(read_text, text)}, repeats)[form]
            rows.append(Row("verify", case, "read_text (the reader alone)", number=1,
                            note=f"{len(text) / 1e6:.1f} MB of text in hand").timed(reader))
        chatter = Path(scratch) / "chatter.txt"
        chatter.write_text(chattering(golden), encoding="utf-8")
        case = "the loss every 1,000 iterations among 180,000 lines of chatter"
        try:
            verified([cat, str(chatter)], spec)
            rows.append(Row("verify", case, "verify_command less cat alone", number=1)
                        .timed(beyond_the_command(cat, chatter, spec, repeats)).within(TARGET))
        except RuntimeError as error:
            rows.append(Row("verify", case, "verify_command").failed(str(error)).within(TARGET))
        rows.append(inference(traces["csv"].read_text(encoding="utf-8"), golden, repeats))
    return rows


def chattering(golden: truth.Truth) -> str:
    """The loss every 1,000 iterations, with 18 lines of chatter before each record, about half with numbers."""
    loss = golden.trajectory[:, golden.column("E_total")]
    lines = []
    for k in range(0, golden.iterations):
        if k % 1000 == 0:
            lines.append(f"Epoch {k}: loss = {loss[k]!r}")
        if len(lines) < 180_000 + golden.iterations // 1000:
            lines.append(f"  batch {k % 7} done in {0.001 * (k % 13) + 0.0123:.4f} s, {900 + k % 50} it/s"
                         if k % 2 else "  shuffling the examples, saving a checkpoint ...")
            if k % 1000 == 999:
                lines += ["  ..."] * 16
    return "\n".join(lines) + "\n"


def inference(text: str, golden: truth.Truth, repeats: int) -> Row:
    """The interpretation of a whole trace with its printing inferred, less the same with it all given."""
    from ..interpret import Options, interpret
    from ..timeline import Timeline
    from ..trace import records

    found = records(read_text(text))
    timeline = Timeline(golden)
    extra = []
    for _ in range(repeats):
        started = time.perf_counter()
        interpret(found, timeline, Options())
        inferred = time.perf_counter() - started
        started = time.perf_counter()
        interpret(found, timeline, Options(count_from=0, forward_after=False))
        extra.append(inferred - (time.perf_counter() - started))
    return Row("verify", "inferring how the 190,000-value CSV trace was printed", "interpret, inferred less given",
               number=1, note="every convention tried and compared, against one").timed(Stats.of(extra)).within(0.3)
