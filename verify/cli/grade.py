"""``backprop-verify grade``: grade a class: run every submission, verify it stage by stage, score it by a rubric."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

from ...reference import names
from ...reference.writer import WriteError, write_file
from ..escape import for_terminal
from ..grade import outputs
from ..grade import run as grading
from ..grade.formats import github, gradescope, prairielearn
from ..grade.page import ClassPage
from ..grade.rubric import RubricError
from ..grade.rubric import load as load_rubric
from ..grade.sandbox import Limits, Sandbox, SandboxError, check
from ..grade.score import Graded, points
from ..grade.submissions import Found, SubmissionError, find
from ..report import execute
from ..status import Status, overall
from . import trace
from .common import Parser, UsageError, whole
from .report import usable_out

FORMATS = ("text", "json", "gradescope", "prairielearn", "github")
# Where an autograder puts the one submission when SUBMISSIONS is not given, and where it reads the result.
AUTOGRADERS = {"gradescope": (gradescope.SUBMISSION, gradescope.RESULTS),
               "prairielearn": (prairielearn.SUBMISSION, prairielearn.RESULTS)}
# The options of `trace` that say what a program computes and how it prints: the same for every submission.
TRACE_OPTIONS = ("spec", "iterations", "learning_rate", "columns", "name", "names", "after_update", "final",
                 "count_from", "every", "strict", "precision", "timeout", "stdin_spec", "no_diagnosis")

EXAMPLE = """examples:
  backprop-verify grade class/ --run 'python3 train.py'                  # every sub-folder of class/ is a submission
  backprop-verify grade class/ --run 'sh run.sh' --sandbox --jobs 4      # each in a sandbox, four at once
  backprop-verify grade class/ --run 'node net.js' --rubric rubric.toml --out grades/
  backprop-verify grade --format gradescope --run 'python3 train.py'     # inside Gradescope's autograder
  backprop-verify grade . --one --run 'python3 train.py' --format github # a student's repository checks itself
writes OUT/class.html (the class at a glance), grades.csv, junit.xml, grades.json and summary.md"""


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("grade", help="grade a folder of submissions: stages, points, autograder formats",
                                 description=__doc__.split(": ", 1)[1], epilog=EXAMPLE,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", nargs="?", type=Path, metavar="SUBMISSIONS",
                        help="the folder holding one folder per submission (with --one: one submission); inside an "
                        "autograder (--format gradescope or prairielearn) its submission folder by default")
    parser.add_argument("--run", required=True, metavar="COMMAND", dest="run_command",
                        help="the shell command that builds and runs a submission, in its folder: the same for all")
    parser.add_argument("--one", action="store_true", help="SUBMISSIONS is itself one submission")
    parser.add_argument("--rubric", type=Path, metavar="FILE", help="points per stage and what must be printed "
                        "(TOML; default: 2 forward, 1 loss, 2 + 2 gradients, 2 updates, 1 trajectory)")
    parser.add_argument("--out", type=Path, default=Path("grades"), metavar="DIR",
                        help="the folder for the class's files and the kept results (default: grades)")
    parser.add_argument("--jobs", type=whole(1, 256), default=execute.default_workers(),
                        help="submissions graded at once (default: the cores here)")
    parser.add_argument("--force", action="store_true", help="grade again submissions already graded and unchanged")
    parser.add_argument("--sandbox", action="store_true", help="run each submission under bubblewrap: no network, "
                        "the system read-only, only its copy writable, limits on CPU, memory, processes, files")
    parser.add_argument("--sandbox-allow", type=Path, action="append", default=[], metavar="DIR",
                        help="a folder the sandbox shows read-only besides the system and PATH (repeatable)")
    parser.add_argument("--memory", type=whole(16, 1 << 20), default=Limits.memory_mb, metavar="MB",
                        help=f"with --sandbox: memory per process (default {Limits.memory_mb})")
    parser.add_argument("--processes", type=whole(8, 1 << 16), default=Limits.processes, metavar="N",
                        help=f"with --sandbox: processes and threads at once (default {Limits.processes})")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default): a line per submission as it is graded; json: its record; gradescope, "
                        "prairielearn: also each one's results.json; github: annotations and the step summary")
    parser.add_argument("--visibility", choices=gradescope.VISIBILITIES, default="visible",
                        help="Gradescope's visibility of the tests (default visible)")
    _trace_options(parser)
    parser.set_defaults(run=run, cwd=None)


def _trace_options(parser: argparse.ArgumentParser) -> None:
    """The options of `trace` named in TRACE_OPTIONS, taken from its own parser, so that both read them alike."""
    holder = Parser(prog="backprop-verify").add_subparsers(parser_class=Parser)
    trace.add_parser(holder)
    group = parser.add_argument_group("how the submissions print (as for `backprop-verify trace`)")
    for action in holder.choices["trace"]._actions:
        if action.dest in TRACE_OPTIONS:
            group._add_action(action)


def _setup(args: argparse.Namespace, one: bool) -> tuple[Found, grading.Setup]:
    if not args.run_command.strip():
        raise UsageError("--run is empty: give the shell command that builds and runs a submission in its folder, "
                         "e.g. --run 'python3 train.py'")
    for folder in args.sandbox_allow:
        if not folder.is_dir():
            raise UsageError(f"--sandbox-allow {folder}: no such folder (give a folder the submissions may read)")
    invocation_args = argparse.Namespace(**{**vars(args), "command": ["--", "sh"]})
    found = trace.invocation(invocation_args)
    try:
        rubric = load_rubric(args.rubric, names.quantities(found.spec))
    except RubricError as error:
        raise UsageError(str(error)) from None
    try:
        submissions = find(args.submissions, one, outputs.written(args.out))
    except SubmissionError as error:
        raise UsageError(str(error)) from None
    sandbox = None
    if args.sandbox:
        limits = Limits(cpu_seconds=math.ceil(args.timeout), memory_mb=args.memory, processes=args.processes)
        folders = tuple(s.folder for s in submissions.submissions)  # those a link leads to are elsewhere
        sandbox = Sandbox(limits, tuple(args.sandbox_allow), (args.submissions, args.out, *folders))
        try:
            check(sandbox)
        except SandboxError as error:
            raise UsageError(str(error)) from None
    elif args.sandbox_allow:
        raise UsageError("--sandbox-allow is for --sandbox: give --sandbox too")
    return submissions, grading.Setup(args.run_command, found.spec, found.options, rubric, found.stdin, sandbox)


def run(args: argparse.Namespace) -> int:
    autograder = args.submissions is None
    if autograder:
        if args.format not in AUTOGRADERS:
            raise UsageError("no SUBMISSIONS given: name the folder of submissions (only --format gradescope or "
                             "prairielearn know where their autograder puts the one submission)")
        args.submissions = Path(AUTOGRADERS[args.format][0])
    one = args.one or autograder
    found, setup = _setup(args, one)
    out = usable_out(args.out)
    if found.left_out:
        print(for_terminal(f"note: left out of the class, as grade's own output (--out {args.out}): "
                           f"{', '.join(found.left_out)}"), file=sys.stderr, flush=True)
    shown = Shown(args.format, len(found.submissions))
    graded: list[Graded] = []
    for result, reused in grading.grade_all(found.submissions, setup, out=out, jobs=args.jobs, force=args.force,
                                            started=shown.started, unkept=shown.unkept):
        graded.append(result)
        shown.result(result, reused)
    graded.sort(key=lambda g: g.name)
    page = ClassPage(setup.rubric.title, graded, _provenance(args, setup))
    try:
        written = outputs.write(out, page, args.format, args.visibility)
        if autograder:
            result_file = Path(AUTOGRADERS[args.format][1])
            write_file(result_file, outputs.platform_json(args.format, graded[0], args.visibility))
            written.append(result_file)
        if args.format == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
            with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
                summary.write(github.summary(graded, page.title))
    except (WriteError, OSError) as error:
        raise UsageError(f"the results could not be written: {error}") from None
    shown.close(graded, written)
    # a submission that passed but does not print what the rubric requires fails the class
    statuses = [Status.FAILED if g.missing else g.status for g in graded]
    status = overall(statuses)
    return (Status.SKIPPED if status is Status.PASSED and Status.SKIPPED in statuses else status).exit_code


def _provenance(args: argparse.Namespace, setup: grading.Setup) -> dict[str, str]:
    from ..programs import example_name
    from .main import version

    return {"backprop-verify": version(), "date": time.strftime("%Y-%m-%d %H:%M %Z"),
            "example": example_name(setup.spec), "run": setup.run, "submissions": str(args.submissions),
            "sandbox": "bubblewrap" if setup.sandbox else "none", "timeout": f"{setup.options.timeout:g} s"}


class Shown:
    """What the command prints as it goes: a line (or a JSON object) per submission, a progress line, a summary."""

    def __init__(self, form: str, total: int):
        self.form, self.total, self.done, self.kept = form, total, 0, 0
        self.progress = sys.stderr.isatty() and form == "text"

    def started(self, to_run: int, reused: int) -> None:
        if reused and self.form != "json":
            print(f"{reused} of {self.total} unchanged since they were graded: their results are kept "
                  "(--force grades them again)", flush=True)

    def unkept(self, name: str, why: str) -> None:
        if self.progress:
            print("\r\033[K", end="", file=sys.stderr)
        print(for_terminal(f"note: the result of {name} could not be kept for the next run ({why}): it will be "
                           "graded again then"), file=sys.stderr, flush=True)

    def result(self, graded: Graded, reused: bool) -> None:
        self.done += 1
        self.kept += reused
        if self.progress:
            print("\r\033[K", end="", file=sys.stderr)
        if self.form == "json":
            print(json.dumps(graded.record()), flush=True)  # ASCII: no character a terminal would act on
        elif self.form == "github":
            for line in github.annotate(graded):
                print(line, flush=True)
        elif not reused:
            print(for_terminal(f"[{self.done}/{self.total}] {graded.summary()}"), flush=True)
        if self.progress and self.done < self.total:
            print(f"graded {self.done} of {self.total}...", end="", file=sys.stderr, flush=True)

    def close(self, graded: list[Graded], written: list[Path]) -> None:
        if self.form == "json":
            return
        counts = ", ".join(f"{sum(g.status.value == s for g in graded)} {s}"
                           for s in ("passed", "failed", "errored", "skipped"))
        mean = sum(g.score for g in graded) / len(graded) if graded else 0.0
        top = graded[0].max_score if graded else 0.0
        where = written[0].parent if written else ""
        print(f"graded {len(graded)}: {counts}; mean {mean:.2f} of {points(top)} points; wrote {where}/"
              f"{written[0].name if written else ''} and {len(written) - 1} more", flush=True)
